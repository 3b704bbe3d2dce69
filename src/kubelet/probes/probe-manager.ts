// The kubelet's prober: one worker per container and probe kind (liveness, readiness, startup)
// with upstream's timing and result rules (pkg/kubelet/prober/worker.go). Results are kept per
// container id, so a restarted container starts over: readiness false, liveness passing, startup
// unknown. The kubelet asks ready / started / livenessFailure when it builds the pod's status and
// decides on restarts; onChange tells it a result moved.
import type { Container, Pod, Probe } from '../../api/core/v1/pod/types.js';
import type { EventRecorder } from '../../client/events.js';
import { expandStatic } from '../container-config/env.js';
import type { StreamingRuntime } from '../runtime.js';
import { execProbe } from './exec.js';
import { grpcProbe } from './grpc.js';
import { httpProbe, httpProbeRequest } from './http.js';
import type { ProbeOutcome } from './outcome.js';
import { resolveContainerPort } from './port.js';
import { tcpProbe } from './tcp.js';

export type ProbeType = 'liveness' | 'readiness' | 'startup';
type Result = 'success' | 'failure' | 'unknown';

const TITLE: Record<ProbeType, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };
const INITIAL: Record<ProbeType, Result> = { liveness: 'success', readiness: 'failure', startup: 'unknown' };
/** A probe that errors (cannot run) is retried this many times before the attempt is dropped. */
const MAX_PROBE_RETRIES = 3;

export interface ProbeTimers {
  after(delayMs: number, fn: () => void): { cancel(): void };
}

const realTimers: ProbeTimers = {
  after(delayMs, fn) {
    const t = setTimeout(fn, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(t) };
  },
};

export interface ProbeManagerOptions {
  runtime: Pick<StreamingRuntime, 'execSync'>;
  /** Called with `<namespace>/<name>` whenever a probe result of the pod changes. */
  onChange(podKey: string): void;
  recorder?: Pick<EventRecorder, 'event'>;
  clock?: () => number;
  timers?: ProbeTimers;
  /** For the jitter of the first run (default Math.random). */
  random?: () => number;
}

/** A container of the pod as the runtime last showed it. */
export interface ProbedContainer {
  name: string;
  id: string;
  /** Epoch ms. */
  startedAt: number;
  /** Default true: callers may list only running containers; one missing from the list is not running. */
  running?: boolean;
}

interface Worker {
  type: ProbeType;
  container: Container;
  spec: Probe;
  containerId?: string;
  result?: Result;
  lastResult?: Result;
  resultRun: number;
  /** After a liveness or startup failure: wait for a new container before probing again. */
  onHold: boolean;
  busy: boolean;
  stopped: boolean;
  tick?: { cancel(): void };
  kick?: { cancel(): void };
  /** (Re)starts the periodic schedule with the first run after `delayMs`. */
  schedule?: (delayMs: number) => void;
}

interface PodEntry {
  uid: string;
  key: string;
  pod: Pod;
  podIP?: string;
  containers: Map<string, Required<ProbedContainer>>;
  workers: Map<string, Worker>;
}

const workerKey = (type: ProbeType, container: string) => `${type}/${container}`;

function probeOf(c: Container, type: ProbeType): Probe | undefined {
  return type === 'liveness' ? c.livenessProbe : type === 'readiness' ? c.readinessProbe : c.startupProbe;
}

export class ProbeManager {
  private readonly pods = new Map<string, PodEntry>();
  private readonly clock: () => number;
  private readonly timers: ProbeTimers;
  private readonly random: () => number;
  private readonly startedAt: number;

  constructor(private readonly o: ProbeManagerOptions) {
    this.clock = o.clock ?? Date.now;
    this.timers = o.timers ?? realTimers;
    this.random = o.random ?? Math.random;
    this.startedAt = this.clock();
  }

  /** The pod and its containers after a kubelet sync: starts and stops workers, notes new container ids. */
  sync(pod: Pod, containers: ProbedContainer[], podIP?: string): void {
    const uid = pod.metadata.uid ?? '';
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      this.removePod(uid);
      return;
    }
    let entry = this.pods.get(uid);
    if (!entry) {
      entry = { uid, key: `${pod.metadata.namespace}/${pod.metadata.name}`, pod, containers: new Map(), workers: new Map() };
      this.pods.set(uid, entry);
    }
    entry.pod = pod;
    entry.podIP = podIP;
    entry.containers = new Map(containers.map((c) => [c.name, { ...c, running: c.running ?? true }]));

