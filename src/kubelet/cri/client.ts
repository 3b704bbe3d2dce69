// A CRI (runtime.v1) client over one gRPC channel to a unix socket. Messages are encoded and
// decoded with the reflection schema in schema.ts, so no .proto file or proto-loader is involved.
// Responses come back as plain objects: int64 as JS numbers, enums as their names, absent
// scalars as their defaults. Times stay in the CRI's nanoseconds here; runtime.ts converts.
import * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { RuntimeNotFoundError } from '../runtime.js';
import { messageType } from './schema.js';

const RUNTIME = 'runtime.v1.RuntimeService';
const IMAGES = 'runtime.v1.ImageService';
const EVENTS = 'containerd.services.events.v1.Events';

/** kubelet's --runtime-request-timeout default. */
export const DEFAULT_CALL_TIMEOUT_MS = 2 * 60_000;
/** Pulls may take long on slow registries; the kubelet bounds them by progress, we by a generous deadline. */
const PULL_TIMEOUT_MS = 30 * 60_000;

const DECODE: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true, arrays: true, objects: true };

/** A failed CRI call other than NotFound: keeps the gRPC status code for callers that care. */
export class CriError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly details: string,
  ) {
    super(`${method}: ${details || grpc.status[code] || `code ${code}`}`);
  }
}

export type Labels = Record<string, string>;
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';

export interface WireSandboxMetadata { name: string; uid: string; namespace: string; attempt: number }
export interface WireContainerMetadata { name: string; attempt: number }
export interface WireNamespaceOption { network?: NamespaceMode; pid?: NamespaceMode; ipc?: NamespaceMode }
export interface WireInt64Value { value: number }

export interface WirePodSandboxConfig {
  metadata: WireSandboxMetadata;
  hostname?: string;
  logDirectory?: string;
  dnsConfig?: { servers: string[]; searches: string[]; options: string[] };
  portMappings?: { protocol: string; containerPort: number; hostPort: number; hostIp?: string }[];
  labels: Labels;
  annotations: Labels;
  linux?: {
    cgroupParent?: string;
    sysctls?: Labels;
    securityContext?: {
      namespaceOptions?: WireNamespaceOption;
      runAsUser?: WireInt64Value;
      runAsGroup?: WireInt64Value;
      readonlyRootfs?: boolean;
      supplementalGroups?: number[];
      privileged?: boolean;
    };
  };
}

export interface WireContainerConfig {
  metadata: WireContainerMetadata;
  image: { image: string };
  command?: string[];
  args?: string[];
  workingDir?: string;
  envs?: { key: string; value: string }[];
  mounts?: { containerPath: string; hostPath: string; readonly?: boolean; propagation?: string }[];
  labels: Labels;
  annotations: Labels;
  logPath?: string;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  linux?: {
    resources?: { cpuPeriod?: number; cpuQuota?: number; cpuShares?: number; memoryLimitInBytes?: number; oomScoreAdj?: number };
    securityContext?: {
      capabilities?: { addCapabilities?: string[]; dropCapabilities?: string[] };
      privileged?: boolean;
      namespaceOptions?: WireNamespaceOption;
      runAsUser?: WireInt64Value;
      runAsGroup?: WireInt64Value;
      runAsUsername?: string;
      readonlyRootfs?: boolean;
      supplementalGroups?: number[];
      noNewPrivs?: boolean;
      maskedPaths?: string[];
      readonlyPaths?: string[];
    };
  };
}

