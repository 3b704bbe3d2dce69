// The kubelet's volume manager: prepares every volume of a pod on the host before its containers
// start, and turns a container's volumeMounts into the runtime's bind mounts. Layout as upstream:
//   <podsDir>/<uid>/volumes/kubernetes.io~<plugin>/<volume>        (emptyDir, configMap, …)
//   <podsDir>/<uid>/volume-subpaths/<volume>/<container>/<index>   (subPath bind mounts)
//   <podsDir>/<uid>/volumes/kubernetes.io~{local-volume,nfs}/<pv>     (claims' local and NFS volumes)
// hostPath volumes (and claims bound to hostPath PVs, local-path's) are mounted from the host path directly.
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Container, Pod, ProjectedVolumeSource, Volume } from '../../api/core/v1/pod/types.js';
import type { Mount } from '../runtime.js';
import { writeAtomically, type Payload } from './atomic-writer.js';
import { getConfigMap, getSecret, ServiceAccountTokens, type VolumeApiClient } from './api-objects.js';
import { setUpEmptyDir } from './empty-dir.js';
import { messageOf, VolumeError } from './errors.js';
import { expandSubPathExpr } from './expand.js';
import type { RuntimeInfo } from './field-values.js';
import { mountPointsUnder, unmount } from './host-mounts.js';
import { ensureMemoryBacked } from './memory-backed.js';
import { checkHostPathType } from './host-path.js';
import { applyFsGroup } from './ownership.js';
import { aggregate, configMapBytes, configMapMissingKey, DEFAULT_MODE, downwardPayload, keyedPayload, secretBytes, secretMissingKey } from './payloads.js';
import { prepareSubPath, SubPathError } from './subpath.js';
import { resolveClaim, setUpPersistentVolume, type PvPlugin } from './persistent-claim.js';

export { VolumeError, type VolumeErrorReason } from './errors.js';
export type { RuntimeInfo } from './field-values.js';
export { fieldRefValue, resourceFieldValue, formatMap } from './field-values.js';
export { expandVars } from './expand.js';
export type { VolumeApiClient } from './api-objects.js';

export interface VolumeManagerOptions {
  /** Reads ConfigMaps and Secrets and requests ServiceAccount tokens (a RestClient). */
  client: VolumeApiClient;
  /** <agent data dir>/pods */
  podsDir: string;
  nodeName: string;
  log?: (line: string) => void;
}

export type VolumePlugin = 'empty-dir' | 'host-path' | 'configmap' | 'secret' | 'downward-api' | 'projected' | 'persistent-claim';

/** Which plugin serves a volume; undefined for sources this node cannot mount. */
export function pluginOf(vol: Volume): VolumePlugin | undefined {
  if (vol.emptyDir) return 'empty-dir';
  if (vol.hostPath) return 'host-path';
  if (vol.configMap) return 'configmap';
  if (vol.secret) return 'secret';
  if (vol.downwardAPI) return 'downward-api';
  if (vol.projected) return 'projected';
  if (vol.persistentVolumeClaim || vol.ephemeral) return 'persistent-claim';
  return undefined;
}

/** Volumes whose contents come from the API: refreshed periodically, always mounted read-only. */
const PROJECTING: ReadonlySet<VolumePlugin | undefined> = new Set(['configmap', 'secret', 'downward-api', 'projected']);
/** Volumes on tmpfs (upstream's memory-medium wrapper): everything projected but configMap. */
const MEMORY_BACKED: ReadonlySet<VolumePlugin> = new Set(['secret', 'downward-api', 'projected']);

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const PROPAGATION: Record<string, Mount['propagation']> = {
  None: 'PROPAGATION_PRIVATE',
  HostToContainer: 'PROPAGATION_HOST_TO_CONTAINER',
  Bidirectional: 'PROPAGATION_BIDIRECTIONAL',
};

function volumeSourceKey(vol: Volume): string {
  return Object.keys(vol).find((k) => k !== 'name') ?? 'none';
}

