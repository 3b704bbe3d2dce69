// Validation of pod volumes and of the mounts and devices containers make of them.
import { duplicate, FieldPath, forbidden, invalid, notFound, notSupported, required, type FieldError } from '../../../validation/field.js';
import { nameIsDNSSubdomain, validateLabelSelector } from '../../../validation/objectmeta.js';
import type { Container, DownwardAPIVolumeFile, KeyToPath, Volume, VolumeDevice, VolumeMount } from './types.js';
import {
  validateDNS1123Label,
  validateFileMode,
  validateLocalDescendingPath,
  validateLocalNonReservedPath,
  validatePathNoBacksteps,
  parseQuantityValue,
} from './validate-common.js';
import { volumeSourceNames } from './schema-volumes.js';
import { validateContainerResourceFieldSelector, validateObjectFieldSelector, volumeFieldPaths } from './validate-field-refs.js';

const hostPathTypes = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

/** Validates the volume list; returns the errors and the volumes that passed, by name. */
export function validateVolumes(volumes: Volume[] | undefined, p: FieldPath): { errs: FieldError[]; byName: Map<string, Volume> } {
  const errs: FieldError[] = [];
  const byName = new Map<string, Volume>();
  (volumes ?? []).forEach((v, i) => {
    const ip = p.index(i);
    const el = validateVolumeSource(v, ip);
    if (!v.name) el.push(required(ip.child('name'), ''));
    else el.push(...validateDNS1123Label(v.name, ip.child('name')));
    if (byName.has(v.name)) el.push(duplicate(ip.child('name'), v.name));
    if (el.length === 0) byName.set(v.name, v);
    else errs.push(...el);
  });
  return { errs, byName };
}

