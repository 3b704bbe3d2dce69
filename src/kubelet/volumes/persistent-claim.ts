// persistentVolumeClaim (and generic ephemeral) volumes: the claim is resolved to its bound
// PersistentVolume as upstream's desired-state populator does (with its error texts, which the
// FailedMount event carries), then the volume's own source is set up:
//   hostPath (local-path volumes among them): the host path itself, after its type check;
//   local: the path bind-mounted under the pod's folder (kubernetes.io~local-volume/<pv>), so the
//     container gets the directory that was checked and teardown has a mount to undo; fsGroup applies;
//   nfs: `mount -t nfs server:path` under kubernetes.io~nfs/<pv> with the PV's mountOptions (and
//     ro for a read-only claim), through the host's NFS client.
import { constants } from 'node:fs';
import { mkdir, open, readlink, realpath } from 'node:fs/promises';
import type { Pod, Volume } from '../../api/core/v1/pod/types.js';
import type { PersistentVolume, PersistentVolumeClaim } from '../../api/core/v1/types.js';
import { ApiStatusError } from '../../client/rest.js';
import type { VolumeApiClient } from './api-objects.js';
import { messageOf, VolumeError } from './errors.js';
import { bindMount, isMountPoint, mountNfs } from './host-mounts.js';
import { checkHostPathType } from './host-path.js';
import { applyFsGroup } from './ownership.js';

/** Linux's O_PATH: the local path is opened once and that inode bind-mounted. */
const O_PATH = 0o10000000;

const seg = encodeURIComponent;

export interface ResolvedClaim {
  claim: PersistentVolumeClaim;
  volume: PersistentVolume;
  /** The pod asked for it read-only (persistentVolumeClaim.readOnly). */
  readOnly: boolean;
}

/** The claim a pod volume refers to: its claimName, or <pod>-<volume> for a generic ephemeral volume. */
export function claimNameOf(pod: Pod, vol: Volume): string {
  return vol.persistentVolumeClaim?.claimName ?? `${pod.metadata.name}-${vol.name}`;
}

function processingError(vol: Volume, ns: string, claim: string, cause: string): VolumeError {
  // Upstream's kubelet reports a claim it can't use as one failed volume of the pod.
  return new VolumeError('FailedMount', `Unable to attach or mount volumes: unmounted volumes=[${vol.name}], unattached volumes=[], failed to process volumes=[${vol.name}]: error processing PVC ${ns}/${claim}: ${cause}`, vol.name);
}

/** getPVCExtractPV and getPVSpec: the bound claim and its volume, or a FailedMount VolumeError. */
export async function resolveClaim(client: VolumeApiClient, pod: Pod, vol: Volume): Promise<ResolvedClaim> {
  const ns = pod.metadata.namespace ?? 'default';
  const name = claimNameOf(pod, vol);
  let claim: PersistentVolumeClaim;
  try {
    claim = await client.get<PersistentVolumeClaim>(`/api/v1/namespaces/${seg(ns)}/persistentvolumeclaims/${seg(name)}`);
  } catch (err) {
    throw processingError(vol, ns, name, `failed to fetch PVC from API server: ${messageOf(err)}`);
  }
  if (vol.ephemeral && !claim.metadata.ownerReferences?.some((o) => o.controller && o.uid === pod.metadata.uid)) {
    throw processingError(vol, ns, name, `PVC ${ns}/${name} was not created for pod ${ns}/${pod.metadata.name} (pod is not owner)`);
  }
  if (claim.metadata.deletionTimestamp) throw processingError(vol, ns, name, `can't start pod because PVC ${ns}/${name} is being deleted`);
  const volumeName = claim.spec?.volumeName ?? '';
  if (claim.status?.phase !== 'Bound' || !volumeName) {
    throw processingError(vol, ns, name, `PVC ${ns}/${name} has non-bound phase ("${claim.status?.phase ?? ''}") or empty pvc.Spec.VolumeName ("${volumeName}")`);
  }
  let volume: PersistentVolume;
  try {
    volume = await client.get<PersistentVolume>(`/api/v1/persistentvolumes/${seg(volumeName)}`);
  } catch (err) {
    const cause = err instanceof ApiStatusError ? err.message : messageOf(err);
    throw processingError(vol, ns, name, `failed to fetch PV ${volumeName} from API server: ${cause}`);
  }
  const ref = volume.spec?.claimRef;
  if (!ref) throw processingError(vol, ns, name, `found PV object "${volumeName}" but it has a nil pv.Spec.ClaimRef indicating it is not yet bound to the claim`);
  if (ref.uid !== claim.metadata.uid) throw processingError(vol, ns, name, `found PV object "${volumeName}" but its pv.Spec.ClaimRef.UID ("${ref.uid ?? ''}") does not point to claim.UID ("${claim.metadata.uid ?? ''}")`);
  return { claim, volume, readOnly: !!vol.persistentVolumeClaim?.readOnly };
}

