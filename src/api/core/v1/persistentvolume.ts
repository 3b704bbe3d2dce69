// The PersistentVolume kind: defaults, validation (upstream's ValidatePersistentVolume and its
// update rules) and names.
import type { KindDefinition } from '../../scheme/kind.js';
import { forbidden, invalid, notSupported, path, required, type FieldError, type FieldPath } from '../../validation/field.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { validateNodeSelector } from './node-selector-validation.js';
import './persistentvolume-schema.js';
import { validatePersistentVolumeSource } from './persistentvolume-source-validation.js';
import { canonicalizeResourceList, quantityOf, validatePositiveQuantity, validateResourceQuantityValue } from './resource-rules.js';
import { PV_SOURCE_FIELDS, type AccessMode, type PersistentVolume, type PersistentVolumeSpec } from './types.js';
import { semanticEqual, validateImmutable } from './validation-helpers.js';
import { rfc3339 } from '../../../util/time.js';

export const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'] as const;
export const VOLUME_MODES = ['Block', 'Filesystem'] as const;
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'] as const;

/** SetDefaults_PersistentVolume plus the defaults of the PV-only volume sources. */
export function defaultPersistentVolume(pv: PersistentVolume): void {
  const spec = (pv.spec ??= {});
  spec.persistentVolumeReclaimPolicy ||= 'Retain';
  spec.volumeMode ??= 'Filesystem';
  canonicalizeResourceList(spec.capacity);
  if (spec.hostPath) spec.hostPath['type'] ??= '';
  if (spec.iscsi) spec.iscsi['iscsiInterface'] ||= 'default';
  if (spec.rbd) {
    spec.rbd['pool'] ||= 'rbd';
    spec.rbd['user'] ||= 'admin';
    spec.rbd['keyring'] ||= '/etc/ceph/keyring';
  }
  if (spec.scaleIO) {
    spec.scaleIO['storageMode'] ||= 'ThinProvisioned';
    spec.scaleIO['fsType'] ||= 'xfs';
  }
  if (spec.azureDisk) {
    spec.azureDisk['cachingMode'] ??= 'ReadWrite';
    spec.azureDisk['fsType'] ??= 'ext4';
    spec.azureDisk['readOnly'] ??= false;
    spec.azureDisk['kind'] ??= 'Shared';
  }
  if (pv.status && !pv.status.phase) pv.status.phase = 'Pending';
}

