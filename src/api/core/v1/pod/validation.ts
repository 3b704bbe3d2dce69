// Validation of Pod, PodTemplate, ReplicationController and Binding objects: create, update and
// status writes, with upstream's field paths and messages.
import { FieldPath, forbidden, invalid, notSupported, required, type FieldError } from '../../../validation/field.js';
import { inclusiveRangeError, isValidIP } from '../../../validation/names.js';
import {
  nameIsDNSSubdomain,
  validateAnnotations,
  validateLabels,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validateNonnegativeField,
} from '../../../validation/objectmeta.js';
import { selectorFromSet } from '../../../labels/index.js';
import type {
  Binding,
  Container,
  ContainerStatus,
  Pod,
  PodSpec,
  PodTemplate,
  PodTemplateSpec,
  ReplicationController,
  ReplicationControllerSpec,
  ReplicationControllerStatus,
  Toleration,
} from './types.js';
import { hasInvalidLabelValue } from '../node-selector-validation.js';
import { validatePodSpec } from './validate-spec.js';
import type { SchedulingValidationOptions } from './validate-scheduling.js';
import { semanticEqual, validateQualifiedName } from './validate-common.js';

export { validatePodSpec } from './validate-spec.js';

const root = (name: string) => FieldPath.root(name);
const maxInt32 = 2147483647;

/** What a spec replacing `old` may keep from it (upstream's ValidationOptionsForPod / ForPodTemplate). */
export function podSpecUpdateOptions(old: PodSpec | undefined): SchedulingValidationOptions {
  return { allowInvalidLabelValueInRequiredNodeAffinity: hasInvalidLabelValue(old?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution) };
}

// ---- Pod ------------------------------------------------------------------------------

/** Pod-only container rules that templates are spared (a template image may be a placeholder). */
function validateImagesForPod(spec: PodSpec | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const field of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    (spec?.[field] ?? []).forEach((c: Container, i: number) => {
      if (c.image && c.image.trim().length !== c.image.length) {
        errs.push(invalid(p.child(field).index(i).child('image'), c.image, 'must not have leading or trailing whitespace'));
      }
    });
  }
  return errs;
}

function validatePodMetadataAndSpec(pod: Pod, opts: SchedulingValidationOptions = {}): FieldError[] {
  const errs = validateObjectMeta(pod.metadata, true, nameIsDNSSubdomain, root('metadata'));
  errs.push(...validatePodSpec(pod.spec, root('spec'), opts));
  errs.push(...validateImagesForPod(pod.spec, root('spec')));
  return errs;
}

