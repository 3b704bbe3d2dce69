// Upstream's replica calculator (pkg/controller/podautoscaler/replica_calculator.go): the pods
// are grouped into ready, unready (not yet counted for CPU: the initialization period and
// readiness delay), missing (no metric) and ignored (deleted, failed); the ratio of usage to
// target within the tolerance keeps the count; missing and unready pods are then assumed at the
// least helpful value so that a scale never overshoots in the direction the metrics point.
import type { Pod } from '../../api/core/v1/pod/types.js';
import { parseQuantity } from '../../api/quantity/index.js';

export interface PodMetric {
  /** Milli-units (millicores, milli-bytes), as upstream's MilliValue. */
  value: number;
  /** Epoch ms of the sample and the window it covers. */
  timestamp: number;
  windowMs: number;
}

export type PodMetrics = Map<string, PodMetric>;

export interface CalculatorOptions {
  /** --horizontal-pod-autoscaler-tolerance (0.1). */
  tolerance: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period (5 min). */
  cpuInitializationPeriodMs: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay (30 s). */
  delayOfInitialReadinessStatusMs: number;
  now: number;
}

export class CalculatorError extends Error {}

interface Groups {
  ready: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

function readyCondition(pod: Pod): { status: string; lastTransitionTime?: string | null } | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

/** groupPods: which pods count, and how. */
export function groupPods(pods: readonly Pod[], metrics: PodMetrics, resource: string | undefined, o: CalculatorOptions): Groups {
  const g: Groups = { ready: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata.name!;
    if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Failed') {
      g.ignored.add(name);
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      g.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      g.missing.add(name);
      continue;
    }
    if (resource === 'cpu') {
      const cond = readyCondition(pod);
      const start = pod.status?.startTime ? Date.parse(pod.status.startTime) : NaN;
      let unready: boolean;
      if (!cond || Number.isNaN(start)) unready = true;
      else {
        const transition = Date.parse(cond.lastTransitionTime ?? '') || 0;
        if (start + o.cpuInitializationPeriodMs > o.now) {
          // Within the initialization period: a sample from before readiness (plus its window) does not count.
          unready = cond.status === 'False' || metric.timestamp < transition + metric.windowMs;
        } else {
          unready = cond.status === 'False' && start + o.delayOfInitialReadinessStatusMs > transition;
        }
      }
      if (unready) {
        g.unready.add(name);
        continue;
      }
    }
    g.ready++;
  }
  return g;
}

