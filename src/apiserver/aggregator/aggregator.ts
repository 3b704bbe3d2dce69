// The aggregation layer (kube-aggregator, in this process as in kube-apiserver): APIServices name
// group versions; a local one (no service) is served here, a remote one has every request under
// /apis/<group>/<version> proxied to its Service over TLS with the user in front-proxy headers.
// The availability controller keeps each APIService's Available condition and the backend's
// discovery document, which /apis and the aggregated discovery merge in.
import type { Endpoints, Service } from '../../api/core/v1/types.js';
import type { APIService, APIServiceCondition } from '../../api/apiregistration/v1/types.js';
import type { KubeObject } from '../../api/meta/types.js';
import type { KeyPair } from '../../util/key-pair.js';
import { rfc3339 } from '../../util/time.js';
import type { UserInfo } from '../auth/token.js';
import { ApiError } from '../errors.js';
import type { AnyRequest } from '../http/body.js';
import { sendText, type AnyResponse } from '../http/respond.js';
import { objectKey, type Registry } from '../registry/registry.js';
import type { ResourceEntry } from '../registry/entry.js';
import type { ResourceStore } from '../rest/resource-store.js';
import type { WatchCache } from '../watchcache/watch-cache.js';
import { AUTHENTICATION_CONFIGMAP, authenticationConfigData } from './front-proxy.js';
import { localApiServices } from './local.js';
import { checkAvailability, proxyToBackend, type Backend } from './backend.js';
import { cachedServiceLookup, resolveService, type ServiceLookup } from './resolve.js';

const OWN = { fieldManager: 'kube-apiserver' };
/** Upstream's availability controller re-checks every APIService this often (besides on changes). */
export const DEFAULT_CHECK_INTERVAL_MS = 30_000;

export interface AggregatorOptions {
  /** The front-proxy client certificate (--proxy-client-cert-file/--proxy-client-key-file). */
  proxyClient: KeyPair;
  /** The CA that signs it (--requestheader-client-ca-file), published for extension servers. */
  requestHeaderCaPem: string;
  /** The client CA published beside it (--client-ca-file). */
  clientCaPem?: string;
  checkIntervalMs?: number;
  clock?: () => number;
  log?: (line: string) => void;
}

/** What a remote group version serves, from its backend's discovery (an APIResourceList). */
interface Discovered {
  resources: Record<string, unknown>[];
}

export class Aggregator {
  private readonly entry: ResourceEntry;
  private timer?: NodeJS.Timeout;
  private readonly discovered = new Map<string, Discovered>();
  private readonly checking = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private stopped = false;
  private readonly clock: () => number;
  private readonly unwatch: (() => void)[] = [];

  constructor(
    private readonly registry: Registry,
    private readonly cache: WatchCache,
    private readonly resources: ResourceStore,
    private readonly o: AggregatorOptions,
  ) {
    const entry = registry.lookup('apiregistration.k8s.io', 'v1', 'apiservices');
    if (!entry) throw new Error('the aggregation layer needs apiregistration.k8s.io/v1 apiservices served');
    this.entry = entry;
    this.clock = o.clock ?? Date.now;
  }

