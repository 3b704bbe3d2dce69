// The metrics.k8s.io/v1beta1 REST API over the storage: NodeMetrics and PodMetrics, get and
// list, by namespace and label selector (matched against the Node's or Pod's labels, as
// metrics-server reads them from its informers), in upstream's JSON.
import type { Node } from '../api/core/v1/types.js';
import type { Pod } from '../api/core/v1/pod/types.js';
import { parseSelector, SelectorError, type Selector } from '../api/labels/index.js';
import { cpuQuantity, memoryQuantity, METRICS_API_VERSION, type NodeMetrics, type PodMetrics } from '../api/metrics/v1beta1/types.js';
import { rfc3339 } from '../util/time.js';
import type { MetricsStorage, Usage } from './storage.js';

export const RESOURCE_LIST = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: METRICS_API_VERSION,
  resources: [
    { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
    { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
  ],
};

export interface Objects {
  nodes(): Node[];
  node(name: string): Node | undefined;
  pods(namespace?: string): Pod[];
  pod(namespace: string, name: string): Pod | undefined;
}

export interface ApiAnswer {
  code: number;
  body: unknown;
}

/** A Go duration as time.Duration.String() prints one ("15.021s", "1m0.5s"). */
export function goDuration(ms: number): string {
  const total = Math.round(ms);
  if (total === 0) return '0s';
  const minutes = Math.floor(total / 60_000);
  const rest = total - minutes * 60_000;
  const secs = (rest / 1000).toFixed(3).replace(/\.?0+$/, '');
  return minutes ? `${minutes}m${secs}s` : `${secs}s`;
}

function status(code: number, reason: string, message: string, details?: Record<string, unknown>): ApiAnswer {
  return { code, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code } };
}

function notFound(resource: 'nodemetrics' | 'podmetrics', name: string): ApiAnswer {
  return status(404, 'NotFound', `${resource}.metrics.k8s.io "${name}" not found`, { name, group: 'metrics.k8s.io', kind: resource === 'nodemetrics' ? 'nodes' : 'pods' });
}

function usageOf(u: Usage): Record<string, string> {
  return { cpu: cpuQuantity(u.cpuNanoCores), memory: memoryQuantity(u.memoryBytes) };
}

function nodeMetrics(node: Node, storage: MetricsStorage): NodeMetrics | undefined {
  const u = storage.node(node.metadata.name!);
  if (!u) return undefined;
  return {
    kind: 'NodeMetrics',
    apiVersion: METRICS_API_VERSION,
    metadata: { name: node.metadata.name, creationTimestamp: rfc3339(), labels: node.metadata.labels },
    timestamp: rfc3339(u.timestamp),
    window: goDuration(u.windowMs),
    usage: usageOf(u),
  };
}

function podMetrics(pod: Pod, storage: MetricsStorage): PodMetrics | undefined {
  const m = storage.pod(pod.metadata.namespace!, pod.metadata.name!);
  if (!m) return undefined;
  return {
    kind: 'PodMetrics',
    apiVersion: METRICS_API_VERSION,
    metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, creationTimestamp: rfc3339(), labels: pod.metadata.labels },
    timestamp: rfc3339(m.timestamp),
    window: goDuration(m.windowMs),
    containers: m.containers.map((c) => ({ name: c.name, usage: usageOf(c.usage) })),
  };
}

function selector(q: URLSearchParams): Selector | ApiAnswer {
  try {
    return parseSelector(q.get('labelSelector') ?? '');
  } catch (err) {
    if (err instanceof SelectorError) return status(400, 'BadRequest', `unable to parse requirement: ${err.message}`);
    throw err;
  }
}

/** metadata.name and metadata.namespace field selectors (`a=b`, `a==b`, `a!=b`, comma-joined). */
function fieldMatcher(q: URLSearchParams): ((o: { metadata: { name?: string; namespace?: string } }) => boolean) | ApiAnswer {
  const text = q.get('fieldSelector') ?? '';
  if (!text) return () => true;
  const tests: ((o: { metadata: { name?: string; namespace?: string } }) => boolean)[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(metadata\.name|metadata\.namespace)\s*(!=|==|=)\s*(.*?)\s*$/.exec(part);
    if (!m) return status(400, 'BadRequest', `field label not supported: ${part.split(/[!=]/)[0]}`);
    const [, field, op, value] = m as unknown as [string, string, string, string];
    const get = (o: { metadata: { name?: string; namespace?: string } }) => (field === 'metadata.name' ? o.metadata.name : o.metadata.namespace) ?? '';
    tests.push(op === '!=' ? (o) => get(o) !== value : (o) => get(o) === value);
  }
  return (o) => tests.every((t) => t(o));
}

/** Serves a path below /apis/metrics.k8s.io/v1beta1 (already split): undefined when it is not one of ours. */
export function serveMetrics(parts: string[], q: URLSearchParams, objects: Objects, storage: MetricsStorage): ApiAnswer | undefined {
  // nodes | nodes/{name} | pods | pods/{name}? | namespaces/{ns}/pods[/{name}]
  let namespace: string | undefined;
  let rest = parts;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, extra] = rest;
  if (extra !== undefined) return undefined;
  if (resource === 'nodes' && namespace === undefined) {
    if (name) {
      const node = objects.node(name);
      const m = node && nodeMetrics(node, storage);
      return m ? { code: 200, body: m } : notFound('nodemetrics', name);
    }
    const sel = selector(q);
    if (!('matches' in sel)) return sel;
    const fields = fieldMatcher(q);
    if (typeof fields !== 'function') return fields;
    const items = objects
      .nodes()
      .filter((n) => sel.matches(n.metadata.labels ?? {}) && fields(n))
      .map((n) => nodeMetrics(n, storage))
      .filter((m): m is NodeMetrics => !!m)
      .sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
    return { code: 200, body: { kind: 'NodeMetricsList', apiVersion: METRICS_API_VERSION, metadata: {}, items } };
  }
  if (resource === 'pods') {
    if (name) {
      if (!namespace) return undefined;
      const pod = objects.pod(namespace, name);
      const m = pod && podMetrics(pod, storage);
      return m ? { code: 200, body: m } : notFound('podmetrics', name);
    }
    const sel = selector(q);
    if (!('matches' in sel)) return sel;
    const fields = fieldMatcher(q);
    if (typeof fields !== 'function') return fields;
    const items = objects
      .pods(namespace)
      .filter((p) => sel.matches(p.metadata.labels ?? {}) && fields(p))
      .map((p) => podMetrics(p, storage))
      .filter((m): m is PodMetrics => !!m)
      .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
    return { code: 200, body: { kind: 'PodMetricsList', apiVersion: METRICS_API_VERSION, metadata: {}, items } };
  }
  return undefined;
}
