// A container runtime with no processes: sandboxes get an IP from the node's pod CIDR,
// containers "run" until the time their pod's annotations script (or forever), and every
// wait goes through the agent's shared timer wheel so thousands of nodes cost no timers.
import { createHash, randomBytes } from 'node:crypto';
import {
  INIT_CONTAINER_ANNOTATION,
  RuntimeNotFoundError,
  type Container,
  type ContainerConfig,
  type ContainerEvent,
  type ContainerEventType,
  type ContainerFilter,
  type ContainerStatus,
  type PodSandbox,
  type PodSandboxConfig,
  type PodSandboxFilter,
  type PodSandboxStatus,
  type RuntimeService,
  type RuntimeVersion,
} from '../runtime.js';
import type { TimerHandle, TimerWheel } from '../timer-wheel.js';
import { parseQuantity } from '../../api/quantity/index.js';
import { containerScript, containerUsage } from './annotations.js';
import { IPAllocator } from './ip-alloc.js';

export const SIM_RUNTIME_NAME = 'sim';
export const SIM_RUNTIME_VERSION = '1';

export interface SimRuntimeOptions {
  nodeIP: string;
  wheel: TimerWheel;
  /** A graceful stop takes this long, or the grace period when that is shorter. */
  stopDelayMs?: number;
  clock?: () => number;
}

interface SandboxRecord {
  status: PodSandboxStatus;
  config: PodSandboxConfig;
  containers: Set<string>;
}

/** Synthetic usage: a CPU rate and working set, and the cumulative CPU time they add up to. */
interface Usage {
  cpuNanoCores: number;
  memoryBytes: number;
  cpuNs: number;
}

/** One running container's figures, as the stats summary reports them. */
export interface SimContainerStats {
  namespace: string;
  pod: string;
  uid: string;
  container: string;
  podStartedAt: number;
  startedAt: number;
  cpuNs: number;
  memoryBytes: number;
}

/** The node itself (system daemons, the kubelet): a fixed rate and working set under the containers'. */
export const SIM_NODE_BASE = { cpuNanoCores: 50e6, memoryBytes: 256 * 1024 * 1024 };

function quantity(q: string): number | undefined {
  try {
    return parseQuantity(q).milliValue() / 1000;
  } catch {
    return undefined;
  }
}

interface ContainerRecord {
  status: ContainerStatus;
  usage: Usage;
  exitTimer?: TimerHandle;
  stopping?: Promise<void>;
}

const matchLabels = (labels: Record<string, string>, sel?: Record<string, string>): boolean => !sel || Object.entries(sel).every(([k, v]) => labels[k] === v);

export function simImageRef(image: string): string {
  return `sim://sha256:${createHash('sha256').update(image).digest('hex')}`;
}

export class SimRuntime implements RuntimeService {
  private readonly sandboxes = new Map<string, SandboxRecord>();
  private readonly containers = new Map<string, ContainerRecord>();
  private readonly listeners = new Set<(ev: ContainerEvent) => void>();
  private ipam?: IPAllocator;
  private readonly clock: () => number;
  private nodeCpuNs = 0;
  private lastAdvance: number;

  constructor(private readonly opts: SimRuntimeOptions) {
    this.clock = opts.clock ?? Date.now;
    this.lastAdvance = this.clock();
  }

  /** Brings every cumulative CPU counter up to now at the rates that held since the last call. */
  private advance(): number {
    const now = this.clock();
    const dt = Math.max(0, now - this.lastAdvance) / 1000;
    this.lastAdvance = now;
    let rate = SIM_NODE_BASE.cpuNanoCores;
    for (const c of this.containers.values()) {
      if (c.status.state !== 'CONTAINER_RUNNING') continue;
      c.usage.cpuNs += c.usage.cpuNanoCores * dt;
      rate += c.usage.cpuNanoCores;
    }
    this.nodeCpuNs += rate * dt;
    return now;
  }

  /** Changes what the matching running containers use from now on (tests and benchmarks drive load with it). */
  setUsage(target: { namespace: string; pod: string; container?: string }, usage: { cpu?: string; memory?: string }): number {
    this.advance();
    let n = 0;
    for (const c of this.containers.values()) {
      const sb = this.sandboxes.get(c.status.podSandboxId);
      if (!sb || sb.status.metadata.namespace !== target.namespace || sb.status.metadata.name !== target.pod) continue;
      if (target.container !== undefined && c.status.metadata.name !== target.container) continue;
      if (usage.cpu !== undefined) c.usage.cpuNanoCores = (quantity(usage.cpu) ?? 0) * 1e9;
      if (usage.memory !== undefined) c.usage.memoryBytes = quantity(usage.memory) ?? 0;
      n++;
    }
    return n;
  }

