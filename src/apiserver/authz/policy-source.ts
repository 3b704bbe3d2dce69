// Roles and bindings as the RBAC authorizer reads them: straight from the watch cache (no
// storage read per request), with the bindings indexed by subject so a check costs the
// bindings of that user, its groups and its service account, not all of them. The index
// follows the cache's events; roles are read by key when used.
import type { ClusterRole, Role, RoleBinding, Subject } from '../../api/rbac/v1/types.js';
import { RBAC_GROUP } from '../../api/rbac/v1/types.js';
import type { UserInfo } from '../auth/token.js';
import type { ResourceEntry } from '../registry/entry.js';
import { objectKey, type Registry } from '../registry/registry.js';
import type { CacheEvent } from '../watchcache/types.js';
import type { WatchCache } from '../watchcache/watch-cache.js';

export interface PolicySource {
  role(namespace: string, name: string): Role | undefined;
  clusterRole(name: string): ClusterRole | undefined;
  /** ClusterRoleBindings with a subject that is this user, one of its groups or its service account. */
  clusterRoleBindingsFor(user: UserInfo): RoleBinding[];
  /** The same for the RoleBindings of one namespace. */
  roleBindingsFor(user: UserInfo, namespace: string): RoleBinding[];
}

const SA_PREFIX = 'system:serviceaccount:';

function subjectKeys(s: Subject, bindingNamespace: string): string | undefined {
  switch (s.kind) {
    case 'User':
      return `u:${s.name}`;
    case 'Group':
      return `g:${s.name}`;
    case 'ServiceAccount': {
      // A RoleBinding's service account without a namespace is one of the binding's namespace.
      const ns = s.namespace || bindingNamespace;
      return ns ? `u:${SA_PREFIX}${ns}:${s.name}` : undefined;
    }
  }
  return undefined;
}

function userKeys(user: UserInfo): string[] {
  return [`u:${user.name}`, ...user.groups.map((g) => `g:${g}`)];
}

/**
 * Bindings by subject key (for RoleBindings the key carries the namespace), kept current by a
 * watcher on the binding resource's cache: a change costs the subjects of that binding.
 */
class BindingIndex {
  private readonly bySubject = new Map<string, Map<string, RoleBinding>>();
  private readonly subjectsOf = new Map<string, string[]>();
  private watching = false;

  constructor(
    private readonly cache: WatchCache,
    private readonly entry: ResourceEntry,
  ) {}

  lookup(keys: readonly string[]): RoleBinding[] {
    this.start();
    const out: RoleBinding[] = [];
    for (const k of keys) {
      const hits = this.bySubject.get(k);
      if (hits) for (const b of hits.values()) if (!out.includes(b)) out.push(b);
    }
    return out;
  }

  /** Indexes what the cache holds and follows it; the cache is started by the first request. */
  private start(): void {
    if (this.watching) return;
    this.watching = true;
    const rc = this.cache.resource(this.entry.keyPrefix);
    for (const c of rc.items.values()) this.put(c.key, c.obj as RoleBinding);
    rc.addWatcher({
      filter: { prefix: this.entry.keyPrefix, matches: () => true },
      deliver: (ev: CacheEvent) => {
        this.remove(ev.key);
        if (ev.type !== 'DELETED') this.put(ev.key, ev.object.obj as RoleBinding);
        return true;
      },
    });
  }

  private put(objectKey: string, b: RoleBinding): void {
    const ns = b.metadata.namespace ?? '';
    const keys: string[] = [];
    for (const s of b.subjects ?? []) {
      const k = subjectKeys(s, ns);
      if (!k) continue;
      const key = this.entry.namespaced ? `${ns}/${k}` : k;
      let hits = this.bySubject.get(key);
      if (!hits) this.bySubject.set(key, (hits = new Map()));
      hits.set(objectKey, b);
      keys.push(key);
    }
    this.subjectsOf.set(objectKey, keys);
  }

  private remove(objectKey: string): void {
    for (const key of this.subjectsOf.get(objectKey) ?? []) {
      const hits = this.bySubject.get(key);
      hits?.delete(objectKey);
      if (hits && hits.size === 0) this.bySubject.delete(key);
    }
    this.subjectsOf.delete(objectKey);
  }
}

export class CachedPolicySource implements PolicySource {
  private readonly roles: ResourceEntry;
  private readonly clusterRoles: ResourceEntry;
  private readonly crbIndex: BindingIndex;
  private readonly rbIndex: BindingIndex;

  constructor(
    private readonly cache: WatchCache,
    registry: Registry,
  ) {
    const find = (resource: string) => {
      const e = registry.lookup(RBAC_GROUP, 'v1', resource);
      if (!e) throw new Error(`RBAC authorization needs ${resource}.${RBAC_GROUP} to be served`);
      return e;
    };
    this.roles = find('roles');
    this.clusterRoles = find('clusterroles');
    this.crbIndex = new BindingIndex(cache, find('clusterrolebindings'));
    this.rbIndex = new BindingIndex(cache, find('rolebindings'));
  }

  role(namespace: string, name: string): Role | undefined {
    return this.cache.resource(this.roles.keyPrefix).items.get(objectKey(this.roles, namespace, name))?.obj as Role | undefined;
  }

  clusterRole(name: string): ClusterRole | undefined {
    return this.cache.resource(this.clusterRoles.keyPrefix).items.get(objectKey(this.clusterRoles, undefined, name))?.obj as ClusterRole | undefined;
  }

  clusterRoleBindingsFor(user: UserInfo): RoleBinding[] {
    return this.crbIndex.lookup(userKeys(user));
  }

  roleBindingsFor(user: UserInfo, namespace: string): RoleBinding[] {
    return this.rbIndex.lookup(userKeys(user).map((k) => `${namespace}/${k}`));
  }
}
