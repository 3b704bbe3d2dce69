// Validation of storage.k8s.io/v1 StorageClass (pkg/apis/storage/validation).
import { isDeepStrictEqual } from 'node:util';
import { FieldPath, duplicate, forbidden, invalid, notSupported, path, required, type FieldError } from '../../validation/field.js';
import { isQualifiedName } from '../../validation/names.js';
import { nameIsDNSSubdomain, validateImmutableField, validateLabelName, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import type { StorageClass, TopologySelectorTerm } from './types.js';

const maxParameterCount = 512;
const maxParameterSize = 256 * 1024;
const reclaimPolicies = ['Delete', 'Retain'];
const bindingModes = ['Immediate', 'WaitForFirstConsumer'];

function tooLongDetail(p: FieldPath, value: unknown, max: number): FieldError {
  return { type: 'FieldValueTooLong', field: String(p), badValue: value, detail: `must have at most ${max} bytes` };
}

function validateProvisioner(provisioner: string, p: FieldPath): FieldError[] {
  if (!provisioner) return [required(p, provisioner ?? '')];
  // Provisioner names are compared case-insensitively: "kubernetes.io/GCE-PD" is fine.
  const lower = provisioner.toLowerCase();
  return isQualifiedName(lower).map((m) => invalid(p, lower, m));
}

function validateParameters(params: Record<string, string> | undefined, p: FieldPath): FieldError[] {
  const entries = Object.entries(params ?? {});
  if (entries.length > maxParameterCount) return [tooLongDetail(p, 'Provisioner Parameters exceeded max allowed', maxParameterCount)];
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of entries) {
    if (k.length < 1) errs.push(invalid(p, k, 'field can not be empty.'));
    size += Buffer.byteLength(k) + Buffer.byteLength(v ?? '');
  }
  if (size > maxParameterSize) errs.push(tooLongDetail(p, '', maxParameterSize));
  return errs;
}

/** One term's requirements as key -> sorted values, for spotting repeated terms. */
function validateTopologyTerm(term: TopologySelectorTerm, p: FieldPath): { signature: Map<string, string>; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const signature = new Map<string, string>();
  const ep = p.child('matchLabelExpressions');
  (term.matchLabelExpressions ?? []).forEach((req, i) => {
    const rp = ep.index(i);
    const vp = rp.child('values');
    const values = req.values ?? [];
    if (values.length === 0) errs.push(required(vp));
    const seen = new Set<string>();
    values.forEach((v, j) => {
      if (seen.has(v)) errs.push(duplicate(vp.index(j), v));
      seen.add(v);
    });
    errs.push(...validateLabelName(req.key ?? '', rp.child('key')));
    if (signature.has(req.key)) errs.push(duplicate(rp.child('key'), req.key));
    signature.set(req.key, JSON.stringify([...seen].sort()));
  });
  return { signature, errs };
}

function validateAllowedTopologies(terms: TopologySelectorTerm[] | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const previous: Map<string, string>[] = [];
  (terms ?? []).forEach((term, i) => {
    const { signature, errs: termErrs } = validateTopologyTerm(term, p.index(i));
    errs.push(...termErrs);
    for (const prev of previous) if (isDeepStrictEqual(prev, signature)) errs.push(duplicate(p.index(i).child('matchLabelExpressions'), ''));
    previous.push(signature);
  });
  return errs;
}

export function validateStorageClass(sc: StorageClass): FieldError[] {
  const errs = validateObjectMeta(sc.metadata, false, nameIsDNSSubdomain);
  errs.push(...validateProvisioner(sc.provisioner ?? '', path('provisioner')));
  errs.push(...validateParameters(sc.parameters, path('parameters')));
  if (sc.reclaimPolicy && !reclaimPolicies.includes(sc.reclaimPolicy)) errs.push(notSupported(path('reclaimPolicy'), sc.reclaimPolicy, reclaimPolicies));
  if (sc.volumeBindingMode === undefined || sc.volumeBindingMode === null) errs.push(required(path('volumeBindingMode')));
  else if (!bindingModes.includes(sc.volumeBindingMode)) errs.push(notSupported(path('volumeBindingMode'), sc.volumeBindingMode, bindingModes));
  errs.push(...validateAllowedTopologies(sc.allowedTopologies, path('allowedTopologies')));
  return errs;
}

const sameMap = (a: Record<string, string> | undefined, b: Record<string, string> | undefined) => isDeepStrictEqual(a ?? {}, b ?? {});

export function validateStorageClassUpdate(sc: StorageClass, old: StorageClass): FieldError[] {
  const errs = validateObjectMetaUpdate(sc.metadata, old.metadata, undefined, { requireResourceVersion: false });
  if (!sameMap(sc.parameters, old.parameters)) errs.push(forbidden(path('parameters'), 'updates to parameters are forbidden.'));
  if (sc.provisioner !== old.provisioner) errs.push(forbidden(path('provisioner'), 'updates to provisioner are forbidden.'));
  if ((sc.reclaimPolicy ?? '') !== (old.reclaimPolicy ?? '')) errs.push(forbidden(path('reclaimPolicy'), 'updates to reclaimPolicy are forbidden.'));
  errs.push(...validateImmutableField(sc.volumeBindingMode, old.volumeBindingMode, path('volumeBindingMode')));
  // Upstream's update strategy runs the create rules on the new object first.
  return [...validateStorageClass(sc), ...errs];
}
