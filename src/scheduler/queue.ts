// The scheduling queue: activeQ (highest priority first, then oldest), backoffQ (pods waiting
// out an exponential backoff after a failed attempt), and the unschedulable pool, whose pods go
// back when a cluster event may have made them schedulable, or after a maximum stay.
import type { Pod } from '../api/core/v1/pod/types.js';
import { KeyedHeap } from './heap.js';

export interface QueuedPod {
  key: string;
  pod: Pod;
  priority: number;
  /** When the pod entered the queue; orders pods of equal priority. */
  timestamp: number;
  attempts: number;
  /** Plugins that rejected the pod on its last attempt. */
  unschedulablePlugins: Set<string>;
  backoffExpiry: number;
  unschedulableSince: number;
  /** Scheduling cycle of the pod's last pop. */
  cycle: number;
  /** performance.now() when the current attempt began (its latency is a metric). */
  attemptStartedAt?: number;
}

export type SubQueue = 'active' | 'backoff' | 'unschedulable';

export interface QueueOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a pod stays in the unschedulable pool without a relevant event. */
  maxUnschedulableMs?: number;
  backoffFlushMs?: number;
  unschedulableFlushMs?: number;
  clock?: () => number;
  /** A pod entered a sub-queue on an event (scheduler_queue_incoming_pods_total). */
  incoming?: (queue: SubQueue, event: string) => void;
}

export class SchedulingQueue {
  private readonly active = new KeyedHeap<QueuedPod>(
    (q) => q.key,
    (a, b) => (a.priority !== b.priority ? a.priority > b.priority : a.timestamp < b.timestamp),
  );
  private readonly backoff = new KeyedHeap<QueuedPod>(
    (q) => q.key,
    (a, b) => a.backoffExpiry < b.backoffExpiry,
  );
  private readonly unschedulable = new Map<string, QueuedPod>();
  /** Popped and not yet returned: being scheduled or bound. */
  private readonly inFlight = new Map<string, QueuedPod>();
  private waiters: ((q: QueuedPod | undefined) => void)[] = [];
  private schedulingCycle = 0;
  private moveRequestCycle = -1;
  private closed = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly clock: () => number;
  private readonly initialBackoff: number;
  private readonly maxBackoff: number;
  private readonly maxUnschedulable: number;
  private readonly incoming: (queue: SubQueue, event: string) => void;

  constructor(
    private readonly priorityOf: (pod: Pod) => number,
    opts: QueueOptions = {},
  ) {
    this.clock = opts.clock ?? Date.now;
    this.initialBackoff = opts.initialBackoffMs ?? 1000;
    this.maxBackoff = opts.maxBackoffMs ?? 10_000;
    this.maxUnschedulable = opts.maxUnschedulableMs ?? 5 * 60_000;
    this.incoming = opts.incoming ?? (() => undefined);
    this.timers.push(setInterval(() => this.flushBackoff(), opts.backoffFlushMs ?? 1000));
    this.timers.push(setInterval(() => this.flushUnschedulable(), opts.unschedulableFlushMs ?? 30_000));
    for (const t of this.timers) t.unref();
  }

  /** A new pending pod, or a pending pod that changed. */
  add(pod: Pod, key: string): void {
    if (this.closed) return;
    const existing = this.active.get(key) ?? this.backoff.get(key) ?? this.unschedulable.get(key) ?? this.inFlight.get(key);
    if (existing) {
      existing.pod = pod;
      return;
    }
    this.toActive({ key, pod, priority: this.priorityOf(pod), timestamp: this.clock(), attempts: 0, unschedulablePlugins: new Set(), backoffExpiry: 0, unschedulableSince: 0, cycle: 0 }, 'PodAdd');
  }

