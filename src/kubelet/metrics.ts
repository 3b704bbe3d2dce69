// The kubelet's own /metrics under upstream's names (pkg/kubelet/metrics): the node it runs,
// its running pods and containers (read from the runtime at scrape time), how long pods take to
// start, and the runtime operations it issues. One registry per kubelet.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { newRegistry } from '../util/prometheus.js';
import type { RuntimeService } from './runtime.js';

const POD_START_BUCKETS = [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600];
const RUNTIME_OPERATION_BUCKETS = Array.from({ length: 15 }, (_, i) => 0.005 * 2.5 ** i);

/** CRI method → upstream's operation_type (`RunPodSandbox` → `run_podsandbox`, `ListContainers` → `list_containers`). */
export function operationType(method: string): string {
  return method
    .replace(/PodSandbox/g, 'Podsandbox')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** The runtime calls counted as runtime operations: the CRI's, not helpers of the runtime object. */
const CRI_METHODS = new Set(['version', 'runPodSandbox', 'stopPodSandbox', 'removePodSandbox', 'podSandboxStatus', 'listPodSandbox', 'createContainer', 'startContainer', 'stopContainer', 'removeContainer', 'listContainers', 'containerStatus', 'updateContainerResources', 'reopenContainerLog', 'execSync', 'exec', 'attach', 'portForward', 'containerStats', 'listContainerStats', 'podSandboxStats', 'listPodSandboxStats', 'updateRuntimeConfig', 'status', 'pullImage', 'listImages', 'imageStatus', 'removeImage', 'imageFsInfo']);

export type RunningReader = Pick<RuntimeService, 'listPodSandbox' | 'listContainers'>;

export class KubeletMetrics {
  readonly registry: Registry;
  private readonly operations: Counter;
  private readonly operationErrors: Counter;
  private readonly operationDuration: Histogram;
  private readonly podStart: Histogram;
  /** Pods seen and not yet running: uid → first seen (ms). */
  private readonly starting = new Map<string, number>();
  private readonly started = new Set<string>();
  private runtime?: RunningReader;

  constructor(nodeName: string, o: { processMetrics?: boolean } = {}) {
    this.registry = newRegistry({ processMetrics: o.processMetrics });
    const registers = [this.registry];
    new Gauge({ name: 'kubelet_node_name', help: "The node's name. The count is always 1.", labelNames: ['node'], registers }).set({ node: nodeName }, 1);
    this.operations = new Counter({ name: 'kubelet_runtime_operations_total', help: 'Cumulative number of runtime operations by operation type.', labelNames: ['operation_type'], registers });
    this.operationErrors = new Counter({ name: 'kubelet_runtime_operations_errors_total', help: 'Cumulative number of runtime operation errors by operation type.', labelNames: ['operation_type'], registers });
    this.operationDuration = new Histogram({ name: 'kubelet_runtime_operations_duration_seconds', help: 'Duration in seconds of runtime operations. Broken down by operation type.', labelNames: ['operation_type'], buckets: RUNTIME_OPERATION_BUCKETS, registers });
    this.podStart = new Histogram({ name: 'kubelet_pod_start_duration_seconds', help: 'Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run', buckets: POD_START_BUCKETS, registers });
    const metrics = this;
    new Gauge({
      name: 'kubelet_running_pods',
      help: 'Number of pods that have a running pod sandbox',
      registers,
      async collect() {
        if (metrics.runtime) this.set((await metrics.runtime.listPodSandbox({ state: 'SANDBOX_READY' }).catch(() => [])).length);
      },
    });
    new Gauge({
      name: 'kubelet_running_containers',
      help: 'Number of containers currently running',
      labelNames: ['container_state'],
      registers,
      async collect() {
        if (!metrics.runtime) return;
        const counts: Record<string, number> = { created: 0, running: 0, exited: 0, unknown: 0 };
        for (const c of await metrics.runtime.listContainers().catch(() => [])) {
          const state = c.state.replace(/^CONTAINER_/, '').toLowerCase();
          counts[state in counts ? state : 'unknown']!++;
        }
        for (const [container_state, n] of Object.entries(counts)) this.set({ container_state }, n);
      },
    });
  }

  /**
   * The runtime, its CRI calls counted and timed (kubelet_runtime_operations_*): the same object
   * otherwise, so the kubelet goes on using it as before. Its pods and containers are read at scrape time.
   */
  instrumentRuntime<T extends RunningReader>(runtime: T): T {
    const metrics = this;
    const wrapped = new Proxy(runtime, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof prop !== 'string' || typeof value !== 'function' || !CRI_METHODS.has(prop)) return value;
        const operation_type = operationType(prop.charAt(0).toUpperCase() + prop.slice(1));
        return function (this: unknown, ...args: unknown[]) {
          const start = performance.now();
          metrics.operations.inc({ operation_type });
          const fail = (err: unknown) => {
            metrics.operationErrors.inc({ operation_type });
            throw err;
          };
          const done = () => metrics.operationDuration.observe({ operation_type }, (performance.now() - start) / 1000);
          try {
            const out = (value as (...a: unknown[]) => unknown).apply(target, args);
            if (out instanceof Promise) return out.catch(fail).finally(done);
            done();
            return out;
          } catch (err) {
            done();
            return fail(err);
          }
        };
      },
    });
    this.runtime = wrapped;
    return wrapped;
  }

  /** The kubelet learnt of a pod (first sight starts its clock). */
  podSeen(uid: string, atMs = Date.now()): void {
    if (!this.started.has(uid) && !this.starting.has(uid)) this.starting.set(uid, atMs);
  }

  /** The pod reached Running: its start duration is observed once. */
  podRunning(uid: string, atMs = Date.now()): void {
    const seen = this.starting.get(uid);
    if (seen === undefined) return;
    this.starting.delete(uid);
    this.started.add(uid);
    this.podStart.observe(Math.max(0, atMs - seen) / 1000);
  }

  podGone(uid: string): void {
    this.starting.delete(uid);
    this.started.delete(uid);
  }
}
