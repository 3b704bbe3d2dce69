// The real kubectl creating the seeds' objects and reading them back in every output form.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../harness.js';
import { seed } from './fixtures.js';

describe('kubectl create and get', () => {
  let c: TestCluster;
  const ok = async (args: string[]) => {
    const r = await c.kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    c = await startTestCluster();
    for (const f of ['pod-example.yaml', 'nginx-pod-label.yaml', 'multipod.yaml', 'sampleservice.yaml', 'development-www.yaml', 'configmap-secret.yaml']) {
      await ok(['create', '-f', seed(f)]);
    }
    // Workloads in their own namespace: their controllers create pods, which would crowd the
    // bare pods these tests list in default.
    await ok(['create', '-f', c.file('workloads.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: workloads\n')]);
    for (const f of ['rs-example.yaml', 'deploy-example.yaml', 'nginx-deployment.yaml']) await ok(['create', '-n', 'workloads', '-f', seed(f)]);
  });
  after(() => c?.stop());

  it('prints what it created, as kubectl does', async () => {
    const out = await ok(['create', '-f', c.file('printed.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: printed\ndata:\n  a: b\n')]);
    assert.equal(out.trim(), 'configmap/printed created');
  });

  it('refuses to create what exists, with upstream message', async () => {
    const r = await c.kubectl(['create', '-f', seed('pod-example.yaml')]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Error from server \(AlreadyExists\).*pods "pod-example" already exists/);
  });

  it('get pods prints the default table', async () => {
    const out = await ok(['get', 'pods']);
    const lines = out.trim().split('\n');
    assert.match(lines[0]!, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    const row = lines.find((l) => l.startsWith('pod-example '));
    assert.ok(row, out);
    assert.match(row!, /^pod-example\s+0\/1\s+Pending\s+0\s+\d+s$/);
    assert.match(out, /test-tomcat-pod\s+0\/2\s+Pending/);
  });

  it('get -o wide adds the wide columns', async () => {
    const out = await ok(['get', 'pods', '-o', 'wide']);
    assert.match(out.split('\n')[0]!, /NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES/);
    assert.match(out, /pod-example\s+0\/1\s+Pending\s+0\s+\d+s\s+<none>\s+<none>\s+<none>\s+<none>/);
  });

  it('get -o yaml and -o json show the stored object with server fields and defaults', async () => {
    const y = await ok(['get', 'pod', 'pod-example', '-o', 'yaml']);
    assert.match(y, /^apiVersion: v1\nkind: Pod\n/);
    assert.match(y, /uid: [0-9a-f-]{36}/);
    assert.match(y, /resourceVersion: "\d+"/);
    assert.match(y, /restartPolicy: Always/);
    assert.match(y, /dnsPolicy: ClusterFirst/);
    const j = JSON.parse(await ok(['get', '-n', 'workloads', 'deployment', 'nginx-deployment', '-o', 'json']));
    assert.equal(j.kind, 'Deployment');
    assert.equal(j.spec.strategy.type, 'RollingUpdate');
    assert.equal(j.spec.strategy.rollingUpdate.maxSurge, '25%');
    assert.equal(j.spec.revisionHistoryLimit, 10);
    assert.equal(j.spec.progressDeadlineSeconds, 600);
    assert.equal(j.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.equal(j.metadata.generation, 1);
  });

  it('get -o jsonpath, custom-columns and name', async () => {
    assert.equal(await ok(['get', 'pod', 'nginx', '-o', 'jsonpath={.spec.containers[0].image}']), 'nginx:1.7.9');
    const cc = await ok(['get', 'pods', '-o', 'custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image', '--sort-by=.metadata.name']);
    assert.match(cc, /^NAME\s+IMAGE\n/);
    assert.match(cc, /\nnginx\s+nginx:1\.7\.9\n/);
    const names = (await ok(['get', '-n', 'workloads', 'deployments', '-o', 'name'])).trim().split('\n').sort();
    assert.deepEqual(names, ['deployment.apps/deploy-example', 'deployment.apps/nginx-deployment']);
  });

  it('get -l with every selector form', async () => {
    const names = async (sel: string) => (await ok(['get', 'pods', '-l', sel, '-o', 'name'])).trim().split('\n').filter(Boolean).sort();
    assert.deepEqual(await names('app=nginx'), ['pod/nginx']);
    assert.deepEqual(await names('app==web'), ['pod/test-tomcat-pod']);
    assert.deepEqual(await names('app!=nginx'), ['pod/pod-example', 'pod/test-tomcat-pod']);
    assert.deepEqual(await names('app in (nginx,web)'), ['pod/nginx', 'pod/test-tomcat-pod']);
    assert.deepEqual(await names('app notin (nginx)'), ['pod/pod-example', 'pod/test-tomcat-pod']);
    assert.deepEqual(await names('app'), ['pod/nginx', 'pod/test-tomcat-pod']);
    assert.deepEqual(await names('!app'), ['pod/pod-example']);
    assert.deepEqual(await names('app=nginx,app=web'), []);
    const r = await c.kubectl(['get', 'pods', '-l', 'app in nginx']);
    assert.notEqual(r.code, 0);
  });

  it('get --show-labels and -A', async () => {
    assert.match(await ok(['get', 'pods', '--show-labels']), /nginx\s+0\/1\s+Pending\s+0\s+\S+\s+app=nginx/);
    const all = await ok(['get', 'pods', '-A']);
    assert.match(all.split('\n')[0]!, /^NAMESPACE\s+NAME\s+READY/);
    assert.match(all, /development\s+www\s+0\/1\s+Pending/);
    assert.match(all, /default\s+pod-example/);
  });

  it('get other kinds with their columns', async () => {
    assert.match(await ok(['get', '-n', 'workloads', 'deployments']), /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/);
    // No nodes in this cluster: the ReplicaSet's pods exist but none is ready.
    assert.match(await ok(['get', '-n', 'workloads', 'rs', 'rs-example']), /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\nrs-example\s+3\s+\d\s+0\s+/);
    assert.match(await ok(['get', 'svc', 'wordpress']), /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\nwordpress\s+ClusterIP\s+/);
    assert.match(await ok(['get', 'configmaps', 'app-config']), /app-config\s+2\s+/);
    assert.match(await ok(['get', 'secret', 'db-secret']), /db-secret\s+Opaque\s+2\s+/);
    const ns = await ok(['get', 'namespaces']);
    for (const n of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'development']) assert.match(ns, new RegExp(`\\n${n}\\s+Active\\s+`));
  });

  it('secret stringData lands in data', async () => {
    const s = JSON.parse(await ok(['get', 'secret', 'db-secret', '-o', 'json']));
    assert.equal(Buffer.from(s.data.username, 'base64').toString(), 'admin');
    assert.equal(Buffer.from(s.data.password, 'base64').toString(), 's3cr3t');
    assert.equal(s.stringData, undefined);
  });

  it('api-resources and api-versions', async () => {
    const res = await ok(['api-resources']);
    assert.match(res.split('\n')[0]!, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/);
    assert.match(res, /\npods\s+po\s+v1\s+true\s+Pod\n/);
    assert.match(res, /\ndeployments\s+deploy\s+apps\/v1\s+true\s+Deployment\n/);
    assert.match(res, /\nnamespaces\s+ns\s+v1\s+false\s+Namespace\n/);
    assert.match(res, /\nhorizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler\n/);
    const versions = (await ok(['api-versions'])).trim().split('\n');
    for (const v of ['v1', 'apps/v1', 'batch/v1', 'autoscaling/v1', 'autoscaling/v2', 'networking.k8s.io/v1', 'rbac.authorization.k8s.io/v1', 'coordination.k8s.io/v1', 'discovery.k8s.io/v1', 'storage.k8s.io/v1', 'policy/v1', 'scheduling.k8s.io/v1', 'events.k8s.io/v1']) {
      assert.ok(versions.includes(v), `${v} missing from ${versions.join(',')}`);
    }
  });

  it('get --raw /version', async () => {
    const v = JSON.parse(await ok(['get', '--raw', '/version']));
    assert.equal(v.major, '1');
    assert.equal(v.minor, '32');
    assert.match(v.gitVersion, /^v1\.32\./);
  });

  it('create --validate=false of a List creates every item', async () => {
    assert.match(await ok(['create', '--validate=false', '-f', seed('list.yaml')]), /configmap\/list-cm-a created\nconfigmap\/list-cm-b created/);
    assert.match(await ok(['get', 'cm', 'list-cm-b', '-o', 'jsonpath={.data.k}']), /^b$/);
  });

  it('rejects an invalid object with the upstream Invalid message', async () => {
    const f = c.file('bad.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\nspec:\n  containers: []\n');
    const r = await c.kubectl(['create', '-f', f]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The Pod "Bad_Name" is invalid/);
    assert.match(r.stderr, /spec\.containers: Required value/);
  });

  it('refuses to create in a missing namespace', async () => {
    const r = await c.kubectl(['create', '-n', 'nope', '-f', c.file('x.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n')]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /namespaces "nope" not found/);
  });
});
