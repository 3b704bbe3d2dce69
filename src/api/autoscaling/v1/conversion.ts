// autoscaling/v1 <-> autoscaling/v2 conversion, as upstream converts through its internal type.
// v1 can express only a CPU utilization target; whatever else a v2 object holds (other metrics,
// current metric readings, conditions, behavior) travels in round-trip annotations on the v1
// object and is restored from them when a v1 object is written back.
import { parseQuantity } from '../../quantity/index.js';
import type { LabelSelector } from '../../meta/types.js';
import { defaultCPUUtilization, defaultHorizontalPodAutoscaler } from '../v2/defaults.js';
import type * as v2 from '../v2/types.js';
import type { HPAScalingPolicy, HPAScalingRules, HorizontalPodAutoscalerBehavior, HorizontalPodAutoscalerCondition, MetricSpec, MetricStatus, Quantity } from '../v2/types.js';
import type { HorizontalPodAutoscaler, V1MetricSpec, V1MetricStatus } from './types.js';

export const metricSpecsAnnotation = 'autoscaling.alpha.kubernetes.io/metrics';
export const metricStatusesAnnotation = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const conditionsAnnotation = 'autoscaling.alpha.kubernetes.io/conditions';
export const behaviorAnnotation = 'autoscaling.alpha.kubernetes.io/behavior';
const roundTripAnnotations = [metricSpecsAnnotation, metricStatusesAnnotation, conditionsAnnotation, behaviorAnnotation];

// ---- small helpers ------------------------------------------------------------------------

/** Drop undefined members so JSON output has exactly the fields Go would emit. */
function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** Quantities are re-emitted in canonical form, as a Go round trip does. */
function q(v: Quantity | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  try {
    return parseQuantity(v).toString();
  } catch {
    return String(v);
  }
}
/** A non-pointer Quantity field in Go: absent reads as zero. */
const q0 = (v: Quantity | undefined): string => q(v) ?? '0';

function withoutRoundTripAnnotations(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!annotations) return undefined;
  const out = { ...annotations };
  for (const k of roundTripAnnotations) delete out[k];
  return Object.keys(out).length ? out : undefined;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Go's encoding/json matches field names case-insensitively when decoding. */
function field(o: unknown, name: string): unknown {
  if (!o || typeof o !== 'object') return undefined;
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(o)) if (k.toLowerCase() === want) return v;
  return undefined;
}

const isCPUUtilization = (m: MetricSpec): boolean => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target?.averageUtilization !== undefined;

// ---- metrics: v2 -> v1 annotation shapes ---------------------------------------------------

function metricSpecToV1(m: MetricSpec): V1MetricSpec {
  const out: V1MetricSpec = { type: m.type };
  if (m.object) {
    out.object = compact({
      target: m.object.describedObject ?? { kind: '', name: '' },
      metricName: m.object.metric?.name ?? '',
      targetValue: q0(m.object.target?.value),
      selector: m.object.metric?.selector,
      averageValue: q(m.object.target?.averageValue),
    });
  }
  if (m.pods) out.pods = compact({ metricName: m.pods.metric?.name ?? '', targetAverageValue: q0(m.pods.target?.averageValue), selector: m.pods.metric?.selector });
  if (m.resource) {
    out.resource = compact({ name: m.resource.name ?? '', targetAverageUtilization: m.resource.target?.averageUtilization, targetAverageValue: q(m.resource.target?.averageValue) });
  }
  if (m.containerResource) {
    const c = m.containerResource;
    out.containerResource = compact({ name: c.name ?? '', targetAverageUtilization: c.target?.averageUtilization, targetAverageValue: q(c.target?.averageValue), container: c.container ?? '' });
  }
  if (m.external) {
    const e = m.external;
    out.external = compact({ metricName: e.metric?.name ?? '', metricSelector: e.metric?.selector, targetValue: q(e.target?.value), targetAverageValue: q(e.target?.averageValue) });
  }
  return out;
}

function metricStatusToV1(m: MetricStatus): V1MetricStatus {
  const out: V1MetricStatus = { type: m.type };
  if (m.object) {
    out.object = compact({
      target: m.object.describedObject ?? { kind: '', name: '' },
      metricName: m.object.metric?.name ?? '',
      currentValue: q0(m.object.current?.value),
      selector: m.object.metric?.selector,
      averageValue: q(m.object.current?.averageValue),
    });
  }
  if (m.pods) out.pods = compact({ metricName: m.pods.metric?.name ?? '', currentAverageValue: q0(m.pods.current?.averageValue), selector: m.pods.metric?.selector });
  if (m.resource) {
    out.resource = compact({ name: m.resource.name ?? '', currentAverageUtilization: m.resource.current?.averageUtilization, currentAverageValue: q0(m.resource.current?.averageValue) });
  }
  if (m.containerResource) {
    const c = m.containerResource;
    out.containerResource = compact({ name: c.name ?? '', currentAverageUtilization: c.current?.averageUtilization, currentAverageValue: q0(c.current?.averageValue), container: c.container ?? '' });
  }
  if (m.external) {
    const e = m.external;
    out.external = compact({ metricName: e.metric?.name ?? '', metricSelector: e.metric?.selector, currentValue: q0(e.current?.value), currentAverageValue: q(e.current?.averageValue) });
  }
  return out;
}

