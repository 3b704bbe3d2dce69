// The Node authorizer (upstream's plugin/pkg/auth/authorizer/node): a kubelet, user
// system:node:<name> in group system:nodes, may read only the Secrets, ConfigMaps, PVCs, PVs and
// service-account tokens of pods bound to its node, and only its own Lease; anything else it is
// allowed is the system:node role's rules. Other users get no opinion. Which node a write of a
// Node or Pod concerns is NodeRestriction's (admission/node-restriction.ts).
import type { PolicyRule } from '../../api/rbac/v1/types.js';
import type { UserInfo } from '../auth/token.js';
import type { Attributes } from './attributes.js';
import type { Authorizer, AuthorizerResult } from './authorizer.js';
import type { GraphResource, NodeGraph } from './node-graph.js';
import { ruleAllows } from './rules.js';

export const NODES_GROUP = 'system:nodes';
const NODE_USER_PREFIX = 'system:node:';
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** The node a user is the kubelet of, or undefined when it is not a node identity. */
export function nodeNameOf(user: { name: string; groups: readonly string[] }): string | undefined {
  if (!user.groups.includes(NODES_GROUP) || !user.name.startsWith(NODE_USER_PREFIX)) return undefined;
  return user.name.slice(NODE_USER_PREFIX.length) || undefined;
}

const NO_OPINION: AuthorizerResult = { decision: 'no-opinion', reason: '' };
const ALLOW: AuthorizerResult = { decision: 'allow', reason: '' };
const LEASE_VERBS = ['get', 'create', 'update', 'patch', 'delete'];

export class NodeAuthorizer implements Authorizer {
  constructor(
    private readonly graph: NodeGraph,
    /** The system:node ClusterRole's rules (upstream's NodeRules). */
    private readonly nodeRules: readonly PolicyRule[],
  ) {}

  authorize(a: Attributes): AuthorizerResult {
    const node = nodeNameOf(a.user);
    if (node === undefined) return NO_OPINION;
    if (a.resourceRequest && a.apiGroup === '') {
      switch (a.resource) {
        case 'secrets':
        case 'configmaps':
        case 'persistentvolumeclaims':
          if (a.subresource) break;
          return this.related(a, node, a.resource, () => this.graph.has(node, a.resource as GraphResource, a.namespace, a.name));
        case 'persistentvolumes':
          if (a.subresource) break;
          return this.related(a, node, a.resource, () => this.graph.hasVolume(node, a.name));
        case 'serviceaccounts':
          if (a.subresource !== 'token') break;
          if (a.verb !== 'create') return deny(`can only create tokens for individual service accounts`);
          return this.related(a, node, 'serviceaccounts', () => this.graph.has(node, 'serviceaccounts', a.namespace, a.name), 'create');
      }
    }
    if (a.resourceRequest && a.apiGroup === 'coordination.k8s.io' && a.resource === 'leases') return authorizeLease(a, node);
    return this.nodeRules.some((r) => ruleAllows(a, r)) ? ALLOW : NO_OPINION;
  }

  /** A read of one object the node's pods reference (upstream: get only; no list or watch). */
  private related(a: Attributes, node: string, resource: string, inGraph: () => boolean, verb = 'get'): AuthorizerResult {
    if (a.verb !== verb) return deny(`can only ${verb} individual resources of this type`);
    if (!a.name) return deny(`can only ${verb} individual resources of this type`);
    if (a.subresource && resource !== 'serviceaccounts') return deny(`cannot ${verb} subresource ${a.subresource}`);
    return inGraph() ? ALLOW : deny(`no relationship found between node '${node}' and this object`);
  }
}

function deny(reason: string): AuthorizerResult {
  return { decision: 'deny', reason };
}

function authorizeLease(a: Attributes, node: string): AuthorizerResult {
  if (!LEASE_VERBS.includes(a.verb)) return deny(`can only get, create, update, patch, or delete a node lease`);
  if (a.namespace !== NODE_LEASE_NAMESPACE) return deny(`can only access leases in the ${NODE_LEASE_NAMESPACE} system namespace`);
  // A create carries no name here; NodeRestriction checks the object's.
  if (a.verb !== 'create' && a.name !== node) return deny(`can only access node lease with the same name as the requesting node`);
  return ALLOW;
}
