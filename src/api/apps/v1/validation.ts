// Validation of apps/v1 objects with upstream's field paths and messages
// (k8s.io/kubernetes/pkg/apis/apps/validation and the apps registry strategies).
import type { LabelSelector } from '../../meta/types.js';
import type { PodTemplateSpec } from '../../core/v1/pod/types.js';
import { validatePodTemplateSpec } from '../../core/v1/pod/validation.js';
import { type FieldError, FieldPath, forbidden, invalid, notSupported, required } from '../../validation/field.js';
import {
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  validateAnnotations,
  validateLabels,
  validateLabelSelector,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../validation/objectmeta.js';
import type {
  ControllerRevision,
  DaemonSet,
  DaemonSetStatus,
  DaemonSetUpdateStrategy,
  Deployment,
  DeploymentStatus,
  DeploymentStrategy,
  ReplicaSet,
  ReplicaSetSpec,
  ReplicaSetStatus,
  RollingUpdateDaemonSet,
  RollingUpdateDeployment,
  RollingUpdateStatefulSetStrategy,
  StatefulSet,
  StatefulSetPersistentVolumeClaimRetentionPolicy,
  StatefulSetSpec,
  StatefulSetStatus,
} from './types.js';
import {
  intOrPercentValue,
  isNotMoreThan100Percent,
  nonNegative,
  selectorIsEmpty,
  selectorMatcher,
  selectorMismatchMsg,
  semanticEqual,
  validateImmutable,
  validatePositiveIntOrPercent,
} from './validation-helpers.js';

const root = (name: string) => FieldPath.root(name);
const spec = () => root('spec');
const status = () => root('status');

// ---- shared pieces ------------------------------------------------------------------------

/** A selector that must be present and non-empty, validated strictly. */
function validateRequiredSelector(sel: LabelSelector | undefined, path: FieldPath, kindWord: string): FieldError[] {
  if (!sel) return [required(path, '')];
  const errs = validateLabelSelector(sel, path);
  if (selectorIsEmpty(sel)) errs.push(invalid(path, sel, `empty selector is invalid for ${kindWord}`));
  return errs;
}

/** ValidatePodTemplateSpecForReplicaSet: labels match the selector, the pod is valid, restarts are Always. */
function validateTemplateForReplicaSet(sel: LabelSelector | undefined, template: PodTemplateSpec | undefined, path: FieldPath, kind: string): FieldError[] {
  const errs: FieldError[] = [];
  const matcher = selectorMatcher(sel);
  if (!matcher) return [invalid(path.child('selector'), sel, 'invalid label selector')];
  const t = template ?? {};
  const labels = t.metadata?.labels;
  if (!matcher.empty && !matcher.matches(labels)) errs.push(invalid(path.child('template', 'metadata', 'labels'), labels ?? {}, selectorMismatchMsg));
  errs.push(...validatePodTemplateSpec(t, path.child('template')));
  errs.push(...restartAlwaysOnly(t, path.child('template')));
  if (t.spec?.activeDeadlineSeconds !== undefined && t.spec.activeDeadlineSeconds !== null) {
    errs.push(forbidden(path.child('template', 'spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${kind} is not Supported`));
  }
  return errs;
}

function restartAlwaysOnly(t: PodTemplateSpec, path: FieldPath): FieldError[] {
  const policy = t.spec?.restartPolicy ?? '';
  return policy === 'Always' ? [] : [notSupported(path.child('spec', 'restartPolicy'), policy, ['Always'])];
}

function validateCollisionCountNotDecremented(next: number | undefined, old: number | undefined, path: FieldPath): FieldError[] {
  // IsDecremented: an old count may not go down, nor disappear.
  if (old === undefined || old === null) return [];
  if (next === undefined || next === null || next < old) return [invalid(path, next ?? 0, 'cannot be decremented')];
  return [];
}

function validateReplicaCounts(st: Record<string, number | undefined>, fields: string[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of fields) errs.push(...nonNegative(st[f], path.child(f)));
  return errs;
}

function exceeds(st: Record<string, number | undefined>, field: string, limit: string, path: FieldPath, msg: string): FieldError[] {
  const v = st[field] ?? 0;
  return v > (st[limit] ?? 0) ? [invalid(path.child(field), v, msg)] : [];
}

// ---- Deployment ---------------------------------------------------------------------------

function validateRollingUpdateDeployment(ru: RollingUpdateDeployment, path: FieldPath): FieldError[] {
  const errs = [...validatePositiveIntOrPercent(ru.maxUnavailable, path.child('maxUnavailable')), ...validatePositiveIntOrPercent(ru.maxSurge, path.child('maxSurge'))];
  if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
    errs.push(invalid(path.child('maxUnavailable'), ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
  }
  errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, path.child('maxUnavailable')));
  return errs;
}

function validateDeploymentStrategy(s: DeploymentStrategy | undefined, path: FieldPath): FieldError[] {
  const strategy = s ?? {};
  switch (strategy.type) {
    case 'Recreate':
      return strategy.rollingUpdate ? [forbidden(path.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate':
      if (!strategy.rollingUpdate) return [required(path.child('rollingUpdate'), 'this should be defaulted and never be nil')];
      return validateRollingUpdateDeployment(strategy.rollingUpdate, path.child('rollingUpdate'));
    default:
      return [notSupported(path, strategy, ['Recreate', 'RollingUpdate'])];
  }
}

export function validateDeploymentSpec(d: Deployment): FieldError[] {
  const s = d.spec ?? {};
  const p = spec();
  const errs: FieldError[] = [...nonNegative(s.replicas ?? 0, p.child('replicas'))];
  errs.push(...validateRequiredSelector(s.selector, p.child('selector'), 'deployment'));
  errs.push(...validateTemplateForReplicaSet(s.selector, s.template, p, 'ReplicaSet'));
  errs.push(...validateDeploymentStrategy(s.strategy, p.child('strategy')));
  errs.push(...nonNegative(s.minReadySeconds ?? 0, p.child('minReadySeconds')));
  errs.push(...nonNegative(s.revisionHistoryLimit, p.child('revisionHistoryLimit')));
  if (typeof s.progressDeadlineSeconds === 'number') {
    errs.push(...nonNegative(s.progressDeadlineSeconds, p.child('progressDeadlineSeconds')));
    if (s.progressDeadlineSeconds <= (s.minReadySeconds ?? 0)) {
      errs.push(invalid(p.child('progressDeadlineSeconds'), s.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

export function validateDeployment(d: Deployment): FieldError[] {
  return [...validateObjectMeta(d.metadata, true, nameIsDNSSubdomain), ...validateDeploymentSpec(d)];
}

export function validateDeploymentUpdate(d: Deployment, old: Deployment): FieldError[] {
  return [
    ...validateObjectMetaUpdate(d.metadata, old.metadata),
    ...validateDeploymentSpec(d),
    ...validateImmutable(d.spec?.selector, old.spec?.selector, spec().child('selector')),
  ];
}

export function validateDeploymentStatus(st: DeploymentStatus, path: FieldPath = status()): FieldError[] {
  const s = st as Record<string, number | undefined>;
  const errs = validateReplicaCounts(s, ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount'], path);
  const msg = 'cannot be greater than status.replicas';
  errs.push(...exceeds(s, 'updatedReplicas', 'replicas', path, msg), ...exceeds(s, 'readyReplicas', 'replicas', path, msg), ...exceeds(s, 'availableReplicas', 'replicas', path, msg));
  errs.push(...exceeds(s, 'availableReplicas', 'readyReplicas', path, 'cannot be greater than readyReplicas'));
  return errs;
}

export function validateDeploymentStatusUpdate(d: Deployment, old: Deployment): FieldError[] {
  return [
    ...validateObjectMetaUpdate(d.metadata, old.metadata),
    ...validateDeploymentStatus(d.status ?? {}),
    ...validateCollisionCountNotDecremented(d.status?.collisionCount, old.status?.collisionCount, status().child('collisionCount')),
  ];
}

// ---- ReplicaSet ---------------------------------------------------------------------------

export function validateReplicaSetSpec(s: ReplicaSetSpec, p: FieldPath = spec()): FieldError[] {
  const errs: FieldError[] = [...nonNegative(s.replicas ?? 0, p.child('replicas')), ...nonNegative(s.minReadySeconds ?? 0, p.child('minReadySeconds'))];
  // Upstream reuses the Deployment wording here.
  errs.push(...validateRequiredSelector(s.selector, p.child('selector'), 'deployment'));
  errs.push(...validateTemplateForReplicaSet(s.selector, s.template, p, 'ReplicaSet'));
  return errs;
}

export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  return [...validateObjectMeta(rs.metadata, true, nameIsDNSSubdomain), ...validateReplicaSetSpec(rs.spec ?? {})];
}

export function validateReplicaSetUpdate(rs: ReplicaSet, old: ReplicaSet): FieldError[] {
  return [
    ...validateObjectMetaUpdate(rs.metadata, old.metadata),
    ...validateReplicaSetSpec(rs.spec ?? {}),
    ...validateImmutable(rs.spec?.selector, old.spec?.selector, spec().child('selector')),
  ];
}

export function validateReplicaSetStatus(st: ReplicaSetStatus, path: FieldPath = status()): FieldError[] {
  const s = st as Record<string, number | undefined>;
  const errs = validateReplicaCounts(s, ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'], path);
  const msg = 'cannot be greater than status.replicas';
  errs.push(...exceeds(s, 'fullyLabeledReplicas', 'replicas', path, msg), ...exceeds(s, 'readyReplicas', 'replicas', path, msg), ...exceeds(s, 'availableReplicas', 'replicas', path, msg));
  errs.push(...exceeds(s, 'availableReplicas', 'readyReplicas', path, 'cannot be greater than readyReplicas'));
  return errs;
}

export function validateReplicaSetStatusUpdate(rs: ReplicaSet, old: ReplicaSet): FieldError[] {
  return [...validateObjectMetaUpdate(rs.metadata, old.metadata), ...validateReplicaSetStatus(rs.status ?? {})];
}

// ---- DaemonSet ----------------------------------------------------------------------------

function validateRollingUpdateDaemonSet(ru: RollingUpdateDaemonSet, path: FieldPath): FieldError[] {
  const errs = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, path.child('maxUnavailable')),
    ...validatePositiveIntOrPercent(ru.maxSurge, path.child('maxSurge')),
    ...isNotMoreThan100Percent(ru.maxUnavailable, path.child('maxUnavailable')),
    ...isNotMoreThan100Percent(ru.maxSurge, path.child('maxSurge')),
  ];
  const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
  const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
  if (hasUnavailable && hasSurge) errs.push(invalid(path.child('maxSurge'), ru.maxSurge, 'may not be set when maxUnavailable is non-zero'));
  else if (!hasUnavailable && !hasSurge) errs.push(required(path.child('maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
  return errs;
}

function validateDaemonSetUpdateStrategy(s: DaemonSetUpdateStrategy | undefined, path: FieldPath): FieldError[] {
  const strategy = s ?? {};
  switch (strategy.type) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate':
      if (!strategy.rollingUpdate) return [required(path.child('rollingUpdate'), '')];
      return validateRollingUpdateDaemonSet(strategy.rollingUpdate, path.child('rollingUpdate'));
    default:
      return [notSupported(path, strategy, ['RollingUpdate', 'OnDelete'])];
  }
}

export function validateDaemonSetSpec(ds: DaemonSet): FieldError[] {
  const s = ds.spec ?? {};
  const p = spec();
  const errs: FieldError[] = [...validateLabelSelector(s.selector, p.child('selector'))];
  const t = s.template ?? {};
  const matcher = selectorMatcher(s.selector);
  if (matcher && !matcher.matches(t.metadata?.labels)) {
    errs.push(invalid(p.child('template', 'metadata', 'labels'), t.metadata?.labels ?? {}, selectorMismatchMsg));
  }
  if (s.selector && selectorIsEmpty(s.selector)) errs.push(invalid(p.child('selector'), s.selector, 'empty selector is invalid for daemonset'));
  errs.push(...validatePodTemplateSpec(t, p.child('template')));
  errs.push(...restartAlwaysOnly(t, p.child('template')));
  if (t.spec?.activeDeadlineSeconds !== undefined && t.spec.activeDeadlineSeconds !== null) {
    errs.push(forbidden(p.child('template', 'spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in DaemonSet is not Supported'));
  }
  errs.push(...nonNegative(s.minReadySeconds ?? 0, p.child('minReadySeconds')));
  errs.push(...validateDaemonSetUpdateStrategy(s.updateStrategy, p.child('updateStrategy')));
  errs.push(...nonNegative(s.revisionHistoryLimit, p.child('revisionHistoryLimit')));
  return errs;
}

export function validateDaemonSet(ds: DaemonSet): FieldError[] {
  return [...validateObjectMeta(ds.metadata, true, nameIsDNSSubdomain), ...validateDaemonSetSpec(ds)];
}

export function validateDaemonSetUpdate(ds: DaemonSet, old: DaemonSet): FieldError[] {
  return [
    ...validateObjectMetaUpdate(ds.metadata, old.metadata),
    ...validateDaemonSetSpec(ds),
    ...validateImmutable(ds.spec?.selector, old.spec?.selector, spec().child('selector')),
  ];
}

export function validateDaemonSetStatus(st: DaemonSetStatus, path: FieldPath = status()): FieldError[] {
  return validateReplicaCounts(
    st as Record<string, number | undefined>,
    ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable', 'collisionCount'],
    path,
  );
}

export function validateDaemonSetStatusUpdate(ds: DaemonSet, old: DaemonSet): FieldError[] {
  return [
    ...validateObjectMetaUpdate(ds.metadata, old.metadata),
    ...validateDaemonSetStatus(ds.status ?? {}),
    ...validateCollisionCountNotDecremented(ds.status?.collisionCount, old.status?.collisionCount, status().child('collisionCount')),
  ];
}

// ---- StatefulSet --------------------------------------------------------------------------

function validateRollingUpdateStatefulSet(ru: RollingUpdateStatefulSetStrategy, path: FieldPath): FieldError[] {
  const errs = nonNegative(ru.partition ?? 0, path.child('partition'));
  if (ru.maxUnavailable !== undefined && ru.maxUnavailable !== null) {
    const p = path.child('maxUnavailable');
    errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, p));
    if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(invalid(p, ru.maxUnavailable, 'cannot be 0'));
    errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, p));
  }
  return errs;
}

function validateRetentionPolicy(policy: StatefulSetPersistentVolumeClaimRetentionPolicy | undefined, path: FieldPath): FieldError[] {
  if (!policy) return [];
  const errs: FieldError[] = [];
  for (const f of ['whenDeleted', 'whenScaled'] as const) {
    const v = policy[f] ?? '';
    if (v !== 'Retain' && v !== 'Delete') errs.push(notSupported(path.child(f), v, ['Retain', 'Delete']));
  }
  return errs;
}

export function validateStatefulSetSpec(s: StatefulSetSpec, p: FieldPath = spec()): FieldError[] {
  const errs: FieldError[] = [];
  const policy = s.podManagementPolicy ?? '';
  if (policy === '') errs.push(required(p.child('podManagementPolicy'), ''));
  else if (policy !== 'OrderedReady' && policy !== 'Parallel') errs.push(invalid(p.child('podManagementPolicy'), policy, "must be 'OrderedReady' or 'Parallel'"));

  const strategy = s.updateStrategy ?? {};
  switch (strategy.type ?? '') {
    case '':
      errs.push(required(p.child('updateStrategy'), ''));
      break;
    case 'OnDelete':
      if (strategy.rollingUpdate) errs.push(invalid(p.child('updateStrategy', 'rollingUpdate'), strategy.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate':
      if (strategy.rollingUpdate) errs.push(...validateRollingUpdateStatefulSet(strategy.rollingUpdate, p.child('updateStrategy', 'rollingUpdate')));
      break;
    default:
      errs.push(invalid(p.child('updateStrategy'), strategy, "must be 'RollingUpdate' or 'OnDelete'"));
  }

  errs.push(...validateRetentionPolicy(s.persistentVolumeClaimRetentionPolicy, p.child('persistentVolumeClaimRetentionPolicy')));
  errs.push(...nonNegative(s.replicas ?? 0, p.child('replicas')));
  errs.push(...nonNegative(s.minReadySeconds ?? 0, p.child('minReadySeconds')));
  if (s.ordinals) errs.push(...nonNegative(s.ordinals.start ?? 0, p.child('ordinals.start')));
  errs.push(...validateRequiredSelector(s.selector, p.child('selector'), 'statefulset'));

  const matcher = selectorMatcher(s.selector);
  const t = s.template ?? {};
  if (!matcher) {
    errs.push(invalid(p.child('selector'), s.selector, ''));
  } else {
    // Upstream validates only the template's metadata here: the pod spec may mount
    // volumes that come from volumeClaimTemplates, which a plain pod check would reject.
    const tp = p.child('template');
    if (!matcher.empty && !matcher.matches(t.metadata?.labels)) errs.push(invalid(tp.child('metadata', 'labels'), t.metadata?.labels ?? {}, selectorMismatchMsg));
    errs.push(...validateLabels(t.metadata?.labels, tp.child('labels')));
    errs.push(...validateAnnotations(t.metadata?.annotations, tp.child('annotations')));
  }
  errs.push(...restartAlwaysOnly(t, p.child('template')));
  if (t.spec?.activeDeadlineSeconds !== undefined && t.spec.activeDeadlineSeconds !== null) {
    errs.push(forbidden(p.child('template', 'spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in StatefulSet is not Supported'));
  }
  return errs;
}

export function validateStatefulSet(sts: StatefulSet): FieldError[] {
  return [...validateObjectMeta(sts.metadata, true, nameIsDNSLabel), ...validateStatefulSetSpec(sts.spec ?? {})];
}

/** The spec fields a StatefulSet update may change; everything else is fixed at creation. */
const mutableStatefulSetFields = ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy'] as const;

export function validateStatefulSetUpdate(sts: StatefulSet, old: StatefulSet): FieldError[] {
  const errs = [...validateObjectMetaUpdate(sts.metadata, old.metadata), ...validateStatefulSetSpec(sts.spec ?? {})];
  const next: Record<string, unknown> = { ...(sts.spec ?? {}) };
  const prev: Record<string, unknown> = { ...(old.spec ?? {}) };
  for (const f of mutableStatefulSetFields) {
    delete next[f];
    delete prev[f];
  }
  if (!semanticEqual(next, prev)) {
    errs.push(
      forbidden(
        spec(),
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}

export function validateStatefulSetStatus(st: StatefulSetStatus, path: FieldPath = status()): FieldError[] {
  const s = st as Record<string, number | undefined>;
  const errs = validateReplicaCounts(s, ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'observedGeneration', 'collisionCount'], path);
  const msg = 'cannot be greater than status.replicas';
  for (const f of ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas']) errs.push(...exceeds(s, f, 'replicas', path, msg));
  errs.push(...exceeds(s, 'availableReplicas', 'readyReplicas', path, 'cannot be greater than status.readyReplicas'));
  return errs;
}

export function validateStatefulSetStatusUpdate(sts: StatefulSet, old: StatefulSet): FieldError[] {
  return [
    ...validateStatefulSetStatus(sts.status ?? {}),
    ...validateObjectMetaUpdate(sts.metadata, old.metadata),
    ...validateCollisionCountNotDecremented(sts.status?.collisionCount, old.status?.collisionCount, status().child('collisionCount')),
  ];
}

// ---- ControllerRevision -------------------------------------------------------------------

export function validateControllerRevision(cr: ControllerRevision): FieldError[] {
  const errs = validateObjectMeta(cr.metadata, true, nameIsDNSSubdomain);
  if (cr.data === undefined || cr.data === null) errs.push(required(root('data'), 'data is mandatory'));
  errs.push(...nonNegative(cr.revision ?? 0, root('revision')));
  return errs;
}

export function validateControllerRevisionUpdate(cr: ControllerRevision, old: ControllerRevision): FieldError[] {
  return [...validateObjectMetaUpdate(cr.metadata, old.metadata), ...validateControllerRevision(cr), ...validateImmutable(cr.data, old.data, root('data'))];
}
