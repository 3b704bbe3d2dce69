// The kubelet's runtime, image and streaming services backed by containerd's CRI plugin.
// containerd 1.6 has no GetContainerEvents: events come from our own calls, a relist loop and,
// for prompt exit notice, containerd's own task-exit events (see events.ts).
import { existsSync } from 'node:fs';
import type {
  AuthConfig,
  Container,
  ContainerConfig,
  ContainerEvent,
  ContainerFilter,
  ContainerStats,
  ContainerStatus,
  ExecSyncResult,
  Image,
  ImageService,
  PodSandbox,
  PodSandboxConfig,
  PodSandboxFilter,
  PodSandboxStatus,
  RuntimeService,
  RuntimeVersion,
  StreamRequest,
  StreamingRuntime,
} from '../runtime.js';
import { RuntimeNotFoundError } from '../runtime.js';
import { CriClient, socketPath, type WireRuntimeCondition } from './client.js';
import {
  fromWireContainer,
  fromWireContainerStatus,
  fromWireImage,
  fromWireSandbox,
  fromWireSandboxStatus,
  fromWireStats,
  toWireAuth,
  toWireContainerConfig,
  toWireContainerFilter,
  toWireSandboxConfig,
  toWireSandboxFilter,
} from './convert.js';
import { ContainerEventTracker } from './events.js';

export interface ContainerdRuntimeOptions {
  /** `unix:///run/containerd/containerd.sock` or a bare socket path. */
  endpoint: string;
  /** Relist period while someone listens for events; default 1000 ms. */
  pollIntervalMs?: number;
  /** containerd namespace the CRI plugin uses; default k8s.io. */
  namespace?: string;
  /** Follow containerd's task-exit events for prompt STOPPED events; default true. */
  watchTaskExits?: boolean;
  log?: (line: string) => void;
}

/** How long, at most, to wait for the CRI plugin to reflect a task exit that containerd reported. */
const EXIT_SETTLE_MS = 2000;

