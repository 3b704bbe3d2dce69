// The controller manager with --use-service-account-credentials under Node,RBAC: every controller
// writes as its own kube-system ServiceAccount, holding only its system:controller:* role, and the
// cluster still works (a Deployment's pods, a Job, EndpointSlices, a namespace deleted to the end),
// while the controller manager's own identity keeps only system:kube-controller-manager.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONTROLLER_SERVICE_ACCOUNTS as POLICY_ACCOUNTS } from '../../apiserver/authz/controller-policy.js';
import { CONTROLLER_SERVICE_ACCOUNTS } from '../../controllers/manager.js';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';

const POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
  verbs: [create, update, patch, delete, deletecollection]
- level: None
`;

interface AuditEvent {
  stage: string;
  verb: string;
  user: { username: string };
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number };
}

describe('controllers with their own service-account credentials under Node,RBAC', () => {
  let c: TestCluster;
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-sa-creds-'));
  const auditPath = join(dir, 'audit.log');
  const lines: string[] = [];
  const sa = (name: string) => `system:serviceaccount:kube-system:${name}`;

  const audit = (): AuditEvent[] =>
    readFileSync(auditPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditEvent);
  /** Who wrote `resource` in `namespace` (successful writes only). */
  const writers = (verb: string, resource: string, namespace: string) =>
    new Set(audit().filter((e) => e.stage === 'ResponseComplete' && e.verb === verb && e.objectRef?.resource === resource && !e.objectRef.subresource && e.objectRef.namespace === namespace && (e.responseStatus?.code ?? 0) < 300).map((e) => e.user.username));
  const kubectlOk = async (args: string[], input?: string) => {
    const r = await c.kubectl(args, input === undefined ? {} : { input });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const canI = async (as: string, verb: string, resource: string, namespace = 'default', subresource?: string) => {
    const r = await c.kubectl(['auth', 'can-i', verb, resource, '-n', namespace, '--as', as, ...(subresource ? ['--subresource', subresource] : [])]);
    return r.stdout.trim();
  };

  before(async () => {
    writeFileSync(join(dir, 'policy.yaml'), POLICY);
    c = await startTestCluster({
      authorizationMode: 'Node,RBAC',
      simNodes: 1,
      controlPlane: { useServiceAccountCredentials: true, log: (l) => lines.push(l), auditPolicyFile: join(dir, 'policy.yaml'), auditLog: { path: auditPath } },
    });
  });
  after(async () => {
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks tokens for exactly the accounts the bootstrap policy binds', () => {
    assert.deepEqual([...new Set(Object.values(CONTROLLER_SERVICE_ACCOUNTS))].sort(), [...POLICY_ACCOUNTS].sort());
  });

  it('creates each controller ServiceAccount in kube-system and drops the stopgap cluster-admin binding', async () => {
    await eventually(async () => {
      const names = JSON.parse(await kubectlOk(['get', 'serviceaccounts', '-n', 'kube-system', '-o', 'json'])).items.map((i: { metadata: { name: string } }) => i.metadata.name);
      return POLICY_ACCOUNTS.every((n) => names.includes(n));
    }, 20_000);
    const r = await c.kubectl(['get', 'clusterrolebinding', 'system:k8ts:kube-controller-manager']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /NotFound|not found/);
    const binding = JSON.parse(await kubectlOk(['get', 'clusterrolebinding', 'system:controller:replicaset-controller', '-o', 'json']));
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'replicaset-controller', namespace: 'kube-system' }]);
    assert.equal(binding.metadata.labels['kubernetes.io/bootstrapping'], 'rbac-defaults');
  });

  it('gives each account its role alone, and the controller manager no longer the right to create pods', async () => {
    assert.equal(await canI(sa('replicaset-controller'), 'create', 'pods'), 'yes');
    assert.equal(await canI(sa('replicaset-controller'), 'create', 'secrets'), 'no');
    assert.equal(await canI(sa('replicaset-controller'), 'create', 'deployments.apps'), 'no');
    assert.equal(await canI(sa('root-ca-cert-publisher'), 'update', 'configmaps'), 'yes');
    assert.equal(await canI(sa('service-account-controller'), 'update', 'configmaps'), 'no');
    assert.equal(await canI(sa('servicelb-controller'), 'update', 'services', 'default', 'status'), 'yes');
    assert.equal(await canI(sa('servicelb-controller'), 'delete', 'services'), 'no');
    assert.equal(await canI(sa('node-controller'), 'patch', 'nodes'), 'yes', 'node IPAM writes podCIDRs with it');
    assert.equal(await canI('system:kube-controller-manager', 'create', 'pods'), 'no');
    assert.equal(await canI('system:kube-controller-manager', 'create', 'serviceaccounts', 'default', 'token'), 'yes', 'upstream grants it in every namespace');
    assert.equal(await canI('system:kube-controller-manager', 'list', 'pods'), 'yes', 'its shared informers list everything');
    assert.equal(await canI('system:kube-controller-manager', 'create', 'serviceaccounts', 'kube-system', 'token'), 'yes');
  });

  it('runs a Deployment to ready pods, written by the deployment and replicaset controllers', async () => {
    await kubectlOk(['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
    await eventually(async () => JSON.parse(await kubectlOk(['get', 'deployment', 'web', '-o', 'json'])).status?.readyReplicas === 2, 30_000);
    assert.deepEqual(writers('create', 'replicasets', 'default'), new Set([sa('deployment-controller')]));
    assert.deepEqual(writers('create', 'pods', 'default'), new Set([sa('replicaset-controller')]));
  });

  it('runs a Job to completion, its pod created by the job controller', async () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once' },
      spec: { template: { metadata: { annotations: { 'sim.k8ts.io/run-seconds': '0.2' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
    };
    await kubectlOk(['apply', '-f', '-'], JSON.stringify(job));
    await eventually(async () => (JSON.parse(await kubectlOk(['get', 'job', 'once', '-o', 'json'])).status?.conditions ?? []).some((x: { type: string; status: string }) => x.type === 'Complete' && x.status === 'True'), 30_000);
    const podWriters = audit().filter((e) => e.verb === 'create' && e.objectRef?.resource === 'pods' && e.objectRef.namespace === 'default' && e.user.username === sa('job-controller'));
    assert.ok(podWriters.length >= 1, 'the job controller created its pod');
  });

  it('publishes EndpointSlices for a Service, written by the endpointslice controller', async () => {
    await kubectlOk(['expose', 'deployment', 'web', '--port=80']);
    await eventually(async () => {
      const slices = JSON.parse(await kubectlOk(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'json'])).items;
      return slices.length === 1 && slices[0].endpoints?.length === 2;
    }, 20_000);
    assert.deepEqual(writers('create', 'endpointslices', 'default'), new Set([sa('endpointslice-controller')]));
  });

  it('deletes a namespace to the end: its objects removed by the namespace controller and the garbage collector', async () => {
    await kubectlOk(['create', 'namespace', 'doomed']);
    await kubectlOk(['create', 'deployment', 'gone', '--image=nginx', '-n', 'doomed']);
    await kubectlOk(['create', 'configmap', 'conf', '-n', 'doomed', '--from-literal=k=v']);
    await eventually(async () => JSON.parse(await kubectlOk(['get', 'pods', '-n', 'doomed', '-o', 'json'])).items.length === 1, 30_000);
    // Written into every namespace with the publisher's own credentials.
    await eventually(async () => (await c.kubectl(['get', 'configmap', 'kube-root-ca.crt', '-n', 'doomed'])).code === 0, 10_000);
    assert.ok(writers('create', 'configmaps', 'doomed').has(sa('root-ca-cert-publisher')));
    assert.ok(writers('create', 'serviceaccounts', 'doomed').has(sa('service-account-controller')));
    await kubectlOk(['delete', 'namespace', 'doomed', '--wait=false']);
    await eventually(async () => (await c.kubectl(['get', 'namespace', 'doomed'])).code !== 0, 60_000);
    const deleters = audit().filter((e) => (e.verb === 'delete' || e.verb === 'deletecollection') && e.objectRef?.namespace === 'doomed' && (e.responseStatus?.code ?? 0) < 300).map((e) => e.user.username);
    assert.ok(deleters.includes(sa('namespace-controller')), `namespace controller deleted: ${[...new Set(deleters)].join(', ')}`);
  });

  it('logged no request a controller was denied by RBAC', () => {
    // (A terminating namespace's admission refusals are expected and worded otherwise.)
    const forbidden = lines.filter((l) => /forbidden: User ".*" cannot/.test(l));
    assert.deepEqual(forbidden, []);
  });
});