export type PvPlugin = 'host-path' | 'local-volume' | 'nfs';

/** Which plugin mounts a PersistentVolume on this node; undefined for the sources nothing here mounts. */
export function pvPluginOf(pv: PersistentVolume): PvPlugin | undefined {
  if (pv.spec?.hostPath) return 'host-path';
  if (pv.spec?.local) return 'local-volume';
  if (pv.spec?.nfs) return 'nfs';
  return undefined;
}

function str(src: Record<string, unknown> | undefined, key: string): string {
  const v = src?.[key];
  return typeof v === 'string' ? v : '';
}

export interface MountPvOptions {
  resolved: ResolvedClaim;
  /** <pod dir>/volumes/kubernetes.io~<plugin>/<pv name>, for the plugins that mount there. */
  dirFor: (plugin: PvPlugin) => string;
  fsGroup?: number;
}

/** Sets up the claim's volume; resolves to the host path containers mount. Throws upstream's SetUp texts. */
export async function setUpPersistentVolume(o: MountPvOptions): Promise<string> {
  const pv = o.resolved.volume;
  const pvName = pv.metadata.name ?? '';
  const plugin = pvPluginOf(pv);
  if (pv.spec?.volumeMode === 'Block') throw VolumeError.setUpFailed(pvName, 'volumeMode Block is not supported by this node');
  if (!plugin) {
    const kind = Object.keys(pv.spec ?? {}).find((k) => !['capacity', 'accessModes', 'claimRef', 'persistentVolumeReclaimPolicy', 'storageClassName', 'mountOptions', 'volumeMode', 'nodeAffinity', 'volumeAttributesClassName'].includes(k));
    throw VolumeError.setUpFailed(pvName, `unsupported volume type ${kind ?? 'none'}`);
  }
  const readOnly = o.resolved.readOnly;
  try {
    switch (plugin) {
      case 'host-path': {
        const path = str(pv.spec!.hostPath, 'path');
        await checkHostPathType(path, str(pv.spec!.hostPath, 'type') || undefined);
        return path;
      }
      case 'local-volume': {
        const dir = o.dirFor('local-volume');
        if (!(await isMountPoint(dir))) {
          await mkdir(dir, { recursive: true, mode: 0o750 });
          await bindLocal(str(pv.spec!.local, 'path'), dir);
          if (o.fsGroup !== undefined && !readOnly) await applyFsGroup(dir, o.fsGroup, false);
        }
        return dir;
      }
      case 'nfs': {
        const dir = o.dirFor('nfs');
        if (!(await isMountPoint(dir))) {
          await mkdir(dir, { recursive: true, mode: 0o750 });
          const options = [...(pv.spec?.mountOptions ?? [])];
          if (readOnly || pv.spec!.nfs?.['readOnly'] === true) options.push('ro');
          await mountNfs(`${str(pv.spec!.nfs, 'server')}:${str(pv.spec!.nfs, 'path')}`, dir, options);
        }
        return dir;
      }
    }
  } catch (err) {
    if (err instanceof VolumeError) throw err;
    throw VolumeError.setUpFailed(pvName, messageOf(err));
  }
  throw VolumeError.setUpFailed(pvName, 'unsupported volume type');
}

/**
 * The local volume's directory, opened once (symlinks in the administrator's path resolved
 * first) and that inode bind-mounted, as subPath mounts are: whatever the path is changed to
 * afterwards, the pod gets the directory that was checked.
 */
async function bindLocal(path: string, target: string): Promise<void> {
  if (!path.startsWith('/')) throw new Error(`local volume path ${JSON.stringify(path)} is not absolute`);
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw new Error(`path "${path}" does not exist`);
  }
  const fh = await open(real, O_PATH | constants.O_NOFOLLOW | constants.O_DIRECTORY).catch(() => {
    throw new Error(`path "${path}" is not a directory`);
  });
  try {
    const opened = await readlink(`/proc/self/fd/${fh.fd}`);
    if (opened !== real) throw new Error(`path "${path}" changed while it was being mounted`);
    await bindMount(`/proc/${process.pid}/fd/${fh.fd}`, target);
  } finally {
    await fh.close();
  }
}
