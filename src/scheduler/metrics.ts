// kube-scheduler's metrics under upstream's 1.32 names (pkg/scheduler/metrics): attempts and
// their latency by result and profile, the SLI latency from first enqueue to bound, the pending
// pods per sub-queue and the pods entering each. The registry is made by whoever runs the
// scheduler and outlives it (a scheduler restarted on regaining its lease keeps its series).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const exponential = (start: number, factor: number, count: number) => Array.from({ length: count }, (_, i) => start * factor ** i);

export type AttemptResult = 'scheduled' | 'unschedulable' | 'error';

export interface PendingPods {
  active: number;
  backoff: number;
  unschedulable: number;
  gated: number;
}

export class SchedulerMetrics {
  private readonly attempts: Counter;
  private readonly attemptDuration: Histogram;
  private readonly sli: Histogram;
  private readonly podAttempts: Histogram;
  private readonly incoming: Counter;
  private pending?: () => PendingPods;

  constructor(readonly registry: Registry) {
    const registers = [registry];
    this.attempts = new Counter({ name: 'scheduler_schedule_attempts_total', help: "Number of attempts to schedule pods, by the result. 'unschedulable' means a pod could not be scheduled, while 'error' means an internal scheduler problem.", labelNames: ['result', 'profile'], registers });
    this.attemptDuration = new Histogram({ name: 'scheduler_scheduling_attempt_duration_seconds', help: 'Scheduling attempt latency in seconds (scheduling algorithm + binding)', labelNames: ['result', 'profile'], buckets: exponential(0.001, 2, 15), registers });
    this.sli = new Histogram({ name: 'scheduler_pod_scheduling_sli_duration_seconds', help: 'E2e latency for a pod being scheduled, from the time the pod enters the scheduling queue and might involve multiple scheduling attempts.', labelNames: ['attempts'], buckets: exponential(0.01, 2, 20), registers });
    this.podAttempts = new Histogram({ name: 'scheduler_pod_scheduling_attempts', help: 'Number of attempts to successfully schedule a pod.', buckets: exponential(1, 2, 5), registers });
    this.incoming = new Counter({ name: 'scheduler_queue_incoming_pods_total', help: 'Number of pods added to scheduling queues by event and queue type.', labelNames: ['queue', 'event'], registers });
    const metrics = this;
    new Gauge({
      name: 'scheduler_pending_pods',
      help: "Number of pending pods, by the queue type. 'active' means number of pods in activeQ; 'backoff' means number of pods in backoffQ; 'unschedulable' means number of pods in unschedulablePods that the scheduler attempted to schedule and failed; 'gated' is the number of unschedulable pods that the scheduler never attempted to schedule because they are gated.",
      labelNames: ['queue'],
      registers,
      collect() {
        const p = metrics.pending?.();
        if (!p) return;
        for (const queue of ['active', 'backoff', 'unschedulable', 'gated'] as const) this.set({ queue }, p[queue]);
      },
    });
  }

  /** The running scheduler's queues, read at scrape time (none while it is not running). */
  setPending(read: (() => PendingPods) | undefined): void {
    this.pending = read;
  }

  attempt(result: AttemptResult, profile: string, seconds: number): void {
    this.attempts.inc({ result, profile });
    this.attemptDuration.observe({ result, profile }, seconds);
  }

  /** A pod bound after `attempts` attempts, `seconds` after it first entered the queue. */
  scheduled(attempts: number, seconds: number): void {
    this.sli.observe({ attempts: String(attempts) }, seconds);
    this.podAttempts.observe(attempts);
  }

  incomingPod(queue: 'active' | 'backoff' | 'unschedulable', event: string): void {
    this.incoming.inc({ queue, event });
  }
}
