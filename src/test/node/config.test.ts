// Issue 5, acceptance 3 on a real node: ConfigMaps and Secrets as env and as files, the downward
// API, and the service environment variables, as the container itself sees them. Issue 19: Secret,
// token and downwardAPI volumes are tmpfs, and their mounts go with the pod and with the node.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../harness.js';
import { podYaml, startNodeTestCluster, TEST_IMAGE, type NodeTestCluster } from '../node-harness.js';

describe('a real node: configuration reaches the container', () => {
  let c: NodeTestCluster;
  const exec = async (pod: string, script: string) => {
    const r = await c.kubectl(['exec', pod, '--', 'sh', '-c', script]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };

  let stopped = false;
  /** Host mounts (the test shares the agent's mount namespace) under the agent's pods dir. */
  const hostMounts = (podsDir: string) =>
    readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .filter((l) => l.split(' ')[1]?.startsWith(podsDir));

  before(async () => {
    c = await startNodeTestCluster();
    for (const args of [
      ['create', 'configmap', 'app-config', '--from-literal=color=blue', '--from-literal=size=large'],
      ['create', 'secret', 'generic', 'app-secret', '--from-literal=password=s3cr3t'],
      ['create', 'service', 'clusterip', 'redis-master', '--tcp=6379:6379'],
    ]) {
      const r = await c.kubectl(args);
      assert.equal(r.code, 0, r.stderr);
    }
    await c.apply(
      podYaml(
        'configured',
        {
          volumes: [
            { name: 'cfg', configMap: { name: 'app-config' } },
            { name: 'sec', secret: { secretName: 'app-secret', defaultMode: 0o400 } },
            { name: 'podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'cpu_limit', resourceFieldRef: { containerName: 'app', resource: 'limits.cpu', divisor: '1m' } }] } },
          ],
          containers: [
            {
              name: 'app',
              image: TEST_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', '-c', 'sleep 3600'],
              resources: { limits: { cpu: '250m', memory: '64Mi' } },
              env: [
                { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'color' } } },
                { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'app-secret', key: 'password' } } },
                { name: 'MY_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'MY_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
                { name: 'MY_NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                { name: 'MEM_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
                { name: 'GREETING', value: 'hello $(COLOR) world' },
              ],
              envFrom: [{ configMapRef: { name: 'app-config' }, prefix: 'CFG_' }],
              volumeMounts: [
                { name: 'cfg', mountPath: '/etc/app' },
                { name: 'sec', mountPath: '/etc/secret', readOnly: true },
                { name: 'podinfo', mountPath: '/etc/podinfo' },
              ],
            },
          ],
        },
        { labels: { app: 'configured', tier: 'backend' } },
      ),
    );
    await c.waitPod('configured', (p) => p.status?.phase === 'Running', 30_000);
  });
  after(async () => {
    if (!stopped) await c?.stop();
  });

  it('ConfigMap and Secret values arrive as env, with $(VAR) expansion and envFrom prefixes', async () => {
    const env = await exec('configured', 'env');
    assert.match(env, /^COLOR=blue$/m);
    assert.match(env, /^PASSWORD=s3cr3t$/m);
    assert.match(env, /^GREETING=hello blue world$/m);
    assert.match(env, /^CFG_color=blue$/m);
    assert.match(env, /^CFG_size=large$/m);
  });

  it('the downward API gives the pod its name, IP, node and limits', async () => {
    const pod = await c.waitPod('configured', () => true);
    const env = await exec('configured', 'env');
    assert.match(env, /^MY_POD_NAME=configured$/m);
    assert.match(env, new RegExp(`^MY_POD_IP=${pod.status.podIP.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(env, new RegExp(`^MY_NODE=${c.nodeName}$`, 'm'));
    assert.match(env, /^MEM_LIMIT=64$/m);
    assert.equal(await exec('configured', 'cat /etc/podinfo/labels'), 'app="configured"\ntier="backend"');
    assert.equal(await exec('configured', 'cat /etc/podinfo/cpu_limit'), '250');
  });

  it('services that existed when the pod started appear as env vars', async () => {
    const svc = await c.http('GET', '/api/v1/namespaces/default/services/redis-master');
    const ip = svc.json().spec.clusterIP;
    const env = await exec('configured', 'env');
    assert.match(env, new RegExp(`^REDIS_MASTER_SERVICE_HOST=${ip.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(env, /^REDIS_MASTER_SERVICE_PORT=6379$/m);
    assert.match(env, new RegExp(`^REDIS_MASTER_PORT=tcp://${ip.replace(/\./g, '\\.')}:6379$`, 'm'));
    assert.match(env, /^KUBERNETES_SERVICE_HOST=10\.96\.0\.1$/m);
  });

  it('ConfigMap and Secret keys are files, and a ConfigMap update reaches the running pod', async () => {
    assert.equal(await exec('configured', 'cat /etc/app/color'), 'blue');
    assert.equal(await exec('configured', 'cat /etc/secret/password'), 's3cr3t');
    assert.match(await exec('configured', 'stat -L -c %a /etc/secret/password'), /^400$/m);
    const patch = await c.kubectl(['patch', 'configmap', 'app-config', '-p', '{"data":{"color":"green"}}']);
    assert.equal(patch.code, 0, patch.stderr);
    await eventually(async () => (await exec('configured', 'cat /etc/app/color')) === 'green', 40_000, 500);
  });

  it('the ServiceAccount token, CA and namespace are mounted where clients look for them', async () => {
    const files = await exec('configured', 'ls /var/run/secrets/kubernetes.io/serviceaccount/');
    assert.deepEqual(files.trim().split(/\s+/).sort(), ['ca.crt', 'namespace', 'token']);
    assert.equal(await exec('configured', 'cat /var/run/secrets/kubernetes.io/serviceaccount/namespace'), 'default');
    const token = await exec('configured', 'cat /var/run/secrets/kubernetes.io/serviceaccount/token');
    // Who the token is (the default account holds no rights under RBAC, but anyone may ask that).
    const r = await c.http('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }, { Authorization: `Bearer ${token}` });
    assert.equal(r.status, 201, r.body);
    assert.equal(r.json().status.userInfo.username, 'system:serviceaccount:default:default');
  });

  it('ClusterFirst DNS settings and the managed hosts file are in place', async () => {
    const resolv = await exec('configured', 'cat /etc/resolv.conf');
    assert.match(resolv, /^nameserver 10\.96\.0\.10$/m);
    assert.match(resolv, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/m);
    assert.match(resolv, /^options ndots:5$/m);
    const hosts = await exec('configured', 'cat /etc/hosts');
    assert.match(hosts, /Kubernetes-managed hosts file/);
    assert.match(hosts, /\sconfigured$/m);
    assert.equal((await exec('configured', 'hostname')).trim(), 'configured');
  });

  it('Secret, token and downwardAPI volumes are tmpfs (ConfigMap is not), and an updated Secret still arrives', async () => {
    const mounts = await exec('configured', 'mount');
    const fsAt = (path: string) => mounts.split('\n').find((l) => l.split(' ')[2] === path);
    // Sized by the pod's 64Mi memory limit, as upstream sizes memory-backed volumes.
    for (const path of ['/etc/secret', '/etc/podinfo', '/var/run/secrets/kubernetes.io/serviceaccount']) assert.match(fsAt(path) ?? `${path}: not mounted`, /^tmpfs on \S+ type tmpfs \(ro,.*size=65536k/, mounts);
    assert.doesNotMatch(fsAt('/etc/app') ?? '', /type tmpfs/);
    const patch = await c.kubectl(['patch', 'secret', 'app-secret', '-p', JSON.stringify({ data: { password: Buffer.from('r0tated').toString('base64') } })]);
    assert.equal(patch.code, 0, patch.stderr);
    await eventually(async () => (await exec('configured', 'cat /etc/secret/password')) === 'r0tated', 40_000, 500);
  });

  it('the tmpfs mounts leave the host when the pod is deleted, and when the cluster stops', async () => {
    const podsDir = join(c.dataDir, 'agent', 'pods');
    const uid = (await c.waitPod('configured', () => true)).metadata.uid as string;
    const ofPod = () => hostMounts(podsDir).filter((l) => l.includes(uid));
    assert.equal(ofPod().filter((l) => l.split(' ')[2] === 'tmpfs').length, 3, hostMounts(podsDir).join('\n'));
    await c.apply(podYaml('kept', { volumes: [{ name: 'sec', secret: { secretName: 'app-secret' } }], containers: [{ name: 'app', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'sleep 3600'] }] }));
    await c.waitPod('kept', (p) => p.status?.phase === 'Running', 30_000);
    const del = await c.kubectl(['delete', 'pod', 'configured', '--wait=true'], { timeoutMs: 60_000 });
    assert.equal(del.code, 0, del.stderr);
    await eventually(() => ofPod().length === 0, 20_000, 200);
    assert.ok(hostMounts(podsDir).length >= 2, 'the other pod keeps its secret and token volumes');
    stopped = true;
    await c.stop();
    assert.deepEqual(hostMounts(podsDir), []);
  });
});
