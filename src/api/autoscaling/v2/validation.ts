// Validation of HorizontalPodAutoscalers (k8s.io/kubernetes/pkg/apis/autoscaling/validation).
// Both served versions are checked in this shape, so v1 objects report v2 field paths, as upstream.
import { parseQuantity } from '../../quantity/index.js';
import { type FieldError, FieldPath, forbidden, invalid, notSupported, required } from '../../validation/field.js';
import { isDNS1123Label, isValidPathSegmentName } from '../../validation/names.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { nonNegative } from '../../apps/v1/validation-helpers.js';
import type {
  ContainerResourceMetricSource,
  CrossVersionObjectReference,
  ExternalMetricSource,
  HPAScalingPolicy,
  HPAScalingRules,
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerBehavior,
  HorizontalPodAutoscalerSpec,
  MetricIdentifier,
  MetricSpec,
  MetricTarget,
  ObjectMetricSource,
  PodsMetricSource,
  Quantity,
  ResourceMetricSource,
} from './types.js';

export const maxPeriodSeconds = 1800;
export const maxStabilizationWindowSeconds = 3600;
const metricSourceTypes = ['Object', 'Pods', 'Resource', 'External', 'ContainerResource'];
const sourceFieldOf: Record<string, keyof MetricSpec> = { Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource' };
const sourceFields = ['object', 'pods', 'resource', 'containerResource', 'external'] as const;

export function validateCrossVersionObjectReference(ref: CrossVersionObjectReference | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['kind', 'name'] as const) {
    const v = ref?.[f] ?? '';
    if (!v) errs.push(required(p.child(f), ''));
    else for (const m of isValidPathSegmentName(v)) errs.push(invalid(p.child(f), v, m));
  }
  return errs;
}

function positiveQuantity(v: Quantity | undefined, p: FieldPath): FieldError[] {
  if (v === undefined || v === null) return [];
  try {
    return parseQuantity(v).sign() === 1 ? [] : [invalid(p, v, 'must be positive')];
  } catch (e) {
    return [invalid(p, v, (e as Error).message)];
  }
}

function validateMetricTarget(t: MetricTarget | undefined, p: FieldPath): FieldError[] {
  const mt = t ?? {};
  const errs: FieldError[] = [];
  if (!mt.type) errs.push(required(p.child('type'), 'must specify a metric target type'));
  if (mt.type !== 'Utilization' && mt.type !== 'Value' && mt.type !== 'AverageValue') {
    errs.push(invalid(p.child('type'), mt.type ?? '', 'must be either Utilization, Value, or AverageValue'));
  }
  errs.push(...positiveQuantity(mt.value, p.child('value')), ...positiveQuantity(mt.averageValue, p.child('averageValue')));
  if (mt.averageUtilization !== undefined && mt.averageUtilization < 1) errs.push(invalid(p.child('averageUtilization'), mt.averageUtilization, 'must be greater than 0'));
  return errs;
}

function validateMetricIdentifier(id: MetricIdentifier | undefined, p: FieldPath): FieldError[] {
  const name = id?.name ?? '';
  if (!name) return [required(p.child('name'), 'must specify a metric name')];
  return isValidPathSegmentName(name).map((m) => invalid(p.child('name'), name, m));
}

function validateObjectSource(src: ObjectMetricSource, p: FieldPath): FieldError[] {
  const errs = [
    ...validateCrossVersionObjectReference(src.describedObject, p.child('describedObject')),
    ...validateMetricIdentifier(src.metric, p.child('metric')),
    ...validateMetricTarget(src.target, p.child('target')),
  ];
  if (src.target?.value === undefined && src.target?.averageValue === undefined) errs.push(required(p.child('target', 'averageValue'), 'must set either a target value or averageValue'));
  return errs;
}

function validatePodsSource(src: PodsMetricSource, p: FieldPath): FieldError[] {
  const errs = [...validateMetricIdentifier(src.metric, p.child('metric')), ...validateMetricTarget(src.target, p.child('target'))];
  if (src.target?.averageValue === undefined) errs.push(required(p.child('target', 'averageValue'), 'must specify a positive target averageValue'));
  return errs;
}