    const wanted = new Set<string>();
    const probed = [...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'), ...(pod.spec?.containers ?? [])];
    for (const c of probed) {
      for (const type of ['startup', 'liveness', 'readiness'] as const) {
        const spec = probeOf(c, type);
        if (!spec) continue;
        const key = workerKey(type, c.name);
        wanted.add(key);
        if (!entry.workers.has(key)) this.startWorker(entry, key, { type, container: c, spec, resultRun: 0, onHold: false, busy: false, stopped: false });
      }
    }
    for (const [key, w] of entry.workers) {
      if (!wanted.has(key)) {
        this.stopWorker(w);
        entry.workers.delete(key);
      }
    }
    for (const w of entry.workers.values()) this.observe(entry, w);
  }

  /** Ready: started, and the readiness probe (if any) passed for this very container. */
  ready(podUid: string, container: string, containerId: string): boolean {
    if (!this.started(podUid, container, containerId)) return false;
    const w = this.pods.get(podUid)?.workers.get(workerKey('readiness', container));
    return !w || (w.containerId === containerId && w.result === 'success');
  }

  /** Started: the startup probe (if any) passed for this container. */
  started(podUid: string, container: string, containerId: string): boolean {
    const w = this.pods.get(podUid)?.workers.get(workerKey('startup', container));
    return !w || (w.containerId === containerId && w.result === 'success');
  }

  /** Why the container must restart, in the words of the kubelet's Killing event (`failed liveness probe`), if it must. */
  livenessFailure(podUid: string, container: string, containerId: string): string | undefined {
    const entry = this.pods.get(podUid);
    for (const type of ['liveness', 'startup'] as const) {
      const w = entry?.workers.get(workerKey(type, container));
      if (w && w.containerId === containerId && w.result === 'failure') return `failed ${type} probe`;
    }
    return undefined;
  }

  removePod(podUid: string): void {
    const entry = this.pods.get(podUid);
    if (!entry) return;
    for (const w of entry.workers.values()) this.stopWorker(w);
    this.pods.delete(podUid);
  }

  stop(): void {
    for (const uid of [...this.pods.keys()]) this.removePod(uid);
  }

  private startWorker(entry: PodEntry, key: string, w: Worker): void {
    entry.workers.set(key, w);
    const period = (w.spec.periodSeconds || 10) * 1000;
    // Right after a kubelet (re)start every worker starts at once; spread their first runs.
    const jitter = this.clock() - this.startedAt < period ? this.random() * period : 0;
    w.schedule = (delay: number) => {
      w.tick?.cancel();
      w.tick = this.timers.after(delay, () => {
        if (w.stopped) return;
        const began = this.clock();
        void this.doProbe(entry, w).finally(() => {
          if (!w.stopped) w.schedule!(Math.max(0, began + period - this.clock()));
        });
      });
    };
    w.schedule(jitter);
  }

  private stopWorker(w: Worker): void {
    w.stopped = true;
    w.tick?.cancel();
    w.kick?.cancel();
  }

  /**
   * An early run (upstream's manual trigger), e.g. readiness as soon as the container may be
   * probed; the period then counts from it, so the two never run back to back.
   */
  private kick(w: Worker, delayMs: number): void {
    w.kick?.cancel();
    w.kick = this.timers.after(delayMs, () => {
      w.kick = undefined;
      if (!w.stopped && !w.busy) w.schedule?.(0);
    });
  }

  /** Applies what the runtime shows now to the worker's result. */
  private observe(entry: PodEntry, w: Worker): void {
    const info = entry.containers.get(w.container.name);
    if (info && info.id !== w.containerId) this.newContainer(entry, w, info);
    else if (w.containerId && (!info || !info.running)) this.set(entry, w, 'failure');
    if (entry.pod.metadata.deletionTimestamp && w.type !== 'readiness' && w.containerId) {
      // A pod shutting down is not restarted for its probes.
      this.set(entry, w, 'success');
      this.stopWorker(w);
    }
  }

  private newContainer(entry: PodEntry, w: Worker, info: Required<ProbedContainer>): void {
    w.containerId = info.id;
    w.result = INITIAL[w.type];
    w.lastResult = undefined;
    w.resultRun = 0;
    w.onHold = false;
    if (w.type === 'readiness' && info.running) {
      const at = info.startedAt + (w.spec.initialDelaySeconds ?? 0) * 1000;
      this.kick(w, Math.max(0, at - this.clock()));
    }
  }