export function validateAccessModes(modes: AccessMode[] | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let rwop = false;
  let other = false;
  for (const m of modes ?? []) {
    if (!(ACCESS_MODES as readonly string[]).includes(m)) errs.push(notSupported(p, m, ACCESS_MODES));
    if (m === 'ReadWriteOncePod') rwop = true;
    else other = true;
  }
  if (rwop && other) errs.push(forbidden(p, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

function validateSpec(spec: PersistentVolumeSpec): FieldError[] {
  const errs: FieldError[] = [];
  const sp = path('spec');
  if (!spec.accessModes?.length) errs.push(required(sp.child('accessModes')));
  const capacity = spec.capacity ?? {};
  const names = Object.keys(capacity);
  if (names.length === 0) errs.push(required(sp.child('capacity')));
  if (!('storage' in capacity) || names.length > 1) errs.push(notSupported(sp.child('capacity'), capacity, ['storage']));
  for (const name of names) {
    const p = sp.child('capacity').key(name);
    const { q, errs: parseErrs } = quantityOf(capacity[name]!, p);
    errs.push(...parseErrs);
    if (q) errs.push(...validatePositiveQuantity(q, p), ...validateResourceQuantityValue(name, q, p));
  }
  errs.push(...validateAccessModes(spec.accessModes, sp.child('accessModes')));
  if (spec.storageClassName) for (const msg of nameIsDNSSubdomain(spec.storageClassName, false)) errs.push(invalid(sp.child('storageClassName'), spec.storageClassName, msg));
  if (spec.volumeMode !== undefined && !(VOLUME_MODES as readonly string[]).includes(spec.volumeMode)) errs.push(notSupported(sp.child('volumeMode'), spec.volumeMode, VOLUME_MODES));
  const policy = spec.persistentVolumeReclaimPolicy;
  if (policy && !(RECLAIM_POLICIES as readonly string[]).includes(policy)) errs.push(notSupported(sp.child('persistentVolumeReclaimPolicy'), policy, RECLAIM_POLICIES));

  let affinitySpecified = false;
  if (spec.nodeAffinity) {
    const ap = sp.child('nodeAffinity');
    if (!spec.nodeAffinity.required) {
      errs.push(required(ap.child('required'), 'must specify required node constraints'));
    } else {
      affinitySpecified = true;
      errs.push(...validateNodeSelector(spec.nodeAffinity.required, ap.child('required')));
    }
  }
  const { errs: sourceErrs, source } = validatePersistentVolumeSource(spec, sp);
  errs.push(...sourceErrs);
  if (source === 'local' && !affinitySpecified) errs.push(required(sp.child('nodeAffinity'), 'Local volume requires node affinity'));
  const hostPath = spec.hostPath?.['path'];
  if (typeof hostPath === 'string' && hostPath.replace(/\/+$/, '') === '' && hostPath.startsWith('/') && policy === 'Recycle') {
    errs.push(forbidden(sp.child('persistentVolumeReclaimPolicy'), "may not be 'recycle' for a hostPath mount of '/'"));
  }
  return errs;
}

export function validatePersistentVolume(pv: PersistentVolume): FieldError[] {
  return [...validateObjectMeta(pv.metadata, false, nameIsDNSSubdomain), ...validateSpec(pv.spec ?? {})];
}

function sourcesOf(spec: PersistentVolumeSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of PV_SOURCE_FIELDS) if (spec[k] !== undefined) out[k] = spec[k];
  return out;
}

export function validatePersistentVolumeUpdate(pv: PersistentVolume, old: PersistentVolume): FieldError[] {
  const errs = validateObjectMetaUpdate(pv.metadata, old.metadata, path('metadata'));
  errs.push(...validateSpec(pv.spec ?? {}));
  const spec = pv.spec ?? {};
  const oldSpec = old.spec ?? {};
  const next = sourcesOf(spec);
  // A CSI volume may gain a controller-expand secret it did not have.
  const oldCsi = oldSpec.csi;
  if (oldCsi && !oldCsi['controllerExpandSecretRef'] && spec.csi?.['controllerExpandSecretRef']) {
    const { controllerExpandSecretRef: _added, ...rest } = spec.csi;
    next['csi'] = rest;
  }
  if (!semanticEqual(next, sourcesOf(oldSpec))) {
    errs.push(forbidden(path('spec', 'persistentvolumesource'), 'spec.persistentvolumesource is immutable after creation'));
  }
  errs.push(...validateImmutable(spec.volumeMode, oldSpec.volumeMode, path('volumeMode')));
  if (oldSpec.nodeAffinity && !semanticEqual(spec.nodeAffinity, oldSpec.nodeAffinity)) {
    errs.push(invalid(path('nodeAffinity'), spec.nodeAffinity ?? null, 'field is immutable, except for updating from beta label to GA'));
  }
  return errs;
}

export function validatePersistentVolumeStatusUpdate(pv: PersistentVolume, old: PersistentVolume): FieldError[] {
  return validateObjectMetaUpdate(pv.metadata, old.metadata, path('metadata'));
}

/**
 * The status strategy's lastPhaseTransitionTime rule: kept while the phase stays, stamped now when
 * the phase moves and the writer did not set a new time itself.
 */
export function stampPhaseTransition(pv: PersistentVolume, old: PersistentVolume): void {
  const status = (pv.status ??= {});
  const before = old.status ?? {};
  if (status.phase === before.phase) {
    if (status.lastPhaseTransitionTime === undefined && before.lastPhaseTransitionTime !== undefined) status.lastPhaseTransitionTime = before.lastPhaseTransitionTime;
  } else if (status.lastPhaseTransitionTime === undefined || status.lastPhaseTransitionTime === before.lastPhaseTransitionTime) {
    status.lastPhaseTransitionTime = rfc3339();
  }
}

export const persistentVolumeKind: KindDefinition<PersistentVolume> = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  plural: 'persistentvolumes',
  singular: 'persistentvolume',
  shortNames: ['pv'],
  namespaced: false,
  schema: 'io.k8s.api.core.v1.PersistentVolume',
  hasStatus: true,
  tracksGeneration: false,
  default: defaultPersistentVolume,
  prepareForCreate: (pv) => {
    pv.status = { phase: 'Pending', lastPhaseTransitionTime: rfc3339() };
  },
  prepareForStatusUpdate: stampPhaseTransition,
  warnings: (pv) => (pv.spec?.persistentVolumeReclaimPolicy === 'Recycle' ? ['spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the recommended approach is to use dynamic provisioning.'] : []),
  validateCreate: validatePersistentVolume,
  validateUpdate: validatePersistentVolumeUpdate,
  validateStatusUpdate: validatePersistentVolumeStatusUpdate,
};