function validateResourceTargets(t: MetricTarget | undefined, p: FieldPath): FieldError[] {
  const errs = validateMetricTarget(t, p.child('target'));
  if (t?.averageUtilization === undefined && t?.averageValue === undefined) {
    errs.push(required(p.child('target', 'averageUtilization'), 'must set either a target raw value or a target utilization'));
  }
  if (t?.averageUtilization !== undefined && t?.averageValue !== undefined) {
    errs.push(forbidden(p.child('target', 'averageValue'), 'may not set both a target raw value and a target utilization'));
  }
  return errs;
}

function validateResourceSource(src: ResourceMetricSource, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!src.name) errs.push(required(p.child('name'), 'must specify a resource name'));
  return [...errs, ...validateResourceTargets(src.target, p)];
}

function validateContainerResourceSource(src: ContainerResourceMetricSource, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!src.name) errs.push(required(p.child('name'), 'must specify a resource name'));
  if (!src.container) errs.push(required(p.child('container'), 'must specify a container'));
  else for (const m of isDNS1123Label(src.container)) errs.push(invalid(p.child('container'), src.container, m));
  return [...errs, ...validateResourceTargets(src.target, p)];
}

function validateExternalSource(src: ExternalMetricSource, p: FieldPath): FieldError[] {
  const errs = [...validateMetricIdentifier(src.metric, p.child('metric')), ...validateMetricTarget(src.target, p.child('target'))];
  const t = src.target ?? {};
  if (t.value === undefined && t.averageValue === undefined) errs.push(required(p.child('target', 'averageValue'), 'must set either a target value for metric or a per-pod target'));
  if (t.value !== undefined && t.averageValue !== undefined) errs.push(forbidden(p.child('target', 'value'), 'may not set both a target value for metric and a per-pod target'));
  return errs;
}

function validateMetricSpec(spec: MetricSpec, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const type = spec.type ?? '';
  if (!type) errs.push(required(p.child('type'), 'must specify a metric source type'));
  if (!metricSourceTypes.includes(type)) errs.push(notSupported(p.child('type'), type, metricSourceTypes));
  // Only the first source present is validated in depth; extra ones are reported below.
  const present = sourceFields.filter((f) => spec[f] !== undefined && spec[f] !== null);
  const first = present[0];
  if (first === 'object') errs.push(...validateObjectSource(spec.object!, p.child('object')));
  if (first === 'pods') errs.push(...validatePodsSource(spec.pods!, p.child('pods')));
  if (first === 'resource') errs.push(...validateResourceSource(spec.resource!, p.child('resource')));
  if (first === 'containerResource') errs.push(...validateContainerResourceSource(spec.containerResource!, p.child('containerResource')));
  if (first === 'external') errs.push(...validateExternalSource(spec.external!, p.child('external')));
  const expected = sourceFieldOf[type];
  if (expected) {
    if (spec[expected] === undefined || spec[expected] === null) errs.push(required(p.child(expected), 'must populate information for the given metric source'));
  } else {
    errs.push(notSupported(p.child('type'), type, metricSourceTypes));
  }
  if (present.length !== 1) {
    for (const f of present) if (f !== expected) errs.push(forbidden(p.child(f), 'must populate the given metric source only'));
  }
  return errs;
}

function validateScalingPolicy(policy: HPAScalingPolicy, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (policy.type !== 'Pods' && policy.type !== 'Percent') errs.push(notSupported(p.child('type'), policy.type ?? '', ['Pods', 'Percent']));
  const value = policy.value ?? 0;
  if (value <= 0) errs.push(invalid(p.child('value'), value, 'must be greater than zero'));
  const period = policy.periodSeconds ?? 0;
  if (period <= 0) errs.push(invalid(p.child('periodSeconds'), period, 'must be greater than zero'));
  if (period > maxPeriodSeconds) errs.push(invalid(p.child('periodSeconds'), period, `must be less than or equal to ${maxPeriodSeconds}`));
  return errs;
}

