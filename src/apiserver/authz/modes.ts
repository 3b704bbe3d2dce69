// The authorizer a server runs for its --authorization-mode list.
import type { Registry } from '../registry/registry.js';
import type { WatchCache } from '../watchcache/watch-cache.js';
import { alwaysAllow, alwaysDeny, UnionAuthorizer, type AuthorizationMode, type Authorizer } from './authorizer.js';
import { BOOTSTRAP_CLUSTER_ROLES } from './bootstrap-policy.js';
import { NodeAuthorizer } from './node.js';
import { NodeGraph } from './node-graph.js';
import { CachedPolicySource } from './policy-source.js';
import { RbacAuthorizer, RuleResolver } from './rbac.js';

export interface Authorization {
  authorizer: Authorizer;
  /** Reads the roles bound to a user (rules review, escalation check), whatever the modes. */
  resolver: RuleResolver;
  modes: readonly AuthorizationMode[];
}

export function buildAuthorization(modes: readonly AuthorizationMode[], cache: WatchCache, registry: Registry): Authorization {
  const source = new CachedPolicySource(cache, registry);
  const nodeRules = BOOTSTRAP_CLUSTER_ROLES.find((r) => r.metadata.name === 'system:node')?.rules ?? [];
  const make: Record<AuthorizationMode, () => Authorizer> = {
    AlwaysAllow: () => alwaysAllow,
    AlwaysDeny: () => alwaysDeny,
    Node: () => new NodeAuthorizer(new NodeGraph(cache, registry), nodeRules),
    RBAC: () => new RbacAuthorizer(source),
  };
  const chain = modes.map((m) => make[m]());
  return { authorizer: chain.length === 1 ? chain[0]! : new UnionAuthorizer(chain), resolver: new RuleResolver(source), modes };
}
