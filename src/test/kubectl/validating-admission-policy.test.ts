// The real kubectl against ValidatingAdmissionPolicy: the docs' replica-limit policy denies with
// upstream's text and lets the rest through, a Warn binding prints kubectl's `Warning:` line,
// params come from a ConfigMap, and a policy whose expression doesn't compile is refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';

// The docs' match constraints: creates and updates of apps/v1 Deployments.
const DEPLOYMENT_RULES = `  matchConstraints:
    resourceRules:
    - apiGroups:   ["apps"]
      apiVersions: ["v1"]
      operations:  ["CREATE", "UPDATE"]
      resources:   ["deployments"]
`;

const POLICY = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: "demo-policy.example.com"
spec:
  failurePolicy: Fail
${DEPLOYMENT_RULES}  validations:
    - expression: "object.spec.replicas <= 5"
`;

const binding = (name: string, actions: string, env: string) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: "${name}"
spec:
  policyName: "demo-policy.example.com"
  validationActions: [${actions}]
  matchResources:
    namespaceSelector:
      matchLabels:
        environment: ${env}
`;

const PARAM_POLICY = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: replica-limit
spec:
  paramKind:
    apiVersion: v1
    kind: ConfigMap
${DEPLOYMENT_RULES}  variables:
  - name: limit
    expression: "int(params.data.maxReplicas)"
  validations:
  - expression: "object.spec.replicas <= variables.limit"
    messageExpression: "'replicas must be no greater than ' + string(variables.limit)"
    reason: Forbidden
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: replica-limit-params
spec:
  policyName: replica-limit
  validationActions: [Deny]
  paramRef:
    name: limits
    namespace: default
    parameterNotFoundAction: Deny
  matchResources:
    namespaceSelector:
      matchLabels:
        environment: params
