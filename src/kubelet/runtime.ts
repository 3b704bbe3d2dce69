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
  /** Host directory under which the runtime writes the containers' logs (each ContainerConfig.logPath is relative to it). */
  logDirectory?: string;
  dnsConfig?: DNSConfig;
  portMappings?: PortMapping[];
  linux?: LinuxPodSandboxConfig;
}

export interface DNSConfig {
  servers: string[];
  searches: string[];
  options: string[];
}

export interface PortMapping {
  protocol: 'TCP' | 'UDP' | 'SCTP';
  containerPort: number;
  hostPort: number;
  hostIp?: string;
}

export interface LinuxPodSandboxConfig {
  /** Parent cgroup of the pod's containers (cgroupfs path, e.g. /k8ts/burstable/pod<uid>). */
  cgroupParent?: string;
  sysctls?: Record<string, string>;
  securityContext?: {
    privileged?: boolean;
    runAsUser?: number;
    runAsGroup?: number;
    supplementalGroups?: number[];
    readonlyRootfs?: boolean;
    /** hostPID / hostIPC: the CRI's NamespaceOption pid/ipc = NODE. */
    hostPid?: boolean;
    hostIpc?: boolean;
  };
}

export interface Mount {
  containerPath: string;
  hostPath: string;
  readonly?: boolean;
  propagation?: 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface LinuxContainerResources {
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares?: number;
  memoryLimitInBytes?: number;
  oomScoreAdj?: number;
}

export interface LinuxContainerSecurityContext {
  capabilities?: { addCapabilities?: string[]; dropCapabilities?: string[] };
  privileged?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  /** An image user name, when runAsUser is not given and the image names a user. */
  runAsUsername?: string;
  readonlyRootfs?: boolean;
  supplementalGroups?: number[];
  noNewPrivs?: boolean;
  /** Mount the container's /proc unmasked (procMount: Unmasked); default masked. */
  maskedPaths?: string[];
  readonlyPaths?: string[];
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
  workingDir?: string;
  envs?: KeyValue[];
  mounts?: Mount[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Relative to the sandbox's logDirectory, e.g. `app/0.log`. */
  logPath?: string;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  linux?: { resources?: LinuxContainerResources; securityContext?: LinuxContainerSecurityContext };
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
  /** Absolute path of the container's CRI-format log file, when the runtime writes one. */
  logPath?: string;
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

// The CRI's ImageService.
export interface Image {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
  /** The image's configured user: a numeric uid, or a name when the image gives one. */
  uid?: number;
  username?: string;
}

/** Registry credentials for one pull (from imagePullSecrets), as the CRI's AuthConfig. */
export interface AuthConfig {
  username?: string;
  password?: string;
  auth?: string;
  serverAddress?: string;
  identityToken?: string;
  registryToken?: string;
}

export interface ImageService {
  /** The image, when present on the node. */
  imageStatus(image: string): Promise<Image | undefined>;
  /** Pulls the image; resolves to its reference (the image id). */
  /** `signal` abandons the pull (the pod it was for is going away). */
  pullImage(image: string, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig, signal?: AbortSignal): Promise<string>;
  listImages(): Promise<Image[]>;
  removeImage(image: string): Promise<void>;
}

export interface ExecSyncResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
}

export interface StreamRequest {
  containerId: string;
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

export interface ContainerStats {
  id: string;
  metadata: ContainerMetadata;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Epoch milliseconds of the sample. */
  timestamp: number;
  cpuUsageCoreNanoSeconds?: number;
  memoryWorkingSetBytes?: number;
  memoryUsageBytes?: number;
  memoryRssBytes?: number;
  writableLayerUsedBytes?: number;
}

/** The CRI's streaming and stats calls; only runtimes that run real processes implement them. */
export interface StreamingRuntime {
  /** `signal` abandons the command (the pod is stopping); the runtime ends it. */
  execSync(containerId: string, cmd: string[], timeoutSeconds: number, signal?: AbortSignal): Promise<ExecSyncResult>;
  /** The URL of the runtime's streaming server serving this exec (the CRI's Exec). */
  exec(req: StreamRequest & { cmd: string[] }): Promise<string>;
  attach(req: StreamRequest): Promise<string>;
  portForward(podSandboxId: string, ports: number[]): Promise<string>;
  reopenContainerLog(containerId: string): Promise<void>;
  listContainerStats(filter?: { id?: string; podSandboxId?: string }): Promise<ContainerStats[]>;
}

/** Raised for an unknown sandbox or container id (the CRI's NotFound). */
export class RuntimeNotFoundError extends Error {
  constructor(what: string, id: string) {
    super(`${what} "${id}" not found`);
  }
}
