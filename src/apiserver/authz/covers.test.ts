// The escalation check's coverage, as upstream's validation.Covers tests read it, and the
// message a refused grant carries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PolicyRule } from '../../api/rbac/v1/types.js';
import { compactRules, compactString, covers } from './covers.js';
import { escalationMessage } from './escalation.js';
import { RuleResolver } from './rbac.js';
import type { PolicySource } from './policy-source.js';

describe('rule coverage', () => {
  it('covers a rule by a wider one, not the other way round', () => {
    const wide: PolicyRule[] = [{ verbs: ['*'], apiGroups: [''], resources: ['pods', 'secrets'] }];
    assert.ok(covers(wide, [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]).ok);
    const r = covers([{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods'] }]);
    assert.ok(!r.ok);
    assert.deepEqual(r.missing, [{ apiGroups: [''], resources: ['pods'], verbs: ['delete'] }]);
  });

  it('covers subresources by */sub, names by no names, and URLs by a * prefix', () => {
    assert.ok(covers([{ verbs: ['get'], apiGroups: ['apps'], resources: ['*/scale'] }], [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments/scale'] }]).ok);
    assert.ok(!covers([{ verbs: ['get'], apiGroups: ['apps'], resources: ['*/scale'] }], [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'] }]).ok);
    assert.ok(covers([{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }], [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }]).ok);
    assert.ok(!covers([{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }], [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }]).ok);
    assert.ok(covers([{ verbs: ['get'], nonResourceURLs: ['/apis/*'] }], [{ verbs: ['get'], nonResourceURLs: ['/apis/apps'] }]).ok);
    assert.ok(!covers([{ verbs: ['get'], nonResourceURLs: ['/apis'] }], [{ verbs: ['get'], nonResourceURLs: ['/apis/apps'] }]).ok);
  });

  it('compacts missing rules per resource and prints them as Go does', () => {
    const missing = compactRules([
      { apiGroups: [''], resources: ['nodes'], verbs: ['get'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['list'] },
      { nonResourceURLs: ['/metrics'], verbs: ['get'] },
    ]);
    assert.deepEqual(missing.map(compactString), ['{APIGroups:[""], Resources:["nodes"], Verbs:["get" "list"]}', '{NonResourceURLs:["/metrics"], Verbs:["get"]}']);
  });

  it('words a refused grant as upstream ConfirmNoEscalation', () => {
    const source: PolicySource = {
      role: () => undefined,
      clusterRole: (name) => (name === 'reader' ? { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] } : undefined),
      clusterRoleBindingsFor: () => [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' } }],
      roleBindingsFor: () => [],
    };
    const user = { name: 'u', groups: ['system:authenticated'] };
    const resolver = new RuleResolver(source);
    assert.equal(escalationMessage(resolver, user, '', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]), undefined);
    assert.equal(
      escalationMessage(resolver, user, '', [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods', 'secrets'] }]),
      'user "u" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete"]}',
    );
  });
});