`;

describe('kubectl and ValidatingAdmissionPolicy', () => {
  let c: TestCluster;
  const ok = async (args: string[], input?: string) => {
    const r = await c.kubectl(args, { input });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r;
  };

  before(async () => {
    c = await startTestCluster();
    for (const [ns, env] of [['test', 'test'], ['staging', 'staging'], ['limited', 'params']]) {
      await ok(['create', 'namespace', ns]);
      await ok(['label', 'namespace', ns, `environment=${env}`]);
    }
    await ok(['apply', '-f', '-'], POLICY);
    await ok(['apply', '-f', '-'], binding('demo-binding-test.example.com', 'Deny', 'test'));
  });
  after(() => c?.stop());

  it('denies a deployment over the limit with upstream\'s message, and allows the rest', async () => {
    const denied = await c.kubectl(['create', 'deploy', 'nginx', '--image=nginx', '--replicas=6', '-n', 'test']);
    assert.notEqual(denied.code, 0);
    assert.equal(
      denied.stderr.trim(),
      `error: failed to create deployment: deployments.apps "nginx" is forbidden: ValidatingAdmissionPolicy 'demo-policy.example.com' with binding 'demo-binding-test.example.com' denied request: failed expression: object.spec.replicas <= 5`,
    );
    // Within the limit, or in a namespace the binding does not select: allowed.
    await ok(['create', 'deploy', 'small', '--image=nginx', '--replicas=3', '-n', 'test']);
    await ok(['create', 'deploy', 'nginx', '--image=nginx', '--replicas=6', '-n', 'default']);
    // UPDATE is matched too; the raw Status carries reason Invalid (422) as upstream's default.
    const patched = await c.kubectl(['patch', 'deploy', 'small', '-n', 'test', '-p', '{"spec":{"replicas":9}}']);
    assert.notEqual(patched.code, 0);
    // kubectl words a 422 from its causes: the Status carries the denial as its one cause, as upstream's.
    assert.equal(patched.stderr.trim(), `The deployments "small" is invalid: : ValidatingAdmissionPolicy 'demo-policy.example.com' with binding 'demo-binding-test.example.com' denied request: failed expression: object.spec.replicas <= 5`);
    const raw = await c.http('PATCH', '/apis/apps/v1/namespaces/test/deployments/small', { spec: { replicas: 9 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(raw.status, 422);
    assert.equal(raw.json().reason, 'Invalid');
    assert.equal(raw.json().message, `deployments.apps "small" is forbidden: ValidatingAdmissionPolicy 'demo-policy.example.com' with binding 'demo-binding-test.example.com' denied request: failed expression: object.spec.replicas <= 5`);
    assert.deepEqual(raw.json().details, { name: 'small', group: 'apps', kind: 'deployments', causes: [{ message: `ValidatingAdmissionPolicy 'demo-policy.example.com' with binding 'demo-binding-test.example.com' denied request: failed expression: object.spec.replicas <= 5` }] });
    assert.equal((await ok(['get', 'deploy', 'small', '-n', 'test', '-o', 'jsonpath={.spec.replicas}'])).stdout, '3');
  });

  it('a Warn binding lets the request through and kubectl prints the warning', async () => {
    await ok(['apply', '-f', '-'], binding('demo-binding-warn', 'Warn', 'staging'));
    const r = await ok(['create', 'deploy', 'big', '--image=nginx', '--replicas=7', '-n', 'staging']);
    assert.match(r.stderr, /^Warning: Validation failed for ValidatingAdmissionPolicy 'demo-policy\.example\.com' with binding 'demo-binding-warn': failed expression: object\.spec\.replicas <= 5$/m);
    assert.match(r.stdout, /deployment\.apps\/big created/);
  });

  it('takes params from a ConfigMap, with messageExpression, variables and reason', async () => {
    await ok(['create', 'configmap', 'limits', '-n', 'default', '--from-literal=maxReplicas=2']);
    await ok(['apply', '-f', '-'], PARAM_POLICY);
    const denied = await c.kubectl(['create', 'deploy', 'three', '--image=nginx', '--replicas=3', '-n', 'limited']);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /deployments\.apps "three" is forbidden: ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-params' denied request: replicas must be no greater than 2$/m);
    const raw = await c.http('POST', '/apis/apps/v1/namespaces/limited/deployments', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'raw' },
      spec: { replicas: 3, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    assert.equal(raw.status, 403);
    assert.equal(raw.json().reason, 'Forbidden');
    // Raising the limit in the ConfigMap takes effect at once.
    await ok(['patch', 'configmap', 'limits', '-n', 'default', '-p', '{"data":{"maxReplicas":"4"}}']);
    await ok(['create', 'deploy', 'three', '--image=nginx', '--replicas=3', '-n', 'limited']);
    // Without the param, parameterNotFoundAction Deny fails the request under failurePolicy Fail.
    await ok(['delete', 'configmap', 'limits', '-n', 'default']);
    const missing = await c.kubectl(['create', 'deploy', 'one', '--image=nginx', '--replicas=1', '-n', 'limited']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-params' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction/);
  });

  it('refuses a policy whose expression does not compile, with the compile error', async () => {
    const bad = POLICY.replace('demo-policy.example.com', 'bad-policy').replace('object.spec.replicas <= 5', 'object.spec.replicas <=');
    const r = await c.kubectl(['apply', '-f', '-'], { input: bad });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The ValidatingAdmissionPolicy "bad-policy" is invalid: spec\.validations\[0\]\.expression: Invalid value: "object\.spec\.replicas <=": compilation failed: ERROR: <input>:1:\d+: Syntax error: /);
    const undeclared = POLICY.replace('demo-policy.example.com', 'bad-policy').replace('object.spec.replicas <= 5', 'params.max > 1');
    const u = await c.kubectl(['apply', '-f', '-'], { input: undeclared });
    assert.notEqual(u.code, 0);
    assert.match(u.stderr, /spec\.validations\[0\]\.expression: Invalid value: "params\.max > 1": compilation failed: ERROR: <input>:1:1: undeclared reference to 'params' \(in container ''\)/);
    assert.equal((await c.kubectl(['get', 'validatingadmissionpolicy', 'bad-policy'])).code, 1);
  });

  it('the status controller type-checks a policy against the kinds it matches', async () => {
    const typo = POLICY.replace('demo-policy.example.com', 'typo-policy').replace('object.spec.replicas <= 5', 'object.spec.replicass <= 5');
    await ok(['apply', '-f', '-'], typo);
    const status = await eventually(async () => {
      const p = JSON.parse((await ok(['get', 'validatingadmissionpolicy', 'typo-policy', '-o', 'json'])).stdout);
      return p.status?.typeChecking ? p.status : undefined;
    }, 20_000);
    assert.equal(status.observedGeneration, 1);
    assert.deepEqual(status.typeChecking.expressionWarnings, [{
      fieldRef: 'spec.validations[0].expression',
      warning: "apps/v1, Kind=Deployment: ERROR: <input>:1:12: undefined field 'replicass'\n | object.spec.replicass <= 5\n | ...........^",
    }]);
    const clean = await eventually(async () => JSON.parse((await ok(['get', 'validatingadmissionpolicy', 'demo-policy.example.com', '-o', 'json'])).stdout).status, 20_000);
    assert.deepEqual(clean, { observedGeneration: 1, typeChecking: {} });
    await ok(['delete', 'validatingadmissionpolicy', 'typo-policy']);
  });

  it('lists policies and bindings with upstream\'s columns', async () => {
    const policies = (await ok(['get', 'validatingadmissionpolicies'])).stdout;
    assert.match(policies, /^NAME\s+VALIDATIONS\s+PARAMKIND\s+AGE\n/);
    assert.match(policies, /\ndemo-policy\.example\.com\s+1\s+<unset>\s+\S+\n/);
    assert.match(policies, /\nreplica-limit\s+1\s+v1\/ConfigMap\s+\S+\n/);
    const bindings = (await ok(['get', 'validatingadmissionpolicybindings'])).stdout;
    assert.match(bindings, /^NAME\s+POLICYNAME\s+PARAMREF\s+AGE\n/);
    assert.match(bindings, /\nreplica-limit-params\s+replica-limit\s+default\/limits\s+\S+\n/);
    const defaulted = JSON.parse((await ok(['get', 'validatingadmissionpolicybinding', 'demo-binding-warn', '-o', 'json'])).stdout);
    assert.deepEqual(defaulted.spec.matchResources.matchPolicy, 'Equivalent');
    assert.deepEqual(defaulted.spec.matchResources.objectSelector, {});
  });

  it('discovery and OpenAPI serve the group: api-resources and explain', async () => {
    const resources = (await ok(['api-resources', '--api-group=admissionregistration.k8s.io'])).stdout;
    assert.match(resources, /\nvalidatingadmissionpolicies\s+admissionregistration\.k8s\.io\/v1\s+false\s+ValidatingAdmissionPolicy\n/);
    assert.match(resources, /\nvalidatingadmissionpolicybindings\s+admissionregistration\.k8s\.io\/v1\s+false\s+ValidatingAdmissionPolicyBinding\n/);
    const explained = (await ok(['explain', 'validatingadmissionpolicy.spec.validations'])).stdout;
    assert.match(explained, /FIELD: validations <\[\]Validation>/);
    assert.match(explained, /messageExpression\s+<string>/);
  });

  it('the policy kinds themselves are exempt, so a policy can always be removed', async () => {
    await ok(['delete', 'validatingadmissionpolicybinding', 'demo-binding-test.example.com']);
    await ok(['create', 'deploy', 'now-big', '--image=nginx', '--replicas=8', '-n', 'test']);
  });
});