function validateVolumeSource(v: Volume, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const src = v as unknown as Record<string, unknown>;
  let count = 0;
  for (const name of volumeSourceNames) {
    if (src[name] === undefined || src[name] === null) continue;
    if (count > 0) {
      errs.push(forbidden(p.child(name), 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    errs.push(...validateOneSource(v, name, p.child(name)));
  }
  if (count === 0) errs.push(required(p, 'must specify a volume type'));
  return errs;
}

function requireFields(o: Record<string, unknown>, fields: readonly string[], p: FieldPath): FieldError[] {
  return fields.filter((f) => o[f] === undefined || o[f] === null || o[f] === '' || (Array.isArray(o[f]) && (o[f] as unknown[]).length === 0)).map((f) => required(p.child(f), ''));
}

// Required fields of the sources with no rule beyond presence.
const simpleRequired: Record<string, readonly string[]> = {
  gcePersistentDisk: ['pdName'],
  awsElasticBlockStore: ['volumeID'],
  glusterfs: ['endpoints', 'path'],
  rbd: ['monitors', 'image'],
  quobyte: ['registry', 'volume'],
  cinder: ['volumeID'],
  cephfs: ['monitors'],
  flexVolume: ['driver'],
  azureFile: ['secretName', 'shareName'],
  vsphereVolume: ['volumePath'],
  photonPersistentDisk: ['pdID'],
  portworxVolume: ['volumeID'],
  azureDisk: ['diskName', 'diskURI'],
  scaleIO: ['gateway', 'system', 'volumeName'],
  storageos: ['volumeName'],
  iscsi: ['targetPortal', 'iqn'],
  csi: ['driver'],
};

function validateOneSource(v: Volume, name: string, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const s = (v as unknown as Record<string, Record<string, unknown>>)[name]!;
  switch (name) {
    case 'emptyDir':
      if (v.emptyDir!.sizeLimit !== undefined) errs.push(...validatePositiveOrZero(v.emptyDir!.sizeLimit, p.child('sizeLimit')));
      break;
    case 'hostPath': {
      const hp = v.hostPath!;
      if (!hp.path) errs.push(required(p.child('path'), ''));
      else errs.push(...validatePathNoBacksteps(hp.path, p.child('path')));
      if (hp.type !== undefined && hp.type !== null && !hostPathTypes.includes(hp.type)) errs.push(notSupported(p.child('type'), hp.type, hostPathTypes));
      break;
    }
    case 'gitRepo': {
      const g = v.gitRepo!;
      if (!g.repository) errs.push(required(p.child('repository'), ''));
      if (g.directory) errs.push(...validateLocalDescendingPath(g.directory, p.child('directory')));
      break;
    }
    case 'secret': {
      const sv = v.secret!;
      if (!sv.secretName) errs.push(required(p.child('secretName'), ''));
      errs.push(...validateFileMode(sv.defaultMode, p.child('defaultMode')));
      errs.push(...validateKeyToPaths(sv.items, p.child('items')));
      break;
    }
    case 'configMap': {
      const cm = v.configMap!;
      if (!cm.name) errs.push(required(p.child('name'), ''));
      else for (const m of nameIsDNSSubdomain(cm.name, false)) errs.push(invalid(p.child('name'), cm.name, m));
      errs.push(...validateFileMode(cm.defaultMode, p.child('defaultMode')));
      errs.push(...validateKeyToPaths(cm.items, p.child('items')));
      break;
    }
    case 'nfs': {
      const n = v.nfs!;
      if (!n.server) errs.push(required(p.child('server'), ''));
      if (!n.path) errs.push(required(p.child('path'), ''));
      else if (!n.path.startsWith('/')) errs.push(invalid(p.child('path'), n.path, 'must be an absolute path'));
      break;
    }
    case 'persistentVolumeClaim':
      if (!v.persistentVolumeClaim!.claimName) errs.push(required(p.child('claimName'), ''));
      break;
    case 'downwardAPI':
      errs.push(...validateFileMode(v.downwardAPI!.defaultMode, p.child('defaultMode')));
      errs.push(...validateDownwardAPIFiles(v.downwardAPI!.items, p.child('items')));
      break;
    case 'projected':
      errs.push(...validateProjected(v, p));
      break;
    case 'fc': {
      const wwns = s['targetWWNs'] as string[] | undefined;
      const wwids = s['wwids'] as string[] | undefined;
      if (!wwns?.length && !wwids?.length) errs.push(required(p.child('targetWWNs'), 'must specify either targetWWNs or wwids, but not both'));
      else if (wwns?.length && wwids?.length) errs.push(invalid(p.child('targetWWNs'), wwns, 'targetWWNs and wwids can not be specified simultaneously'));
      else if (wwns?.length && (s['lun'] === undefined || s['lun'] === null)) errs.push(required(p.child('lun'), 'lun is required if targetWWNs is specified'));
      break;
    }
    case 'ephemeral': {
      const t = v.ephemeral!.volumeClaimTemplate;
      if (!t) errs.push(required(p.child('volumeClaimTemplate'), ''));
      else if (!t.spec) errs.push(required(p.child('volumeClaimTemplate', 'spec'), ''));
      break;
    }
    case 'image': {
      const im = v.image!;
      if (!im.reference) errs.push(required(p.child('reference'), ''));
      if (im.pullPolicy && !['Always', 'IfNotPresent', 'Never'].includes(im.pullPolicy)) errs.push(notSupported(p.child('pullPolicy'), im.pullPolicy, ['Always', 'IfNotPresent', 'Never']));
      break;
    }
    default:
      errs.push(...requireFields(s, simpleRequired[name] ?? [], p));
      if (name === 'iscsi' && s['lun'] !== undefined && ((s['lun'] as number) < 0 || (s['lun'] as number) > 255)) {
        errs.push(invalid(p.child('lun'), s['lun'], 'must be between 0 and 255, inclusive'));
      }
  }
  return errs;
}

/** A negative (or malformed) emptyDir sizeLimit is refused; zero is allowed. */
function validatePositiveOrZero(value: string | number, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const q = parseQuantityValue(value, p, errs);
  if (q && q.sign() < 0) errs.push(forbidden(p, 'SizeLimit field must be a valid resource quantity'));
  return errs;
}

function validateKeyToPaths(items: KeyToPath[] | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (items ?? []).forEach((kp, i) => {
    const ip = p.index(i);
    if (!kp.key) errs.push(required(ip.child('key'), ''));
    if (!kp.path) errs.push(required(ip.child('path'), ''));
    else errs.push(...validateLocalNonReservedPath(kp.path, ip.child('path')));
    errs.push(...validateFileMode(kp.mode, ip.child('mode')));
  });
  return errs;
}

function validateDownwardAPIFiles(items: DownwardAPIVolumeFile[] | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (items ?? []).forEach((f, i) => {
    const ip = p.index(i);
    if (!f.path) errs.push(required(ip.child('path'), ''));
    else errs.push(...validateLocalNonReservedPath(f.path, ip.child('path')));
    if (f.fieldRef) {
      errs.push(...validateObjectFieldSelector(f.fieldRef, volumeFieldPaths, ip.child('fieldRef')));
      if (f.resourceFieldRef) errs.push(invalid(ip, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
    } else if (f.resourceFieldRef) {
      errs.push(...validateContainerResourceFieldSelector(f.resourceFieldRef, ip.child('resourceFieldRef'), true));
    } else {
      errs.push(required(ip, 'one of fieldRef and resourceFieldRef is required'));
    }
    errs.push(...validateFileMode(f.mode, ip.child('mode')));
  });
  return errs;
}

function validateProjected(v: Volume, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const proj = v.projected!;
  errs.push(...validateFileMode(proj.defaultMode, p.child('defaultMode')));
  const paths = new Set<string>();
  const notePath = (path: string | undefined, at: FieldPath) => {
    if (!path) return;
    if (paths.has(path)) errs.push(invalid(at, path, 'conflicting duplicate paths'));
    paths.add(path);
  };
  (proj.sources ?? []).forEach((src, i) => {
    const sp = p.child('sources').index(i);
    let count = 0;
    if (src.secret) {
      count++;
      if (!src.secret.name) errs.push(required(sp.child('secret', 'name'), ''));
      errs.push(...validateKeyToPaths(src.secret.items, sp.child('secret', 'items')));
      src.secret.items?.forEach((it, j) => notePath(it.path, sp.child('secret', 'items').index(j).child('path')));
    }
    if (src.configMap) {
      count++;
      if (!src.configMap.name) errs.push(required(sp.child('configMap', 'name'), ''));
      errs.push(...validateKeyToPaths(src.configMap.items, sp.child('configMap', 'items')));
      src.configMap.items?.forEach((it, j) => notePath(it.path, sp.child('configMap', 'items').index(j).child('path')));
    }
    if (src.downwardAPI) {
      count++;
      errs.push(...validateDownwardAPIFiles(src.downwardAPI.items, sp.child('downwardAPI', 'items')));
      src.downwardAPI.items?.forEach((it, j) => notePath(it.path, sp.child('downwardAPI', 'items').index(j).child('path')));
    }
    if (src.serviceAccountToken) {
      count++;
      const t = src.serviceAccountToken;
      const tp = sp.child('serviceAccountToken');
      const exp = t.expirationSeconds ?? 3600;
      if (exp < 600) errs.push(invalid(tp.child('expirationSeconds'), exp, 'may not specify a duration less than 10 minutes'));
      if (exp > 2 ** 32) errs.push(invalid(tp.child('expirationSeconds'), exp, 'may not specify a duration larger than 2^32 seconds'));
      if (!t.path) errs.push(required(tp.child('path'), ''));
      else errs.push(...validateLocalNonReservedPath(t.path, tp.child('path')));
      notePath(t.path, tp.child('path'));
    }
    if (src.clusterTrustBundle) {
      count++;
      const b = src.clusterTrustBundle;
      const bp = sp.child('clusterTrustBundle');
      if (b.name && (b.signerName || b.labelSelector)) errs.push(invalid(bp, b, 'only one of name and signerName may be used'));
      if (!b.name && !b.signerName) errs.push(required(bp, 'either name or signerName must be specified'));
      if (b.labelSelector) errs.push(...validateLabelSelector(b.labelSelector, bp.child('labelSelector')));
      if (!b.path) errs.push(required(bp.child('path'), ''));
      else errs.push(...validateLocalNonReservedPath(b.path, bp.child('path')));
      notePath(b.path, bp.child('path'));
    }
    if (count > 1) errs.push(forbidden(sp, 'may not specify more than 1 volume type per source'));
  });
  return errs;
}

// ---- mounts and devices ---------------------------------------------------------------

const propagationModes = ['Bidirectional', 'HostToContainer', 'None'];
const recursiveReadOnlyModes = ['Disabled', 'IfPossible', 'Enabled'];

export function validateVolumeMounts(
  mounts: VolumeMount[] | undefined,
  devices: VolumeDevice[] | undefined,
  volumes: ReadonlyMap<string, Volume>,
  container: Container,
  p: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const mountPaths = new Set<string>();
  (mounts ?? []).forEach((m, i) => {
    const ip = p.index(i);
    if (!m.name) errs.push(required(ip.child('name'), ''));
    if (!volumes.has(m.name)) errs.push(notFound(ip.child('name'), m.name));
    if (!m.mountPath) errs.push(required(ip.child('mountPath'), ''));
    if (mountPaths.has(m.mountPath)) errs.push(invalid(ip.child('mountPath'), m.mountPath, 'must be unique'));
    mountPaths.add(m.mountPath);
    if (devices?.some((d) => d.name === m.name)) errs.push(invalid(ip.child('name'), m.name, 'must not already exist in volumeDevices'));
    if (devices?.some((d) => d.devicePath === m.mountPath)) errs.push(invalid(ip.child('mountPath'), m.mountPath, 'must not already exist as a path in volumeDevices'));
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, ip.child('subPath')));
    if (m.subPathExpr) {
      if (m.subPath) errs.push(invalid(ip.child('subPathExpr'), m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(m.subPathExpr, ip.child('subPathExpr')));
    }
    if (m.mountPropagation) {
      const pp = ip.child('mountPropagation');
      if (!propagationModes.includes(m.mountPropagation)) errs.push(notSupported(pp, m.mountPropagation, propagationModes));
      else if (m.mountPropagation === 'Bidirectional' && !container.securityContext?.privileged) {
        errs.push(forbidden(pp, 'Bidirectional mount propagation is available only to privileged containers'));
      }
    }
    if (m.recursiveReadOnly) {
      const rp = ip.child('recursiveReadOnly');
      if (!recursiveReadOnlyModes.includes(m.recursiveReadOnly)) errs.push(notSupported(rp, m.recursiveReadOnly, recursiveReadOnlyModes));
      else if (m.recursiveReadOnly !== 'Disabled') {
        if (!m.readOnly) errs.push(forbidden(rp, 'may only be specified when readOnly is true'));
        if (m.recursiveReadOnly === 'Enabled' && m.mountPropagation && m.mountPropagation !== 'None') {
          errs.push(forbidden(rp, 'may only be specified when mountPropagation is None or not specified'));
        }
      }
    }
  });
  return errs;
}

export function validateVolumeDevices(
  devices: VolumeDevice[] | undefined,
  mounts: VolumeMount[] | undefined,
  volumes: ReadonlyMap<string, Volume>,
  p: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  const paths = new Set<string>();
  (devices ?? []).forEach((d, i) => {
    const ip = p.index(i);
    const vol = volumes.get(d.name);
    if (!d.name) errs.push(required(ip.child('name'), ''));
    if (names.has(d.name)) errs.push(invalid(ip.child('name'), d.name, 'must be unique'));
    if (!vol) errs.push(notFound(ip.child('name'), d.name));
    else if (!vol.persistentVolumeClaim && !vol.ephemeral) {
      errs.push(invalid(ip.child('name'), d.name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    }
    if (!d.devicePath) errs.push(required(ip.child('devicePath'), ''));
    if (paths.has(d.devicePath)) errs.push(invalid(ip.child('devicePath'), d.devicePath, 'must be unique'));
    if (d.devicePath && validatePathNoBacksteps(d.devicePath, ip).length) errs.push(invalid(ip.child('devicePath'), d.devicePath, "can not contain backsteps ('..')"));
    else paths.add(d.devicePath);
    if (mounts?.some((m) => m.name === d.name)) errs.push(invalid(ip.child('name'), d.name, 'must not already exist in volumeMounts'));
    if (mounts?.some((m) => m.mountPath === d.devicePath)) errs.push(invalid(ip.child('devicePath'), d.devicePath, 'must not already exist as a path in volumeMounts'));
    if (d.name) names.add(d.name);
  });
  return errs;
}