// ---- metrics: v1 annotation shapes -> v2 ---------------------------------------------------

const identifier = (name: string | undefined, selector: LabelSelector | undefined): v2.MetricIdentifier => compact({ name: name ?? '', selector });

function metricSpecFromV1(m: V1MetricSpec): MetricSpec {
  const out: MetricSpec = { type: m.type };
  if (m.object) {
    const o = m.object;
    out.object = {
      describedObject: o.target ?? { kind: '', name: '' },
      metric: identifier(o.metricName, o.selector),
      target: compact({ type: o.averageValue === undefined ? 'Value' : 'AverageValue', value: q0(o.targetValue), averageValue: q(o.averageValue) }),
    };
  }
  if (m.pods) out.pods = { metric: identifier(m.pods.metricName, m.pods.selector), target: { type: 'AverageValue', averageValue: q0(m.pods.targetAverageValue) } };
  if (m.resource) {
    const r = m.resource;
    out.resource = {
      name: r.name ?? '',
      target: compact({ type: r.targetAverageUtilization === undefined ? 'AverageValue' : 'Utilization', averageUtilization: r.targetAverageUtilization, averageValue: q(r.targetAverageValue) }),
    };
  }
  if (m.containerResource) {
    const c = m.containerResource;
    out.containerResource = {
      name: c.name ?? '',
      container: c.container ?? '',
      target: compact({ type: c.targetAverageUtilization === undefined ? 'AverageValue' : 'Utilization', averageUtilization: c.targetAverageUtilization, averageValue: q(c.targetAverageValue) }),
    };
  }
  if (m.external) {
    const e = m.external;
    out.external = {
      metric: identifier(e.metricName, e.metricSelector),
      target: compact({ type: e.targetValue === undefined ? 'AverageValue' : 'Value', value: q(e.targetValue), averageValue: q(e.targetAverageValue) }),
    };
  }
  return out;
}

function metricStatusFromV1(m: V1MetricStatus): MetricStatus {
  const out: MetricStatus = { type: m.type };
  if (m.object) {
    const o = m.object;
    out.object = { describedObject: o.target ?? { kind: '', name: '' }, metric: identifier(o.metricName, o.selector), current: compact({ value: q0(o.currentValue), averageValue: q(o.averageValue) }) };
  }
  if (m.pods) out.pods = { metric: identifier(m.pods.metricName, m.pods.selector), current: { averageValue: q0(m.pods.currentAverageValue) } };
  if (m.resource) {
    const r = m.resource;
    out.resource = { name: r.name ?? '', current: compact({ averageValue: q0(r.currentAverageValue), averageUtilization: r.currentAverageUtilization }) };
  }
  if (m.containerResource) {
    const c = m.containerResource;
    out.containerResource = { name: c.name ?? '', container: c.container ?? '', current: compact({ averageValue: q0(c.currentAverageValue), averageUtilization: c.currentAverageUtilization }) };
  }
  if (m.external) {
    const e = m.external;
    out.external = { metric: identifier(e.metricName, e.metricSelector), current: compact({ value: q0(e.currentValue), averageValue: q(e.currentAverageValue) }) };
  }
  return out;
}

// ---- behavior: upstream marshals its internal Go struct, so field names are capitalized ------

function behaviorToAnnotation(b: HorizontalPodAutoscalerBehavior): string {
  const rules = (r: HPAScalingRules | undefined) =>
    r === undefined
      ? null
      : {
          StabilizationWindowSeconds: r.stabilizationWindowSeconds ?? null,
          SelectPolicy: r.selectPolicy ?? null,
          Policies: r.policies ? r.policies.map((p) => ({ Type: p.type ?? '', Value: p.value ?? 0, PeriodSeconds: p.periodSeconds ?? 0 })) : null,
        };
  return JSON.stringify({ ScaleUp: rules(b.scaleUp), ScaleDown: rules(b.scaleDown) });
}

function behaviorFromAnnotation(text: string | undefined): HorizontalPodAutoscalerBehavior | undefined {
  const raw = parseJson(text);
  if (!raw || typeof raw !== 'object') return undefined;
  const rules = (r: unknown): HPAScalingRules | undefined => {
    if (!r || typeof r !== 'object') return undefined;
    const policies = field(r, 'policies');
    return compact({
      stabilizationWindowSeconds: (field(r, 'stabilizationWindowSeconds') as number | null | undefined) ?? undefined,
      selectPolicy: (field(r, 'selectPolicy') as string | null | undefined) ?? undefined,
      policies: Array.isArray(policies)
        ? policies.map((p): HPAScalingPolicy => ({ type: field(p, 'type') as string, value: field(p, 'value') as number, periodSeconds: field(p, 'periodSeconds') as number }))
        : undefined,
    });
  };
  const out = compact({ scaleUp: rules(field(raw, 'scaleUp')), scaleDown: rules(field(raw, 'scaleDown')) });
  // Only well-formed, non-empty data moves from the annotation into the spec.
  return out.scaleUp || out.scaleDown ? out : undefined;
}

