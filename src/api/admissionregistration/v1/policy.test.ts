import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../meta/types.js';
import { ref } from '../../schema/dsl.js';
import { findUnknownFields } from '../../schema/unknown-fields.js';
import { formatFieldError } from '../../validation/field.js';
import { admissionRegistrationKinds } from './kinds.js';

const [policyDef, bindingDef] = admissionRegistrationKinds as [typeof admissionRegistrationKinds[0], typeof admissionRegistrationKinds[0]];

function checked(def: typeof policyDef, o: KubeObject): string[] {
  def.default!(o);
  return def.validateCreate!(o).map(formatFieldError);
}

const policy = (spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name: 'demo-policy.example.com' },
  spec: {
    matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] },
    validations: [{ expression: 'object.spec.replicas <= 5' }],
    ...spec,
  },
});

const binding = (spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name: 'demo-binding' },
  spec: { policyName: 'demo-policy.example.com', validationActions: ['Deny'], ...spec },
});

test('the docs example is valid, has no unknown fields, and is defaulted as upstream', () => {
  const p = policy();
  assert.deepEqual(findUnknownFields(p, ref(policyDef.schema)), []);
  assert.deepEqual(checked(policyDef, p), []);
  const spec = p.spec as Record<string, any>;
  assert.equal(spec.failurePolicy, 'Fail');
  assert.deepEqual(spec.matchConstraints, {
    resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'], scope: '*' }],
    matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {},
  });
  const b = binding({ paramRef: { name: 'limits' }, matchResources: { namespaceSelector: { matchLabels: { environment: 'test' } } } });
  assert.deepEqual(checked(bindingDef, b), []);
  assert.equal((b.spec as any).paramRef.parameterNotFoundAction, 'Deny');
});

test('expressions that do not compile are refused with cel-go\'s issue text', () => {
  assert.deepEqual(checked(policyDef, policy({ validations: [{ expression: 'object.spec.replicas <' }] })), [
    'spec.validations[0].expression: Invalid value: "object.spec.replicas <": compilation failed: ERROR: <input>:1:22: Syntax error: found < but expecting end of input\n | object.spec.replicas <\n | .....................^',
  ]);
  // params is declared only with a paramKind; variables only those the policy declares, in order.
  assert.match(checked(policyDef, policy({ validations: [{ expression: 'params.x == 1' }] }))[0]!, /undeclared reference to 'params'/);
  assert.deepEqual(checked(policyDef, policy({ paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: 'params.data.x == "1"' }] })), []);
  const vars = checked(policyDef, policy({
    variables: [{ name: 'a', expression: 'variables.b' }, { name: 'b', expression: '1' }],
    validations: [{ expression: 'variables.b == 1', messageExpression: 'variables.c' }],
  }));
  assert.equal(vars.length, 2);
  assert.match(vars[0]!, /^spec\.variables\[0\]\.expression: Invalid value: "variables\.b": compilation failed: .*undefined field 'b'/);
  assert.match(vars[1]!, /^spec\.validations\[0\]\.messageExpression: Invalid value: "variables\.c": compilation failed: .*undefined field 'c'/);
  assert.match(checked(policyDef, policy({ matchConditions: [{ name: 'm', expression: 'variables.a' }], variables: [{ name: 'a', expression: '1' }] }))[0]!, /spec\.matchConditions\[0\]\.expression: .*undefined field 'a'/);
});