/** A pod being created. */
export function validatePod(pod: Pod): FieldError[] {
  const errs = validatePodMetadataAndSpec(pod);
  const spec = root('spec');
  if (pod.spec?.ephemeralContainers?.length) errs.push(forbidden(spec.child('ephemeralContainers'), 'cannot be set on create'));
  // A gated pod is not schedulable, so it cannot already be bound.
  if (pod.spec?.nodeName && pod.spec.schedulingGates?.length) {
    errs.push(forbidden(spec.child('nodeName'), 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}

export const updatablePodSpecFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function validateContainerUpdates(next: Container[] | undefined, old: Container[] | undefined, p: FieldPath): { errs: FieldError[]; stop: boolean } {
  const n = next ?? [];
  if (n.length !== (old ?? []).length) return { errs: [forbidden(p, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  n.forEach((c, i) => {
    if (!c.image) errs.push(required(p.index(i).child('image'), ''));
  });
  return { errs, stop: false };
}

function sameToleration(a: Toleration, b: Toleration): boolean {
  return semanticEqual({ ...a, tolerationSeconds: undefined }, { ...b, tolerationSeconds: undefined });
}

function validateOnlyAddedTolerations(next: Toleration[] | undefined, old: Toleration[] | undefined, p: FieldPath): FieldError[] {
  for (const o of old ?? []) {
    if (!(next ?? []).some((n) => sameToleration(o, n))) return [forbidden(p, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return [];
}

function validateOnlyDeletedSchedulingGates(next: PodSpec['schedulingGates'], old: PodSpec['schedulingGates'], p: FieldPath): FieldError[] {
  const oldNames = new Set((old ?? []).map((g) => g.name));
  const errs: FieldError[] = [];
  (next ?? []).forEach((g, i) => {
    if (!oldNames.has(g.name)) errs.push(forbidden(p.index(i).child('name'), `only deletion is allowed, but found new scheduling gate '${g.name}'`));
  });
  return errs;
}

/** Paths where two JSON values differ, for the message of a forbidden spec change. */
function diffPaths(a: unknown, b: unknown, path: string, out: string[]): void {
  if (semanticEqual(a, b) || out.length >= 20) return;
  const isObj = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
    for (const k of keys) diffPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => diffPaths(x, b[i], `${path}[${i}]`, out));
    return;
  }
  out.push(`- ${path}: ${JSON.stringify(a ?? null)}\n+ ${path}: ${JSON.stringify(b ?? null)}`);
}

export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata, root('metadata'));
  errs.push(...validatePodMetadataAndSpec(pod, podSpecUpdateOptions(old.spec)));
  const specPath = root('spec');
  const next = pod.spec ?? ({ containers: [] } as PodSpec);
  const prev = old.spec ?? ({ containers: [] } as PodSpec);

  for (const field of ['containers', 'initContainers'] as const) {
    const r = validateContainerUpdates(next[field], prev[field], specPath.child(field));
    errs.push(...r.errs);
    if (r.stop) return errs;
  }

  // activeDeadlineSeconds may be set from nil, or lowered; never raised or removed.
  const ads = next.activeDeadlineSeconds;
  const oldAds = prev.activeDeadlineSeconds;
  if (ads !== undefined && ads !== null) {
    if (ads < 0 || ads > maxInt32) {
      errs.push(invalid(specPath.child('activeDeadlineSeconds'), ads, inclusiveRangeError(0, maxInt32)));
      return errs;
    }
    if (oldAds !== undefined && oldAds !== null && oldAds < ads) {
      errs.push(invalid(specPath.child('activeDeadlineSeconds'), ads, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (oldAds !== undefined && oldAds !== null) {
    errs.push(invalid(specPath.child('activeDeadlineSeconds'), null, 'must not update from a positive integer to nil value'));
  }

  errs.push(...validateOnlyAddedTolerations(next.tolerations, prev.tolerations, specPath.child('tolerations')));
  errs.push(...validateOnlyDeletedSchedulingGates(next.schedulingGates, prev.schedulingGates, specPath.child('schedulingGates')));

  // Compare with the updatable fields taken from the old spec: anything left over is forbidden.
  const munged: PodSpec = structuredClone(next);
  munged.containers = (munged.containers ?? []).map((c, i) => ({ ...c, image: prev.containers?.[i]?.image }));
  if (munged.initContainers) munged.initContainers = munged.initContainers.map((c, i) => ({ ...c, image: prev.initContainers?.[i]?.image }));
  munged.activeDeadlineSeconds = prev.activeDeadlineSeconds;
  munged.schedulingGates = prev.schedulingGates;
  munged.tolerations = prev.tolerations;
  const oldGrace = prev.terminationGracePeriodSeconds;
  if (oldGrace !== undefined && oldGrace !== null && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldGrace;
  }
  // A pod still gated from scheduling may gain nodeSelector entries (never lose or change them).
  if (prev.schedulingGates?.length) {
    const oldSel = prev.nodeSelector ?? {};
    const newSel = munged.nodeSelector ?? {};
    const onlyAdded = Object.entries(oldSel).every(([k, v]) => newSel[k] === v);
    if (onlyAdded) munged.nodeSelector = prev.nodeSelector;
    else errs.push(invalid(specPath.child('nodeSelector'), newSel, 'only additions to spec.nodeSelector are allowed (no mutations or deletions)'));
  }
  // serviceAccount mirrors serviceAccountName and is not a field of its own.
  munged.serviceAccount = prev.serviceAccount;
  if (!semanticEqual(munged, prev)) {
    const diffs: string[] = [];
    diffPaths(prev, munged, 'spec', diffs);
    errs.push(forbidden(specPath, `pod updates may not change fields other than ${updatablePodSpecFields.join(',')}\n${diffs.join('\n')}`));
  }
  return errs;
}

// ---- Pod status -----------------------------------------------------------------------

const systemConditionTypes = new Set(['PodScheduled', 'Ready', 'Initialized', 'ContainersReady', 'DisruptionTarget', 'PodReadyToStartContainers', 'PodResizePending', 'PodResizeInProgress']);

function validateContainerStateTransition(next: ContainerStatus[] | undefined, old: ContainerStatus[] | undefined, p: FieldPath, restartPolicy: string | undefined): FieldError[] {
  if (restartPolicy === 'Always') return [];
  const errs: FieldError[] = [];
  (old ?? []).forEach((o, i) => {
    const term = o.state?.terminated;
    if (!term) return;
    if (term.exitCode !== 0 && restartPolicy === 'OnFailure') return;
    for (const n of next ?? []) {
      if (n.name === o.name && !n.state?.terminated) errs.push(forbidden(p.index(i).child('state'), 'may not be transitioned to non-terminated state'));
    }
  });
  return errs;
}

function ipFamily(ip: string): 4 | 6 {
  return ip.includes(':') ? 6 : 4;
}

function validateIPList(ips: { ip: string }[] | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const list = ips ?? [];
  list.forEach((entry, i) => {
    for (const m of isValidIP(entry.ip ?? '')) errs.push(invalid(p.index(i), entry.ip ?? '', m));
  });
  if (errs.length === 0 && list.length > 1) {
    const dualStack = list.length === 2 && ipFamily(list[0]!.ip) !== ipFamily(list[1]!.ip);
    if (!dualStack) errs.push(invalid(p, list, 'may specify no more than one IP for each IP family'));
  }
  const seen = new Set<string>();
  list.forEach((entry, i) => {
    if (seen.has(entry.ip)) errs.push({ type: 'FieldValueDuplicate', field: String(p.index(i)), badValue: entry });
    seen.add(entry.ip);
  });
  return errs;
}

export function validatePodStatusUpdate(pod: Pod, old: Pod): FieldError[] {
  const meta = root('metadata');
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata, meta);
  // Upstream reports condition errors under metadata.conditions; kept for identical messages.
  (pod.status?.conditions ?? []).forEach((c, i) => {
    if (!systemConditionTypes.has(c.type)) errs.push(...validateQualifiedName(c.type ?? '', meta.child('conditions').index(i).child('Type')));
  });
  const st = root('status');
  if ((pod.spec?.nodeName ?? '') !== (old.spec?.nodeName ?? '')) errs.push(forbidden(st.child('nodeName'), 'may not be changed directly'));
  const nominated = pod.status?.nominatedNodeName;
  if (nominated && nominated !== old.status?.nominatedNodeName) {
    for (const m of nameIsDNSSubdomain(nominated, false)) errs.push(invalid(st.child('nominatedNodeName'), nominated, m));
  }
  const rp = old.spec?.restartPolicy;
  errs.push(...validateContainerStateTransition(pod.status?.containerStatuses, old.status?.containerStatuses, st.child('containerStatuses'), rp));
  // Sidecars (restartPolicy Always) restart on their own; other init containers follow the pod.
  const sidecars = new Set((old.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  errs.push(
    ...validateContainerStateTransition(
      pod.status?.initContainerStatuses?.filter((s) => !sidecars.has(s.name)),
      old.status?.initContainerStatuses?.filter((s) => !sidecars.has(s.name)),
      st.child('initContainerStatuses'),
      rp,
    ),
  );
  errs.push(...validateContainerStateTransition(pod.status?.ephemeralContainerStatuses, old.status?.ephemeralContainerStatuses, st.child('ephemeralContainerStatuses'), 'Never'));
  errs.push(...validateIPList(pod.status?.podIPs, st.child('podIPs')));
  errs.push(...validateIPList(pod.status?.hostIPs, st.child('hostIPs')));
  return errs;
}

// ---- templates ------------------------------------------------------------------------

/** A pod template embedded anywhere (workloads call this with e.g. spec.template). */
export function validatePodTemplateSpec(t: PodTemplateSpec | undefined, p: FieldPath, opts: SchedulingValidationOptions = {}): FieldError[] {
  if (!t) return [required(p, '')];
  const errs: FieldError[] = [];
  errs.push(...validateLabels(t.metadata?.labels, p.child('labels')));
  errs.push(...validateAnnotations(t.metadata?.annotations, p.child('annotations')));
  errs.push(...validatePodSpec(t.spec, p.child('spec'), opts));
  if (t.spec?.ephemeralContainers?.length) {
    errs.push(forbidden(p.child('spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}

export function validatePodTemplate(pt: PodTemplate): FieldError[] {
  const errs = validateObjectMeta(pt.metadata, true, nameIsDNSSubdomain, root('metadata'));
  errs.push(...validatePodTemplateSpec(pt.template, root('template')));
  return errs;
}

export function validatePodTemplateUpdate(pt: PodTemplate, old: PodTemplate): FieldError[] {
  const errs = validateObjectMetaUpdate(pt.metadata, old.metadata, root('metadata'));
  errs.push(...validatePodTemplateSpec(pt.template, root('template'), podSpecUpdateOptions(old.template?.spec)));
  return errs;
}

// ---- ReplicationController ------------------------------------------------------------

function validateRCSpec(spec: ReplicationControllerSpec | undefined, p: FieldPath, opts: SchedulingValidationOptions = {}): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  errs.push(...validateNonnegativeField(s.minReadySeconds ?? 0, p.child('minReadySeconds')));
  const selector = s.selector ?? {};
  const selectorEmpty = Object.keys(selector).length === 0;
  if (selectorEmpty) errs.push(required(p.child('selector'), ''));
  errs.push(...validateNonnegativeField(s.replicas ?? 0, p.child('replicas')));
  const tp = p.child('template');
  const t = s.template;
  if (!t) {
    errs.push(required(tp, ''));
    return errs;
  }
  if (!selectorEmpty && !selectorFromSet(selector).matches(t.metadata?.labels ?? {})) {
    errs.push(invalid(tp.child('metadata', 'labels'), t.metadata?.labels ?? {}, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(t, tp, opts));
  if (t.spec && t.spec.restartPolicy !== 'Always') errs.push(notSupported(tp.child('spec', 'restartPolicy'), t.spec.restartPolicy ?? '', ['Always']));
  if (t.spec?.activeDeadlineSeconds !== undefined && t.spec.activeDeadlineSeconds !== null) {
    errs.push(forbidden(tp.child('spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
  return errs;
}

export function validateReplicationController(rc: ReplicationController): FieldError[] {
  const errs = validateObjectMeta(rc.metadata, true, nameIsDNSSubdomain, root('metadata'));
  errs.push(...validateRCSpec(rc.spec, root('spec')));
  return errs;
}

export function validateReplicationControllerUpdate(rc: ReplicationController, old: ReplicationController): FieldError[] {
  const errs = validateObjectMetaUpdate(rc.metadata, old.metadata, root('metadata'));
  errs.push(...validateRCSpec(rc.spec, root('spec'), podSpecUpdateOptions(old.spec?.template?.spec)));
  return errs;
}

function validateRCStatus(s: ReplicationControllerStatus | undefined, p: FieldPath): FieldError[] {
  const st = s ?? {};
  const errs: FieldError[] = [];
  for (const f of ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'] as const) {
    errs.push(...validateNonnegativeField(st[f] ?? 0, p.child(f)));
  }
  const replicas = st.replicas ?? 0;
  const msg = 'cannot be greater than status.replicas';
  if ((st.fullyLabeledReplicas ?? 0) > replicas) errs.push(invalid(p.child('fullyLabeledReplicas'), st.fullyLabeledReplicas, msg));
  if ((st.readyReplicas ?? 0) > replicas) errs.push(invalid(p.child('readyReplicas'), st.readyReplicas, msg));
  if ((st.availableReplicas ?? 0) > replicas) errs.push(invalid(p.child('availableReplicas'), st.availableReplicas, msg));
  if ((st.availableReplicas ?? 0) > (st.readyReplicas ?? 0)) errs.push(invalid(p.child('availableReplicas'), st.availableReplicas, 'cannot be greater than readyReplicas'));
  return errs;
}

export function validateReplicationControllerStatusUpdate(rc: ReplicationController, old: ReplicationController): FieldError[] {
  const errs = validateObjectMetaUpdate(rc.metadata, old.metadata, root('metadata'));
  errs.push(...validateRCStatus(rc.status, root('status')));
  return errs;
}

// ---- Binding --------------------------------------------------------------------------

export function validateBinding(b: Binding): FieldError[] {
  const errs: FieldError[] = [];
  const kind = b.target?.kind;
  if (kind && kind !== 'Node') errs.push(notSupported(FieldPath.root('target').child('kind'), kind, ['Node', '<empty>']));
  if (!b.target?.name) errs.push(required(FieldPath.root('target').child('name'), ''));
  return errs;
}
