// Validation of the one volume source a PersistentVolume must name: exactly one source, the
// fields each source cannot do without, and the path rules of hostPath, local and nfs.
import { forbidden, invalid, notSupported, required, type FieldError, type FieldPath } from '../../validation/field.js';
import { isDNS1123Subdomain } from '../../validation/names.js';
import { PV_SOURCE_FIELDS, type PersistentVolumeSpec } from './types.js';

/** Fields without which a source cannot be mounted (upstream reports each as Required). */
const REQUIRED_FIELDS: Partial<Record<(typeof PV_SOURCE_FIELDS)[number], readonly string[]>> = {
  gcePersistentDisk: ['pdName'],
  awsElasticBlockStore: ['volumeID'],
  hostPath: ['path'],
  glusterfs: ['endpoints', 'path'],
  nfs: ['server', 'path'],
  rbd: ['monitors', 'image'],
  iscsi: ['targetPortal', 'iqn'],
  cinder: ['volumeID'],
  cephfs: ['monitors'],
  flexVolume: ['driver'],
  azureFile: ['secretName', 'shareName'],
  vsphereVolume: ['volumePath'],
  quobyte: ['registry', 'volume'],
  azureDisk: ['diskName', 'diskURI'],
  photonPersistentDisk: ['pdID'],
  portworxVolume: ['volumeID'],
  scaleIO: ['gateway', 'system', 'volumeName'],
  local: ['path'],
  storageos: ['volumeName'],
  csi: ['driver', 'volumeHandle'],
};

const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'] as const;

const isEmptyValue = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

function validatePathNoBacksteps(value: string, p: FieldPath): FieldError[] {
  return value.split('/').includes('..') ? [invalid(p, value, "must not contain '..'")] : [];
}

function validateCSIDriverName(name: string, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (name.length > 63) errs.push({ type: 'FieldValueTooLong', field: String(p), badValue: name, detail: 'must have at most 63 bytes' });
  for (const msg of isDNS1123Subdomain(name.toLowerCase())) errs.push(invalid(p, name, msg));
  return errs;
}

function validateSpecificRules(kind: (typeof PV_SOURCE_FIELDS)[number], src: Record<string, unknown>, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const str = (k: string) => (typeof src[k] === 'string' ? (src[k] as string) : '');
  switch (kind) {
    case 'hostPath': {
      if (str('path')) errs.push(...validatePathNoBacksteps(str('path'), p.child('path')));
      const t = src['type'];
      if (typeof t === 'string' && !(HOST_PATH_TYPES as readonly string[]).includes(t)) errs.push(notSupported(p.child('type'), t, HOST_PATH_TYPES));
      break;
    }
    case 'local':
      if (str('path')) errs.push(...validatePathNoBacksteps(str('path'), p.child('path')));
      break;
    case 'nfs':
      if (str('path') && !str('path').startsWith('/')) errs.push(invalid(p.child('path'), str('path'), 'must be an absolute path'));
      break;
    case 'csi':
      if (str('driver')) errs.push(...validateCSIDriverName(str('driver'), p.child('driver')));
      break;
    case 'iscsi': {
      const lun = src['lun'];
      if (typeof lun === 'number' && (lun < 0 || lun > 255)) errs.push(invalid(p.child('lun'), lun, 'must be between 0 and 255, inclusive'));
      break;
    }
  }
  return errs;
}

/** Validates the sources of `spec` at `p`; returns the errors and which source was used. */
export function validatePersistentVolumeSource(spec: PersistentVolumeSpec, p: FieldPath): { errs: FieldError[]; source?: string } {
  const errs: FieldError[] = [];
  let source: string | undefined;
  for (const kind of PV_SOURCE_FIELDS) {
    const src = spec[kind];
    if (src === undefined || src === null) continue;
    const sp = p.child(kind);
    if (source) {
      errs.push(forbidden(sp, 'may not specify more than 1 volume type'));
      continue;
    }
    source = kind;
    for (const f of REQUIRED_FIELDS[kind] ?? []) if (isEmptyValue(src[f])) errs.push(required(sp.child(f)));
    errs.push(...validateSpecificRules(kind, src, sp));
  }
  if (!source) errs.push(required(p, 'must specify a volume type'));
  return { errs, source };
}