/** Sum of the pods' requests of a resource (milli), per pod; a container without one is an error. */
export function podRequests(pods: readonly Pod[], resource: string, container?: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    let total = 0;
    for (const c of pod.spec?.containers ?? []) {
      if (container && c.name !== container) continue;
      const q = c.resources?.requests?.[resource];
      if (q === undefined) throw new CalculatorError(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`);
      total += parseQuantity(q as string).milliValue();
    }
    out.set(pod.metadata.name!, total);
  }
  return out;
}

function utilizationRatio(metrics: PodMetrics, requests: Map<string, number>, target: number): { ratio: number; utilization: number; raw: number } {
  let used = 0;
  let requested = 0;
  for (const [name, m] of metrics) {
    const r = requests.get(name);
    if (r === undefined) continue;
    used += m.value;
    requested += r;
  }
  if (requested === 0) throw new CalculatorError('no metrics returned matched known pods');
  const utilization = Math.trunc((used * 100) / requested);
  return { ratio: utilization / target, utilization, raw: Math.trunc(used / metrics.size) };
}

function without(metrics: PodMetrics, names: Iterable<string>): PodMetrics {
  const out = new Map(metrics);
  for (const n of names) out.delete(n);
  return out;
}

export interface ResourceProposal {
  replicas: number;
  /** Percentage of request (Utilization), or undefined. */
  utilization?: number;
  /** Average per pod, milli-units. */
  rawAverage: number;
  timestamp: number;
}

function latest(metrics: PodMetrics): number {
  let t = 0;
  for (const m of metrics.values()) t = Math.max(t, m.timestamp);
  return t;
}

/** GetResourceReplicas: a Utilization target (percentage of request). */
export function resourceReplicas(currentReplicas: number, targetUtilization: number, resource: string, pods: readonly Pod[], all: PodMetrics, o: CalculatorOptions, container?: string): ResourceProposal {
  if (!pods.length) throw new CalculatorError('no pods returned by selector while calculating replica count');
  const g = groupPods(pods, all, resource, o);
  let metrics = without(without(all, g.ignored), g.unready);
  // Only the pods the selector matched count (metrics of others are not ours).
  const known = new Set(pods.map((p) => p.metadata.name!));
  metrics = new Map([...metrics].filter(([n]) => known.has(n)));
  if (!metrics.size) throw new CalculatorError('did not receive metrics for targeted pods (pods might be unready)');
  const requests = podRequests(pods, resource, container);
  const timestamp = latest(metrics);
  const { ratio, utilization, raw } = utilizationRatio(metrics, requests, targetUtilization);
  const scaleUpWithUnready = g.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && !g.missing.size) {
    if (Math.abs(1 - ratio) <= o.tolerance) return { replicas: currentReplicas, utilization, rawAverage: raw, timestamp };
    return { replicas: Math.ceil(ratio * g.ready), utilization, rawAverage: raw, timestamp };
  }
  const filled = new Map(metrics);
  if (g.missing.size) {
    // Missing pods are assumed at the target when scaling down (100% at least), at zero when scaling up.
    const fallback = Math.max(100, targetUtilization);
    for (const n of g.missing) filled.set(n, { value: ratio < 1 ? (requests.get(n)! * fallback) / 100 : 0, timestamp, windowMs: 0 });
  }
  if (scaleUpWithUnready) for (const n of g.unready) filled.set(n, { value: 0, timestamp, windowMs: 0 });
  const next = utilizationRatio(filled, requests, targetUtilization).ratio;
  if (Math.abs(1 - next) <= o.tolerance || (ratio < 1 && next > 1) || (ratio > 1 && next < 1)) return { replicas: currentReplicas, utilization, rawAverage: raw, timestamp };
  const replicas = Math.ceil(next * filled.size);
  if ((next < 1 && replicas > currentReplicas) || (next > 1 && replicas < currentReplicas)) return { replicas: currentReplicas, utilization, rawAverage: raw, timestamp };
  return { replicas, utilization, rawAverage: raw, timestamp };
}

/** calcPlainMetricReplicas: an AverageValue target per pod (resource or Pods metrics), milli-units. */
export function plainMetricReplicas(currentReplicas: number, targetAverage: number, resource: string | undefined, pods: readonly Pod[], all: PodMetrics, o: CalculatorOptions): ResourceProposal {
  if (!pods.length) throw new CalculatorError('no pods returned by selector while calculating replica count');
  const g = groupPods(pods, all, resource, o);
  const known = new Set(pods.map((p) => p.metadata.name!));
  const metrics = new Map([...without(without(all, g.ignored), g.unready)].filter(([n]) => known.has(n)));
  if (!metrics.size) throw new CalculatorError('did not receive metrics for targeted pods (pods might be unready)');
  const timestamp = latest(metrics);
  const avg = (m: PodMetrics) => [...m.values()].reduce((a, b) => a + b.value, 0) / m.size;
  const usage = avg(metrics);
  const ratio = usage / targetAverage;
  const scaleUpWithUnready = g.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && !g.missing.size) {
    if (Math.abs(1 - ratio) <= o.tolerance) return { replicas: currentReplicas, rawAverage: usage, timestamp };
    return { replicas: Math.ceil(ratio * g.ready), rawAverage: usage, timestamp };
  }
  const filled = new Map(metrics);
  for (const n of g.missing) filled.set(n, { value: ratio < 1 ? targetAverage : 0, timestamp, windowMs: 0 });
  if (scaleUpWithUnready) for (const n of g.unready) filled.set(n, { value: 0, timestamp, windowMs: 0 });
  const next = avg(filled) / targetAverage;
  if (Math.abs(1 - next) <= o.tolerance || (ratio < 1 && next > 1) || (ratio > 1 && next < 1)) return { replicas: currentReplicas, rawAverage: usage, timestamp };
  const replicas = Math.ceil(next * filled.size);
  if ((next < 1 && replicas > currentReplicas) || (next > 1 && replicas < currentReplicas)) return { replicas: currentReplicas, rawAverage: usage, timestamp };
  return { replicas, rawAverage: usage, timestamp };
}

/** GetObjectMetricReplicas / GetExternalMetricReplicas with a Value target: the ratio times the ready pods. */
export function valueReplicas(currentReplicas: number, usage: number, target: number, readyPods: number, tolerance: number): number {
  const ratio = usage / target;
  if (Math.abs(1 - ratio) <= tolerance) return currentReplicas;
  return Math.ceil(ratio * readyPods);
}

/** …with an AverageValue target: the total over the per-pod target. */
export function averageValueReplicas(currentReplicas: number, usage: number, targetAverage: number, tolerance: number): number {
  const ratio = usage / (targetAverage * currentReplicas);
  if (Math.abs(1 - ratio) <= tolerance) return currentReplicas;
  return Math.ceil(usage / targetAverage);
}
