// Which resource serves an apiVersion+kind, learned from discovery: the garbage collector looks
// up owners of any kind, the add-on manager applies manifests of any kind.
import { gvr, type GroupVersionResource } from './resources.js';
import type { ApiClient } from './rest.js';

export interface MappedResource {
  gvr: GroupVersionResource;
  namespaced: boolean;
  verbs: string[];
}

interface ApiResourceList {
  resources: { name: string; kind: string; namespaced: boolean; verbs: string[] }[];
}

const REFRESH_MS = 30_000;

export class RestMapper {
  private byKind = new Map<string, MappedResource>();
  private loadedAt = 0;
  private loading?: Promise<void>;

  constructor(private readonly client: ApiClient) {}

  /** The resource for `apiVersion` + `kind`, refreshing discovery when it is unknown or stale. */
  async lookup(apiVersion: string, kind: string): Promise<MappedResource | undefined> {
    const key = `${apiVersion}/${kind}`;
    const hit = this.byKind.get(key);
    if (hit && Date.now() - this.loadedAt < REFRESH_MS * 10) return hit;
    if (!hit || Date.now() - this.loadedAt > REFRESH_MS) await this.refresh();
    return this.byKind.get(key);
  }

  /** Every top-level resource discovery lists (all served versions). */
  async all(): Promise<MappedResource[]> {
    if (!this.loadedAt) await this.refresh();
    return [...new Set(this.byKind.values())];
  }

  refresh(): Promise<void> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<void> {
    const next = new Map<string, MappedResource>();
    const lists: { group: string; version: string; path: string }[] = [{ group: '', version: 'v1', path: '/api/v1' }];
    const groups = await this.client.get<{ groups: { name: string; versions: { version: string }[] }[] }>('/apis');
    for (const g of groups.groups) for (const v of g.versions) lists.push({ group: g.name, version: v.version, path: `/apis/${g.name}/${v.version}` });
    for (const l of lists) {
      const apiVersion = l.group ? `${l.group}/${l.version}` : l.version;
      let doc: ApiResourceList;
      try {
        doc = await this.client.get<ApiResourceList>(l.path);
      } catch (err) {
        // An aggregated API whose server is down fails alone, as upstream's ErrGroupDiscoveryFailed:
        // the others are mapped, and what this group mapped before is kept until it answers again.
        if (!l.group) throw err;
        for (const [k, m] of this.byKind) if (k.startsWith(`${apiVersion}/`)) next.set(k, m);
        continue;
      }
      for (const r of doc.resources) {
        if (r.name.includes('/')) continue;
        next.set(`${apiVersion}/${r.kind}`, { gvr: gvr(l.group, l.version, r.name), namespaced: r.namespaced, verbs: r.verbs });
      }
    }
    this.byKind = next;
    this.loadedAt = Date.now();
  }
}
