// A real node's PodEnvironment: volumes on the host, the pod's cgroup and log directory, the
// managed /etc/hosts, images by pull policy, env and mounts per container, and probes.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigMap, Secret, Service } from '../../api/core/v1/types.js';
import type { Container, Pod } from '../../api/core/v1/pod/types.js';
import type { EventRecorder } from '../../client/events.js';
import { R, resourcePath } from '../../client/resources.js';
import { ApiStatusError, type RestClient } from '../../client/rest.js';
import { cgroupParentFor, containerConfig, ContainerConfigError, hostsFile, sandboxConfig } from '../container-config/index.js';
import { WaitingError, type PodEnvironment, type PodProbes } from '../pod-environment.js';
import type { ContainerConfig, ContainerStatus, ImageService, Mount, PodSandboxConfig, PodSandboxStatus, StreamingRuntime } from '../runtime.js';
import { postStartHook, preStopHook } from './lifecycle-hooks.js';
import { terminationMessage } from './termination-message.js';
import { VolumeError, type VolumeManager } from '../volumes/index.js';
import type { DockerConfig, ImagePuller } from './image-puller.js';

const VOLUME_RETRY_MS = 2000;

export interface NodeEnvironmentOptions {
  client: RestClient;
  nodeName: string;
  nodeIP: () => string;
  /** <agent dir>/pods: volumes, hosts files, termination logs, one folder per pod uid. */
  podsDir: string;
  /** <agent dir>/logs/pods: the runtime writes container logs under it. */
  logsDir: string;
  cgroupRoot: string;
  clusterDNS: string[];
  clusterDomain: string;
  volumes: VolumeManager;
  images: ImagePuller;
  /** Runs hooks' exec actions; tells the image's configured user. */
  runtime: Pick<StreamingRuntime, 'execSync'> & Pick<ImageService, 'imageStatus'>;
  probes?: PodProbes;
  services: () => Service[];
  nodeAllocatable: () => Record<string, string>;
  recorder: (pod: Pod) => EventRecorder | undefined;
}

/** Where the runtime writes a pod's logs: upstream's /var/log/pods/<ns>_<name>_<uid>. */
export function podLogDirectory(logsDir: string, pod: { namespace: string; name: string; uid: string }): string {
  return join(logsDir, `${pod.namespace}_${pod.name}_${pod.uid}`);
}

export class NodeEnvironment implements PodEnvironment {
  readonly probes?: PodProbes;

  constructor(private readonly o: NodeEnvironmentOptions) {
    this.probes = o.probes;
  }

  async sandboxConfig(pod: Pod): Promise<PodSandboxConfig> {
    const m = pod.metadata;
    const logDirectory = podLogDirectory(this.o.logsDir, { namespace: m.namespace!, name: m.name!, uid: m.uid! });
    mkdirSync(logDirectory, { recursive: true });
    return sandboxConfig(pod, { clusterDNS: this.o.clusterDNS, clusterDomain: this.o.clusterDomain, logDirectory, cgroupParent: cgroupParentFor(pod, this.o.cgroupRoot) });
  }

  ensureImage(pod: Pod, c: Container, recorder: EventRecorder | undefined, signal?: AbortSignal): Promise<void> {
    return this.o.images.ensure(pod, c, recorder, signal);
  }

