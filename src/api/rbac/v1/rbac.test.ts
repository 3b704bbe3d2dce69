import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rbacKinds } from './kinds.js';
import { ref } from '../../schema/dsl.js';
import { findUnknownFields } from '../../schema/unknown-fields.js';
import { formatFieldError, type FieldError } from '../../validation/field.js';
import type { KubeObject } from '../../meta/types.js';

const kind = (k: string) => rbacKinds.find((d) => d.kind === k)!;
const messages = (errs: FieldError[]) => errs.map(formatFieldError);

const clusterRole = (): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'system:monitoring', labels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } },
  rules: [
    { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['web'], verbs: ['patch'] },
    { nonResourceURLs: ['/healthz', '/metrics'], verbs: ['get'] },
  ],
  aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] },
});

const crb = (): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name: 'read-pods-global' },
  subjects: [
    { kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' },
    { kind: 'User', name: 'jane' },
    { kind: 'Group', name: 'system:authenticated', apiGroup: 'rbac.authorization.k8s.io' },
  ],
  roleRef: { kind: 'ClusterRole', name: 'system:monitoring' },
});

test('manifests have no unknown fields; a typo is caught', () => {
  assert.deepEqual(findUnknownFields(clusterRole(), ref(kind('ClusterRole').schema)), []);
  assert.deepEqual(findUnknownFields(crb(), ref(kind('ClusterRoleBinding').schema)), []);
  const rb = { ...crb(), kind: 'RoleBinding', metadata: { name: 'rb', namespace: 'dev' } };
  assert.deepEqual(findUnknownFields(rb, ref(kind('RoleBinding').schema)), []);
  const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'dev' }, rules: [{ apiGroups: [''], resources: ['pods'], verb: ['get'] }] };
  assert.deepEqual(findUnknownFields(role, ref(kind('Role').schema)), ['rules[0].verb']);
});

test('bindings default roleRef and User/Group subject apiGroup', () => {
  const b = crb() as any;
  kind('ClusterRoleBinding').default!(b);
  assert.equal(b.roleRef.apiGroup, 'rbac.authorization.k8s.io');
  assert.equal(b.subjects[0].apiGroup, undefined);
  assert.equal(b.subjects[1].apiGroup, 'rbac.authorization.k8s.io');
  assert.deepEqual(messages(kind('ClusterRoleBinding').validateCreate!(b)), []);
});

test('ClusterRole and Role rules', () => {
  assert.deepEqual(messages(kind('ClusterRole').validateCreate!(clusterRole())), []);
  const role: KubeObject = {
    metadata: { name: 'r', namespace: 'dev' },
    rules: [{ nonResourceURLs: ['/healthz'], resources: ['pods'], verbs: ['get'] }, { verbs: [] }],
  };
  assert.deepEqual(messages(kind('Role').validateCreate!(role)), [
    'rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
    'rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: rules cannot apply to both regular resources and non-resource URLs',
    'rules[1].verbs: Required value: verbs must contain at least one value',
    'rules[1].apiGroups: Required value: resource rules must supply at least one api group',
    'rules[1].resources: Required value: resource rules must supply at least one resource',
  ]);
  const agg = clusterRole() as any;
  agg.aggregationRule = {};
  agg.metadata.name = 'a/b';
  assert.deepEqual(messages(kind('ClusterRole').validateCreate!(agg)), [
    `metadata.name: Invalid value: "a/b": may not contain '/'`,
    'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
  ]);
});

test('binding subjects and roleRef validation', () => {
  const b = crb() as any;
  b.subjects.push({ kind: 'ServiceAccount', name: 'nons' }, { kind: 'Robot', name: 'r2' }, { kind: 'User', name: 'u', apiGroup: 'example.com' });
  b.roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'x' };
  kind('ClusterRoleBinding').default!(b);
  assert.deepEqual(messages(kind('ClusterRoleBinding').validateCreate!(b)), [
    'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
    'subjects[3].namespace: Required value',
    'subjects[4].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
    'subjects[5].apiGroup: Unsupported value: "example.com": supported values: "rbac.authorization.k8s.io"',
  ]);
  // In a RoleBinding the service account defaults to the binding namespace.
  const rb: KubeObject = { metadata: { name: 'rb', namespace: 'dev' }, subjects: [{ kind: 'ServiceAccount', name: 'default' }], roleRef: { kind: 'Role', name: 'r' } };
  kind('RoleBinding').default!(rb);
  assert.deepEqual(messages(kind('RoleBinding').validateCreate!(rb)), []);
});

test('roleRef cannot change', () => {
  const def = kind('RoleBinding');
  const old: KubeObject = { metadata: { name: 'rb', namespace: 'dev', resourceVersion: '5' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' }, subjects: [] };
  const same = structuredClone(old);
  (same as any).subjects = [{ kind: 'User', name: 'bob', apiGroup: 'rbac.authorization.k8s.io' }];
  assert.deepEqual(messages(def.validateUpdate!(same, old)), []);
  const moved = structuredClone(old);
  (moved as any).roleRef.name = 'admin';
  assert.deepEqual(messages(def.validateUpdate!(moved, old)), [
    'roleRef: Invalid value: map[string]string{"apiGroup":"rbac.authorization.k8s.io", "kind":"Role", "name":"admin"}: cannot change roleRef',
  ]);
  assert.equal(def.tracksGeneration, false);
});