  async start(): Promise<void> {
    await this.publishAuthenticationConfig();
    for (const svc of localApiServices(this.registry)) await this.ensureLocal(svc);
    // Any change to an APIService, or to a Service or Endpoints one names, is checked at once.
    this.onChange(this.entry.keyPrefix, (o) => this.check(o.metadata.name!));
    for (const [g, r] of [['', 'services'], ['', 'endpoints']] as const) {
      const e = this.registry.lookup(g, 'v1', r);
      if (!e) continue;
      this.onChange(e.keyPrefix, (o) => {
        for (const s of this.remote()) if (s.spec?.service?.namespace === o.metadata.namespace && s.spec?.service?.name === o.metadata.name) this.check(s.metadata.name!);
      });
    }
    for (const s of this.all()) this.check(s.metadata.name!);
    this.timer = setInterval(() => {
      for (const s of this.all()) this.check(s.metadata.name!);
    }, this.o.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    for (const u of this.unwatch) u();
  }

  /** Resolves when the checks under way (and those asked for meanwhile) are done: for tests. */
  async settled(): Promise<void> {
    while (this.checking.size) await Promise.all([...this.checking.values()]);
  }

  private onChange(prefix: string, fn: (o: KubeObject) => void): void {
    const rc = this.cache.resource(prefix);
    const sink = {
      filter: { prefix, matches: () => true },
      deliver: (ev: { object: { obj: KubeObject } }) => {
        if (!this.stopped) queueMicrotask(() => fn(ev.object.obj));
        return !this.stopped;
      },
    };
    rc.addWatcher(sink);
    this.unwatch.push(() => rc.removeWatcher(sink));
  }

  /** Every APIService in the cache. */
  all(): APIService[] {
    return [...this.cache.resource(this.entry.keyPrefix).items.values()].map((c) => c.obj as APIService);
  }

  private remote(): APIService[] {
    return this.all().filter((s) => !!s.spec?.service);
  }

  private get(name: string): APIService | undefined {
    return this.cache.resource(this.entry.keyPrefix).items.get(objectKey(this.entry, undefined, name))?.obj as APIService | undefined;
  }

  /** The remote APIService serving this group version, if any: its requests are proxied. */
  remoteFor(group: string, version: string): APIService | undefined {
    if (!group) return undefined;
    const s = this.get(`${version}.${group}`);
    return s?.spec?.service ? s : undefined;
  }

  /** Remote group versions for discovery, by group, in priority order (highest first). */
  remoteGroups(): { group: string; versions: string[] }[] {
    const byGroup = new Map<string, APIService[]>();
    for (const s of this.remote()) {
      const g = s.spec!.group ?? '';
      if (!g || this.registry.groups().some((x) => x.group === g)) continue;
      byGroup.set(g, [...(byGroup.get(g) ?? []), s]);
    }
    const groups = [...byGroup.entries()].map(([group, list]) => {
      list.sort((a, b) => (b.spec!.versionPriority ?? 0) - (a.spec!.versionPriority ?? 0) || (a.spec!.version ?? '').localeCompare(b.spec!.version ?? ''));
      return { group, versions: list.map((s) => s.spec!.version ?? ''), priority: Math.max(...list.map((s) => s.spec!.groupPriorityMinimum ?? 0)) };
    });
    groups.sort((a, b) => b.priority - a.priority || a.group.localeCompare(b.group));
    return groups.map(({ group, versions }) => ({ group, versions }));
  }

  /** The backend's resources of a remote group version, once a discovery check has read them; and whether it is available now. */
  discovery(group: string, version: string): { resources: Record<string, unknown>[]; available: boolean } | undefined {
    const d = this.discovered.get(`${version}.${group}`);
    if (!d) return undefined;
    return { resources: d.resources, available: isAvailable(this.get(`${version}.${group}`)) };
  }

  /** Proxies a request under a remote group version to its backend, as the user given. */
  async proxy(svc: APIService, req: AnyRequest, res: AnyResponse, user: UserInfo): Promise<void> {
    // Upstream answers 503 while the APIService is not available, rather than trying, and as
    // its proxy handler's http.Error does: plain text, which clients (client-go, kubectl) report
    // as "the server is currently unable to handle the request (get pods.metrics.k8s.io)".
    if (!isAvailable(svc)) return sendText(res, 503, 'service unavailable\n', 'text/plain; charset=utf-8');
    const backend = this.backend(svc);
    if (!backend.ok) return sendText(res, 503, `${backend.message}\n`, 'text/plain; charset=utf-8');
    await proxyToBackend(backend, req, res, user);
  }

  private lookups(): ServiceLookup {
    return cachedServiceLookup(this.registry, this.cache);
  }

  private backend(svc: APIService): ({ ok: true } & Backend) | { ok: false; reason: string; message: string } {
    const r = resolveService(svc.spec!.service!, this.lookups());
    if (!r.ok) return r;
    const spec = svc.spec!;
    const ca = spec.caBundle ? Buffer.from(spec.caBundle, 'base64').toString('utf8') : undefined;
    return { ok: true, host: r.host, port: r.port, serverName: r.serverName, ca, insecure: !!spec.insecureSkipTLSVerify, clientCert: this.o.proxyClient };
  }

  /** Runs the availability check of one APIService; a check asked for while one runs runs again after it. */
  check(name: string): void {
    if (this.stopped) return;
    if (this.checking.has(name)) {
      this.again.add(name);
      return;
    }
    const run = this.checkOnce(name)
      .catch((err: unknown) => this.o.log?.(`apiservice ${name}: availability check: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.checking.delete(name);
        if (this.again.delete(name)) this.check(name);
      });
    this.checking.set(name, run);
  }

  private async checkOnce(name: string): Promise<void> {
    const svc = this.get(name);
    if (!svc) {
      this.discovered.delete(name);
      return;
    }
    let cond: Omit<APIServiceCondition, 'lastTransitionTime'>;
    if (!svc.spec?.service) {
      cond = { type: 'Available', status: 'True', reason: 'Local', message: 'Local APIServices are always available' };
    } else {
      const backend = this.backend(svc);
      if (!backend.ok) cond = { type: 'Available', status: 'False', reason: backend.reason, message: backend.message };
      else {
        const r = await checkAvailability(backend, svc.spec.group ?? '', svc.spec.version ?? '');
        if (r.ok) {
          this.discovered.set(name, { resources: r.resources });
          cond = { type: 'Available', status: 'True', reason: 'Passed', message: 'all checks passed' };
        } else cond = { type: 'Available', status: 'False', reason: 'FailedDiscoveryCheck', message: r.message };
      }
    }
    await this.writeCondition(name, cond);
  }

  private async writeCondition(name: string, cond: Omit<APIServiceCondition, 'lastTransitionTime'>): Promise<void> {
    const cur = this.get(name);
    const old = cur?.status?.conditions?.find((c) => c.type === 'Available');
    if (old && old.status === cond.status && old.reason === cond.reason && old.message === cond.message) return;
    try {
      await this.resources.update(
        this.entry,
        undefined,
        name,
        (o) => {
          const s = o as APIService;
          const prev = s.status?.conditions?.find((c) => c.type === 'Available');
          // The transition time moves only when the status does, as upstream's SetAPIServiceCondition.
          const lastTransitionTime = prev && prev.status === cond.status ? prev.lastTransitionTime : rfc3339(this.clock());
          const others = (s.status?.conditions ?? []).filter((c) => c.type !== 'Available');
          return { ...s, status: { ...s.status, conditions: [...others, { ...cond, lastTransitionTime }] } };
        },
        { ...OWN, subresource: 'status' },
      );
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return;
      throw err;
    }
  }

  private async ensureLocal(svc: APIService): Promise<void> {
    try {
      await this.resources.create(this.entry, svc, OWN);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
    }
  }

  /** kube-system/extension-apiserver-authentication: how extension servers authenticate us and our clients. */
  private async publishAuthenticationConfig(): Promise<void> {
    const cms = this.registry.lookup('', 'v1', 'configmaps');
    if (!cms) return;
    const data = authenticationConfigData(this.o.clientCaPem, this.o.requestHeaderCaPem);
    const { namespace, name } = AUTHENTICATION_CONFIGMAP;
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
    try {
      await this.resources.create(cms, cm, OWN);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
      await this.resources.update(cms, namespace, name, (cur) => (JSON.stringify((cur as { data?: unknown }).data) === JSON.stringify(data) ? cur : { ...cur, data }), OWN);
    }
  }
}

export function isAvailable(svc: APIService | undefined): boolean {
  return svc?.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True') ?? false;
}
