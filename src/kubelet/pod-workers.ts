// The kubelet's pod workers: a level-based sync per pod that compares the pod (from the
// informer) with what the runtime holds, starts what should run, restarts what crashed (with
// crash-loop back-off), stops what is deleted, and reports the status through pods/status.
// Slow runtime calls (image pulls, graceful stops) run as one background task per pod, as
// upstream's per-pod goroutines do, so a few workers can serve thousands of pods. This module
// is the queue, the worker loop and those tasks; the parts of a sync live beside it
// (pod-snapshot, pod-plan, pod-actions, pod-api-writes, pod-teardown).
import type { Pod } from '../api/core/v1/pod/types.js';
import type { RestClient } from '../client/rest.js';
import { runWorkers, WorkQueue } from '../client/workqueue.js';
import type { CrashBackoff } from './backoff.js';
import { killPod } from './pod-actions.js';
import { deletePodObject, writePodStatus } from './pod-api-writes.js';
import { activeDeadline, planRun, podKillGrace, regularContainersDone, type PlanContext } from './pod-plan.js';
import { newPodRecord, type Action, type NodeHandle, type PodRecord } from './pod-record.js';
import { findSandbox, liveContainers, runningContainers, snapshot } from './pod-snapshot.js';
import { generatePodStatus, sameStatus } from './pod-status.js';
import { teardownPod } from './pod-teardown.js';
import { POD_NAME_LABEL, POD_NAMESPACE_LABEL } from './runtime.js';
import type { TimerWheel } from './timer-wheel.js';

export type { NodeHandle } from './pod-record.js';

export interface PodWorkersOptions {
  client: RestClient;
  getPod(key: string): Pod | undefined;
  /** The node a pod is bound to, when this kubelet runs it (undefined: not ours, or removed). */
  node(name: string): NodeHandle | undefined;
  wheel: TimerWheel;
  backoff: CrashBackoff;
  /** Containers that never report Ready. */
  unready?: (pod: Pod, container: string) => boolean;
  workers?: number;
  log?: (line: string) => void;
  clock?: () => number;
}

const DEADLINE_MESSAGE = 'Pod was active on the node longer than the specified deadline';

const podKey = (ns: string, name: string) => `${ns}/${name}`;

export class PodWorkers {
  private readonly queue = new WorkQueue({ baseDelayMs: 200, maxDelayMs: 30_000 });
  private readonly records = new Map<string, PodRecord>();
  private readonly clock: () => number;
  private readonly ctx: PlanContext;
  private stopped = false;

  constructor(private readonly opts: PodWorkersOptions) {
    this.clock = opts.clock ?? Date.now;
    this.ctx = { clock: this.clock, log: opts.log, backoff: opts.backoff };
  }

