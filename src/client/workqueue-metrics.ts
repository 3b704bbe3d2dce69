// client-go's workqueue metrics (k8s.io/component-base/metrics/prometheus/workqueue): per named
// queue its depth, adds, time waiting and time in work, retries, and the work still unfinished.
// A provider belongs to one registry, and so to one component instance; queues of the same name
// (a controller restarted on regaining its lease) share their series.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What a work queue reports; each call is cheap (a child of a pre-labelled metric). */
export interface QueueMetrics {
  add(depth: number): void;
  /** A key left the queue for a worker after waiting `waitedSeconds`. */
  get(depth: number, waitedSeconds: number): void;
  /** A worker finished a key it held for `workedSeconds`. */
  done(workedSeconds: number): void;
  retry(): void;
  /** Keys being worked on and since when (performance.now() ms), read at scrape time. */
  setProcessing(read: () => Iterable<number>): void;
}

export interface WorkqueueMetricsProvider {
  forQueue(name: string): QueueMetrics;
}

/** upstream: prometheus.ExponentialBuckets(10e-9, 10, 10) */
const DURATION_BUCKETS = Array.from({ length: 10 }, (_, i) => 1e-8 * 10 ** i);

export function workqueueMetricsProvider(registry: Registry): WorkqueueMetricsProvider {
  const registers = [registry];
  const depth = new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames: ['name'], registers });
  const adds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames: ['name'], registers });
  const latency = new Histogram({ name: 'workqueue_queue_duration_seconds', help: 'How long in seconds an item stays in workqueue before being requested.', labelNames: ['name'], buckets: DURATION_BUCKETS, registers });
  const work = new Histogram({ name: 'workqueue_work_duration_seconds', help: 'How long in seconds processing an item from workqueue takes.', labelNames: ['name'], buckets: DURATION_BUCKETS, registers });
  const retries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames: ['name'], registers });
  const processing = new Map<string, () => Iterable<number>>();
  const startedTimes = (name: string) => [...(processing.get(name)?.() ?? [])];
  new Gauge({
    name: 'workqueue_unfinished_work_seconds',
    help: 'How many seconds of work has done that is in progress and hasn\'t been observed by work_duration. Large values indicate stuck threads. One can deduce the number of stuck threads by observing the rate at which this increases.',
    labelNames: ['name'],
    registers,
    collect() {
      const now = performance.now();
      for (const name of processing.keys()) this.set({ name }, startedTimes(name).reduce((sum, t) => sum + (now - t) / 1000, 0));
    },
  });
  new Gauge({
    name: 'workqueue_longest_running_processor_seconds',
    help: 'How many seconds has the longest running processor for workqueue been running.',
    labelNames: ['name'],
    registers,
    collect() {
      const now = performance.now();
      for (const name of processing.keys()) this.set({ name }, startedTimes(name).reduce((longest, t) => Math.max(longest, (now - t) / 1000), 0));
    },
  });
  return {
    forQueue(name) {
      const d = depth.labels({ name });
      const a = adds.labels({ name });
      const l = latency.labels({ name });
      const w = work.labels({ name });
      const r = retries.labels({ name });
      // Every series exists from the queue's creation on, as upstream's: a quiet queue reads 0, not absent.
      d.set(0);
      a.inc(0);
      r.inc(0);
      latency.zero({ name });
      work.zero({ name });
      return {
        add: (n) => (a.inc(), d.set(n)),
        get: (n, waited) => (d.set(n), l.observe(waited)),
        done: (worked) => w.observe(worked),
        retry: () => r.inc(),
        setProcessing: (read) => void processing.set(name, read),
      };
    },
  };
}
