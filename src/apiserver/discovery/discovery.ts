// Discovery documents, legacy (/api, /apis, per group-version resource lists) and aggregated
// (apidiscovery.k8s.io/v2, what kubectl 1.32 asks for first), all derived from the registry.
import { createHash } from 'node:crypto';
import type { ResourceEntry } from '../registry/entry.js';
import type { Registry } from '../registry/registry.js';

function storageVersionHash(entry: ResourceEntry): string {
  const s = entry.storage;
  return createHash('sha256').update(`${s.group}/${s.version}/${s.kind}`).digest('base64').slice(0, 11);
}

export function apiResourceList(registry: Registry, group: string, version: string): Record<string, unknown> | undefined {
  const entries = registry.entries().filter((e) => e.group === group && e.version === version);
  if (!entries.length) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const e of entries) {
    const r: Record<string, unknown> = { name: e.resource, singularName: e.def.singular, namespaced: e.namespaced, kind: e.kind, verbs: [...e.verbs] };
    if (e.def.shortNames?.length) r['shortNames'] = e.def.shortNames;
    if (e.def.categories?.length) r['categories'] = e.def.categories;
    if (e.verbs.includes('get')) r['storageVersionHash'] = storageVersionHash(e);
    resources.push(r);
    // Each entry's subresource table, with the kind each takes and returns.
    for (const sub of e.subresources) {
      const sr: Record<string, unknown> = { name: `${e.resource}/${sub.name}`, singularName: '', namespaced: e.namespaced, kind: sub.kind.kind, verbs: [...sub.verbs] };
      // A subresource served as another group's kind (scale, eviction) names both its group and version.
      if (sub.kind.group !== group || sub.kind.version !== version) {
        sr['group'] = sub.kind.group;
        sr['version'] = sub.kind.version;
      }
      resources.push(sr);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/**
 * A group version served by an extension API server (the aggregation layer): its resources as
 * the backend's APIResourceList listed them, once read; stale when the backend is unavailable now.
 */
export interface RemoteGroup {
  group: string;
  versions: { version: string; resources?: Record<string, unknown>[]; stale: boolean }[];
}

function groupDoc(registry: Registry, name: string, remote: readonly RemoteGroup[] = []): Record<string, unknown> | undefined {
  const g = registry.groups().find((x) => x.group === name) ?? (() => {
    const r = remote.find((x) => x.group === name);
    return r && { group: r.group, versions: r.versions.map((v) => v.version) };
  })();
  if (!g || !name) return undefined;
  const versions = g.versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions, preferredVersion: versions[0] };
}

export function apiGroupList(registry: Registry, remote: readonly RemoteGroup[] = []): Record<string, unknown> {
  const groups = [...registry.groups().filter((g) => g.group !== ''), ...remote].map((g) => groupDoc(registry, g.group, remote)!);
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(registry: Registry, name: string, remote: readonly RemoteGroup[] = []): Record<string, unknown> | undefined {
  const d = groupDoc(registry, name, remote);
  return d ? { kind: 'APIGroup', apiVersion: 'v1', ...d } : undefined;
}

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** apidiscovery.k8s.io/v2 APIGroupDiscoveryList for the legacy group (core=true) or the named groups. */
export function aggregatedDiscovery(registry: Registry, core: boolean, remote: readonly RemoteGroup[] = []): Record<string, unknown> {
  const local = registry
    .groups()
    .filter((g) => (g.group === '') === core)
    .map((g) => ({
      metadata: { name: g.group, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        freshness: 'Current',
        resources: registry
          .entries()
          .filter((e) => e.group === g.group && e.version === v)
          .map((e) => {
            const r: Record<string, unknown> = {
              resource: e.resource,
              responseKind: { group: e.group, version: e.version, kind: e.kind },
              scope: e.namespaced ? 'Namespaced' : 'Cluster',
              singularResource: e.def.singular,
              verbs: [...e.verbs],
            };
            if (e.def.shortNames?.length) r['shortNames'] = e.def.shortNames;
            if (e.def.categories?.length) r['categories'] = e.def.categories;
            const subs = e.subresources;
            if (subs.length) r['subresources'] = subs.map((s) => ({ subresource: s.name, responseKind: s.kind, verbs: [...s.verbs] }));
            return r;
          }),
      })),
    }));
  const items = core ? local : [...local, ...remote.map(remoteDiscovery).filter((d) => d.versions.length)];
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

/**
 * An extension server's group in aggregated form, built from the APIResourceLists read from it:
 * a version never read is left out; one whose backend is down now is marked Stale, which clients
 * report as a failed group version, as upstream's aggregated discovery manager does.
 */
function remoteDiscovery(g: RemoteGroup): { metadata: Record<string, unknown>; versions: Record<string, unknown>[] } {
  const versions = g.versions
    .filter((v) => v.resources)
    .map((v) => {
      const list = v.resources!;
      const top = list.filter((r) => !String(r['name']).includes('/'));
      const resources = top.map((r) => {
        const name = String(r['name']);
        const out: Record<string, unknown> = {
          resource: name,
          responseKind: { group: g.group, version: v.version, kind: r['kind'] },
          scope: r['namespaced'] ? 'Namespaced' : 'Cluster',
          singularResource: r['singularName'] || String(r['kind'] ?? '').toLowerCase(),
          verbs: r['verbs'] ?? [],
        };
        if (Array.isArray(r['shortNames']) && r['shortNames'].length) out['shortNames'] = r['shortNames'];
        if (Array.isArray(r['categories']) && r['categories'].length) out['categories'] = r['categories'];
        const subs = list.filter((s) => String(s['name']).startsWith(`${name}/`));
        if (subs.length) {
          out['subresources'] = subs.map((s) => ({
            subresource: String(s['name']).slice(name.length + 1),
            responseKind: { group: s['group'] ?? g.group, version: s['version'] ?? v.version, kind: s['kind'] },
            verbs: s['verbs'] ?? [],
          }));
        }
        return out;
      });
      return { version: v.version, resources, freshness: v.stale ? 'Stale' : 'Current' };
    });
  return { metadata: { name: g.group, creationTimestamp: null }, versions };
}