// ---- whole objects ------------------------------------------------------------------------

/** The v1 view of a stored (v2) autoscaler. */
export function hpaFromV2(stored: v2.HorizontalPodAutoscaler): HorizontalPodAutoscaler {
  const src: v2.HorizontalPodAutoscaler = structuredClone(stored);
  // Reading from storage applies the storage version's defaults first, as decoding does upstream.
  defaultHorizontalPodAutoscaler(src);
  const spec = src.spec ?? {};
  const st = src.status ?? {};
  const metrics = spec.metrics ?? [];
  const cpu = metrics.find(isCPUUtilization);
  const out: HorizontalPodAutoscaler = {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: { ...src.metadata },
    spec: compact({
      scaleTargetRef: spec.scaleTargetRef ?? { kind: '', name: '' },
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas ?? 0,
      targetCPUUtilizationPercentage: cpu?.resource?.target?.averageUtilization,
    }),
  };
  if (src.status !== undefined) {
    let currentCPU: number | undefined;
    for (const m of st.currentMetrics ?? []) {
      if (m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.current?.averageUtilization !== undefined) currentCPU = m.resource.current.averageUtilization;
    }
    out.status = compact({
      observedGeneration: st.observedGeneration,
      lastScaleTime: st.lastScaleTime,
      currentReplicas: st.currentReplicas ?? 0,
      desiredReplicas: st.desiredReplicas ?? 0,
      currentCPUUtilizationPercentage: currentCPU,
    });
  }

  const annotations: Record<string, string> = { ...(withoutRoundTripAnnotations(src.metadata.annotations) ?? {}) };
  const others = metrics.filter((m) => !isCPUUtilization(m));
  if (others.length > 0) annotations[metricSpecsAnnotation] = JSON.stringify(others.map(metricSpecToV1));
  if ((st.currentMetrics ?? []).length > 0) annotations[metricStatusesAnnotation] = JSON.stringify(st.currentMetrics!.map(metricStatusToV1));
  if (spec.behavior) annotations[behaviorAnnotation] = behaviorToAnnotation(spec.behavior);
  if ((st.conditions ?? []).length > 0) {
    annotations[conditionsAnnotation] = JSON.stringify(
      st.conditions!.map((c) => compact({ type: c.type, status: c.status, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message })),
    );
  }
  if (Object.keys(annotations).length) out.metadata.annotations = annotations;
  else delete out.metadata.annotations;
  return out;
}

/** The storage (v2) form of a v1 autoscaler, restoring what its annotations carried. */
export function hpaToV2(obj: HorizontalPodAutoscaler): v2.HorizontalPodAutoscaler {
  const src = structuredClone(obj);
  const spec = src.spec ?? {};
  const ann = src.metadata.annotations ?? {};
  let metrics: MetricSpec[] = [];
  if (spec.targetCPUUtilizationPercentage !== undefined) {
    metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } }];
  }
  const others = parseJson(ann[metricSpecsAnnotation]);
  // The v1 CPU target, when present, goes after the metrics the annotation restores.
  if (Array.isArray(others)) metrics = [...(others as V1MetricSpec[]).map(metricSpecFromV1), ...metrics];
  // v1 always implied an 80% CPU target; make it explicit once all metrics are known.
  if (metrics.length === 0) metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: defaultCPUUtilization } } }];

  const out: v2.HorizontalPodAutoscaler = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { ...src.metadata },
    spec: compact({ scaleTargetRef: spec.scaleTargetRef, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas, metrics, behavior: behaviorFromAnnotation(ann[behaviorAnnotation]) }),
  };

  if (src.status !== undefined) {
    const st = src.status;
    let currentMetrics: MetricStatus[] | undefined;
    if (st.currentCPUUtilizationPercentage !== undefined) {
      currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: st.currentCPUUtilizationPercentage } } }];
    }
    const saved = parseJson(ann[metricStatusesAnnotation]);
    if (Array.isArray(saved)) currentMetrics = (saved as V1MetricStatus[]).map(metricStatusFromV1);
    const conds = parseJson(ann[conditionsAnnotation]);
    out.status = compact({
      observedGeneration: st.observedGeneration,
      lastScaleTime: st.lastScaleTime,
      currentReplicas: st.currentReplicas,
      desiredReplicas: st.desiredReplicas ?? 0,
      currentMetrics,
      conditions: Array.isArray(conds) ? (conds as HorizontalPodAutoscalerCondition[]) : undefined,
    });
  }

  const kept = withoutRoundTripAnnotations(src.metadata.annotations);
  if (kept) out.metadata.annotations = kept;
  else delete out.metadata.annotations;
  return out;
}