export interface WirePodSandbox {
  id: string;
  metadata: WireSandboxMetadata | null;
  state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
  createdAt: number;
  labels: Labels;
  annotations: Labels;
}
export interface WirePodSandboxStatus extends WirePodSandbox {
  network: { ip: string; additionalIps: { ip: string }[] } | null;
}
export type WireContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
export interface WireContainer {
  id: string;
  podSandboxId: string;
  metadata: WireContainerMetadata | null;
  image: { image: string } | null;
  imageRef: string;
  state: WireContainerState;
  createdAt: number;
  labels: Labels;
  annotations: Labels;
}
export interface WireContainerStatus {
  id: string;
  metadata: WireContainerMetadata | null;
  state: WireContainerState;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  image: { image: string } | null;
  imageRef: string;
  reason: string;
  message: string;
  labels: Labels;
  annotations: Labels;
  logPath: string;
}
export interface WireContainerFilter {
  id?: string;
  state?: { state: WireContainerState };
  podSandboxId?: string;
  labelSelector?: Labels;
}
export interface WirePodSandboxFilter {
  id?: string;
  state?: { state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY' };
  labelSelector?: Labels;
}
export interface WireImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
  uid: WireInt64Value | null;
  username: string;
  pinned: boolean;
}
export interface WireAuthConfig {
  username?: string;
  password?: string;
  auth?: string;
  serverAddress?: string;
  identityToken?: string;
  registryToken?: string;
}
interface WireUInt64 { value: number }
export interface WireContainerStats {
  attributes: { id: string; metadata: WireContainerMetadata | null; labels: Labels; annotations: Labels } | null;
  cpu: { timestamp: number; usageCoreNanoSeconds: WireUInt64 | null; usageNanoCores: WireUInt64 | null } | null;
  memory: { timestamp: number; workingSetBytes: WireUInt64 | null; usageBytes: WireUInt64 | null; rssBytes: WireUInt64 | null; availableBytes: WireUInt64 | null } | null;
  writableLayer: { timestamp: number; usedBytes: WireUInt64 | null; inodesUsed: WireUInt64 | null } | null;
}
export interface WireRuntimeCondition { type: string; status: boolean; reason: string; message: string }
export interface WireFilesystemUsage { timestamp: number; fsId: { mountpoint: string } | null; usedBytes: WireUInt64 | null; inodesUsed: WireUInt64 | null }

/** containerd's TaskExit event, from its event stream. */
export interface TaskExitEvent { containerId: string; id: string; pid: number; exitStatus: number }

interface CallOptions {
  timeoutMs?: number;
  /** Cancels the call; containerd sees the cancellation and stops the work (a pull) too. */
  signal?: AbortSignal;
  /** What a NotFound answer refers to, for RuntimeNotFoundError's message. */
  notFound?: [what: string, id: string];
}

/** `unix:///run/x.sock`, `unix:/run/x.sock` or a bare path → the form grpc-js dials. */
export function grpcAddress(endpoint: string): string {
  if (endpoint.startsWith('unix://')) return `unix://${endpoint.slice('unix://'.length).replace(/^\/*/, '/')}`;
  if (endpoint.startsWith('unix:')) return `unix://${endpoint.slice('unix:'.length).replace(/^\/*/, '/')}`;
  return `unix://${endpoint.startsWith('/') ? '' : '/'}${endpoint}`;
}

/** The socket path an endpoint names. */
export function socketPath(endpoint: string): string {
  return grpcAddress(endpoint).slice('unix://'.length);
}

export class CriClient {
  private readonly client: grpc.Client;
  private readonly codecs = new Map<string, { encode: (v: object) => Buffer; decode: (b: Buffer) => unknown }>();

  constructor(readonly endpoint: string) {
    this.client = new grpc.Client(grpcAddress(endpoint), grpc.credentials.createInsecure(), {
      // ExecSync may carry 16 MiB of stdout and as much stderr.
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
      'grpc.max_send_message_length': 16 * 1024 * 1024,
      'grpc.enable_retries': 0,
    });
  }

  close(): void {
    this.client.close();
  }

