// Aggregated ClusterRoles gather the rules of the roles their selectors match.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterRole, PolicyRule } from '../../api/rbac/v1/types.js';
import { aggregatedRules } from './aggregate.js';

function role(name: string, labels: Record<string, string>, rules: PolicyRule[], selector?: Record<string, string>): ClusterRole {
  const r: ClusterRole = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels }, rules };
  if (selector) r.aggregationRule = { clusterRoleSelectors: [{ matchLabels: selector }] };
  return r;
}

describe('clusterrole aggregation', () => {
  it('unions the selected roles in name order, each rule once, never its own', () => {
    const pods: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };
    const deps: PolicyRule = { verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'] };
    const view = role('view', { 'agg-edit': 'true' }, [{ verbs: ['stale'], apiGroups: [''], resources: ['x'] }], { 'agg-view': 'true' });
    const all = [view, role('z-view', { 'agg-view': 'true' }, [deps, pods]), role('a-view', { 'agg-view': 'true' }, [pods]), role('other', {}, [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }])];
    assert.deepEqual(aggregatedRules(view, all), [pods, deps]);
  });

  it('matches by matchExpressions too, and an empty match gives no rules', () => {
    const agg = role('agg', {}, [], undefined);
    agg.aggregationRule = { clusterRoleSelectors: [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] }] };
    const rule: PolicyRule = { verbs: ['list'], apiGroups: [''], resources: ['secrets'] };
    assert.deepEqual(aggregatedRules(agg, [agg, role('b', { tier: 'b' }, [rule]), role('c', { tier: 'c' }, [{ verbs: ['get'], apiGroups: [''], resources: ['nodes'] }])]), [rule]);
    assert.deepEqual(aggregatedRules(agg, [agg]), []);
  });
});