  private set(entry: PodEntry, w: Worker, result: Result): void {
    if (w.result === result) return;
    w.result = result;
    if (w.type === 'startup' && result === 'success') {
      const readiness = entry.workers.get(workerKey('readiness', w.container.name));
      if (readiness && !readiness.stopped) this.kick(readiness, 0);
    }
    this.o.onChange(entry.key);
  }

  private async doProbe(entry: PodEntry, w: Worker): Promise<void> {
    if (w.busy || w.stopped) return;
    w.busy = true;
    try {
      await this.probeOnce(entry, w);
    } catch {
      // A probe must never take the prober down; the next tick tries again.
    } finally {
      w.busy = false;
    }
  }

  private async probeOnce(entry: PodEntry, w: Worker): Promise<void> {
    const info = entry.containers.get(w.container.name);
    if (!info) return; // not created yet, or gone
    if (info.id !== w.containerId) this.newContainer(entry, w, info);
    if (w.onHold) return;
    if (!info.running) {
      this.set(entry, w, 'failure');
      return;
    }
    if (entry.pod.metadata.deletionTimestamp && w.type !== 'readiness') {
      this.set(entry, w, 'success');
      this.stopWorker(w);
      return;
    }
    if (Math.trunc((this.clock() - info.startedAt) / 1000) < (w.spec.initialDelaySeconds ?? 0)) return;
    // Startup gates the others; once started, the startup probe rests.
    const started = this.started(entry.uid, w.container.name, info.id);
    if (w.type === 'startup' ? started : !started) return;

    const id = info.id;
    let outcome = await this.runHandler(entry, w, id);
    for (let i = 1; outcome.error && i < MAX_PROBE_RETRIES && !w.stopped; i++) outcome = await this.runHandler(entry, w, id);
    if (w.stopped || w.containerId !== id) return; // the container changed while probing: the answer is stale

    const title = TITLE[w.type];
    const rec = this.o.recorder;
    if (outcome.error) {
      rec?.event(entry.pod, 'Warning', 'Unhealthy', `${title} probe errored and resulted in unknown state: ${outcome.error.message}`);
      return;
    }
    let result: Result;
    if (outcome.result === 'success') result = 'success';
    else if (outcome.result === 'warning') {
      rec?.event(entry.pod, 'Warning', 'ProbeWarning', `${title} probe warning: ${outcome.output}`);
      result = 'success';
    } else {
      if (outcome.result === 'failure') rec?.event(entry.pod, 'Warning', 'Unhealthy', `${title} probe failed: ${outcome.output}`);
      result = 'failure';
    }

    if (w.lastResult === result) w.resultRun++;
    else {
      w.lastResult = result;
      w.resultRun = 1;
    }
    const threshold = result === 'failure' ? w.spec.failureThreshold || 3 : w.type === 'readiness' ? w.spec.successThreshold || 1 : 1;
    if (w.resultRun < threshold) return;
    this.set(entry, w, result);
    if (w.type !== 'readiness' && result === 'failure') {
      w.onHold = true;
      w.resultRun = 0;
    }
  }

  private async runHandler(entry: PodEntry, w: Worker, containerId: string): Promise<ProbeOutcome> {
    const p = w.spec;
    const timeout = p.timeoutSeconds || 1;
    const podIP = entry.podIP ?? '';
    try {
      if (p.exec) return await execProbe(this.o.runtime, containerId, expandStatic(p.exec.command ?? [], w.container.env), timeout);
      if (p.httpGet) return await httpProbe(httpProbeRequest(p.httpGet, w.container, podIP), timeout);
      if (p.tcpSocket) return await tcpProbe(p.tcpSocket.host || podIP, resolveContainerPort(p.tcpSocket.port, w.container), timeout);
      if (p.grpc) return await grpcProbe(podIP, p.grpc.port, p.grpc.service ?? '', timeout);
      const m = entry.pod.metadata;
      throw new Error(`missing probe handler for ${m.name}_${m.namespace}(${m.uid}):${w.container.name}`);
    } catch (err) {
      return { result: 'unknown', output: '', error: err instanceof Error ? err : new Error(String(err)) };
    }
  }
}
