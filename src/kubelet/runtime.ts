// The kubelet's view of a container runtime, shaped after the CRI (runtime.v1 RuntimeService):
// sandboxes hold a pod's network identity, containers run inside them, and the runtime reports
// state changes as events (the CRI's GetContainerEvents) so the kubelet need not poll.
// Times are epoch milliseconds (the CRI uses nanoseconds; nothing here needs that precision).

export const POD_NAME_LABEL = 'io.kubernetes.pod.name';
export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
export const POD_UID_LABEL = 'io.kubernetes.pod.uid';
export const CONTAINER_NAME_LABEL = 'io.kubernetes.container.name';
/** Annotation the kubelet puts on init containers (not sidecars) so runtimes may treat them as run-to-completion. */
export const INIT_CONTAINER_ANNOTATION = 'k8ts.io/init-container';

export type SandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';

export interface PodSandboxMetadata {
  name: string;
  namespace: string;
  uid: string;
  attempt: number;
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The CRI's NamespaceOption network=NODE: the pod shares the node's network (and IP). */
  hostNetwork?: boolean;
}

export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata;
  state: SandboxState;
  createdAt: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface PodSandboxStatus extends PodSandbox {
  network: { ip?: string; additionalIps: string[] };
}

export interface ContainerMetadata {
  name: string;
  attempt: number;
}

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: string;
  command?: string[];
  args?: string[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface Container {
  id: string;
  podSandboxId: string;
  metadata: ContainerMetadata;
  image: string;
  imageRef: string;
  state: ContainerState;
  createdAt: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ContainerStatus extends Container {
  /** 0 until started / finished. */
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
}

export interface ContainerFilter {
  id?: string;
  state?: ContainerState;
  podSandboxId?: string;
  labelSelector?: Record<string, string>;
}

export interface PodSandboxFilter {
  id?: string;
  state?: SandboxState;
  labelSelector?: Record<string, string>;
}

export type ContainerEventType = 'CONTAINER_CREATED_EVENT' | 'CONTAINER_STARTED_EVENT' | 'CONTAINER_STOPPED_EVENT' | 'CONTAINER_DELETED_EVENT';

export interface ContainerEvent {
  containerId: string;
  type: ContainerEventType;
  podSandboxId: string;
  /** The sandbox's labels, so listeners can find the pod without another call. */
  sandboxLabels: Record<string, string>;
  createdAt: number;
}

export interface RuntimeVersion {
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

export interface RuntimeService {
  version(): Promise<RuntimeVersion>;
  /** The CRI's UpdateRuntimeConfig: the node's pod CIDR, once known. */
  updateRuntimeConfig(config: { podCIDR?: string }): Promise<void>;

  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  /** Stops every container of the sandbox (killing them) and releases its network. Idempotent. */
  stopPodSandbox(podSandboxId: string): Promise<void>;
  /** Removes the sandbox and its containers. Idempotent. */
  removePodSandbox(podSandboxId: string): Promise<void>;
  podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus>;
  listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]>;

  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** Asks the container to stop and waits at most `timeoutSeconds` before killing it. */
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  listContainers(filter?: ContainerFilter): Promise<Container[]>;
  containerStatus(containerId: string): Promise<ContainerStatus>;

  /** Subscribe to container state changes; returns the unsubscribe function. */
  onContainerEvent(listener: (ev: ContainerEvent) => void): () => void;
}

/** Raised for an unknown sandbox or container id (the CRI's NotFound). */
export class RuntimeNotFoundError extends Error {
  constructor(what: string, id: string) {
    super(`${what} "${id}" not found`);
  }
}