  /** The node's and running containers' figures now: cumulative CPU time and working set. */
  stats(): { at: number; node: { cpuNs: number; memoryBytes: number }; containers: SimContainerStats[] } {
    const at = this.advance();
    const containers: SimContainerStats[] = [];
    let memory = SIM_NODE_BASE.memoryBytes;
    for (const c of this.containers.values()) {
      if (c.status.state !== 'CONTAINER_RUNNING') continue;
      const sb = this.sandboxes.get(c.status.podSandboxId);
      if (!sb || sb.status.state !== 'SANDBOX_READY') continue;
      memory += c.usage.memoryBytes;
      containers.push({
        namespace: sb.status.metadata.namespace,
        pod: sb.status.metadata.name,
        uid: sb.status.metadata.uid,
        container: c.status.metadata.name,
        podStartedAt: sb.status.createdAt,
        startedAt: c.status.startedAt,
        cpuNs: Math.round(c.usage.cpuNs),
        memoryBytes: c.usage.memoryBytes,
      });
    }
    return { at, node: { cpuNs: Math.round(this.nodeCpuNs), memoryBytes: memory }, containers };
  }

  async version(): Promise<RuntimeVersion> {
    return { runtimeName: SIM_RUNTIME_NAME, runtimeVersion: SIM_RUNTIME_VERSION, runtimeApiVersion: 'v1' };
  }

  async updateRuntimeConfig(config: { podCIDR?: string }): Promise<void> {
    if (config.podCIDR && config.podCIDR !== this.ipam?.cidr) this.ipam = new IPAllocator(config.podCIDR);
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    let ip: string | undefined;
    if (config.hostNetwork) ip = this.opts.nodeIP;
    else {
      if (!this.ipam) throw new Error('network plugin not ready: no pod CIDR assigned to the node');
      ip = this.ipam.allocate();
      if (!ip) throw new Error(`failed to allocate an IP from ${this.ipam.cidr}: range is full`);
    }
    const id = randomBytes(32).toString('hex');
    this.sandboxes.set(id, {
      config,
      containers: new Set(),
      status: { id, metadata: { ...config.metadata }, state: 'SANDBOX_READY', createdAt: this.clock(), labels: { ...config.labels }, annotations: { ...config.annotations }, network: { ip, additionalIps: [] } },
    });
    return id;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    const sb = this.sandboxes.get(podSandboxId);
    if (!sb) return;
    for (const cid of sb.containers) {
      const c = this.containers.get(cid);
      if (c && (c.status.state === 'CONTAINER_RUNNING' || c.status.state === 'CONTAINER_CREATED')) this.finish(c, 137, 'Error');
    }
    if (sb.status.state === 'SANDBOX_READY' && !sb.config.hostNetwork && sb.status.network.ip) this.ipam?.release(sb.status.network.ip);
    sb.status.state = 'SANDBOX_NOTREADY';
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    const sb = this.sandboxes.get(podSandboxId);
    if (!sb) return;
    await this.stopPodSandbox(podSandboxId);
    for (const cid of [...sb.containers]) await this.removeContainer(cid);
    this.sandboxes.delete(podSandboxId);
  }

  async podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus> {
    const sb = this.sandboxes.get(podSandboxId);
    if (!sb) throw new RuntimeNotFoundError('pod sandbox', podSandboxId);
    return structuredClone(sb.status);
  }

  async listPodSandbox(filter: PodSandboxFilter = {}): Promise<PodSandbox[]> {
    const out: PodSandbox[] = [];
    for (const sb of this.sandboxes.values()) {
      const s = sb.status;
      if (filter.id && s.id !== filter.id) continue;
      if (filter.state && s.state !== filter.state) continue;
      if (!matchLabels(s.labels, filter.labelSelector)) continue;
      out.push({ id: s.id, metadata: { ...s.metadata }, state: s.state, createdAt: s.createdAt, labels: { ...s.labels }, annotations: { ...s.annotations } });
    }
    return out;
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const sb = this.sandboxes.get(podSandboxId);
    if (!sb) throw new RuntimeNotFoundError('pod sandbox', podSandboxId);
    const script = containerScript(sandboxConfig.annotations, config.metadata.name, config.annotations[INIT_CONTAINER_ANNOTATION] === 'true');
    // Creation stands in for the image pull: only a container's first attempt waits.
    if (config.metadata.attempt === 0 && script.startDelayMs > 0) await this.opts.wheel.sleep(script.startDelayMs);
    if (!this.sandboxes.has(podSandboxId) || sb.status.state !== 'SANDBOX_READY') throw new Error(`pod sandbox ${podSandboxId} is not ready`);
    const id = randomBytes(32).toString('hex');
    const status: ContainerStatus = {
      id,
      podSandboxId,
      metadata: { ...config.metadata },
      image: config.image,
      imageRef: simImageRef(config.image),
      state: 'CONTAINER_CREATED',
      createdAt: this.clock(),
      labels: { ...config.labels },
      annotations: { ...config.annotations },
      startedAt: 0,
      finishedAt: 0,
      exitCode: 0,
      reason: '',
      message: '',
    };
    const u = containerUsage(sandboxConfig.annotations, config.metadata.name, quantity);
    this.containers.set(id, { status, usage: { ...u, cpuNs: 0 } });
    sb.containers.add(id);
    this.emit(status, 'CONTAINER_CREATED_EVENT');
    return id;
  }