  /** Resolves once the channel is connected, or rejects at the deadline. */
  waitForReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve()));
    });
  }

  // ---- RuntimeService ----

  version(timeoutMs?: number): Promise<{ version: string; runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }> {
    return this.call(RUNTIME, 'Version', { version: '0.1.0' }, { timeoutMs });
  }

  status(): Promise<{ status: { conditions: WireRuntimeCondition[] } | null }> {
    return this.call(RUNTIME, 'Status', {});
  }

  async updateRuntimeConfig(podCidr: string): Promise<void> {
    await this.call(RUNTIME, 'UpdateRuntimeConfig', { runtimeConfig: { networkConfig: { podCidr } } });
  }

  async runPodSandbox(config: WirePodSandboxConfig, runtimeHandler = ''): Promise<string> {
    // Pulling the pause image may happen inside this call, hence the pull deadline.
    const res = await this.call<{ podSandboxId: string }>(RUNTIME, 'RunPodSandbox', { config, runtimeHandler }, { timeoutMs: PULL_TIMEOUT_MS });
    return res.podSandboxId;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    await this.call(RUNTIME, 'StopPodSandbox', { podSandboxId }, { notFound: ['pod sandbox', podSandboxId] });
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    await this.call(RUNTIME, 'RemovePodSandbox', { podSandboxId }, { notFound: ['pod sandbox', podSandboxId] });
  }

  async podSandboxStatus(podSandboxId: string): Promise<WirePodSandboxStatus> {
    const res = await this.call<{ status: WirePodSandboxStatus | null }>(RUNTIME, 'PodSandboxStatus', { podSandboxId }, { notFound: ['pod sandbox', podSandboxId] });
    if (!res.status) throw new RuntimeNotFoundError('pod sandbox', podSandboxId);
    return res.status;
  }

  async listPodSandbox(filter?: WirePodSandboxFilter): Promise<WirePodSandbox[]> {
    const res = await this.call<{ items: WirePodSandbox[] }>(RUNTIME, 'ListPodSandbox', filter ? { filter } : {});
    return res.items;
  }

  async createContainer(podSandboxId: string, config: WireContainerConfig, sandboxConfig: WirePodSandboxConfig): Promise<string> {
    const res = await this.call<{ containerId: string }>(RUNTIME, 'CreateContainer', { podSandboxId, config, sandboxConfig }, { notFound: ['pod sandbox', podSandboxId] });
    return res.containerId;
  }

  async startContainer(containerId: string): Promise<void> {
    await this.call(RUNTIME, 'StartContainer', { containerId }, { notFound: ['container', containerId] });
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    const timeoutMs = Math.max(0, timeoutSeconds) * 1000 + DEFAULT_CALL_TIMEOUT_MS;
    await this.call(RUNTIME, 'StopContainer', { containerId, timeout: Math.max(0, Math.floor(timeoutSeconds)) }, { timeoutMs, notFound: ['container', containerId] });
  }

  async removeContainer(containerId: string): Promise<void> {
    await this.call(RUNTIME, 'RemoveContainer', { containerId }, { notFound: ['container', containerId] });
  }

  async listContainers(filter?: WireContainerFilter): Promise<WireContainer[]> {
    const res = await this.call<{ containers: WireContainer[] }>(RUNTIME, 'ListContainers', filter ? { filter } : {});
    return res.containers;
  }

  async containerStatus(containerId: string): Promise<WireContainerStatus> {
    const res = await this.call<{ status: WireContainerStatus | null }>(RUNTIME, 'ContainerStatus', { containerId }, { notFound: ['container', containerId] });
    if (!res.status) throw new RuntimeNotFoundError('container', containerId);
    return res.status;
  }

  async reopenContainerLog(containerId: string): Promise<void> {
    await this.call(RUNTIME, 'ReopenContainerLog', { containerId }, { notFound: ['container', containerId] });
  }

  execSync(containerId: string, cmd: string[], timeoutSeconds: number, signal?: AbortSignal): Promise<{ stdout: Uint8Array; stderr: Uint8Array; exitCode: number }> {
    const seconds = Math.max(0, Math.floor(timeoutSeconds));
    // The runtime enforces the command's timeout; our deadline only guards against a stuck runtime.
    const timeoutMs = seconds > 0 ? seconds * 1000 + 30_000 : DEFAULT_CALL_TIMEOUT_MS;
    return this.call(RUNTIME, 'ExecSync', { containerId, cmd, timeout: seconds }, { timeoutMs, signal, notFound: ['container', containerId] });
  }

  async exec(req: { containerId: string; cmd: string[]; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }): Promise<string> {
    const res = await this.call<{ url: string }>(RUNTIME, 'Exec', req, { notFound: ['container', req.containerId] });
    return res.url;
  }

  async attach(req: { containerId: string; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }): Promise<string> {
    const res = await this.call<{ url: string }>(RUNTIME, 'Attach', req, { notFound: ['container', req.containerId] });
    return res.url;
  }

  async portForward(podSandboxId: string, ports: number[]): Promise<string> {
    const res = await this.call<{ url: string }>(RUNTIME, 'PortForward', { podSandboxId, port: ports }, { notFound: ['pod sandbox', podSandboxId] });
    return res.url;
  }

  async listContainerStats(filter?: { id?: string; podSandboxId?: string; labelSelector?: Labels }): Promise<WireContainerStats[]> {
    const res = await this.call<{ stats: WireContainerStats[] }>(RUNTIME, 'ListContainerStats', filter ? { filter } : {});
    return res.stats;
  }

  // ---- ImageService ----

  async imageStatus(image: string): Promise<WireImage | undefined> {
    const res = await this.call<{ image: WireImage | null }>(IMAGES, 'ImageStatus', { image: { image } });
    return res.image && res.image.id ? res.image : undefined;
  }

  async pullImage(image: string, auth?: WireAuthConfig, sandboxConfig?: WirePodSandboxConfig, signal?: AbortSignal): Promise<string> {
    const res = await this.call<{ imageRef: string }>(IMAGES, 'PullImage', { image: { image }, auth, sandboxConfig }, { timeoutMs: PULL_TIMEOUT_MS, signal });
    return res.imageRef;
  }

  async listImages(): Promise<WireImage[]> {
    const res = await this.call<{ images: WireImage[] }>(IMAGES, 'ListImages', {});
    return res.images;
  }

  async removeImage(image: string): Promise<void> {
    await this.call(IMAGES, 'RemoveImage', { image: { image } }, { notFound: ['image', image] });
  }

  async imageFsInfo(): Promise<WireFilesystemUsage[]> {
    const res = await this.call<{ imageFilesystems: WireFilesystemUsage[] }>(IMAGES, 'ImageFsInfo', {});
    return res.imageFilesystems;
  }

  // ---- containerd's event stream ----

  /**
   * Streams containerd's `/tasks/exit` events of one namespace. `onEnd` runs once when the stream
   * ends for any reason (the caller decides whether to resubscribe); the returned function cancels.
   */
  subscribeTaskExits(namespace: string, onExit: (ev: TaskExitEvent) => void, onEnd: (err?: Error) => void): () => void {
    const req = this.codec('containerd.services.events.v1.SubscribeRequest', 'containerd.services.events.v1.Envelope');
    const exitType = messageType('containerd.events.TaskExit');
    const md = new grpc.Metadata();
    md.set('containerd-namespace', namespace);
    const filter = `topic=="/tasks/exit",namespace==${JSON.stringify(namespace)}`;
    const stream = this.client.makeServerStreamRequest(`/${EVENTS}/Subscribe`, req.encode, (b: Buffer) => messageType('containerd.services.events.v1.Envelope').decode(b), { filters: [filter] }, md, {});
    let ended = false;
    const end = (err?: Error) => {
      if (ended) return;
      ended = true;
      onEnd(err);
    };
    stream.on('data', (env: protobuf.Message & { topic?: string; event?: { value?: Uint8Array } }) => {
      if (env.topic !== '/tasks/exit' || !env.event?.value) return;
      try {
        const ev = exitType.toObject(exitType.decode(env.event.value), DECODE) as TaskExitEvent;
        onExit(ev);
      } catch {
        // An event we cannot decode is skipped: the relist loop still notices the exit.
      }
    });
    stream.on('error', (err: Error) => end(err));
    stream.on('end', () => end());
    return () => {
      ended = true;
      stream.cancel();
    };
  }

  // ---- plumbing ----

  private codec(reqName: string, resName: string): { encode: (v: object) => Buffer; decode: (b: Buffer) => unknown } {
    const key = `${reqName}|${resName}`;
    let c = this.codecs.get(key);
    if (!c) {
      const reqType = messageType(reqName);
      const resType = messageType(resName);
      c = {
        encode: (v: object) => {
          const u8 = reqType.encode(reqType.fromObject(v)).finish();
          return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
        },
        decode: (b: Buffer) => resType.toObject(resType.decode(b), DECODE),
      };
      this.codecs.set(key, c);
    }
    return c;
  }

  private call<T>(service: string, method: string, request: object, opts: CallOptions = {}): Promise<T> {
    const pkg = service.slice(0, service.lastIndexOf('.'));
    const { encode, decode } = this.codec(`${pkg}.${method}Request`, `${pkg}.${method}Response`);
    const deadline = Date.now() + (opts.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS);
    return new Promise<T>((resolve, reject) => {
      const cancel = () => call.cancel();
      const call = this.client.makeUnaryRequest(`/${service}/${method}`, encode, decode, request, new grpc.Metadata(), { deadline }, (err, res) => {
        opts.signal?.removeEventListener('abort', cancel);
        if (!err) return resolve(res as T);
        if (err.code === grpc.status.NOT_FOUND) {
          const [what, id] = opts.notFound ?? [method, err.details];
          return reject(new RuntimeNotFoundError(what, id));
        }
        reject(new CriError(method, err.code ?? grpc.status.UNKNOWN, err.details ?? err.message));
      });
      if (opts.signal?.aborted) cancel();
      else opts.signal?.addEventListener('abort', cancel, { once: true });
    });
  }
}
