// The authorizer a server runs for its --authorization-mode list.
import type { Registry } from '../registry/registry.js';
import type { WatchCache } from '../watchcache/watch-cache.js';
import { alwaysAllow, alwaysDeny, UnionAuthorizer, type AuthorizationMode, type Authorizer } from './authorizer.js';
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
  const chain = modes.map((m): Authorizer => (m === 'AlwaysAllow' ? alwaysAllow : m === 'AlwaysDeny' ? alwaysDeny : new RbacAuthorizer(source)));
  return { authorizer: chain.length === 1 ? chain[0]! : new UnionAuthorizer(chain), resolver: new RuleResolver(source), modes };
}
