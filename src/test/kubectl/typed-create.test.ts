// The real kubectl's typed commands (create <kind>, run, autoscale) send their bodies as
// application/vnd.kubernetes.protobuf and never fall back to JSON: each must be accepted and
// every field kubectl set must arrive intact.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../harness.js';

describe('kubectl typed create (protobuf request bodies)', () => {
  let c: TestCluster;
  const ok = async (args: string[]) => {
    const r = await c.kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r;
  };
  const getJson = async (...args: string[]) => JSON.parse((await ok(['get', ...args, '-o', 'json'])).stdout);

  before(async () => {
    c = await startTestCluster();
  });
  after(() => c?.stop());

  it('kubectl really sends protobuf', async () => {
    const r = await ok(['create', 'configmap', 'wire-check', '--from-literal=a=b', '-v=9']);
    const post = r.stderr.split('\n').find((l) => l.includes('-XPOST') && l.includes('/configmaps'));
    assert.ok(post, r.stderr);
    assert.match(post!, /Content-Type: application\/vnd\.kubernetes\.protobuf/);
  });

  it('create configmap --from-literal', async () => {
    await ok(['create', 'configmap', 'cfg', '--from-literal=a=b', '--from-literal=mode=fast']);
    const cm = await getJson('configmap', 'cfg');
    assert.equal(cm.metadata.name, 'cfg');
    assert.equal(cm.metadata.namespace, 'default');
    assert.deepEqual(cm.data, { a: 'b', mode: 'fast' });
  });

  it('create secret generic --from-literal (bytes arrive as base64)', async () => {
    await ok(['create', 'secret', 'generic', 'creds', '--from-literal=password=hunter2']);
    const s = await getJson('secret', 'creds');
    assert.equal(s.type, 'Opaque');
    assert.deepEqual(s.data, { password: Buffer.from('hunter2').toString('base64') });
  });

  it('create namespace', async () => {
    await ok(['create', 'namespace', 'team-a']);
    const ns = await getJson('namespace', 'team-a');
    assert.equal(ns.metadata.name, 'team-a');
    assert.equal(ns.status.phase, 'Active');
  });

  it('create service clusterip --tcp=80:8080', async () => {
    await ok(['create', 'service', 'clusterip', 'web-svc', '--tcp=80:8080']);
    const svc = await getJson('service', 'web-svc');
    assert.equal(svc.spec.type, 'ClusterIP');
    assert.deepEqual(svc.spec.selector, { app: 'web-svc' });
    assert.deepEqual(svc.metadata.labels, { app: 'web-svc' });
    assert.deepEqual(svc.spec.ports, [{ name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 }]);
    assert.match(svc.spec.clusterIP, /^10\.\d+\.\d+\.\d+$/);
  });

  it('create service nodeport', async () => {
    await ok(['create', 'service', 'nodeport', 'web-np', '--tcp=80:8080']);
    const svc = await getJson('service', 'web-np');
    assert.equal(svc.spec.type, 'NodePort');
    const [port] = svc.spec.ports;
    assert.equal(port.port, 80);
    assert.equal(port.targetPort, 8080);
    assert.ok(port.nodePort >= 30000 && port.nodePort <= 32767, `nodePort ${port.nodePort}`);
  });

  it('create deployment --image --replicas --port', async () => {
    await ok(['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=2', '--port=80']);
    const d = await getJson('deployment', 'web');
    assert.equal(d.spec.replicas, 2);
    assert.deepEqual(d.metadata.labels, { app: 'web' });
    assert.deepEqual(d.spec.selector, { matchLabels: { app: 'web' } });
    assert.deepEqual(d.spec.template.metadata.labels, { app: 'web' });
    const [container] = d.spec.template.spec.containers;
    assert.equal(container.name, 'nginx');
    assert.equal(container.image, 'nginx:1.25');
    assert.deepEqual(container.ports, [{ containerPort: 80, protocol: 'TCP' }]);
  });

  it('create job -- command', async () => {
    await ok(['create', 'job', 'once', '--image=busybox', '--', 'echo', 'hi']);
    const j = await getJson('job', 'once');
    const spec = j.spec.template.spec;
    assert.equal(spec.restartPolicy, 'Never');
    assert.equal(spec.containers[0].image, 'busybox');
    assert.deepEqual(spec.containers[0].command, ['echo', 'hi']);
  });

  it('create cronjob --schedule', async () => {
    await ok(['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *', '--', 'date']);
    const cj = await getJson('cronjob', 'tick');
    assert.equal(cj.spec.schedule, '*/5 * * * *');
    assert.equal(cj.spec.jobTemplate.metadata.name, 'tick');
    const spec = cj.spec.jobTemplate.spec.template.spec;
    assert.equal(spec.restartPolicy, 'OnFailure');
    assert.deepEqual(spec.containers[0].command, ['date']);
  });

  it('create role and rolebinding', async () => {
    await ok(['create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods']);
    const role = await getJson('role', 'pod-reader');
    assert.deepEqual(role.rules, [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]);
    await ok(['create', 'rolebinding', 'read-pods', '--role=pod-reader', '--user=alice', '--serviceaccount=default:robot']);
    const rb = await getJson('rolebinding', 'read-pods');
    assert.deepEqual(rb.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' });
    assert.deepEqual(rb.subjects, [
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' },
      { kind: 'ServiceAccount', name: 'robot', namespace: 'default' },
    ]);
  });

  it('create clusterrole and clusterrolebinding', async () => {
    await ok(['create', 'clusterrole', 'node-viewer', '--verb=get,watch', '--resource=nodes']);
    const cr = await getJson('clusterrole', 'node-viewer');
    assert.deepEqual(cr.rules, [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'watch'] }]);
    await ok(['create', 'clusterrolebinding', 'view-nodes', '--clusterrole=node-viewer', '--group=devs']);
    const crb = await getJson('clusterrolebinding', 'view-nodes');
    assert.deepEqual(crb.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'node-viewer' });
    assert.deepEqual(crb.subjects, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'devs' }]);
  });

  it('create priorityclass', async () => {
    await ok(['create', 'priorityclass', 'high', '--value=1000', '--description=important work']);
    const pc = await getJson('priorityclass', 'high');
    assert.equal(pc.value, 1000);
    assert.equal(pc.description, 'important work');
    assert.equal(pc.preemptionPolicy, 'PreemptLowerPriority');
  });

  it('create pdb (IntOrString minAvailable)', async () => {
    await ok(['create', 'pdb', 'web-pdb', '--selector=app=web', '--min-available=1']);
    const pdb = await getJson('pdb', 'web-pdb');
    assert.equal(pdb.spec.minAvailable, 1);
    assert.deepEqual(pdb.spec.selector, { matchLabels: { app: 'web' } });
    await ok(['create', 'pdb', 'web-pdb-pct', '--selector=app=web', '--max-unavailable=50%']);
    assert.equal((await getJson('pdb', 'web-pdb-pct')).spec.maxUnavailable, '50%');
  });

  it('create quota (quantities)', async () => {
    await ok(['create', 'quota', 'limits', '--hard=pods=10,cpu=2,memory=1Gi']);
    const q = await getJson('resourcequota', 'limits');
    assert.deepEqual(q.spec.hard, { pods: '10', cpu: '2', memory: '1Gi' });
    // A quota on cpu and memory makes every later pod here state them (ResourceQuota admission).
    await ok(['delete', 'quota', 'limits']);
  });

  it('create serviceaccount', async () => {
    await ok(['create', 'serviceaccount', 'robot']);
    const sa = await getJson('serviceaccount', 'robot');
    assert.equal(sa.metadata.name, 'robot');
    assert.equal(sa.metadata.namespace, 'default');
  });

  it('create ingress --rule', async () => {
    await ok(['create', 'ingress', 'site', '--rule=foo.com/bar=web-svc:80']);
    const ing = await getJson('ingress', 'site');
    assert.deepEqual(ing.spec.rules, [
      { host: 'foo.com', http: { paths: [{ path: '/bar', pathType: 'Exact', backend: { service: { name: 'web-svc', port: { number: 80 } } } }] } },
    ]);
  });

  it('run a pod with labels, env and args', async () => {
    await ok(['run', 'sleeper', '--image=busybox', '--labels=a=b', '--env=X=1', '--restart=Never', '--', 'sleep', '10']);
    const pod = await getJson('pod', 'sleeper');
    assert.deepEqual(pod.metadata.labels, { a: 'b' });
    assert.equal(pod.spec.restartPolicy, 'Never');
    const [container] = pod.spec.containers;
    assert.equal(container.name, 'sleeper');
    assert.equal(container.image, 'busybox');
    assert.deepEqual(container.env, [{ name: 'X', value: '1' }]);
    assert.deepEqual(container.args, ['sleep', '10']);
  });

  it('autoscale deployment', async () => {
    await ok(['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=80']);
    const hpa = await getJson('horizontalpodautoscalers.v2.autoscaling', 'web');
    assert.equal(hpa.spec.minReplicas, 2);
    assert.equal(hpa.spec.maxReplicas, 5);
    assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' });
    assert.deepEqual(hpa.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  });
});