function validateScalingRules(rules: HPAScalingRules | undefined, p: FieldPath): FieldError[] {
  if (!rules) return [];
  const errs: FieldError[] = [];
  const w = rules.stabilizationWindowSeconds;
  if (w !== undefined && w < 0) errs.push(invalid(p.child('stabilizationWindowSeconds'), w, 'must be greater than or equal to zero'));
  if (w !== undefined && w > maxStabilizationWindowSeconds) errs.push(invalid(p.child('stabilizationWindowSeconds'), w, `must be less than or equal to ${maxStabilizationWindowSeconds}`));
  if (rules.selectPolicy !== undefined && !['Max', 'Min', 'Disabled'].includes(rules.selectPolicy)) {
    errs.push(notSupported(p.child('selectPolicy'), rules.selectPolicy, ['Disabled', 'Max', 'Min']));
  }
  const policies = rules.policies ?? [];
  if (policies.length === 0) errs.push(required(p.child('policies'), 'must specify at least one Policy'));
  policies.forEach((pol, i) => errs.push(...validateScalingPolicy(pol, p.child('policies').index(i))));
  return errs;
}

function validateBehavior(b: HorizontalPodAutoscalerBehavior | undefined, p: FieldPath): FieldError[] {
  if (!b) return [];
  return [...validateScalingRules(b.scaleUp, p.child('scaleUp')), ...validateScalingRules(b.scaleDown, p.child('scaleDown'))];
}

export function validateHorizontalPodAutoscalerSpec(spec: HorizontalPodAutoscalerSpec, p: FieldPath = FieldPath.root('spec')): FieldError[] {
  const errs: FieldError[] = [];
  const minReplicasLowerBound = 1;
  const max = spec.maxReplicas ?? 0;
  if (spec.minReplicas !== undefined && spec.minReplicas < minReplicasLowerBound) {
    errs.push(invalid(p.child('minReplicas'), spec.minReplicas, `must be greater than or equal to ${minReplicasLowerBound}`));
  }
  if (max < 1) errs.push(invalid(p.child('maxReplicas'), max, 'must be greater than 0'));
  if (spec.minReplicas !== undefined && max < spec.minReplicas) errs.push(invalid(p.child('maxReplicas'), max, 'must be greater than or equal to `minReplicas`'));
  const refErrs = validateCrossVersionObjectReference(spec.scaleTargetRef, p.child('scaleTargetRef'));
  if (refErrs.length > 0) errs.push(...refErrs);
  else (spec.metrics ?? []).forEach((m, i) => errs.push(...validateMetricSpec(m, p.child('metrics').index(i))));
  errs.push(...validateBehavior(spec.behavior, p.child('behavior')));
  return errs;
}

export function validateHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): FieldError[] {
  return [...validateObjectMeta(hpa.metadata, true, nameIsDNSSubdomain), ...validateHorizontalPodAutoscalerSpec(hpa.spec ?? {})];
}

export function validateHorizontalPodAutoscalerUpdate(hpa: HorizontalPodAutoscaler, old: HorizontalPodAutoscaler): FieldError[] {
  return [...validateObjectMetaUpdate(hpa.metadata, old.metadata), ...validateHorizontalPodAutoscalerSpec(hpa.spec ?? {})];
}

export function validateHorizontalPodAutoscalerStatusUpdate(hpa: HorizontalPodAutoscaler, old: HorizontalPodAutoscaler): FieldError[] {
  const st = hpa.status ?? {};
  const p = FieldPath.root('status');
  return [...validateObjectMetaUpdate(hpa.metadata, old.metadata), ...nonNegative(st.currentReplicas ?? 0, p.child('currentReplicas')), ...nonNegative(st.desiredReplicas ?? 0, p.child('desiredReplicas'))];
}
