// The resourcequota controller: each ResourceQuota's status.hard mirrors spec.hard and
// status.used is what the namespace's objects use, counted as admission counts them
// (api/core/v1/quota/usage). Keys are quotas ("ns/name"); a change to any tracked object
// queues its namespace's quotas, and a periodic pass catches what no event announces, as
// upstream's --resource-quota-sync-period. Kinds without an informer here (other
// count/<resource>.<group> names) are listed through the API during the sync.
import type { ResourceQuota } from '../../api/core/v1/types.js';
import { matchingResources, quotaSelects, toResourceList, usageOf, type Usage } from '../../api/core/v1/quota/usage.js';
import type { KubeObject } from '../../api/meta/types.js';
import { isNotFound } from '../../client/errors.js';
import type { Informer, SharedInformerFactory } from '../../client/informer.js';
import { gvr, keyOf, R, resourcePath, type GroupVersionResource } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';
import { RestMapper } from '../../client/rest-mapper.js';
import { StatusWriter } from '../common/status-writer.js';

const RESYNC_MS = 5 * 60_000;
const RESOURCE_QUOTAS = gvr('', 'v1', 'resourcequotas');
/** What quotas most often count, kept in informers; anything else is listed on demand. */
const TRACKED: GroupVersionResource[] = [R.pods, R.services, R.persistentvolumeclaims, R.configmaps, R.secrets, R.replicationcontrollers, RESOURCE_QUOTAS, R.deployments, R.replicasets, R.statefulsets, R.daemonsets, R.jobs, R.cronjobs];

export interface ResourceQuotaControllerOptions extends ControllerOptions {
  resyncMs?: number;
}

export class ResourceQuotaController extends QueueController {
  private readonly quotas: Informer<ResourceQuota>;
  private readonly tracked = new Map<string, Informer<KubeObject>>();
  private readonly status: StatusWriter<ResourceQuota>;
  private readonly mapper: RestMapper;

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    opts: ResourceQuotaControllerOptions = {},
  ) {
    super('resourcequota', opts, 2, { baseDelayMs: 50, maxDelayMs: 30_000 });
    this.quotas = this.cache(factory.informerFor<ResourceQuota>(RESOURCE_QUOTAS));
    this.enqueueOnChange(this.quotas);
    for (const r of TRACKED) {
      const inf = r === RESOURCE_QUOTAS ? (this.quotas as unknown as Informer<KubeObject>) : this.cache(factory.informerFor<KubeObject>(r));
      this.tracked.set(`${r.group}/${r.resource}`, inf);
      const touch = (o: KubeObject) => this.enqueueNamespace(o.metadata.namespace);
      inf.addHandlers({ add: touch, update: (_o, cur) => touch(cur), delete: touch });
    }
    this.status = new StatusWriter(client, RESOURCE_QUOTAS, 'v1', 'ResourceQuota');
    this.mapper = new RestMapper(client);
    this.every(opts.resyncMs ?? RESYNC_MS, () => this.enqueueAll(this.quotas));
  }

  private enqueueNamespace(ns: string | undefined): void {
    if (!ns) return;
    for (const q of this.quotas.list(ns)) this.queue.add(keyOf(q));
  }

  async sync(key: string): Promise<void> {
    const q = this.quotas.get(key);
    if (!q) return;
    const ns = q.metadata.namespace ?? '';
    const hard = q.spec?.hard ?? {};
    const names = Object.keys(hard);
    const total: Usage = new Map();
    for (const { group, resource, objects } of await this.sources(ns, names)) {
      for (const o of objects) {
        if (!quotaSelects(q, group, resource, o)) continue;
        for (const [k, v] of usageOf(group, resource, o)) total.set(k, total.has(k) ? total.get(k)!.add(v) : v);
      }
    }
    const status = { hard: { ...hard }, used: toResourceList(total, names) };
    try {
      await this.status.update(q, status);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** The objects of every kind the quota's names can count, in its namespace. */
  private async sources(ns: string, names: string[]): Promise<{ group: string; resource: string; objects: KubeObject[] }[]> {
    const out: { group: string; resource: string; objects: KubeObject[] }[] = [];
    const wanted = new Set<string>();
    for (const [id, inf] of this.tracked) {
      const [group, resource] = id.split('/') as [string, string];
      if (!matchingResources(group, resource, names).length) continue;
      wanted.add(id);
      out.push({ group, resource, objects: inf.list(ns) });
    }
    for (const n of names) {
      const m = /^count\/([^.]+)(?:\.(.+))?$/.exec(n);
      if (!m) continue;
      const [, resource, group = ''] = m as unknown as [string, string, string | undefined];
      if (wanted.has(`${group}/${resource}`)) continue;
      wanted.add(`${group}/${resource}`);
      const mapped = (await this.mapper.all()).find((r) => r.gvr.group === group && r.gvr.resource === resource && r.namespaced && r.verbs.includes('list'));
      if (!mapped) continue;
      const list = await this.client.get<{ items: KubeObject[] }>(resourcePath(mapped.gvr, ns));
      out.push({ group, resource, objects: list.items });
    }
    return out;
  }
}
