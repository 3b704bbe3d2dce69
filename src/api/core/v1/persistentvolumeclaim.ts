// The PersistentVolumeClaim kind: defaults, validation (upstream's ValidatePersistentVolumeClaim
// and the update rule that a claim's spec is fixed except for growing its storage request).
import type { KindDefinition } from '../../scheme/kind.js';
import { forbidden, invalid, notSupported, path, required, type FieldError, type FieldPath } from '../../validation/field.js';
import { isDNS1123Subdomain } from '../../validation/names.js';
import { nameIsDNSSubdomain, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { VOLUME_MODES, validateAccessModes } from './persistentvolume.js';
import './persistentvolume-schema.js';
import { canonicalizeResourceList, quantityOf, validatePositiveQuantity, validateResourceQuantityValue } from './resource-rules.js';
import type { PersistentVolumeClaim, PersistentVolumeClaimSpec, TypedObjectReference } from './types.js';
import { semanticEqual, validateImmutable } from './validation-helpers.js';

export const SPEC_IMMUTABLE = 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';
const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

export function defaultPersistentVolumeClaim(pvc: PersistentVolumeClaim): void {
  const spec = (pvc.spec ??= {});
  spec.volumeMode ??= 'Filesystem';
  canonicalizeResourceList(spec.resources?.requests);
  canonicalizeResourceList(spec.resources?.limits);
  canonicalizeResourceList(pvc.status?.capacity);
  if (pvc.status && !pvc.status.phase) pvc.status.phase = 'Pending';
}

/**
 * dataSource and dataSourceRef mirror each other when either is given alone (and the reference
 * stays in the claim's namespace), as upstream's EnsureDataSourceRefs.
 */
function ensureDataSourceRefs(spec: PersistentVolumeClaimSpec): void {
  if (spec.dataSource && !spec.dataSourceRef) {
    spec.dataSourceRef = { ...spec.dataSource };
  } else if (spec.dataSourceRef && !spec.dataSource && !spec.dataSourceRef.namespace) {
    const { namespace: _ns, ...rest } = spec.dataSourceRef;
    spec.dataSource = rest;
  }
}

export function preparePersistentVolumeClaimForCreate(pvc: PersistentVolumeClaim): void {
  pvc.status = { phase: 'Pending' };
  ensureDataSourceRefs((pvc.spec ??= {}));
}

function validateDataSource(ref: TypedObjectReference, p: FieldPath, isRef: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!ref.name) errs.push(required(p.child('name')));
  if (!ref.kind) errs.push(required(p.child('kind')));
  const group = ref.apiGroup ?? '';
  if (!group && ref.kind !== 'PersistentVolumeClaim') errs.push(invalid(p, ref.kind ?? '', "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
  if (group) for (const msg of isDNS1123Subdomain(group)) errs.push(invalid(p.child('apiGroup'), group, msg));
  if (isRef && ref.namespace) for (const msg of isDNS1123Subdomain(ref.namespace)) errs.push(invalid(p.child('namespace'), ref.namespace, msg));
  return errs;
}

function validateClaimSpec(spec: PersistentVolumeClaimSpec): FieldError[] {
  const errs: FieldError[] = [];
  const sp = path('spec');
  if (!spec.accessModes?.length) errs.push(required(sp.child('accessModes'), 'at least 1 access mode is required'));
  if (spec.selector) errs.push(...validateLabelSelector(spec.selector, sp.child('selector')));
  errs.push(...validateAccessModes(spec.accessModes, sp.child('accessModes')));

  const storagePath = sp.child('resources').key('storage');
  const storage = spec.resources?.requests?.['storage'];
  if (storage === undefined) {
    errs.push(required(storagePath));
  } else {
    const { q, errs: parseErrs } = quantityOf(storage, storagePath);
    errs.push(...parseErrs);
    if (q) {
      const positive = validatePositiveQuantity(q, storagePath);
      errs.push(...(positive.length ? positive : validateResourceQuantityValue('storage', q, storagePath)));
    }
  }
  if (spec.storageClassName) for (const msg of nameIsDNSSubdomain(spec.storageClassName, false)) errs.push(invalid(sp.child('storageClassName'), spec.storageClassName, msg));
  if (spec.volumeMode !== undefined && !(VOLUME_MODES as readonly string[]).includes(spec.volumeMode)) errs.push(notSupported(sp.child('volumeMode'), spec.volumeMode, VOLUME_MODES));
  if (spec.dataSource) errs.push(...validateDataSource(spec.dataSource, sp.child('dataSource'), false));
  if (spec.dataSourceRef) errs.push(...validateDataSource(spec.dataSourceRef, sp.child('dataSourceRef'), true));
  if (spec.dataSourceRef?.namespace) {
    if (spec.dataSource) errs.push(invalid(sp, 'spec.dataSource', 'may not be specified when dataSourceRef.namespace is specified'));
  } else if (spec.dataSource && spec.dataSourceRef) {
    const a = spec.dataSource;
    const b = spec.dataSourceRef;
    if ((a.apiGroup ?? '') !== (b.apiGroup ?? '') || a.kind !== b.kind || a.name !== b.name) errs.push(invalid(sp, 'spec.dataSource', 'must match dataSourceRef'));
  }
  return errs;
}

export function validatePersistentVolumeClaim(pvc: PersistentVolumeClaim): FieldError[] {
  return [...validateObjectMeta(pvc.metadata, true, nameIsDNSSubdomain), ...validateClaimSpec(pvc.spec ?? {})];
}

export function validatePersistentVolumeClaimUpdate(pvc: PersistentVolumeClaim, old: PersistentVolumeClaim): FieldError[] {
  const errs = validateObjectMetaUpdate(pvc.metadata, old.metadata, path('metadata'));
  errs.push(...validateClaimSpec(pvc.spec ?? {}));
  const spec: PersistentVolumeClaimSpec = structuredClone(pvc.spec ?? {});
  const oldSpec: PersistentVolumeClaimSpec = structuredClone(old.spec ?? {});
  // The binder sets volumeName once.
  if (!oldSpec.volumeName) oldSpec.volumeName = spec.volumeName;
  // A class given by the beta annotation may move into the field; an unset class may be set once.
  const oldAnnotationClass = old.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (oldSpec.storageClassName === undefined && spec.storageClassName !== undefined && (oldAnnotationClass === undefined || oldAnnotationClass === spec.storageClassName)) {
    delete spec.storageClassName;
  } else {
    errs.push(...validateImmutable(pvc.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION], oldAnnotationClass, path('metadata', 'annotations').key(BETA_STORAGE_CLASS_ANNOTATION)));
  }
  // Bound claims may change their storage request (expansion); everything else is fixed.
  if (pvc.status?.phase === 'Bound' && spec.resources?.requests) {
    const oldStorage = oldSpec.resources?.requests?.['storage'];
    if (oldStorage === undefined) delete spec.resources.requests['storage'];
    else spec.resources.requests['storage'] = oldStorage;
  }
  if (!semanticEqual(spec, oldSpec)) errs.push(forbidden(path('spec'), SPEC_IMMUTABLE));
  const newSize = pvc.spec?.resources?.requests?.['storage'];
  const oldSize = old.spec?.resources?.requests?.['storage'];
  if (newSize !== undefined && oldSize !== undefined) {
    const a = quantityOf(newSize, path('spec')).q;
    const b = quantityOf(oldSize, path('spec')).q;
    if (a && b && a.cmp(b) < 0) errs.push(forbidden(path('spec', 'resources', 'requests', 'storage'), 'field can not be less than previous value'));
  }
  errs.push(...validateImmutable(pvc.spec?.volumeMode, old.spec?.volumeMode, path('volumeMode')));
  return errs;
}

export function validatePersistentVolumeClaimStatusUpdate(pvc: PersistentVolumeClaim, old: PersistentVolumeClaim): FieldError[] {
  const errs = validateObjectMetaUpdate(pvc.metadata, old.metadata, path('metadata'));
  const cap = pvc.status?.capacity ?? {};
  for (const [name, value] of Object.entries(cap)) {
    const p = path('status', 'capacity').key(name);
    const { q, errs: parseErrs } = quantityOf(value, p);
    errs.push(...parseErrs);
    if (q) errs.push(...validateResourceQuantityValue(name, q, p));
  }
  return errs;
}

export const persistentVolumeClaimKind: KindDefinition<PersistentVolumeClaim> = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  shortNames: ['pvc'],
  namespaced: true,
  schema: 'io.k8s.api.core.v1.PersistentVolumeClaim',
  hasStatus: true,
  tracksGeneration: false,
  default: defaultPersistentVolumeClaim,
  prepareForCreate: preparePersistentVolumeClaimForCreate,
  validateCreate: validatePersistentVolumeClaim,
  validateUpdate: validatePersistentVolumeClaimUpdate,
  validateStatusUpdate: validatePersistentVolumeClaimStatusUpdate,
};
