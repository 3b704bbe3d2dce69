// Where the HPA reads metrics: the resource metrics API (metrics.k8s.io, a metrics server behind
// the aggregation layer), the custom metrics API (custom.metrics.k8s.io: Pods and Object metrics)
// and the external one (external.metrics.k8s.io), each only when an adapter serves it. Every
// value is in milli-units, as upstream's MilliValue.
import { parseQuantity } from '../../api/quantity/index.js';
import { errorMessage } from '../../client/errors.js';
import { ApiStatusError, type ApiClient } from '../../client/rest.js';
import type { PodMetrics } from './replica-calculator.js';

export interface MetricsSource {
  /** Per pod: the resource's usage (of one container, or the pod's sum). */
  resource(resource: string, namespace: string, selector: string, container?: string): Promise<PodMetrics>;
  /** A Pods metric per pod. */
  podsMetric(metric: string, namespace: string, selector: string, metricSelector?: string): Promise<PodMetrics>;
  /** An Object metric of one described object. */
  objectMetric(metric: string, namespace: string, resource: string, name: string, metricSelector?: string): Promise<{ value: number; timestamp: number }>;
  /** An External metric: the sum of the matching series. */
  externalMetric(metric: string, namespace: string, metricSelector?: string): Promise<{ value: number; timestamp: number }>;
}

const milli = (q: string | number): number => parseQuantity(q).milliValue();

function duration(w: string | undefined): number {
  const m = /^(?:(\d+)m)?(?:([\d.]+)s)?$/.exec(w ?? '');
  return m ? Number(m[1] ?? 0) * 60_000 + Number(m[2] ?? 0) * 1000 : 0;
}

function qs(params: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/**
 * What client-go says of an error answered without a Status (the aggregation layer's plain-text
 * 503 while an APIService is down): the code's generic text and the request, not the body.
 */
function requestError(err: unknown, resource: string): string {
  if (err instanceof ApiStatusError && !err.status.reason) {
    const generic: Record<number, string> = { 503: 'the server is currently unable to handle the request', 504: 'the server was unable to return a response in the time allotted, but may still be processing the request' };
    const text = generic[err.code];
    if (text) return `${text} (get ${resource})`;
  }
  return errorMessage(err);
}

interface PodMetricsList {
  items: { metadata: { name: string }; timestamp: string; window: string; containers: { name: string; usage: Record<string, string> }[] }[];
}

interface MetricValueList {
  items: { describedObject?: { name?: string }; metricLabels?: Record<string, string>; timestamp: string; windowSeconds?: number; value: string }[];
}

export class ApiMetricsSource implements MetricsSource {
  constructor(private readonly client: ApiClient) {}

  async resource(resource: string, namespace: string, selector: string, container?: string): Promise<PodMetrics> {
    let list: PodMetricsList;
    try {
      list = await this.client.get<PodMetricsList>(`/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods${qs({ labelSelector: selector })}`);
    } catch (err) {
      throw new Error(`unable to get metrics for resource ${resource}: unable to fetch metrics from resource metrics API: ${requestError(err, 'pods.metrics.k8s.io')}`);
    }
    if (!list.items?.length) throw new Error(`unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`);
    const out: PodMetrics = new Map();
    for (const m of list.items) {
      let sum = 0;
      let found = false;
      for (const c of m.containers ?? []) {
        if (container && c.name !== container) continue;
        const u = c.usage?.[resource];
        if (u === undefined) continue;
        sum += milli(u);
        found = true;
      }
      // A pod without the resource (or the container) gives no metric: it counts as missing.
      if (found) out.set(m.metadata.name, { value: sum, timestamp: Date.parse(m.timestamp), windowMs: duration(m.window) });
    }
    return out;
  }

  async podsMetric(metric: string, namespace: string, selector: string, metricSelector?: string): Promise<PodMetrics> {
    let list: MetricValueList;
    try {
      list = await this.client.get<MetricValueList>(`/apis/custom.metrics.k8s.io/v1beta2/namespaces/${encodeURIComponent(namespace)}/pods/*/${encodeURIComponent(metric)}${qs({ labelSelector: selector, metricLabelSelector: metricSelector })}`);
    } catch (err) {
      throw new Error(`unable to get metric ${metric}: unable to fetch metrics from custom metrics API: ${requestError(err, 'pods.custom.metrics.k8s.io')}`);
    }
    if (!list.items?.length) throw new Error(`unable to get metric ${metric}: no metrics returned from custom metrics API`);
    const out: PodMetrics = new Map();
    for (const v of list.items) if (v.describedObject?.name) out.set(v.describedObject.name, { value: milli(v.value), timestamp: Date.parse(v.timestamp), windowMs: (v.windowSeconds ?? 0) * 1000 });
    return out;
  }

  async objectMetric(metric: string, namespace: string, resource: string, name: string, metricSelector?: string): Promise<{ value: number; timestamp: number }> {
    let list: MetricValueList;
    try {
      list = await this.client.get<MetricValueList>(`/apis/custom.metrics.k8s.io/v1beta2/namespaces/${encodeURIComponent(namespace)}/${resource}/${encodeURIComponent(name)}/${encodeURIComponent(metric)}${qs({ metricLabelSelector: metricSelector })}`);
    } catch (err) {
      throw new Error(`unable to get metric ${metric}: ${resource}/${name}: unable to fetch metrics from custom metrics API: ${requestError(err, `${resource}.custom.metrics.k8s.io`)}`);
    }
    const v = list.items?.[0];
    if (!v) throw new Error(`unable to get metric ${metric}: ${resource}/${name}: no metrics returned from custom metrics API`);
    return { value: milli(v.value), timestamp: Date.parse(v.timestamp) };
  }

  async externalMetric(metric: string, namespace: string, metricSelector?: string): Promise<{ value: number; timestamp: number }> {
    let list: MetricValueList;
    try {
      list = await this.client.get<MetricValueList>(`/apis/external.metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/${encodeURIComponent(metric)}${qs({ labelSelector: metricSelector })}`);
    } catch (err) {
      throw new Error(`unable to get external metric ${namespace}/${metric}/${metricSelector ?? 'nil'}: unable to fetch metrics from external metrics API: ${requestError(err, `${metric}.external.metrics.k8s.io`)}`);
    }
    if (!list.items?.length) throw new Error(`unable to get external metric ${namespace}/${metric}/${metricSelector ?? 'nil'}: no metrics returned from external metrics API`);
    let sum = 0;
    let t = 0;
    for (const v of list.items) {
      sum += milli(v.value);
      t = Math.max(t, Date.parse(v.timestamp));
    }
    return { value: sum, timestamp: t };
  }
}