  async containerConfig(pod: Pod, c: Container, attempt: number, _isInit: boolean, sandbox: PodSandboxStatus): Promise<ContainerConfig> {
    const podIP = sandbox.network.ip;
    const podIPs = [podIP, ...sandbox.network.additionalIps].filter((x): x is string => !!x);
    const runtimeInfo = { podIP, podIPs, hostIP: this.o.nodeIP(), nodeAllocatable: this.o.nodeAllocatable() };
    let mounts: Mount[];
    try {
      const volumes = await this.o.volumes.setUp(pod, runtimeInfo);
      mounts = await this.o.volumes.mountsFor(pod, c, volumes);
    } catch (err) {
      if (!(err instanceof VolumeError)) throw err;
      if (err.reason === 'CreateContainerConfigError') throw new WaitingError('CreateContainerConfigError', err.message);
      // Upstream keeps the pod in ContainerCreating and says why in one event per broken volume.
      for (const f of err.failures) this.o.recorder(pod)?.event(pod, 'Warning', 'FailedMount', f.message);
      throw new WaitingError('ContainerCreating', '', Date.now() + VOLUME_RETRY_MS);
    }
    const podDir = this.o.volumes.podDir(pod.metadata.uid!);
    if (!pod.spec?.hostNetwork && !mounts.some((m) => m.containerPath === '/etc/hosts')) {
      const hosts = join(podDir, 'etc-hosts');
      writeFileSync(hosts, hostsFile(pod, podIPs));
      mounts.push({ containerPath: '/etc/hosts', hostPath: hosts });
    }
    const terminationLog = join(podDir, 'containers', c.name, String(attempt));
    mkdirSync(join(podDir, 'containers', c.name), { recursive: true });
    writeFileSync(terminationLog, '');
    // runAsNonRoot without runAsUser is checked against the user the image runs as.
    const image = await this.o.runtime.imageStatus(c.image ?? '');
    const imageUser = image ? (image.uid !== undefined ? String(image.uid) : (image.username ?? '')) : undefined;
    try {
      return await containerConfig({
        imageUser,
        pod,
        container: c,
        attempt,
        podIP,
        podIPs,
        hostIP: this.o.nodeIP(),
        nodeName: this.o.nodeName,
        services: this.o.services(),
        mounts,
        terminationLogHostPath: terminationLog,
        getConfigMap: (ns, name) => this.getOptional<ConfigMap>(resourcePath(R.configmaps, ns, name)),
        getSecret: (ns, name) => this.getOptional<Secret>(resourcePath(R.secrets, ns, name)),
        nodeAllocatable: this.o.nodeAllocatable(),
      });
    } catch (err) {
      if (err instanceof ContainerConfigError) throw new WaitingError('CreateContainerConfigError', err.message);
      throw err;
    }
  }

  postStart(pod: Pod, c: Container, containerId: string, signal?: AbortSignal): Promise<string | undefined> {
    return postStartHook(this.o.runtime, pod, c, containerId, signal);
  }

  preStop(pod: Pod, c: Container, containerId: string, graceSeconds: number): Promise<string | undefined> {
    return preStopHook(this.o.runtime, pod, c, containerId, graceSeconds);
  }

  terminationMessage(podUid: string, s: ContainerStatus): Promise<string> {
    // The file containerConfig mounted at the container's terminationMessagePath.
    return terminationMessage(s, join(this.o.volumes.podDir(podUid), 'containers', s.metadata.name, String(s.metadata.attempt)));
  }

  async cleanup(podUid: string): Promise<void> {
    this.o.images.forgetPod(podUid);
    await this.o.volumes.tearDown(podUid);
    for (const dir of safeReaddir(this.o.logsDir)) if (dir.endsWith(`_${podUid}`)) rmSync(join(this.o.logsDir, dir), { recursive: true, force: true });
  }

  /** The decoded docker configs of the pod's imagePullSecrets (missing ones are skipped, as upstream). */
  async pullSecrets(pod: Pod): Promise<DockerConfig[]> {
    const out: DockerConfig[] = [];
    for (const ref of pod.spec?.imagePullSecrets ?? []) {
      if (!ref.name) continue;
      const s = await this.getOptional<Secret>(resourcePath(R.secrets, pod.metadata.namespace, ref.name));
      const raw = s?.data?.['.dockerconfigjson'] ?? s?.data?.['.dockercfg'];
      if (!raw) continue;
      try {
        const parsed = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as DockerConfig & Record<string, unknown>;
        out.push(s?.data?.['.dockerconfigjson'] ? parsed : { auths: parsed as DockerConfig['auths'] });
      } catch {
        // A malformed secret gives no credentials; the pull then fails with the registry's own error.
      }
    }
    return out;
  }

  private async getOptional<T>(path: string): Promise<T | undefined> {
    try {
      return await this.o.client.get<T>(path);
    } catch (err) {
      if (err instanceof ApiStatusError && err.code === 404) return undefined;
      throw err;
    }
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
