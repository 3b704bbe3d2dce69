// The resource registry: every served group/version/resource, looked up by URL parts or by
// kind. Built once from the api layer's kind definitions; HTTP code never names a kind.
import type { KindDefinition } from '../../api/scheme/kind.js';
import { formatApiVersion } from '../../api/meta/types.js';
import { printerFor } from '../printers/index.js';
import { allVerbs, type ResourceEntry, type ServingProvider } from './entry.js';

/** Group versions in the order discovery lists them (preferred version first within a group). */
export interface GroupInfo {
  group: string;
  versions: string[];
}

export class Registry {
  private readonly byPath = new Map<string, ResourceEntry>();
  private readonly byKind = new Map<string, ResourceEntry>();
  private readonly groupOrder: GroupInfo[] = [];

  constructor(defs: readonly KindDefinition[], preferredVersions: Record<string, string> = {}) {
    const entries: ResourceEntry[] = [];
    for (const def of defs) entries.push(this.makeEntry(def));
    for (const e of entries) {
      this.byPath.set(pathKey(e.group, e.version, e.resource), e);
      this.byKind.set(kindKey(e.group, e.version, e.kind), e);
    }
    // Borrowed storage is wired once every entry exists.
    for (const e of entries) {
      const s = e.def.storedAs;
      if (!s) continue;
      const target = this.byKind.get(kindKey(s.group, s.version, e.kind)) ?? [...this.byPath.values()].find((x) => x.group === s.group && x.version === s.version && x.resource === e.resource);
      if (!target) throw new Error(`${e.apiVersion} ${e.kind} is stored as ${s.group}/${s.version}, which is not registered`);
      e.storage = target;
      e.keyPrefix = target.keyPrefix;
    }
    for (const e of entries) {
      let g = this.groupOrder.find((x) => x.group === e.group);
      if (!g) this.groupOrder.push((g = { group: e.group, versions: [] }));
      if (!g.versions.includes(e.version)) g.versions.push(e.version);
    }
    for (const g of this.groupOrder) {
      const pref = preferredVersions[g.group];
      if (pref && g.versions.includes(pref)) g.versions.sort((a, b) => (a === pref ? -1 : b === pref ? 1 : 0));
    }
  }

  private makeEntry(def: KindDefinition): ResourceEntry {
    const keyPrefix = storageKeyPrefix(def.group, def.plural);
    const entry: ResourceEntry = {
      def,
      group: def.group,
      version: def.version,
      kind: def.kind,
      resource: def.plural,
      namespaced: def.namespaced,
      apiVersion: formatApiVersion(def.group, def.version),
      keyPrefix,
      storage: undefined as unknown as ResourceEntry,
      printer: printerFor(def.group, def.kind),
      verbs: def.verbs ?? allVerbs,
      subresources: [],
      deleteReturnsObject: false,
    };
    entry.storage = entry;
    return entry;
  }

  /**
   * Installs what serves each entry: its subresources and own verbs. The handlers need the
   * store built on this registry, so they come after it.
   */
  serve(provider: ServingProvider): void {
    for (const e of this.byPath.values()) {
      const s = provider(e);
      e.subresources = s.subresources ?? [];
      e.deleteReturnsObject = s.deleteReturnsObject ?? false;
      e.create = s.create;
    }
  }

  /**
   * Whether `namespaces/{name}/{part}` names a subresource of the namespace rather than a
   * resource in it: the namespace kind's subresources decide, as upstream's request info.
   */
  isNamespaceSubresource(part: string): boolean {
    return this.lookup('', 'v1', 'namespaces')?.subresources.some((s) => s.name === part) ?? false;
  }

  lookup(group: string, version: string, resource: string): ResourceEntry | undefined {
    return this.byPath.get(pathKey(group, version, resource));
  }

  byGroupVersionKind(group: string, version: string, kind: string): ResourceEntry | undefined {
    return this.byKind.get(kindKey(group, version, kind));
  }

  /** All entries, in registration order. */
  entries(): ResourceEntry[] {
    return [...this.byPath.values()];
  }

  groups(): readonly GroupInfo[] {
    return this.groupOrder;
  }

  /** Entries that own their storage (one per stored resource): what the watch cache indexes. */
  storedResources(): ResourceEntry[] {
    return this.entries().filter((e) => e.storage === e);
  }

  /** The entry owning storage under a key prefix. */
  byKeyPrefix(prefix: string): ResourceEntry | undefined {
    return this.storedResources().find((e) => e.keyPrefix === prefix);
  }
}

function pathKey(group: string, version: string, resource: string): string {
  return `${group}/${version}/${resource}`;
}
function kindKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

/** The storage key of one object. */
export function objectKey(entry: ResourceEntry, namespace: string | undefined, name: string): string {
  return entry.namespaced ? `${entry.keyPrefix}${namespace}/${name}` : `${entry.keyPrefix}${name}`;
}

/** The key prefix of a list: the whole resource, or one namespace of it. */
export function listPrefix(entry: ResourceEntry, namespace: string | undefined): string {
  return entry.namespaced && namespace ? `${entry.keyPrefix}${namespace}/` : entry.keyPrefix;
}

/** Where a resource's objects are kept: `/registry/<resource>/` for the core group, `/registry/<group>/<resource>/` otherwise. */
export function storageKeyPrefix(group: string, resource: string): string {
  return group ? `/registry/${group}/${resource}/` : `/registry/${resource}/`;
}
