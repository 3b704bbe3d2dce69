// What a node provides around the runtime calls that pod workers make: the sandbox's and each
// container's full configuration (volumes, env, DNS, cgroups), images, probes, and clean-up.
// The sim node needs none of it (basicEnvironment); the containerd node implements it all.
import type { Container, Pod } from '../api/core/v1/pod/types.js';
import type { EventRecorder } from '../client/events.js';
import { CONTAINER_HASH_ANNOTATION, containerHash } from './container-hash.js';
import { CONTAINER_NAME_LABEL, INIT_CONTAINER_ANNOTATION, POD_NAME_LABEL, POD_NAMESPACE_LABEL, POD_UID_LABEL, type ContainerConfig, type ContainerStatus, type PodSandboxConfig, type PodSandboxStatus } from './runtime.js';

/**
 * A container cannot be created yet, for a reason the pod's status shows as its Waiting state
 * (ErrImagePull, ImagePullBackOff, CreateContainerConfigError, …). `retryAt` (epoch ms) says when
 * trying again makes sense; without it the next sync retries.
 */
export class WaitingError extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly retryAt?: number,
  ) {
    super(message);
  }
}

/** A running container as probes see it. */
export interface ProbeTarget {
  name: string;
  id: string;
  startedAt: number;
}

export interface PodProbes {
  /** The pod's running containers after a sync, so probe workers start, stop or restart. */
  sync(pod: Pod, running: ProbeTarget[], podIP: string | undefined): void;
  ready(podUid: string, container: string, containerId: string): boolean;
  started(podUid: string, container: string, containerId: string): boolean;
  /** Why a container must be restarted (a failed liveness or startup probe), if it must. */
  livenessFailure(podUid: string, container: string, containerId: string): string | undefined;
  removePod(podUid: string): void;
}

export interface PodEnvironment {
  sandboxConfig(pod: Pod): Promise<PodSandboxConfig>;
  /** Makes the container's image present as its pull policy says; throws WaitingError. `signal` abandons a pull. */
  ensureImage(pod: Pod, container: Container, recorder: EventRecorder | undefined, signal?: AbortSignal): Promise<void>;
  /** Throws WaitingError (CreateContainerConfigError) for what the user must fix. */
  containerConfig(pod: Pod, container: Container, attempt: number, isInit: boolean, sandbox: PodSandboxStatus, sandboxConfig: PodSandboxConfig): Promise<ContainerConfig>;
  probes?: PodProbes;
  /** The container's postStart hook, right after it started; resolves to a failure message. `signal` abandons it. */
  postStart?(pod: Pod, container: Container, containerId: string, signal?: AbortSignal): Promise<string | undefined>;
  /** The container's preStop hook, before the stop signal, within `graceSeconds`; resolves to a failure message. */
  preStop?(pod: Pod, container: Container, containerId: string, graceSeconds: number): Promise<string | undefined>;
  /** An exited container's terminated.message: the runtime's, enriched with its terminationMessagePath (or log tail). */
  terminationMessage?(podUid: string, status: ContainerStatus): Promise<string>;
  /** The pod is gone from this node: release what was set up for it (volumes, logs, cgroups). */
  cleanup(podUid: string): Promise<void>;
}

export function podSandboxLabels(pod: Pod): Record<string, string> {
  const m = pod.metadata;
  return { ...(m.labels ?? {}), [POD_NAME_LABEL]: m.name!, [POD_NAMESPACE_LABEL]: m.namespace!, [POD_UID_LABEL]: m.uid! };
}

export function containerLabels(pod: Pod, container: Container): Record<string, string> {
  const m = pod.metadata;
  return { [POD_NAME_LABEL]: m.name!, [POD_NAMESPACE_LABEL]: m.namespace!, [POD_UID_LABEL]: m.uid!, [CONTAINER_NAME_LABEL]: container.name };
}

/** The definition's hash and the restart count; init containers that run to completion (not sidecars) carry a mark for the runtime. */
export function containerAnnotations(container: Container, attempt: number, isInit: boolean): Record<string, string> {
  return { [CONTAINER_HASH_ANNOTATION]: containerHash(container), 'io.kubernetes.container.restartCount': String(attempt), ...(isInit && container.restartPolicy !== 'Always' ? { [INIT_CONTAINER_ANNOTATION]: 'true' } : {}) };
}

/** Just names, labels and the command: all a runtime without processes needs. */
export const basicEnvironment: PodEnvironment = {
  async sandboxConfig(pod) {
    const m = pod.metadata;
    return {
      metadata: { name: m.name!, namespace: m.namespace!, uid: m.uid!, attempt: 0 },
      hostname: pod.spec?.hostname ?? m.name,
      labels: podSandboxLabels(pod),
      annotations: { ...(m.annotations ?? {}) },
      hostNetwork: pod.spec?.hostNetwork === true,
    };
  },
  async ensureImage(pod, c, recorder) {
    recorder?.event(pod, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`);
  },
  async containerConfig(pod, c, attempt, isInit) {
    return {
      metadata: { name: c.name, attempt },
      image: c.image ?? '',
      command: c.command,
      args: c.args,
      labels: containerLabels(pod, c),
      annotations: containerAnnotations(c, attempt, isInit),
    };
  },
  async cleanup() {},
};