  run(): Promise<void> {
    return runWorkers(this.queue, this.opts.workers ?? 16, (k) => this.sync(k), (k, err) => this.opts.log?.(`pod ${k}: ${err instanceof Error ? err.message : String(err)}`));
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  /** Route a runtime event to the pod it concerns. */
  enqueueFromLabels(labels: Record<string, string>): void {
    const ns = labels[POD_NAMESPACE_LABEL];
    const name = labels[POD_NAME_LABEL];
    if (ns && name) this.enqueue(podKey(ns, name));
  }

  /** Whether this kubelet holds runtime state for the pod key (so its deletion concerns us). */
  tracks(key: string): boolean {
    return this.records.has(key);
  }

  stop(): void {
    this.stopped = true;
    this.queue.shutdown();
    for (const r of this.records.values()) r.wake?.timer.cancel();
  }

  async sync(key: string): Promise<void> {
    if (this.stopped) return;
    const pod = this.opts.getPod(key);
    let rec = this.records.get(key);
    if (rec && (!pod || pod.metadata.uid !== rec.uid)) {
      this.records.delete(rec.key);
      await teardownPod(rec, this.opts.backoff);
      rec = undefined;
    }
    if (!pod?.spec?.nodeName) return;
    const node = this.opts.node(pod.spec.nodeName);
    if (!node) return;
    const phase = pod.status?.phase;
    let alreadyTerminal = phase === 'Succeeded' || phase === 'Failed';
    if (!rec) {
      // A finished pod this kubelet never ran (an agent restart) has nothing left to do.
      if (alreadyTerminal && !pod.metadata.deletionTimestamp) return;
      rec = newPodRecord(key, pod, node);
      this.records.set(key, rec);
    }
    if (!rec.sandboxId && !rec.searched) await findSandbox(rec, pod);
    const snap = await snapshot(rec);
    const now = this.clock();
    const probes = node.env?.probes;
    const uid = rec.uid;
    if (probes && !pod.metadata.deletionTimestamp) probes.sync(pod, runningContainers(snap), snap.sandbox?.network.ip);
    const statusInput = {
      pod,
      hostIP: node.nodeIP,
      runtimeName: node.runtimeName,
      sandbox: snap.sandbox,
      containers: snap.containers,
      restartOffset: rec.restartOffset,
      unready: (c: string, id: string) => (this.opts.unready?.(pod, c) ?? false) || (probes ? !probes.ready(uid, c, id) : false),
      notStarted: probes ? (c: string, id: string) => !probes.started(uid, c, id) : undefined,
      waiting: rec.waiting,
      now,
    };
    // Finished by what the runtime shows, even if the API has not heard yet: nothing restarts.
    const finished = generatePodStatus(statusInput).phase;
    if (finished === 'Succeeded' || finished === 'Failed') alreadyTerminal = true;
    // Sidecars keep a pod Running; once its regular containers are done for good, they are stopped (upstream's computePodActions).
    if (regularContainersDone(pod, snap)) alreadyTerminal = true;
    const actions: Action[] = [];
    let wakeAt = Infinity;
    let deleteNow = false;

    const deadline = activeDeadline(pod);
    if (deadline !== undefined && !alreadyTerminal && !rec.terminal) {
      if (now >= deadline) {
        rec.terminal = { reason: 'DeadlineExceeded', message: DEADLINE_MESSAGE };
        node.recorder?.event(pod, 'Normal', 'DeadlineExceeded', DEADLINE_MESSAGE);
      }
      else wakeAt = Math.min(wakeAt, deadline);
    }
    const live = liveContainers(snap);

    if (pod.metadata.deletionTimestamp || rec.terminal || alreadyTerminal) {
      if (rec.task && !rec.killing) {
        rec.cancelled = true;
        rec.abort?.abort();
      }
      const grace = podKillGrace(pod);
      if (live.length || snap.sandbox?.state === 'SANDBOX_READY') actions.push(() => killPod(this.ctx, rec!, pod, live, grace));
      else if (pod.metadata.deletionTimestamp) deleteNow = true;
    } else if (!rec.task) {
      // While a task runs, the runtime is mid-change: report what it shows, decide afterwards.
      planRun(this.ctx, pod, rec, snap, actions, (t) => (wakeAt = Math.min(wakeAt, t)));
    }

    const terminal = pod.metadata.deletionTimestamp && !live.length && snap.containers.size ? (rec.terminal ?? {}) : rec.terminal;
    const status = generatePodStatus({ ...statusInput, terminal });

    const stale = rec.lastWrite && rec.lastWrite.againstRV === pod.metadata.resourceVersion && sameStatus(rec.lastWrite.status, status);
    const worthWriting = snap.sandbox || snap.containers.size || !pod.metadata.deletionTimestamp;
    // The runtime is about to change (or is changing): the sync that follows reports the result,
    // so only a pod's first status is written now (it tells the user the kubelet has it).
    const busy = (rec.task || actions.length) && rec.lastWrite;
    if (worthWriting && !busy && !sameStatus(pod.status, status) && !stale) await writePodStatus(this.opts.client, rec, pod, status);
    if (deleteNow && !rec.deleteSent) await deletePodObject(this.opts.client, rec, pod);
    if (actions.length && !rec.task) this.launch(rec, actions);
    this.scheduleWake(rec, wakeAt);
  }

  private launch(rec: PodRecord, actions: Action[]): void {
    rec.abort = new AbortController();
    rec.task = (async () => {
      try {
        for (const a of actions) {
          // A pod deleted (or past its deadline) while it was being started stops here, so
          // its kill need not wait for the rest of the start sequence.
          if (rec.cancelled) break;
          await a();
        }
      } catch (err) {
        this.opts.log?.(`pod ${rec.key}: ${err instanceof Error ? err.message : String(err)}`);
        // A pod that must stop goes on to its kill at once; other failures pause before the next try.
        if (!rec.cancelled) await this.opts.wheel.sleep(1000);
      }
    })().finally(() => {
      rec.task = undefined;
      rec.abort = undefined;
      rec.cancelled = false;
      rec.killing = false;
      this.enqueue(rec.key);
    });
  }

  private scheduleWake(rec: PodRecord, at: number): void {
    if (!Number.isFinite(at)) return;
    if (rec.wake && rec.wake.at === at) return;
    rec.wake?.timer.cancel();
    rec.wake = { at, timer: this.opts.wheel.at(at + 5, () => this.enqueue(rec.key)) };
  }
}