  async startContainer(containerId: string): Promise<void> {
    const c = this.record(containerId);
    if (c.status.state !== 'CONTAINER_CREATED') throw new Error(`container ${containerId} is not in created state`);
    const sb = this.sandboxes.get(c.status.podSandboxId)!;
    const script = containerScript(sb.config.annotations, c.status.metadata.name, c.status.annotations[INIT_CONTAINER_ANNOTATION] === 'true');
    this.advance();
    c.status.state = 'CONTAINER_RUNNING';
    c.status.startedAt = this.clock();
    if (script.runMs !== undefined) {
      c.exitTimer = this.opts.wheel.after(script.runMs, () => {
        if (c.status.state === 'CONTAINER_RUNNING') this.finish(c, script.exitCode, script.exitCode === 0 ? 'Completed' : 'Error');
      });
    }
    this.emit(c.status, 'CONTAINER_STARTED_EVENT');
  }

  stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c) return Promise.reject(new RuntimeNotFoundError('container', containerId));
    if (c.status.state === 'CONTAINER_EXITED') return Promise.resolve();
    if (c.status.state === 'CONTAINER_CREATED' || timeoutSeconds <= 0) {
      this.finish(c, 137, 'Error');
      return Promise.resolve();
    }
    // A simulated process honours SIGTERM: it exits cleanly after the stop delay, unless the
    // grace period runs out first.
    const wait = Math.min(timeoutSeconds * 1000, this.opts.stopDelayMs ?? 200);
    c.stopping ??= this.opts.wheel.sleep(wait).then(() => {
      if (c.status.state === 'CONTAINER_RUNNING') this.finish(c, 0, 'Completed');
    });
    return c.stopping;
  }

  async removeContainer(containerId: string): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c) return;
    c.exitTimer?.cancel();
    this.containers.delete(containerId);
    this.sandboxes.get(c.status.podSandboxId)?.containers.delete(containerId);
    this.emit(c.status, 'CONTAINER_DELETED_EVENT');
  }

  async listContainers(filter: ContainerFilter = {}): Promise<Container[]> {
    const ids = filter.podSandboxId ? [...(this.sandboxes.get(filter.podSandboxId)?.containers ?? [])] : [...this.containers.keys()];
    const out: Container[] = [];
    for (const id of ids) {
      const s = this.containers.get(id)?.status;
      if (!s) continue;
      if (filter.id && s.id !== filter.id) continue;
      if (filter.state && s.state !== filter.state) continue;
      if (!matchLabels(s.labels, filter.labelSelector)) continue;
      out.push({ id: s.id, podSandboxId: s.podSandboxId, metadata: { ...s.metadata }, image: s.image, imageRef: s.imageRef, state: s.state, createdAt: s.createdAt, labels: { ...s.labels }, annotations: { ...s.annotations } });
    }
    return out;
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    return structuredClone(this.record(containerId).status);
  }

  onContainerEvent(listener: (ev: ContainerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Containers that exist (any state): for tests and the agent's accounting. */
  containerCount(): number {
    return this.containers.size;
  }

  private record(id: string): ContainerRecord {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeNotFoundError('container', id);
    return c;
  }

  private finish(c: ContainerRecord, exitCode: number, reason: string): void {
    c.exitTimer?.cancel();
    this.advance();
    const s = c.status;
    if (!s.startedAt) s.startedAt = this.clock();
    s.state = 'CONTAINER_EXITED';
    s.finishedAt = this.clock();
    s.exitCode = exitCode;
    s.reason = reason;
    this.emit(s, 'CONTAINER_STOPPED_EVENT');
  }

  private emit(s: ContainerStatus, type: ContainerEventType): void {
    const sb = this.sandboxes.get(s.podSandboxId);
    const ev: ContainerEvent = { containerId: s.id, type, podSandboxId: s.podSandboxId, sandboxLabels: sb ? sb.status.labels : {}, createdAt: this.clock() };
    for (const l of this.listeners) l(ev);
  }
}
