// Validation of metadata every object shares (upstream's apimachinery/pkg/api/validation and
// meta/v1/validation): names, namespace, labels, annotations, owner references, finalizers, and
// what an update may not change.
import type { LabelSelector, LabelSelectorRequirement, ObjectMeta, OwnerReference } from '../meta/types.js';
import { FieldPath, forbidden, invalid, required, type FieldError } from './field.js';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, validatePathSegmentName } from './names.js';

/** Validates a name; with prefix=true the value is a generateName, which may end in '-'. */
export type ValidateNameFunc = (name: string, prefix: boolean) => string[];

export const fieldImmutableErrorMsg = 'field is immutable';
export const isNegativeErrorMsg = 'must be greater than or equal to 0';
export const totalAnnotationSizeLimitB = 256 * 1024;

// A generateName's trailing '-' gets random characters appended, so it is judged as if it ended in
// an alphanumeric. Upstream replaces the last two characters with 'a'; kept for identical results.
function maskTrailingDash(name: string): string {
  if (name.length > 1 && name.endsWith('-')) return `${name.slice(0, -2)}a`;
  return name;
}

export const nameIsDNSSubdomain: ValidateNameFunc = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: ValidateNameFunc = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDNS1035Label: ValidateNameFunc = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);
export const pathSegmentName: ValidateNameFunc = validatePathSegmentName;
/** Namespace names are DNS labels. */
export const validateNamespaceName: ValidateNameFunc = nameIsDNSLabel;

const sortedEntries = (m: Record<string, string>): [string, string][] => Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export function validateNonnegativeField(value: number, path: FieldPath): FieldError[] {
  return value < 0 ? [invalid(path, value, isNegativeErrorMsg)] : [];
}

export function validateLabelName(name: string, path: FieldPath): FieldError[] {
  return isQualifiedName(name).map((m) => invalid(path, name, m));
}

export function validateLabels(labels: Record<string, string> | undefined | null, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!labels) return errs;
  for (const [k, v] of sortedEntries(labels)) {
    errs.push(...validateLabelName(k, path));
    if (typeof v !== 'string') {
      errs.push(invalid(path, v, 'label values must be strings'));
      continue;
    }
    for (const m of isValidLabelValue(v)) errs.push(invalid(path, v, m));
  }
  return errs;
}

export function validateAnnotations(annotations: Record<string, string> | undefined | null, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!annotations) return errs;
  let total = 0;
  for (const [k, v] of sortedEntries(annotations)) {
    // Annotation keys are qualified names where case does not matter.
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, m));
    total += Buffer.byteLength(k) + Buffer.byteLength(String(v ?? ''));
  }
  if (total > totalAnnotationSizeLimitB) {
    errs.push({ type: 'FieldValueTooLong', field: String(path), detail: `must have at most ${totalAnnotationSizeLimitB} bytes` });
  }
  return errs;
}

export interface LabelSelectorValidationOptions {
  /** Accept values that are not valid label values (upstream allows this for old stored objects). */
  allowInvalidLabelValueInSelector?: boolean;
}