export class ContainerdRuntime implements RuntimeService, ImageService, StreamingRuntime {
  readonly client: CriClient;
  private readonly tracker: ContainerEventTracker;
  private readonly namespace: string;
  private stopExitWatch: (() => void) | undefined;
  private exitWatchRetry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly opts: ContainerdRuntimeOptions) {
    this.client = new CriClient(opts.endpoint);
    this.namespace = opts.namespace ?? 'k8s.io';
    this.tracker = new ContainerEventTracker(
      {
        listContainers: () => this.client.listContainers(),
        listSandboxLabels: async () => new Map((await this.client.listPodSandbox()).map((s) => [s.id, s.labels])),
      },
      {
        pollIntervalMs: opts.pollIntervalMs ?? 1000,
        log: opts.log,
        onListening: (on) => (on && opts.watchTaskExits !== false ? this.watchTaskExits() : this.unwatchTaskExits()),
      },
    );
  }

  /** Waits for the socket and the CRI plugin to answer Version; rejects after `timeoutMs`. */
  async connect(timeoutMs: number): Promise<RuntimeVersion> {
    const deadline = Date.now() + timeoutMs;
    const path = socketPath(this.opts.endpoint);
    let lastErr: Error | undefined;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      if (existsSync(path)) {
        try {
          await this.client.waitForReady(Math.min(left, 1000));
          const v = await this.client.version(Math.max(100, Math.min(left, 5000)));
          return { runtimeName: v.runtimeName || 'containerd', runtimeVersion: v.runtimeVersion, runtimeApiVersion: v.runtimeApiVersion || 'v1' };
        } catch (err) {
          lastErr = err as Error;
        }
      }
      await new Promise((r) => setTimeout(r, Math.min(50, Math.max(0, deadline - Date.now()))));
    }
    throw new Error(`container runtime at ${this.opts.endpoint} not ready after ${timeoutMs} ms${lastErr ? `: ${lastErr.message}` : ''}`);
  }

  close(): void {
    this.closed = true;
    this.tracker.close();
    this.unwatchTaskExits();
    this.client.close();
  }

  // ---- RuntimeService ----

  async version(): Promise<RuntimeVersion> {
    const v = await this.client.version();
    return { runtimeName: v.runtimeName || 'containerd', runtimeVersion: v.runtimeVersion, runtimeApiVersion: v.runtimeApiVersion || 'v1' };
  }

  /** The runtime's RuntimeReady / NetworkReady conditions (the CRI's Status). */
  async status(): Promise<WireRuntimeCondition[]> {
    return (await this.client.status()).status?.conditions ?? [];
  }

  async updateRuntimeConfig(config: { podCIDR?: string }): Promise<void> {
    if (config.podCIDR === undefined) return;
    await this.client.updateRuntimeConfig(config.podCIDR);
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const id = await this.client.runPodSandbox(toWireSandboxConfig(config));
    this.tracker.rememberSandbox(id, { ...config.labels });
    return id;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    try {
      await this.client.stopPodSandbox(podSandboxId);
    } catch (err) {
      if (!(err instanceof RuntimeNotFoundError)) throw err;
    }
    // The sandbox's containers were killed inside that call; report them now, not a period later.
    this.tracker.relistNow();
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    try {
      await this.client.removePodSandbox(podSandboxId);
    } catch (err) {
      if (!(err instanceof RuntimeNotFoundError)) throw err;
    }
    this.tracker.relistNow();
    this.tracker.forgetSandbox(podSandboxId);
  }

  async podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus> {
    return fromWireSandboxStatus(await this.client.podSandboxStatus(podSandboxId));
  }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    const list = await this.client.listPodSandbox(toWireSandboxFilter(filter));
    for (const s of list) this.tracker.rememberSandbox(s.id, s.labels);
    return list.map(fromWireSandbox);
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const id = await this.client.createContainer(podSandboxId, toWireContainerConfig(config, sandboxConfig), toWireSandboxConfig(sandboxConfig));
    this.tracker.rememberSandbox(podSandboxId, { ...sandboxConfig.labels });
    this.tracker.observe(id, podSandboxId, 'CONTAINER_CREATED');
    return id;
  }

  async startContainer(containerId: string): Promise<void> {
    await this.client.startContainer(containerId);
    const sb = await this.sandboxOf(containerId);
    // A process that exited during start is already reported as exited by the relist or exit watch.
    if (this.tracker.stateOf(containerId) === 'CONTAINER_CREATED' || this.tracker.stateOf(containerId) === undefined) this.tracker.observe(containerId, sb, 'CONTAINER_RUNNING');
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    await this.client.stopContainer(containerId, timeoutSeconds);
    this.tracker.observe(containerId, await this.sandboxOf(containerId), 'CONTAINER_EXITED');
  }

  async removeContainer(containerId: string): Promise<void> {
    const sb = this.tracker.sandboxOf(containerId) ?? '';
    try {
      await this.client.removeContainer(containerId);
    } catch (err) {
      if (!(err instanceof RuntimeNotFoundError)) throw err;
    }
    this.tracker.observe(containerId, sb, 'DELETED');
  }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    return (await this.client.listContainers(toWireContainerFilter(filter))).map(fromWireContainer);
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    const [status, sb] = await Promise.all([this.client.containerStatus(containerId), this.sandboxOf(containerId)]);
    return fromWireContainerStatus(status, sb);
  }

  onContainerEvent(listener: (ev: ContainerEvent) => void): () => void {
    return this.tracker.subscribe(listener);
  }

  // ---- ImageService ----

  async imageStatus(image: string): Promise<Image | undefined> {
    const i = await this.client.imageStatus(image);
    return i ? fromWireImage(i) : undefined;
  }

  async pullImage(image: string, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig, signal?: AbortSignal): Promise<string> {
    try {
      return await this.client.pullImage(image, toWireAuth(auth), sandboxConfig ? toWireSandboxConfig(sandboxConfig) : undefined, signal);
    } catch (err) {
      // The runtime's text names the registry problem; the credentials never appear in it.
      throw new Error(`failed to pull image "${image}": ${(err as Error).message}`);
    }
  }

  async listImages(): Promise<Image[]> {
    return (await this.client.listImages()).map(fromWireImage);
  }

  async removeImage(image: string): Promise<void> {
    try {
      await this.client.removeImage(image);
    } catch (err) {
      if (!(err instanceof RuntimeNotFoundError)) throw err;
    }
  }

  // ---- StreamingRuntime ----

  async execSync(containerId: string, cmd: string[], timeoutSeconds: number, signal?: AbortSignal): Promise<ExecSyncResult> {
    const r = await this.client.execSync(containerId, cmd, timeoutSeconds, signal);
    return { stdout: toBuffer(r.stdout), stderr: toBuffer(r.stderr), exitCode: r.exitCode };
  }

  exec(req: StreamRequest & { cmd: string[] }): Promise<string> {
    return this.client.exec({ containerId: req.containerId, cmd: req.cmd, tty: req.tty, stdin: req.stdin, stdout: req.stdout, stderr: req.tty ? false : req.stderr });
  }

  attach(req: StreamRequest): Promise<string> {
    return this.client.attach({ containerId: req.containerId, tty: req.tty, stdin: req.stdin, stdout: req.stdout, stderr: req.tty ? false : req.stderr });
  }

  portForward(podSandboxId: string, ports: number[]): Promise<string> {
    return this.client.portForward(podSandboxId, ports);
  }

  reopenContainerLog(containerId: string): Promise<void> {
    return this.client.reopenContainerLog(containerId);
  }

  async listContainerStats(filter?: { id?: string; podSandboxId?: string }): Promise<ContainerStats[]> {
    const f = filter && (filter.id || filter.podSandboxId) ? { id: filter.id, podSandboxId: filter.podSandboxId } : undefined;
    return (await this.client.listContainerStats(f)).map(fromWireStats);
  }

  // ---- internals ----

  /** The container's sandbox id: from what we track, else one ListContainers (the CRI status lacks it). */
  private async sandboxOf(containerId: string): Promise<string> {
    const known = this.tracker.sandboxOf(containerId);
    if (known) return known;
    const [c] = await this.client.listContainers({ id: containerId });
    if (!c) throw new RuntimeNotFoundError('container', containerId);
    this.tracker.observe(c.id, c.podSandboxId, c.state);
    return c.podSandboxId;
  }

  private watchTaskExits(): void {
    if (this.stopExitWatch || this.closed) return;
    this.stopExitWatch = this.client.subscribeTaskExits(
      this.namespace,
      (ev) => {
        // Exec processes exit too; only a container's init process (id == container id) ends it.
        if (ev.id && ev.id !== ev.containerId) return;
        // One we did not see running (started by someone else, or a sandbox): let the relist tell.
        if (this.tracker.stateOf(ev.containerId) !== 'CONTAINER_RUNNING') this.tracker.relistNow();
        else void this.settleExit(ev.containerId);
      },
      (err) => {
        this.stopExitWatch = undefined;
        if (this.closed || !this.tracker.listening) return;
        if (err && !/cancel/i.test(err.message)) this.opts.log?.(`cri: containerd event stream ended: ${err.message}`);
        // Resubscribe later; meanwhile the relist loop keeps reporting.
        this.exitWatchRetry = setTimeout(() => {
          this.exitWatchRetry = undefined;
          if (this.tracker.listening) this.watchTaskExits();
        }, 1000);
        this.exitWatchRetry.unref();
      },
    );
  }

  private unwatchTaskExits(): void {
    clearTimeout(this.exitWatchRetry);
    this.exitWatchRetry = undefined;
    const stop = this.stopExitWatch;
    this.stopExitWatch = undefined;
    stop?.();
  }

  // containerd's CRI plugin handles the same exit event on its own; its status catches up within
  // milliseconds, so the container's state is read until it does, then reported.
  private async settleExit(containerId: string): Promise<void> {
    const deadline = Date.now() + EXIT_SETTLE_MS;
    for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
      try {
        const s = await this.client.containerStatus(containerId);
        if (s.state !== 'CONTAINER_RUNNING') {
          const sb = this.tracker.sandboxOf(containerId);
          if (sb !== undefined && this.tracker.stateOf(containerId) === 'CONTAINER_RUNNING') this.tracker.observe(containerId, sb, s.state);
          return;
        }
      } catch {
        return; // gone or unreachable: the relist reports it
      }
      if (Date.now() + delay > deadline) return;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

function toBuffer(u8: Uint8Array | undefined): Buffer {
  if (!u8) return Buffer.alloc(0);
  return Buffer.isBuffer(u8) ? u8 : Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}