export class VolumeManager {
  private readonly tokens: ServiceAccountTokens;
  /** Per-pod chain: setUp, refresh and tearDown of one pod never interleave. */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly opts: VolumeManagerOptions) {
    this.tokens = new ServiceAccountTokens(opts.client);
  }

  podDir(uid: string): string {
    if (!uid || uid.includes('/') || uid === '.' || uid === '..') throw new Error(`invalid pod uid ${JSON.stringify(uid)}`);
    return join(this.opts.podsDir, uid);
  }

  volumeDir(uid: string, plugin: VolumePlugin | PvPlugin, name: string): string {
    return join(this.podDir(uid), 'volumes', `kubernetes.io~${plugin}`, name);
  }

  /** Uids with a directory on disk: what a restarted kubelet must adopt or clean up. */
  podDirs(): string[] {
    try {
      return readdirSync(this.opts.podsDir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    } catch {
      return [];
    }
  }

  private serialized<T>(uid: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(uid) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.locks.set(uid, settled);
    void settled.then(() => {
      if (this.locks.get(uid) === settled) this.locks.delete(uid);
    });
    return next;
  }

  /**
   * Prepares every volume of the pod; resolves to volume name → host path. Idempotent (safe on
   * every sync and after a restart). Throws a VolumeError (FailedMount) listing each volume that
   * failed, after trying them all.
   */
  setUp(pod: Pod, info: RuntimeInfo = {}): Promise<Map<string, string>> {
    const uid = this.uidOf(pod);
    return this.serialized(uid, () => this.setUpVolumes(pod, { nodeName: this.opts.nodeName, ...info }, () => true));
  }

  /** Re-projects configMap, secret, downwardAPI and projected volumes (only what changed is rewritten). */
  async refresh(pod: Pod, info: RuntimeInfo = {}): Promise<void> {
    const uid = this.uidOf(pod);
    await this.serialized(uid, async () => {
      // A pod torn down meanwhile must not be resurrected on disk.
      if (!existsSync(this.podDir(uid))) return;
      await this.setUpVolumes(pod, { nodeName: this.opts.nodeName, ...info }, (v) => PROJECTING.has(pluginOf(v)));
    });
  }

  private uidOf(pod: Pod): string {
    const uid = pod.metadata?.uid;
    if (!uid) throw new VolumeError('FailedMount', 'pod has no uid');
    this.podDir(uid);
    return uid;
  }

  private async setUpVolumes(pod: Pod, info: RuntimeInfo, which: (v: Volume) => boolean): Promise<Map<string, string>> {
    const uid = pod.metadata!.uid!;
    await mkdir(join(this.podDir(uid), 'volumes'), { recursive: true, mode: 0o750 });
    const result = new Map<string, string>();
    const failures: VolumeError[] = [];
    await Promise.all(
      (pod.spec?.volumes ?? []).filter(which).map(async (vol) => {
        try {
          result.set(vol.name, await this.setUpVolume(pod, vol, info));
        } catch (err) {
          const ve = err instanceof VolumeError ? err : VolumeError.setUpFailed(vol.name, messageOf(err));
          this.opts.log?.(`volume ${vol.name} of pod ${pod.metadata?.namespace}/${pod.metadata?.name}: ${ve.message}`);
          failures.push(ve);
        }
      }),
    );
    if (failures.length) throw VolumeError.combine(failures);
    return result;
  }

  private async setUpVolume(pod: Pod, vol: Volume, info: RuntimeInfo): Promise<string> {
    const plugin = pluginOf(vol);
    if (!plugin) throw VolumeError.setUpFailed(vol.name ?? '', `unsupported volume type ${volumeSourceKey(vol)}`);
    if (!DNS_LABEL.test(vol.name ?? '') || vol.name.length > 63) throw VolumeError.setUpFailed(vol.name ?? '', 'invalid volume name');
    const uid = pod.metadata!.uid!;
    const fsGroup = pod.spec?.securityContext?.fsGroup;
    if (plugin === 'host-path') {
      await checkHostPathType(vol.hostPath!.path, vol.hostPath!.type);
      return vol.hostPath!.path;
    }
    if (plugin === 'persistent-claim') {
      const resolved = await resolveClaim(this.opts.client, pod, vol);
      return setUpPersistentVolume({ resolved, dirFor: (p) => this.volumeDir(uid, p, resolved.volume.metadata.name ?? ''), fsGroup });
    }
    const dir = this.volumeDir(uid, plugin, vol.name);
    if (plugin === 'empty-dir') {
      const created = !existsSync(dir);
      await setUpEmptyDir(dir, pod, vol.emptyDir!, info.nodeAllocatable?.['memory']);
      if (created && fsGroup !== undefined) await applyFsGroup(dir, fsGroup, false);
      return dir;
    }
    const payload = await this.payloadFor(pod, vol, info, fsGroup !== undefined);
    // Mounted only once the payload is in hand, so a missing Secret leaves no tmpfs behind.
    const mountedNow = MEMORY_BACKED.has(plugin) && (await ensureMemoryBacked(dir, pod, info.nodeAllocatable?.['memory']));
    let changed: boolean;
    try {
      changed = await writeAtomically(dir, payload, {
        beforeSwap: fsGroup === undefined ? undefined : (dataDir) => applyFsGroup(dataDir, fsGroup, true),
      });
    } catch (err) {
      if (mountedNow) await unmount(dir).catch(() => undefined);
      throw err;
    }
    if (changed && fsGroup !== undefined) await applyFsGroup(dir, fsGroup, true);
    return dir;
  }

  private async payloadFor(pod: Pod, vol: Volume, info: RuntimeInfo, hasFsGroup: boolean): Promise<Payload> {
    const ns = pod.metadata?.namespace ?? 'default';
    if (vol.configMap) {
      const src = vol.configMap;
      const cm = await getConfigMap(this.opts.client, ns, src.name ?? '');
      if (!cm && !src.optional) throw new Error(`configmap "${src.name ?? ''}" not found`);
      return keyedPayload({ data: cm && configMapBytes(cm), items: src.items, defaultMode: src.defaultMode ?? DEFAULT_MODE, optional: !!src.optional, missingKey: configMapMissingKey });
    }
    if (vol.secret) {
      const src = vol.secret;
      const secret = await getSecret(this.opts.client, ns, src.secretName ?? '');
      if (!secret && !src.optional) throw new Error(`secret "${src.secretName ?? ''}" not found`);
      return keyedPayload({ data: secret && secretBytes(secret), items: src.items, defaultMode: src.defaultMode ?? DEFAULT_MODE, optional: !!src.optional, missingKey: secretMissingKey });
    }
    if (vol.downwardAPI) return downwardPayload(pod, vol.downwardAPI.items ?? [], vol.downwardAPI.defaultMode ?? DEFAULT_MODE, info);
    return this.projectedPayload(pod, vol.projected!, info, hasFsGroup);
  }

  /** All sources merged into one payload; every failing source is reported, as upstream aggregates them. */
  private async projectedPayload(pod: Pod, src: ProjectedVolumeSource, info: RuntimeInfo, hasFsGroup: boolean): Promise<Payload> {
    const ns = pod.metadata?.namespace ?? 'default';
    const mode = src.defaultMode ?? DEFAULT_MODE;
    const payload: Payload = new Map();
    const errors: string[] = [];
    for (const s of src.sources ?? []) {
      try {
        if (s.configMap) {
          const cm = await getConfigMap(this.opts.client, ns, s.configMap.name ?? '');
          if (!cm && !s.configMap.optional) throw new Error(`configmap "${s.configMap.name ?? ''}" not found`);
          keyedPayload({ data: cm && configMapBytes(cm), items: s.configMap.items, defaultMode: mode, optional: !!s.configMap.optional, missingKey: configMapMissingKey }, payload);
        } else if (s.secret) {
          const secret = await getSecret(this.opts.client, ns, s.secret.name ?? '');
          if (!secret && !s.secret.optional) throw new Error(`secret "${s.secret.name ?? ''}" not found`);
          keyedPayload({ data: secret && secretBytes(secret), items: s.secret.items, defaultMode: mode, optional: !!s.secret.optional, missingKey: secretMissingKey }, payload);
        } else if (s.downwardAPI) {
          downwardPayload(pod, s.downwardAPI.items ?? [], mode, info, payload);
        } else if (s.serviceAccountToken) {
          const t = s.serviceAccountToken;
          const token = await this.tokens.token({
            namespace: ns,
            serviceAccount: pod.spec?.serviceAccountName || pod.spec?.serviceAccount || 'default',
            podName: pod.metadata?.name ?? '',
            podUid: pod.metadata!.uid!,
            audience: t.audience || undefined,
            expirationSeconds: t.expirationSeconds ?? 3600,
          });
          // With fsGroup the token starts 0600 and ownership makes it 0640, as upstream.
          payload.set(t.path, { data: Buffer.from(token, 'utf8'), mode: hasFsGroup ? 0o600 : mode });
        } else if (s.clusterTrustBundle) {
          if (!s.clusterTrustBundle.optional) throw new Error('clusterTrustBundle projections are not supported by this node');
        }
      } catch (err) {
        errors.push(messageOf(err));
      }
    }
    if (errors.length) throw new Error(aggregate(errors));
    return payload;
  }

  /**
   * The runtime mounts of one container (app or init). `env` is the container's resolved
   * environment, for subPathExpr. Throws a VolumeError (CreateContainerConfigError).
   */
  async mountsFor(pod: Pod, container: Container, volumes: Map<string, string>, env: Record<string, string> = {}): Promise<Mount[]> {
    const uid = this.uidOf(pod);
    const mounts: Mount[] = [];
    const specVolumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
    const list = container.volumeMounts ?? [];
    for (let index = 0; index < list.length; index++) {
      const vm = list[index]!;
      const vol = specVolumes.get(vm.name);
      const hostPath = volumes.get(vm.name);
      if (!vol || hostPath === undefined) {
        throw new VolumeError('CreateContainerConfigError', `cannot find volume "${vm.name}" to mount into container "${container.name}"`, vm.name);
      }
      let subPath = vm.subPath ?? '';
      if (vm.subPathExpr) {
        try {
          subPath = expandSubPathExpr(vm.subPathExpr, env);
        } catch (err) {
          throw new VolumeError('CreateContainerConfigError', messageOf(err), vm.name);
        }
      }
      let source = hostPath;
      if (subPath) source = await this.subPathSource(uid, container, vm.name, hostPath, subPath, index);
      mounts.push({
        containerPath: vm.mountPath,
        hostPath: source,
        readonly: !!vm.readOnly || PROJECTING.has(pluginOf(vol)) || !!vol.persistentVolumeClaim?.readOnly,
        propagation: PROPAGATION[vm.mountPropagation ?? 'None'] ?? 'PROPAGATION_PRIVATE',
      });
    }
    return mounts;
  }

  private async subPathSource(uid: string, container: Container, volume: string, volumePath: string, subPath: string, index: number): Promise<string> {
    try {
      return await this.serialized(uid, () => prepareSubPath({ volumePath, subPath, podDir: this.podDir(uid), volumeName: volume, containerName: container.name, mountIndex: index }));
    } catch (err) {
      // The subPath string's own faults are the user's to see; host-side detail stays in the log.
      if (err instanceof SubPathError && !/not within volume path/.test(err.message)) throw new VolumeError('CreateContainerConfigError', err.message, volume);
      const detail = messageOf(err);
      this.opts.log?.(`subPath ${JSON.stringify(subPath)} of volume ${volume} for container ${container.name}: ${detail}`);
      throw new VolumeError('CreateContainerConfigError', `failed to prepare subPath for volumeMount "${volume}" of container "${container.name}"`, volume, detail);
    }
  }

  /** Unmounts everything under the pod dir (tmpfs, subPath binds), then removes it. */
  tearDown(podUid: string): Promise<void> {
    const dir = this.podDir(podUid);
    return this.serialized(podUid, async () => {
      for (const mp of await mountPointsUnder(dir)) await unmount(mp);
      const left = await mountPointsUnder(dir);
      // Never rm -r across a mount: it would delete whatever the mount exposes.
      if (left.length) throw new VolumeError('FailedMount', `UnmountVolume.TearDown failed for pod "${podUid}": still mounted: ${left.join(', ')}`);
      await rm(dir, { recursive: true, force: true });
      this.tokens.forgetPod(podUid);
    });
  }
}