export function validateLabelSelectorRequirement(
  req: LabelSelectorRequirement,
  path: FieldPath,
  opts: LabelSelectorValidationOptions = {},
): FieldError[] {
  const errs: FieldError[] = [];
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(path.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      errs.push(invalid(path.child('operator'), req.operator, 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(req.key ?? '', path.child('key')));
  if (!opts.allowInvalidLabelValueInSelector) {
    values.forEach((v, i) => {
      for (const m of isValidLabelValue(v)) errs.push(invalid(path.child('values').index(i), v, m));
    });
  }
  return errs;
}

export function validateLabelSelector(ls: LabelSelector | undefined | null, path: FieldPath, opts: LabelSelectorValidationOptions = {}): FieldError[] {
  const errs: FieldError[] = [];
  if (!ls) return errs;
  errs.push(...validateLabels(ls.matchLabels, path.child('matchLabels')));
  (ls.matchExpressions ?? []).forEach((expr, i) => errs.push(...validateLabelSelectorRequirement(expr, path.child('matchExpressions').index(i), opts)));
  return errs;
}

// Objects that may never own others (upstream's BannedOwners): events are transient.
const bannedOwners = new Set(['/v1, Kind=Event']);

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const parts = apiVersion.split('/');
  if (apiVersion === '') return { group: '', version: '' };
  if (parts.length === 1) return { group: '', version: parts[0]! };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  // Unparseable apiVersion: upstream keeps only the kind, so the version reads as empty.
  return { group: '', version: '' };
}

function validateOwnerReference(ref: OwnerReference, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const gv = splitApiVersion(ref.apiVersion ?? '');
  if (!gv.version) errs.push(invalid(path.child('apiVersion'), ref.apiVersion ?? '', 'version must not be empty'));
  if (!ref.kind) errs.push(invalid(path.child('kind'), ref.kind ?? '', 'kind must not be empty'));
  if (!ref.name) errs.push(invalid(path.child('name'), ref.name ?? '', 'name must not be empty'));
  if (!ref.uid) errs.push(invalid(path.child('uid'), ref.uid ?? '', 'uid must not be empty'));
  const gvk = `${gv.group}/${gv.version}, Kind=${ref.kind ?? ''}`;
  if (bannedOwners.has(gvk)) errs.push(invalid(path, ref, `${gvk} is disallowed from being an owner`));
  return errs;
}

export function validateOwnerReferences(refs: OwnerReference[] | undefined | null, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!refs) return errs;
  let firstController = '';
  for (const ref of refs) {
    // Upstream reports per-reference problems at the list's path, not at an index.
    errs.push(...validateOwnerReference(ref, path));
    if (ref.controller === true) {
      const current = `${ref.kind}/${ref.name}`;
      if (firstController) {
        errs.push(invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`));
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

export const finalizerOrphanDependents = 'orphan';
export const finalizerDeleteDependents = 'foregroundDeletion';

export function validateFinalizerName(name: string, path: FieldPath): FieldError[] {
  return isQualifiedName(name).map((m) => invalid(path, name, m));
}

export function validateFinalizers(finalizers: string[] | undefined | null, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!finalizers) return errs;
  for (const f of finalizers) errs.push(...validateFinalizerName(f, path));
  if (finalizers.includes(finalizerOrphanDependents) && finalizers.includes(finalizerDeleteDependents)) {
    errs.push(invalid(path, finalizers, `finalizer ${finalizerOrphanDependents} and ${finalizerDeleteDependents} cannot be both set`));
  }
  return errs;
}

/** Metadata of an object being created. */
export function validateObjectMeta(
  meta: ObjectMeta,
  namespaced: boolean,
  validateName: ValidateNameFunc,
  path: FieldPath = FieldPath.root('metadata'),
): FieldError[] {
  const errs: FieldError[] = [];
  if (meta.generateName) {
    for (const m of validateName(meta.generateName, true)) errs.push(invalid(path.child('generateName'), meta.generateName, m));
  }
  if (!meta.name) {
    errs.push(required(path.child('name'), 'name or generateName is required'));
  } else {
    for (const m of validateName(meta.name, false)) errs.push(invalid(path.child('name'), meta.name, m));
  }
  if (namespaced) {
    if (!meta.namespace) errs.push(required(path.child('namespace')));
    else for (const m of validateNamespaceName(meta.namespace, false)) errs.push(invalid(path.child('namespace'), meta.namespace, m));
  } else if (meta.namespace) {
    errs.push(forbidden(path.child('namespace'), 'not allowed on this type'));
  }
  if (meta.generation !== undefined) errs.push(...validateNonnegativeField(meta.generation, path.child('generation')));
  errs.push(...validateLabels(meta.labels, path.child('labels')));
  errs.push(...validateAnnotations(meta.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(meta.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateFinalizers(meta.finalizers, path.child('finalizers')));
  return errs;
}

/** Finalizers cannot be added once deletion has begun. */
export function validateNoNewFinalizers(newFinalizers: string[] | undefined, oldFinalizers: string[] | undefined, path: FieldPath): FieldError[] {
  const old = new Set(oldFinalizers ?? []);
  const extra = [...new Set((newFinalizers ?? []).filter((f) => !old.has(f)))].sort();
  if (extra.length === 0) return [];
  const list = `[]string{${extra.map((f) => JSON.stringify(f)).join(', ')}}`;
  return [forbidden(path, `no new finalizers can be added if the object is being deleted, found new finalizers ${list}`)];
}

function sameValue(a: unknown, b: unknown): boolean {
  // Absent and empty are the same to upstream's semantic equality for these scalar fields.
  const norm = (v: unknown): unknown => (v === undefined || v === null || v === '' ? undefined : v);
  return norm(a) === norm(b);
}

export function validateImmutableField(newValue: unknown, oldValue: unknown, path: FieldPath): FieldError[] {
  return sameValue(newValue, oldValue) ? [] : [invalid(path, newValue ?? null, fieldImmutableErrorMsg)];
}

export interface ObjectMetaUpdateOptions {
  /** Upstream rejects updates without resourceVersion; the store fills it in for unconditional updates first. */
  requireResourceVersion?: boolean;
}

/** Metadata of an object being updated, compared with what is stored. */
export function validateObjectMetaUpdate(
  newMeta: ObjectMeta,
  oldMeta: ObjectMeta,
  path: FieldPath = FieldPath.root('metadata'),
  opts: ObjectMetaUpdateOptions = {},
): FieldError[] {
  const errs: FieldError[] = [];
  if (oldMeta.deletionTimestamp) errs.push(...validateNoNewFinalizers(newMeta.finalizers, oldMeta.finalizers, path.child('finalizers')));
  if ((opts.requireResourceVersion ?? true) && !newMeta.resourceVersion) {
    errs.push(invalid(path.child('resourceVersion'), newMeta.resourceVersion ?? '', 'must be specified for an update'));
  }
  if ((newMeta.generation ?? 0) < (oldMeta.generation ?? 0)) {
    errs.push(invalid(path.child('generation'), newMeta.generation ?? 0, 'must not be decremented'));
  }
  errs.push(...validateImmutableField(newMeta.name, oldMeta.name, path.child('name')));
  errs.push(...validateImmutableField(newMeta.namespace, oldMeta.namespace, path.child('namespace')));
  errs.push(...validateImmutableField(newMeta.uid, oldMeta.uid, path.child('uid')));
  errs.push(...validateImmutableField(newMeta.creationTimestamp, oldMeta.creationTimestamp, path.child('creationTimestamp')));
  errs.push(...validateImmutableField(newMeta.deletionTimestamp, oldMeta.deletionTimestamp, path.child('deletionTimestamp')));
  errs.push(...validateImmutableField(newMeta.deletionGracePeriodSeconds, oldMeta.deletionGracePeriodSeconds, path.child('deletionGracePeriodSeconds')));
  errs.push(...validateLabels(newMeta.labels, path.child('labels')));
  errs.push(...validateAnnotations(newMeta.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(newMeta.ownerReferences, path.child('ownerReferences')));
  return errs;
}
