import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluatePolicy, parseAuditPolicy, type AuditAttributes } from './policy.js';

const attrs = (a: Partial<AuditAttributes>): AuditAttributes => ({
  user: { name: 'alice', groups: ['dev', 'system:authenticated'] },
  verb: 'get',
  resourceRequest: true,
  path: '/api/v1/namespaces/default/pods/p',
  namespace: 'default',
  apiGroup: '',
  resource: 'pods',
  subresource: '',
  name: 'p',
  ...a,
});

const policy = parseAuditPolicy(
  `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  users: ["system:kube-proxy"]
  verbs: ["watch"]
- level: None
  userGroups: ["system:nodes"]
  verbs: ["get"]
  resources: [{group: "", resources: ["nodes", "nodes/status"]}]
- level: None
  nonResourceURLs: ["/healthz*", "/version"]
- level: RequestResponse
  resources: [{group: "", resources: ["pods/log", "*/exec"]}]
- level: Request
  resources: [{group: "apps", resources: ["deployments/*"]}]
  omitStages: [ResponseStarted]
- level: Metadata
  resources: [{group: "", resources: ["secrets", "configmaps"]}]
  omitManagedFields: true
- level: Request
  namespaces: ["kube-system"]
- level: RequestResponse
  resources: [{group: "", resources: ["pods"], resourceNames: ["special"]}]
- level: Metadata
`,
  'policy.yaml',
);

describe('audit policy', () => {
  it('takes the first rule that matches, as upstream', () => {
    assert.equal(evaluatePolicy(policy, attrs({ user: { name: 'system:kube-proxy', groups: [] }, verb: 'watch' })).level, 'None');
    assert.equal(evaluatePolicy(policy, attrs({ user: { name: 'system:kube-proxy', groups: [] }, verb: 'list' })).level, 'Metadata');
    assert.equal(evaluatePolicy(policy, attrs({ user: { name: 'system:node:n1', groups: ['system:nodes'] }, resource: 'nodes', subresource: 'status', namespace: '' })).level, 'None');
    assert.equal(evaluatePolicy(policy, attrs({ resource: 'pods', subresource: 'log' })).level, 'RequestResponse');
    assert.equal(evaluatePolicy(policy, attrs({ resource: 'pods', subresource: 'exec' })).level, 'RequestResponse', '*/sub');
    assert.equal(evaluatePolicy(policy, attrs({ apiGroup: 'apps', resource: 'deployments', subresource: 'scale' })).level, 'Request', 'resource/*');
    assert.equal(evaluatePolicy(policy, attrs({ apiGroup: 'apps', resource: 'deployments' })).level, 'Request', 'resource/* covers the resource itself too');
    assert.equal(evaluatePolicy(policy, attrs({ apiGroup: 'apps', resource: 'replicasets' })).level, 'Metadata');
    assert.equal(evaluatePolicy(policy, attrs({ resource: 'secrets' })).level, 'Metadata');
    assert.equal(evaluatePolicy(policy, attrs({ namespace: 'kube-system' })).level, 'Request');
    assert.equal(evaluatePolicy(policy, attrs({ name: 'special' })).level, 'RequestResponse');
    assert.equal(evaluatePolicy(policy, attrs({ name: 'other' })).level, 'Metadata');
  });

  it('matches non-resource URLs exactly or by a trailing *', () => {
    const nr = (path: string) => evaluatePolicy(policy, attrs({ resourceRequest: false, path, resource: '', name: '', namespace: '' })).level;
    assert.equal(nr('/healthz'), 'None');
    assert.equal(nr('/healthz/etcd'), 'None');
    assert.equal(nr('/version'), 'None');
    assert.equal(nr('/version/x'), 'Metadata');
    assert.equal(nr('/apis'), 'Metadata');
  });

  it('matches rules with users or groups only when the request has a user', () => {
    const p = parseAuditPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Request\n  userGroups: ["system:authenticated"]\n', 'p');
    assert.equal(evaluatePolicy(p, attrs({})).level, 'Request');
    assert.equal(evaluatePolicy(p, attrs({ user: undefined })).level, 'None', 'no rule matches: None');
  });

  it('adds the rule omitStages to the policy ones and takes omitManagedFields from the rule first', () => {
    const r = evaluatePolicy(policy, attrs({ apiGroup: 'apps', resource: 'deployments', subresource: 'status' }));
    assert.deepEqual([...r.omitStages].sort(), ['RequestReceived', 'ResponseStarted']);
    assert.equal(evaluatePolicy(policy, attrs({ resource: 'secrets' })).omitManagedFields, true);
    assert.equal(evaluatePolicy(policy, attrs({})).omitManagedFields, false);
  });

  it('refuses a policy it cannot follow, with one line', () => {
    const bad = (text: string) => () => parseAuditPolicy(text, 'p.yaml');
    assert.throws(bad('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Everything\n'), /p.yaml: rules\[0\].level: Unsupported value: "Everything"/);
    assert.throws(bad('apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules: []\n'), /apiVersion is "audit.k8s.io\/v1beta1", want audit.k8s.io\/v1/);
    assert.throws(bad('apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [Sometimes]\n'), /omitStages: Unsupported value: "Sometimes"/);
    assert.throws(bad('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  nonResourceURLs: ["/x"]\n  resources: [{group: ""}]\n'), /cannot apply to both/);
    assert.throws(bad('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  nonResourceURLs: ["healthz"]\n'), /must begin with a '\/'/);
    assert.throws(bad(''), /no Policy in the file/);
  });
});