test('policy spec rules', () => {
  assert.deepEqual(checked(policyDef, policy({ matchConstraints: undefined })), ['spec.matchConstraints: Required value']);
  assert.deepEqual(checked(policyDef, policy({ validations: [] })), ['spec.validations: Required value: validations or auditAnnotations must contain at least one item']);
  assert.deepEqual(checked(policyDef, policy({ matchConstraints: { resourceRules: [{ apiGroups: ['*', 'apps'], apiVersions: ['v1'], operations: ['PUT'], resources: ['deployments'], scope: 'World' }] } })), [
    `spec.matchConstraints.resourceRules[0].apiGroups: Invalid value: []string{"*", "apps"}: if '*' is present, must not specify other API groups`,
    'spec.matchConstraints.resourceRules[0].operations[0]: Unsupported value: "PUT": supported values: "*", "CONNECT", "CREATE", "DELETE", "UPDATE"',
    'spec.matchConstraints.resourceRules[0].scope: Unsupported value: "World": supported values: "*", "Cluster", "Namespaced"',
  ]);
  // "" is the core group; an empty version is not a version.
  assert.deepEqual(checked(policyDef, policy({ matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1', ''], operations: ['CREATE'], resources: ['configmaps'] }] } })), [
    'spec.matchConstraints.resourceRules[0].apiVersions[1]: Required value',
  ]);
  assert.deepEqual(checked(policyDef, policy({ failurePolicy: 'Sometimes' })), ['spec.failurePolicy: Unsupported value: "Sometimes": supported values: "Fail", "Ignore"']);
  assert.deepEqual(checked(policyDef, policy({ validations: [{ expression: 'true', message: 'a\nb', reason: 'Teapot' }] })), [
    'spec.validations[0].message: Invalid value: "a\\nb": message must not contain line breaks',
    'spec.validations[0].reason: Unsupported value: "Teapot": supported values: "Forbidden", "Invalid", "RequestEntityTooLarge", "Unauthorized"',
  ]);
  assert.deepEqual(checked(policyDef, policy({ variables: [{ name: 'in', expression: '1' }, { name: 'x', expression: '1' }, { name: 'x', expression: '2' }] })), [
    'spec.variables[0].name: Invalid value: "in": name is not a valid CEL identifier',
    'spec.variables[2].name: Duplicate value: "x"',
  ]);
  assert.deepEqual(checked(policyDef, policy({ matchConditions: [{ name: 'a', expression: 'true' }, { name: 'a', expression: '' }] })), [
    'spec.matchConditions[1].name: Duplicate value: "a"',
    'spec.matchConditions[1].expression: Required value: expression is not specified',
  ]);
});

test('binding spec rules', () => {
  assert.deepEqual(checked(bindingDef, binding({ policyName: '', validationActions: [] })), ['spec.policyName: Required value', 'spec.validationActions: Required value']);
  assert.deepEqual(checked(bindingDef, binding({ validationActions: ['Deny', 'Warn', 'Deny', 'Block'] })), [
    'spec.validationActions[2]: Duplicate value: "Deny"',
    'spec.validationActions[3]: Unsupported value: "Block": supported values: "Audit", "Deny", "Warn"',
    'spec.validationActions: Invalid value: []string{"Deny", "Warn", "Deny", "Block"}: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
  ]);
  assert.deepEqual(checked(bindingDef, binding({ paramRef: { name: 'a', selector: {}, parameterNotFoundAction: 'Allow' } })), ['spec.paramRef.name: Forbidden: name and selector are mutually exclusive']);
  assert.deepEqual(checked(bindingDef, binding({ paramRef: { parameterNotFoundAction: 'Maybe' } })), [
    'spec.paramRef: Required value: one of name or selector must be specified',
    'spec.paramRef.parameterNotFoundAction: Unsupported value: "Maybe": supported values: "Allow", "Deny"',
  ]);
});

test('type checking against the matched kinds gives status.typeChecking warnings', async () => {
  const { typeCheckPolicy } = await import('./typecheck.js');
  const { allKinds } = await import('../../scheme/all.js');
  const kinds = {
    byResource: (g: string, v: string, r: string) => allKinds.find((k) => k.group === g && k.version === v && k.plural === r),
    byKind: (g: string, v: string, k: string) => allKinds.find((d) => d.group === g && d.version === v && d.kind === k),
  };
  const p = policy({ paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: 'object.spec.replicas <= 5' }, { expression: 'object.spec.replicass <= int(params.dta.max)', messageExpression: 'object.metadata.name' }] });
  assert.deepEqual(typeCheckPolicy(p as never, kinds), [{
    fieldRef: 'spec.validations[1].expression',
    warning: "apps/v1, Kind=Deployment: ERROR: <input>:1:12: undefined field 'replicass'\n | object.spec.replicass <= int(params.dta.max)\n | ...........^\nERROR: <input>:1:36: undefined field 'dta'\n | object.spec.replicass <= int(params.dta.max)\n | ...................................^",
  }]);
  // Wildcard rules are not type-checked.
  assert.deepEqual(typeCheckPolicy(policy({ matchConstraints: { resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'] }] }, validations: [{ expression: 'object.nope' }] }) as never, kinds), []);
});
