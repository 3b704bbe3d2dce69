// Validation of batch/v1 Jobs with upstream's field paths and messages
// (k8s.io/kubernetes/pkg/apis/batch/validation and the job registry strategy). A CronJob's
// job template is checked by the same JobSpec rules (cronjob-validation.ts).
import type { ObjectMeta } from '../../meta/types.js';
import { podSpecUpdateOptions, validatePodTemplateSpec } from '../../core/v1/pod/validation.js';
import type { SchedulingValidationOptions } from '../../core/v1/pod/validate-scheduling.js';
import { duplicate, type FieldError, FieldPath, formatFieldError, invalid, notSupported, required, tooLong } from '../../validation/field.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, regexError } from '../../validation/names.js';
import { nameIsDNSSubdomain, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { nonNegative, selectorMatcher, selectorMismatchMsg, semanticEqual, validateImmutable } from '../../apps/v1/validation-helpers.js';
import type { Job, JobSpec, PodFailurePolicyOnExitCodesRequirement, PodFailurePolicyOnPodConditionsPattern, PodFailurePolicyRule } from './types.js';
import { controllerUidLabel, jobNameLabel, legacyControllerUidLabel, legacyJobNameLabel } from './types.js';

const maxParallelismForIndexedJob = 100_000;
const maxFailedIndexesForIndexedJob = 100_000;
const completionsSoftLimit = 100_000;
const parallelismLimitForHighCompletions = 10_000;
const maxFailedIndexesLimitForHighCompletions = 10_000;
const maxPodFailurePolicyRules = 20;
const maxPodFailurePolicyOnExitCodesValues = 255;
const maxPodFailurePolicyOnPodConditionsPatterns = 20;
const maxManagedByLength = 63;
const maxSuccessPolicySucceededIndexesLength = 64 * 1024;
const maxSuccessPolicyRules = 20;

const tooMany = (p: FieldPath, actual: number, max: number): FieldError => ({ type: 'FieldValueTooMany', field: String(p), badValue: actual, detail: `must have at most ${max} items` });

/** Upstream turns an ErrorList into one message with duplicates removed; the same check may run twice on update. */
function dedupe(errs: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errs.filter((e) => {
    const k = formatFieldError(e);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// ---- generated selectors ------------------------------------------------------------------

function validateHasLabel(meta: ObjectMeta | undefined, path: FieldPath, key: string, expected: string): FieldError[] {
  const labels = meta?.labels ?? {};
  const p = path.child('labels').key(key);
  if (!(key in labels)) return [required(p, `must be '${expected}'`)];
  if (labels[key] !== expected) return [invalid(p, labels, `must be '${expected}'`)];
  return [];
}

function validateGeneratedSelector(job: Job, requirePrefixedLabels: boolean): FieldError[] {
  const spec = job.spec ?? {};
  if (spec.manualSelector === true || !spec.selector) return [];
  const errs: FieldError[] = [];
  const uid = job.metadata.uid ?? '';
  const name = job.metadata.name ?? '';
  if (!uid) errs.push(required(FieldPath.root('metadata').child('uid'), ''));
  const tm = FieldPath.root('spec').child('template', 'metadata');
  const meta = spec.template?.metadata;
  errs.push(...validateHasLabel(meta, tm, legacyControllerUidLabel, uid), ...validateHasLabel(meta, tm, legacyJobNameLabel, name));
  const expected: Record<string, string> = {};
  if (requirePrefixedLabels) {
    errs.push(...validateHasLabel(meta, tm, controllerUidLabel, uid), ...validateHasLabel(meta, tm, jobNameLabel, name));
    expected[controllerUidLabel] = uid;
    expected[jobNameLabel] = name;
  }
  expected[legacyControllerUidLabel] = uid;
  expected[legacyJobNameLabel] = name;
  const m = selectorMatcher(spec.selector);
  if (m && !m.matches(expected)) errs.push(invalid(FieldPath.root('spec').child('selector'), spec.selector, '`selector` not auto-generated'));
  return errs;
}

// ---- JobSpec ------------------------------------------------------------------------------

const httpPathFmt = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const httpPathRe = new RegExp(`^${httpPathFmt}$`);

function validateDomainPrefixedPath(value: string, p: FieldPath): FieldError[] {
  if (!value) return [required(p, '')];
  const slash = value.indexOf('/');
  const host = slash < 0 ? '' : value.slice(0, slash);
  const rest = slash < 0 ? '' : value.slice(slash + 1);
  if (!host || !rest) return [invalid(p, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errs = isDNS1123Subdomain(host).map((m) => invalid(p, host, m));
  if (!httpPathRe.test(rest)) errs.push(invalid(p, rest, regexError('Invalid path', httpPathFmt)));
  return errs;
}

/** Parses "1,3-5" style index sets; returns how many indexes it names, or the parse error. */
export function parseIndexes(text: string, completions: number): { total: number } | { error: string } {
  if (!text) return { total: 0 };
  let last: number | undefined;
  let total = 0;
  const atoi = (s: string): number | undefined => (/^[+-]?\d+$/.test(s) ? Number.parseInt(s, 10) : undefined);
  for (const interval of text.split(',')) {
    const limits = interval.split('-');
    if (limits.length > 2) return { error: `the fragment ${JSON.stringify(interval)} violates the requirement that an index interval can have at most two parts separated by '-'` };
    const x = atoi(limits[0]!);
    if (x === undefined) return { error: `cannot convert string to integer for index: ${JSON.stringify(limits[0])}` };
    if (x >= completions) return { error: `too large index: ${JSON.stringify(limits[0])}` };
    if (last !== undefined && last >= x) return { error: `non-increasing order, previous: ${last}, current: ${x}` };
    total++;
    last = x;
    if (limits.length > 1) {
      const y = atoi(limits[1]!);
      if (y === undefined) return { error: `cannot convert string to integer for index: ${JSON.stringify(limits[1])}` };
      if (y >= completions) return { error: `too large index: ${JSON.stringify(limits[1])}` };
      if (last >= y) return { error: `non-increasing order, previous: ${last}, current: ${y}` };
      total += y - x;
      last = y;
    }
  }
  return { total };
}

function validateOnExitCodes(req: PodFailurePolicyOnExitCodesRequirement, p: FieldPath, containerNames: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const op = req.operator ?? '';
  if (!op) errs.push(required(p.child('operator'), 'valid values: ["In" "NotIn"]'));
  else if (op !== 'In' && op !== 'NotIn') errs.push(notSupported(p.child('operator'), op, ['In', 'NotIn']));
  if (req.containerName !== undefined && !containerNames.has(req.containerName)) {
    errs.push(invalid(p.child('containerName'), req.containerName, 'must be one of the container or initContainer names in the pod template'));
  }
  const values = req.values ?? [];
  const vp = p.child('values');
  if (values.length === 0) errs.push(invalid(vp, values, 'at least one value is required'));
  else if (values.length > maxPodFailurePolicyOnExitCodesValues) errs.push(tooMany(vp, values.length, maxPodFailurePolicyOnExitCodesValues));
  const seen = new Set<number>();
  let ordered = true;
  values.forEach((v, j) => {
    if (op === 'In' && v === 0) errs.push(invalid(vp.index(j), v, 'must not be 0 for the In operator'));
    if (seen.has(v)) errs.push(duplicate(vp.index(j), v));
    else seen.add(v);
    if (j > 0 && values[j - 1]! > v) ordered = false;
  });
  if (!ordered) errs.push(invalid(vp, values, 'must be ordered'));
  return errs;
}

function validateOnPodConditions(patterns: PodFailurePolicyOnPodConditionsPattern[], p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (patterns.length > maxPodFailurePolicyOnPodConditionsPatterns) errs.push(tooMany(p, patterns.length, maxPodFailurePolicyOnPodConditionsPatterns));
  patterns.forEach((pattern, j) => {
    const pp = p.index(j);
    for (const m of isQualifiedName(pattern.type ?? '')) errs.push(invalid(pp.child('type'), pattern.type ?? '', m));
    const st = pattern.status ?? '';
    if (!st) errs.push(required(pp.child('status'), 'valid values: ["False" "True" "Unknown"]'));
    else if (!['False', 'True', 'Unknown'].includes(st)) errs.push(notSupported(pp.child('status'), st, ['False', 'True', 'Unknown']));
  });
  return errs;
}

const podFailureActions = ['Count', 'FailIndex', 'FailJob', 'Ignore'];

function validatePodFailurePolicyRule(spec: JobSpec, rule: PodFailurePolicyRule, p: FieldPath, containerNames: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const action = rule.action ?? '';
  if (!action) errs.push(required(p.child('action'), `valid values: [${podFailureActions.map((a) => JSON.stringify(a)).join(' ')}]`));
  else if (action === 'FailIndex') {
    if (spec.backoffLimitPerIndex === undefined) errs.push(invalid(p.child('action'), action, 'requires the backoffLimitPerIndex to be set'));
  } else if (!podFailureActions.includes(action)) errs.push(notSupported(p.child('action'), action, podFailureActions));
  const conditions = rule.onPodConditions ?? [];
  if (rule.onExitCodes) errs.push(...validateOnExitCodes(rule.onExitCodes, p.child('onExitCodes'), containerNames));
  if (conditions.length > 0) errs.push(...validateOnPodConditions(conditions, p.child('onPodConditions')));
  // Upstream omits the value in these two messages.
  if (rule.onExitCodes && conditions.length > 0) errs.push({ type: 'FieldValueInvalid', field: String(p), detail: 'specifying both OnExitCodes and OnPodConditions is not supported' });
  if (!rule.onExitCodes && conditions.length === 0) errs.push({ type: 'FieldValueInvalid', field: String(p), detail: 'specifying one of OnExitCodes and OnPodConditions is required' });
  return errs;
}

function validatePodFailurePolicy(spec: JobSpec, p: FieldPath): FieldError[] {
  const rules = spec.podFailurePolicy?.rules ?? [];
  const errs: FieldError[] = [];
  if (rules.length > maxPodFailurePolicyRules) errs.push(tooMany(p.child('rules'), rules.length, maxPodFailurePolicyRules));
  const names = new Set<string>();
  for (const c of [...(spec.template?.spec?.containers ?? []), ...(spec.template?.spec?.initContainers ?? [])]) names.add(c.name);
  rules.forEach((r, i) => errs.push(...validatePodFailurePolicyRule(spec, r, p.child('rules').index(i), names)));
  return errs;
}

function validateSuccessPolicy(spec: JobSpec, p: FieldPath): FieldError[] {
  const rules = spec.successPolicy?.rules ?? [];
  const rp = p.child('rules');
  const errs: FieldError[] = [];
  if (rules.length === 0) errs.push(required(rp, 'at least one rules must be specified when the successPolicy is specified'));
  if (rules.length > maxSuccessPolicyRules) errs.push(tooMany(rp, rules.length, maxSuccessPolicyRules));
  const completions = spec.completions ?? 0;
  rules.forEach((rule, i) => {
    const p2 = rp.index(i);
    if (rule.succeededCount === undefined && rule.succeededIndexes === undefined) errs.push(required(p2, 'at least one of succeededCount or succeededIndexes must be specified'));
    let total = 0;
    if (rule.succeededIndexes !== undefined) {
      const ip = p2.child('succeededIndexes');
      if (rule.succeededIndexes.length > maxSuccessPolicySucceededIndexesLength) errs.push(tooLong(ip, rule.succeededIndexes, maxSuccessPolicySucceededIndexesLength));
      const parsed = parseIndexes(rule.succeededIndexes, completions);
      if ('error' in parsed) errs.push(invalid(ip, rule.succeededIndexes, `error parsing succeededIndexes: ${parsed.error}`));
      else total = parsed.total;
    }
    if (rule.succeededCount !== undefined) {
      const cp = p2.child('succeededCount');
      errs.push(...nonNegative(rule.succeededCount, cp));
      if (rule.succeededCount > completions) errs.push(invalid(cp, rule.succeededCount, `must be less than or equal to ${completions} (the number of specified completions)`));
      if (rule.succeededIndexes !== undefined && rule.succeededCount > total) {
        errs.push(invalid(cp, rule.succeededCount, `must be less than or equal to ${total} (the number of indexes in the specified succeededIndexes field)`));
      }
    }
  });
  return errs;
}

function validatePodReplacementPolicy(spec: JobSpec, p: FieldPath): FieldError[] {
  const v = spec.podReplacementPolicy;
  if (v === undefined) return [];
  if (spec.podFailurePolicy) return v === 'Failed' ? [] : [notSupported(p, v, ['Failed'])];
  return v === 'Failed' || v === 'TerminatingOrFailed' ? [] : [notSupported(p, v, ['Failed', 'TerminatingOrFailed'])];
}

/** validateJobSpec: everything but the selector, shared with CronJob job templates. */
/** The JobSpec rules a Job and a CronJob's job template share (no selector: a template's is generated). */
export function validateJobSpecBody(spec: JobSpec, p: FieldPath, podOpts: SchedulingValidationOptions = {}): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex'] as const) {
    errs.push(...nonNegative(spec[f], p.child(f)));
  }
  if (spec.maxFailedIndexes !== undefined) {
    errs.push(...nonNegative(spec.maxFailedIndexes, p.child('maxFailedIndexes')));
    if (spec.backoffLimitPerIndex === undefined) errs.push(required(p.child('backoffLimitPerIndex'), 'when maxFailedIndexes is specified'));
  }
  if (spec.managedBy !== undefined) {
    errs.push(...validateDomainPrefixedPath(spec.managedBy, p.child('managedBy')));
    if (spec.managedBy.length > maxManagedByLength) errs.push(tooLong(p.child('managedBy'), spec.managedBy, maxManagedByLength));
  }
  const mode = spec.completionMode;
  if (mode !== undefined) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(notSupported(p.child('completionMode'), mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') {
      if (spec.completions === undefined) errs.push(required(p.child('completions'), 'when completion mode is Indexed'));
      if (spec.parallelism !== undefined && spec.parallelism > maxParallelismForIndexedJob) {
        errs.push(invalid(p.child('parallelism'), spec.parallelism, `must be less than or equal to ${maxParallelismForIndexedJob} when completion mode is Indexed`));
      }
      if (spec.completions !== undefined && spec.maxFailedIndexes !== undefined && spec.maxFailedIndexes > spec.completions) {
        errs.push(invalid(p.child('maxFailedIndexes'), spec.maxFailedIndexes, 'must be less than or equal to completions'));
      }
      if (spec.maxFailedIndexes !== undefined && spec.maxFailedIndexes > maxFailedIndexesForIndexedJob) {
        errs.push(invalid(p.child('maxFailedIndexes'), spec.maxFailedIndexes, `must be less than or equal to ${maxFailedIndexesForIndexedJob}`));
      }
      if (spec.completions !== undefined && spec.completions > completionsSoftLimit && spec.backoffLimitPerIndex !== undefined) {
        if (spec.maxFailedIndexes === undefined) errs.push(required(p.child('maxFailedIndexes'), `must be specified when completions is above ${completionsSoftLimit}`));
        if (spec.parallelism !== undefined && spec.parallelism > parallelismLimitForHighCompletions) {
          errs.push(invalid(p.child('parallelism'), spec.parallelism, `must be less than or equal to ${parallelismLimitForHighCompletions} when completions are above ${completionsSoftLimit} and used with backoff limit per index`));
        }
        if (spec.maxFailedIndexes !== undefined && spec.maxFailedIndexes > maxFailedIndexesLimitForHighCompletions) {
          errs.push(invalid(p.child('maxFailedIndexes'), spec.maxFailedIndexes, `must be less than or equal to ${maxFailedIndexesLimitForHighCompletions} when completions are above ${completionsSoftLimit} and used with backoff limit per index`));
        }
      }
    }
  }
  if (mode === undefined || mode === 'NonIndexed') {
    if (spec.backoffLimitPerIndex !== undefined) errs.push(invalid(p.child('backoffLimitPerIndex'), spec.backoffLimitPerIndex, 'requires indexed completion mode'));
    if (spec.maxFailedIndexes !== undefined) errs.push(invalid(p.child('maxFailedIndexes'), spec.maxFailedIndexes, 'requires indexed completion mode'));
  }
  if (spec.podFailurePolicy) errs.push(...validatePodFailurePolicy(spec, p.child('podFailurePolicy')));
  if (spec.successPolicy) {
    if ((mode ?? 'NonIndexed') !== 'Indexed') errs.push(invalid(p.child('successPolicy'), spec.successPolicy, 'requires indexed completion mode'));
    else errs.push(...validateSuccessPolicy(spec, p.child('successPolicy')));
  }
  errs.push(...validatePodReplacementPolicy(spec, p.child('podReplacementPolicy')));
  const template = spec.template ?? {};
  errs.push(...validatePodTemplateSpec(template, p.child('template'), podOpts));
  const restart = template.spec?.restartPolicy ?? '';
  const rp = p.child('template', 'spec', 'restartPolicy');
  if (restart === 'Always' || restart === '') errs.push(required(rp, 'valid values: "OnFailure", "Never"'));
  else if (restart !== 'OnFailure' && restart !== 'Never') errs.push(notSupported(rp, restart, ['OnFailure', 'Never']));
  else if (spec.podFailurePolicy && restart !== 'Never') errs.push(invalid(rp, restart, 'only "Never" is supported when podFailurePolicy is specified'));
  return errs;
}

export function validateJobSpec(spec: JobSpec, p: FieldPath = FieldPath.root('spec'), podOpts: SchedulingValidationOptions = {}): FieldError[] {
  const errs = validateJobSpecBody(spec, p, podOpts);
  if (!spec.selector) errs.push(required(p.child('selector'), ''));
  else errs.push(...validateLabelSelector(spec.selector, p.child('selector')));
  const m = selectorMatcher(spec.selector);
  const labels = spec.template?.metadata?.labels;
  if (m && !m.matches(labels)) errs.push(invalid(p.child('template', 'metadata', 'labels'), labels ?? {}, selectorMismatchMsg));
  return errs;
}

// ---- Job ----------------------------------------------------------------------------------

export interface JobValidationOptions {
  /** Whether the batch.kubernetes.io/ labels must be on the template (new Jobs, and Jobs that had them). */
  requirePrefixedLabels?: boolean;
  /** What the pod template may keep from the one it replaces. */
  podSpec?: SchedulingValidationOptions;
}

export function validateJob(job: Job, opts: JobValidationOptions = { requirePrefixedLabels: true }): FieldError[] {
  const errs = validateObjectMeta(job.metadata, true, nameIsDNSSubdomain);
  errs.push(...validateGeneratedSelector(job, opts.requirePrefixedLabels ?? true));
  const spec = job.spec ?? {};
  errs.push(...validateJobSpec(spec, FieldPath.root('spec'), opts.podSpec));
  if (spec.completionMode === 'Indexed' && spec.completions !== undefined && spec.completions > 0) {
    // Indexed pods are named <job>-<index>, which has to be a DNS label.
    const hostname = `${job.metadata.name ?? ''}-${spec.completions - 1}`;
    if (isDNS1123Label(hostname).length > 0) {
      errs.push(invalid(FieldPath.root('metadata').child('name'), job.metadata.name ?? '', `will not able to create pod with invalid DNS label: ${hostname}`));
    }
  }
  return errs;
}

/** While a never-started Job is suspended, its scheduling directives may still change. */
function validatePodTemplateUpdate(spec: JobSpec, old: JobSpec, mutableScheduling: boolean, p: FieldPath): FieldError[] {
  const next = structuredClone(spec.template ?? {});
  const prev = structuredClone(old.template ?? {});
  if (mutableScheduling) {
    const ns = (next.spec ??= { containers: [] });
    const ps = (prev.spec ??= { containers: [] });
    for (const s of [ns, ps]) if (s.affinity) s.affinity = { ...s.affinity, nodeAffinity: undefined };
    for (const s of [ns, ps]) if (s.affinity && Object.values(s.affinity).every((v) => v === undefined)) delete s.affinity;
    for (const f of ['nodeSelector', 'tolerations', 'schedulingGates'] as const) {
      delete (ns as unknown as Record<string, unknown>)[f];
      delete (ps as unknown as Record<string, unknown>)[f];
    }
    for (const t of [next, prev]) {
      if (t.metadata) {
        t.metadata = { ...t.metadata };
        delete t.metadata.labels;
        delete t.metadata.annotations;
      }
    }
  }
  return semanticEqual(next, prev) ? [] : [invalid(p.child('template'), spec.template ?? {}, 'field is immutable')];
}

function validateCompletionsUpdate(spec: JobSpec, old: JobSpec, p: FieldPath): FieldError[] {
  // Indexed Jobs are elastic: completions may move together with parallelism.
  if (spec.completionMode !== 'Indexed') return validateImmutable(spec.completions, old.completions, p.child('completions'));
  if (spec.completions === old.completions || spec.completions === undefined) return [];
  if (spec.completions !== spec.parallelism) return [invalid(p.child('completions'), spec.completions, 'can only be modified in tandem with spec.parallelism')];
  return [];
}

export function validateJobUpdate(job: Job, old: Job): FieldError[] {
  const p = FieldPath.root('spec');
  const spec = job.spec ?? {};
  const oldSpec = old.spec ?? {};
  const hadPrefixedLabels = controllerUidLabel in (old.spec?.template?.metadata?.labels ?? {});
  const mutableScheduling = oldSpec.suspend === true && !old.status?.startTime;
  const podSpec = podSpecUpdateOptions(oldSpec.template?.spec);
  const errs = [
    ...validateJob(job, { requirePrefixedLabels: hadPrefixedLabels, podSpec }),
    ...validateObjectMetaUpdate(job.metadata, old.metadata),
    ...validateJobSpec(spec, p, podSpec),
    ...validateCompletionsUpdate(spec, oldSpec, p),
    ...validateImmutable(spec.selector, oldSpec.selector, p.child('selector')),
    ...validatePodTemplateUpdate(spec, oldSpec, mutableScheduling, p),
  ];
  for (const f of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy'] as const) {
    errs.push(...validateImmutable(spec[f], oldSpec[f], p.child(f)));
  }
  return dedupe(errs);
}

export function validateJobStatusUpdate(job: Job, old: Job): FieldError[] {
  const st = job.status ?? {};
  const p = FieldPath.root('status');
  const errs = validateObjectMetaUpdate(job.metadata, old.metadata);
  for (const f of ['active', 'succeeded', 'failed', 'ready', 'terminating'] as const) errs.push(...nonNegative(st[f], p.child(f)));
  const seen = new Set<string>();
  for (const which of ['succeeded', 'failed'] as const) {
    (st.uncountedTerminatedPods?.[which] ?? []).forEach((uid, i) => {
      const up = p.child('uncountedTerminatedPods', which).index(i);
      if (!uid) errs.push(invalid(up, uid, 'must not be empty'));
      else if (seen.has(uid)) errs.push(duplicate(up, uid));
      else seen.add(uid);
    });
  }
  return errs;
}