  /**
   * A pending pod changed in a way that may affect scheduling (its spec or labels, not just its
   * status): a pod parked as unschedulable gets another try.
   */
  update(pod: Pod, key: string): void {
    const parked = this.unschedulable.get(key);
    if (parked) {
      parked.pod = pod;
      parked.priority = this.priorityOf(pod);
      this.unschedulable.delete(key);
      this.requeue(parked, 'UnscheduledPodUpdate');
      return;
    }
    const queued = this.active.get(key) ?? this.backoff.get(key);
    if (queued) {
      queued.pod = pod;
      queued.priority = this.priorityOf(pod);
      if (this.active.has(key)) this.active.push(queued);
      return;
    }
    this.add(pod, key);
  }

  delete(key: string): void {
    this.active.remove(key);
    this.backoff.remove(key);
    this.unschedulable.delete(key);
    this.inFlight.delete(key);
  }

  has(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key) || this.inFlight.has(key);
  }

  /** The next pod to schedule; waits while activeQ is empty; undefined once closed. */
  pop(): Promise<QueuedPod | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const q = this.active.pop();
    if (q) return Promise.resolve(this.started(q));
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private started(q: QueuedPod): QueuedPod {
    q.attempts++;
    q.cycle = ++this.schedulingCycle;
    this.inFlight.set(q.key, q);
    return q;
  }

  /** The attempt succeeded (the pod is bound or being bound). */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * The attempt failed. A pod that failed on an error backs off; an unschedulable pod is parked,
   * unless a cluster event arrived during its attempt, which may already have changed the answer.
   */
  requeueFailed(q: QueuedPod, unschedulablePlugins: Set<string> | undefined): void {
    if (!this.inFlight.delete(q.key) || this.closed) return;
    q.backoffExpiry = this.clock() + this.backoffDuration(q.attempts);
    if (!unschedulablePlugins) {
      this.backoff.push(q);
      this.incoming('backoff', 'ScheduleAttemptFailure');
      return;
    }
    q.unschedulablePlugins = unschedulablePlugins;
    if (this.moveRequestCycle >= q.cycle) this.requeue(q, 'ScheduleAttemptFailure');
    else {
      q.unschedulableSince = this.clock();
      this.unschedulable.set(q.key, q);
      this.incoming('unschedulable', 'ScheduleAttemptFailure');
    }
  }

  /** A cluster event: parked pods it may help (all, or those rejected by one of `plugins`) go back. */
  moveAllToActiveOrBackoff(plugins?: readonly string[], event = 'ClusterEvent'): void {
    for (const q of [...this.unschedulable.values()]) {
      if (plugins && ![...q.unschedulablePlugins].some((p) => plugins.includes(p))) continue;
      this.unschedulable.delete(q.key);
      this.requeue(q, event);
    }
    this.moveRequestCycle = this.schedulingCycle;
  }

  private requeue(q: QueuedPod, event: string): void {
    if (q.backoffExpiry > this.clock()) {
      this.backoff.push(q);
      this.incoming('backoff', event);
    } else this.toActive(q, event);
  }

  private toActive(q: QueuedPod, event: string): void {
    this.incoming('active', event);
    const w = this.waiters.shift();
    if (w) w(this.started(q));
    else this.active.push(q);
  }

  private backoffDuration(attempts: number): number {
    return Math.min(this.initialBackoff * 2 ** Math.max(0, attempts - 1), this.maxBackoff);
  }

  flushBackoff(): void {
    const now = this.clock();
    for (;;) {
      const top = this.backoff.peek();
      if (!top || top.backoffExpiry > now) return;
      this.backoff.pop();
      this.toActive(top, 'BackoffComplete');
    }
  }

  flushUnschedulable(): void {
    const now = this.clock();
    for (const q of [...this.unschedulable.values()]) {
      if (now - q.unschedulableSince < this.maxUnschedulable) continue;
      this.unschedulable.delete(q.key);
      this.requeue(q, 'UnschedulableTimeout');
    }
  }

  /** Counts per sub-queue (for tests and diagnostics). */
  stats(): { active: number; backoff: number; unschedulable: number; inFlight: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size, inFlight: this.inFlight.size };
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    for (const w of this.waiters) w(undefined);
    this.waiters = [];
  }
}
