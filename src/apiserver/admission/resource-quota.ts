// ResourceQuota admission: a create (or an update that raises usage) is refused when it would
// take a namespace past any quota's hard limits, with upstream's messages. Usage is counted
// live from the watch cache plus the requests admitted but not yet in it (in-process
// reservations), so concurrent creates cannot together overshoot a quota; the resourcequota
// controller keeps status.used for people to read. One API server per cluster is assumed:
// reservations do not cross processes.
import { parseQuantity, sub, type Quantity } from '../../api/quantity/index.js';
import type { KubeObject } from '../../api/meta/types.js';
import type { ResourceQuota } from '../../api/core/v1/types.js';
import { matchingResources, missingDeclarations, prettyPrint, quotaSelects, usageOf, type Usage } from '../../api/core/v1/quota/usage.js';
import type { Pod } from '../../api/core/v1/pod/types.js';
import { errors } from '../errors.js';
import type { ResourceEntry } from '../registry/entry.js';
import type { AdmissionCheck } from '../rest/resource-store.js';
import type { WatchCache } from '../watchcache/watch-cache.js';
import type { Registry } from '../registry/registry.js';
import { namespaceObjects } from './namespace-objects.js';

interface Reservation {
  /** The object's storage key; once the cache holds it at a new revision the reservation is spent. */
  key: string;
  /** The key prefix of its kind's cache. */
  prefix: string;
  /** The revision it had when admitted (undefined: a create). */
  revision?: string;
  group: string;
  resource: string;
  obj: KubeObject;
  delta: Usage;
}


export class QuotaAdmission {
  private readonly pending = new Map<string, Set<Reservation>>();

  constructor(
    private readonly cache: WatchCache,
    private readonly quotas: ResourceEntry,
  ) {}

  readonly check: AdmissionCheck = (entry, obj, op, old) => {
    if (op === 'delete' || !entry.namespaced) return;
    if (entry.group === '' && entry.resource === 'namespaces') return;
    const ns = obj.metadata.namespace ?? '';
    const quotas = namespaceObjects(this.cache, this.quotas, ns) as ResourceQuota[];
    if (!quotas.length) return;
    const { group, resource } = entry;
    const next = usageOf(group, resource, obj);
    const before = op === 'update' && old ? usageOf(group, resource, old) : new Map<string, Quantity>();
    const key = `${entry.storage.keyPrefix}${ns}/${obj.metadata.name}`;
    const delta: Usage = new Map();
    for (const [k, v] of next) {
      const d = before.has(k) ? sub(v, before.get(k)!) : v;
      if (d.sign() > 0) delta.set(k, d);
    }
    // An update that uses no more than before is always allowed, as upstream.
    if (op === 'update' && !delta.size) return;
    for (const q of quotas) {
      const hardNames = Object.keys(q.spec?.hard ?? {});
      const restricted = matchingResources(group, resource, hardNames);
      if (!restricted.length || !quotaSelects(q, group, resource, obj)) continue;
      if (group === '' && resource === 'pods' && op === 'create') {
        const missing = missingDeclarations(obj as Pod, restricted);
        if (missing) throw errors.forbidden(entry, obj.metadata.name ?? '', `failed quota: ${q.metadata.name}: ${missing}`);
      }
      const used = this.used(q, entry, ns, key);
      const failedRequested = new Map<string, Quantity>();
      const failedUsed = new Map<string, Quantity>();
      const failedHard = new Map<string, Quantity>();
      for (const name of restricted) {
        const requested = delta.get(name);
        if (!requested) continue;
        const hard = parseQuantity(q.spec!.hard![name]!);
        const u = used.get(name) ?? parseQuantity(0);
        if (u.add(requested).cmp(hard) > 0) {
          failedRequested.set(name, requested);
          failedUsed.set(name, u);
          failedHard.set(name, hard);
        }
      }
      if (failedRequested.size) {
        throw errors.forbidden(entry, obj.metadata.name ?? '', `exceeded quota: ${q.metadata.name}, requested: ${prettyPrint(failedRequested)}, used: ${prettyPrint(failedUsed)}, limited: ${prettyPrint(failedHard)}`);
      }
    }
    return this.reserve(ns, { key, prefix: entry.storage.keyPrefix, revision: op === 'update' ? old?.metadata.resourceVersion : undefined, group, resource, obj, delta });
  };

  /** What the quota's tracked objects use now: the cache's objects plus admitted writes it does not show yet. */
  private used(q: ResourceQuota, writing: ResourceEntry, ns: string, exceptKey: string): Usage {
    const total: Usage = new Map();
    const addAll = (u: Usage) => {
      for (const [k, v] of u) total.set(k, total.has(k) ? total.get(k)!.add(v) : v);
    };
    const hard = Object.keys(q.spec?.hard ?? {});
    for (const entry of this.trackedEntries(hard, writing)) {
      for (const o of namespaceObjects(this.cache, entry, ns)) {
        if (`${entry.keyPrefix}${ns}/${o.metadata.name}` === exceptKey) continue;
        if (quotaSelects(q, entry.group, entry.resource, o)) addAll(usageOf(entry.group, entry.resource, o));
      }
    }
    for (const r of this.pending.get(ns) ?? []) {
      if (r.key === exceptKey || this.landed(r)) continue;
      if (quotaSelects(q, r.group, r.resource, r.obj)) addAll(r.delta);
    }
    // Only the resources of the kind being written matter to this request.
    const relevant = new Set(matchingResources(writing.group, writing.resource, hard));
    for (const k of [...total.keys()]) if (!relevant.has(k)) total.delete(k);
    return total;
  }

  /** Registry entries whose objects can use any of the quota's resources the written kind uses. */
  private trackedEntries(hard: string[], writing: ResourceEntry): ResourceEntry[] {
    const names = matchingResources(writing.group, writing.resource, hard);
    // Only objects of the written kind use the same names (count/x and compute names are kind-specific).
    return names.length ? [writing.storage] : [];
  }

  /** The cache shows the reserved write: counting it from the cache now, not twice. */
  private landed(r: Reservation): boolean {
    const c = this.cache.resource(r.prefix).items.get(r.key);
    if (!c) return false;
    return r.revision === undefined || c.obj.metadata.resourceVersion !== r.revision;
  }

  private reserve(ns: string, r: Reservation): () => void {
    let set = this.pending.get(ns);
    if (!set) this.pending.set(ns, (set = new Set()));
    set.add(r);
    return () => {
      set.delete(r);
      if (!set.size) this.pending.delete(ns);
    };
  }
}

export function resourceQuotaAdmission(cache: WatchCache, registry: Registry): AdmissionCheck | undefined {
  const quotas = registry.lookup('', 'v1', 'resourcequotas');
  return quotas ? new QuotaAdmission(cache, quotas).check : undefined;
}
