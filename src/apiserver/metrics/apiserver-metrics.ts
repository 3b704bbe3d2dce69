// kube-apiserver's own metrics under upstream's names and labels (k8s.io/apiserver/pkg/endpoints/
// metrics, storage/etcd3/metrics): requests by verb, resource and code, their latency, what is in
// flight, long-running requests, watch events, stored objects and the storage backend's latency.
// The request path touches one pre-built child per label set (cached by a string key), so the
// cost per request is a map lookup and two additions.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { newRegistry } from '../../util/prometheus.js';
import type { RequestInfo } from '../http/request-info.js';

/** Upstream's apiserver_request_duration_seconds and etcd_request_duration_seconds buckets. */
export const REQUEST_DURATION_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

const REQUEST_LABELS = ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;
const CONNECT_SUBRESOURCES = new Set(['exec', 'attach', 'portforward', 'proxy']);
const APPLY_PATCH = 'application/apply-patch+yaml';

/** The labels of one request, as upstream's MonitorRequest reports them. */
export interface RequestLabels {
  verb: string;
  dry_run: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  scope: string;
  component: string;
}

/**
 * Upstream's reported verb: the HTTP method upper-cased, GET of a collection LIST, a watch WATCH,
 * a server-side apply APPLY, the streaming and proxy subresources CONNECT.
 */
export function requestLabels(info: RequestInfo, method: string, query: URLSearchParams, contentType: string | undefined): RequestLabels {
  const m = method === 'HEAD' ? 'GET' : method;
  if (info.kind !== 'resource') return { verb: m, dry_run: '', group: '', version: '', resource: '', subresource: '', scope: '', component: 'apiserver' };
  let verb = m;
  if (info.verb === 'watch' || info.verb === 'watchlist') verb = 'WATCH';
  else if (m === 'GET' && !info.name) verb = 'LIST';
  else if (m === 'PATCH' && contentType?.startsWith(APPLY_PATCH)) verb = 'APPLY';
  if (info.subresource && CONNECT_SUBRESOURCES.has(info.subresource)) verb = 'CONNECT';
  const scope = info.name ? 'resource' : info.namespace !== undefined ? 'namespace' : 'cluster';
  const dryRun = query.getAll('dryRun').length ? [...new Set(query.getAll('dryRun'))].sort().join(',') : '';
  return { verb, dry_run: dryRun, group: info.group, version: info.version, resource: info.resource, subresource: info.subresource ?? '', scope, component: 'apiserver' };
}

interface RequestChildren {
  labels: RequestLabels;
  duration: ReturnType<Histogram['labels']>;
  byCode: Map<number, ReturnType<Counter['labels']>>;
}

export interface ApiServerMetricsSources {
  /** In-flight slots in use per pool, read at scrape time. */
  inflight(): { readOnly: number; mutating: number };
  /** Objects per stored resource (`pods`, `deployments.apps`), read at scrape time. */
  storedObjects(): Iterable<[string, number]>;
}

export class ApiServerMetrics {
  readonly registry: Registry;
  private readonly requests: Counter;
  private readonly durations: Histogram;
  private readonly longRunning: Gauge;
  private readonly watchEvents: Counter;
  private readonly storage: Histogram;
  private readonly children = new Map<string, RequestChildren>();
  private readonly storageChildren = new Map<string, ReturnType<Histogram['labels']>>();
  private sources?: ApiServerMetricsSources;

  constructor(registry: Registry = newRegistry({ processMetrics: true })) {
    this.registry = registry;
    const registers = [registry];
    this.requests = new Counter({ name: 'apiserver_request_total', help: 'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.', labelNames: [...REQUEST_LABELS, 'code'], registers });
    this.durations = new Histogram({ name: 'apiserver_request_duration_seconds', help: 'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.', labelNames: [...REQUEST_LABELS], buckets: REQUEST_DURATION_BUCKETS, registers });
    this.longRunning = new Gauge({ name: 'apiserver_longrunning_requests', help: 'Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component. Not all requests are tracked this way.', labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'], registers });
    this.watchEvents = new Counter({ name: 'apiserver_watch_events_total', help: 'Number of events sent in watch clients', labelNames: ['group', 'version', 'resource'], registers });
    this.storage = new Histogram({ name: 'etcd_request_duration_seconds', help: 'Etcd request latency in seconds for each operation and object type.', labelNames: ['operation', 'type'], buckets: REQUEST_DURATION_BUCKETS, registers });
    const metrics = this;
    new Gauge({
      name: 'apiserver_current_inflight_requests',
      help: 'Maximal number of currently used inflight request limit of this apiserver per request kind in last second.',
      labelNames: ['request_kind'],
      registers,
      collect() {
        const n = metrics.sources?.inflight() ?? { readOnly: 0, mutating: 0 };
        this.set({ request_kind: 'readOnly' }, n.readOnly);
        this.set({ request_kind: 'mutating' }, n.mutating);
      },
    });
    new Gauge({
      name: 'apiserver_storage_objects',
      help: 'Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.',
      labelNames: ['resource'],
      registers,
      collect() {
        this.reset();
        for (const [resource, n] of metrics.sources?.storedObjects() ?? []) this.set({ resource }, n);
      },
    });
  }

  /** What scrape-time gauges read; given once the server has built its parts. */
  setSources(sources: ApiServerMetricsSources): void {
    this.sources = sources;
  }

  /** A finished request. Long-running ones (WATCH, CONNECT) count, but their latency does not, as upstream. */
  observeRequest(labels: RequestLabels, code: number, seconds: number, longRunning: boolean): void {
    const c = this.childrenFor(labels);
    let counter = c.byCode.get(code);
    if (!counter) c.byCode.set(code, (counter = this.requests.labels({ ...labels, code: String(code) })));
    counter.inc();
    if (!longRunning) c.duration.observe(seconds);
  }

  /** Counts a long-running request while it runs; call the returned function when it ends. */
  trackLongRunning(labels: RequestLabels): () => void {
    const { dry_run: _d, ...gaugeLabels } = labels;
    const g = this.longRunning.labels(gaugeLabels);
    g.inc();
    return () => g.dec();
  }

  /** The counter of events sent to watchers of one resource (looked up once per watch). */
  watchEventsFor(group: string, version: string, resource: string): { inc(): void } {
    return this.watchEvents.labels({ group, version, resource });
  }

  /** One storage call: `type` is the resource (`pods`, `deployments.apps`), as upstream's groupResource. */
  observeStorage(operation: string, type: string, seconds: number): void {
    const key = `${operation} ${type}`;
    let h = this.storageChildren.get(key);
    if (!h) this.storageChildren.set(key, (h = this.storage.labels({ operation, type })));
    h.observe(seconds);
  }

  private childrenFor(labels: RequestLabels): RequestChildren {
    const key = `${labels.verb}|${labels.dry_run}|${labels.group}|${labels.version}|${labels.resource}|${labels.subresource}|${labels.scope}`;
    let c = this.children.get(key);
    if (!c) this.children.set(key, (c = { labels, duration: this.durations.labels({ ...labels }), byCode: new Map() }));
    return c;
  }
}
