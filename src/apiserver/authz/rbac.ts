// The RBAC authorizer (upstream's plugin/pkg/auth/authorizer/rbac): a request is allowed when a
// rule of a role bound to the user (cluster-wide, or in the request's namespace) allows it;
// otherwise RBAC has no opinion. The rule resolver is shared with the rules review and the
// escalation check.
import type { PolicyRule, RoleRef } from '../../api/rbac/v1/types.js';
import type { UserInfo } from '../auth/token.js';
import type { Attributes } from './attributes.js';
import type { Authorizer, AuthorizerResult } from './authorizer.js';
import type { PolicySource } from './policy-source.js';
import { ruleAllows } from './rules.js';

export class RuleResolver {
  constructor(private readonly source: PolicySource) {}

  /** The rules a role reference names, or an error worded as upstream's when it is missing. */
  roleRefRules(ref: RoleRef, bindingNamespace: string): { rules: PolicyRule[]; error?: string } {
    if (ref.kind === 'Role') {
      const r = this.source.role(bindingNamespace, ref.name);
      return r ? { rules: r.rules ?? [] } : { rules: [], error: `role.rbac.authorization.k8s.io "${ref.name}" not found` };
    }
    if (ref.kind === 'ClusterRole') {
      const r = this.source.clusterRole(ref.name);
      return r ? { rules: r.rules ?? [] } : { rules: [], error: `clusterrole.rbac.authorization.k8s.io "${ref.name}" not found` };
    }
    return { rules: [], error: `unsupported role reference kind: "${ref.kind}"` };
  }

  /**
   * Calls `visit` with every rule that applies to the user in the namespace (cluster bindings
   * first), until it returns false; collects what could not be resolved.
   */
  visitRulesFor(user: UserInfo, namespace: string, visit: (rule: PolicyRule) => boolean): string[] {
    const errs: string[] = [];
    const bindings = [...this.source.clusterRoleBindingsFor(user).map((b) => ({ b, ns: '' })), ...(namespace ? this.source.roleBindingsFor(user, namespace).map((b) => ({ b, ns: namespace })) : [])];
    for (const { b, ns } of bindings) {
      const { rules, error } = this.roleRefRules(b.roleRef, ns);
      if (error) errs.push(error);
      for (const r of rules) if (!visit(r)) return errs;
    }
    return errs;
  }

  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors = this.visitRulesFor(user, namespace, (r) => (rules.push(r), true));
    return { rules, errors };
  }
}

export class RbacAuthorizer implements Authorizer {
  readonly resolver: RuleResolver;

  constructor(source: PolicySource) {
    this.resolver = new RuleResolver(source);
  }

  authorize(a: Attributes): AuthorizerResult {
    let allowed = false;
    this.resolver.visitRulesFor(a.user, a.namespace, (rule) => {
      allowed = ruleAllows(a, rule);
      return !allowed;
    });
    return allowed ? { decision: 'allow', reason: '' } : { decision: 'no-opinion', reason: '' };
  }
}
