// The resource registry: every served group/version/resource, looked up by URL parts or by
// kind. Built once from the api layer's kind definitions; HTTP code never names a kind.
import type { KindDefinition } from '../../api/scheme/kind.js';
import { formatApiVersion } from '../../api/meta/types.js';
import { printerFor } from '../printers/index.js';
import { customPrinter } from '../printers/custom.js';
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
  private provider?: ServingProvider;
  /** Bumped whenever entries come or go at run time (a CRD served or withdrawn): documents built from the registry are rebuilt. */
  revision = 0;
  private readonly listeners: (() => void)[] = [];

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
      printer: def.custom ? customPrinter(def.custom.printerColumns) : printerFor(def.group, def.kind),
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
    this.provider = provider;
    for (const e of this.byPath.values()) this.applyServing(e);
  }

  private applyServing(e: ResourceEntry): void {
    if (!this.provider) return;
    const s = this.provider(e);
    e.subresources = s.subresources ?? [];
    e.deleteReturnsObject = s.deleteReturnsObject ?? false;
    e.create = s.create;
  }

  /**
   * Serves the versions of one resource at run time (a CRD's), replacing what was served for it
   * before. `defs` are all its served versions; each borrows the storage of the one its
   * `storedAs` names, which may be an earlier-registered entry of the same resource or itself.
   * Groups new to the registry are listed after the built-in ones, versions by upstream's
   * version priority.
   */
  replaceResource(group: string, resource: string, defs: readonly KindDefinition[]): void {
    this.dropResource(group, resource);
    const entries = defs.map((d) => this.makeEntry(d));
    for (const e of entries) {
      this.byPath.set(pathKey(e.group, e.version, e.resource), e);
      this.byKind.set(kindKey(e.group, e.version, e.kind), e);
    }
    for (const e of entries) {
      const s = e.def.storedAs;
      const target = s && entries.find((x) => x.version === s.version);
      // A storage version that is not served still names where the objects live.
      e.storage = target ?? e;
      e.keyPrefix = storageKeyPrefix(group, resource);
      this.applyServing(e);
    }
    this.rebuildGroup(group);
    this.changed();
  }

  /** Stops serving a resource added by replaceResource. */
  removeResource(group: string, resource: string): void {
    if (this.dropResource(group, resource)) {
      this.rebuildGroup(group);
      this.changed();
    }
  }

  /** Called after every run-time change (discovery and OpenAPI caches listen). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private changed(): void {
    this.revision++;
    for (const l of this.listeners) l();
  }

  private dropResource(group: string, resource: string): boolean {
    let dropped = false;
    for (const [k, e] of this.byPath) {
      if (e.group === group && e.resource === resource) {
        this.byPath.delete(k);
        this.byKind.delete(kindKey(e.group, e.version, e.kind));
        dropped = true;
      }
    }
    return dropped;
  }

  /** A group's versions from what is served now, the highest-priority version first. */
  private rebuildGroup(group: string): void {
    const versions = [...new Set(this.entries().filter((e) => e.group === group).map((e) => e.version))].sort(compareVersionPriority);
    const i = this.groupOrder.findIndex((g) => g.group === group);
    if (!versions.length) {
      if (i >= 0) this.groupOrder.splice(i, 1);
      return;
    }
    if (i >= 0) this.groupOrder[i]!.versions = versions;
    else this.groupOrder.push({ group, versions });
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

/**
 * Kubernetes version priority (upstream's version.CompareKubeAwareVersionStrings): GA before
 * beta before alpha, higher numbers first, and versions that don't look like Kubernetes
 * versions last, alphabetically.
 */
export function compareVersionPriority(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    return { major: Number(m[1]), level: m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2, minor: Number(m[3] ?? 0) };
  };
  const x = parse(a);
  const y = parse(b);
  if (!x && !y) return a < b ? -1 : a > b ? 1 : 0;
  if (!x) return 1;
  if (!y) return -1;
  if (x.level !== y.level) return y.level - x.level;
  if (x.major !== y.major) return y.major - x.major;
  return y.minor - x.minor;
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
