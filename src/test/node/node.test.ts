// The node itself on a real machine: what it registers, static pods from --pod-manifest-path as
// mirror pods, security contexts and memory-backed emptyDirs as the container sees them, and
// /stats/summary through the API server's node proxy.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../harness.js';
import { podYaml, startNodeTestCluster, TEST_IMAGE, type NodeTestCluster } from '../node-harness.js';

describe('a real node: the node and its pods', () => {
  let c: NodeTestCluster;
  const manifests = join(tmpdir(), `k8ts-manifests-${process.pid}`);
  const exec = async (pod: string, script: string) => {
    const r = await c.kubectl(['exec', pod, '--', 'sh', '-c', script]);
    return { code: r.code, out: r.stdout + r.stderr };
  };

  before(async () => {
    mkdirSync(manifests, { recursive: true });
    c = await startNodeTestCluster({ agent: { podManifestPath: manifests } });
  });
  after(async () => {
    await c?.stop();
    rmSync(manifests, { recursive: true, force: true });
  });

  it('registers the host: capacity, allocatable, addresses, node info, conditions, pod CIDR', async () => {
    const node = (await c.http('GET', `/api/v1/nodes/${c.nodeName}`)).json();
    assert.match(node.status.capacity.cpu, /^\d+$/);
    assert.match(node.status.capacity.memory, /^\d+Ki$/);
    assert.equal(node.status.capacity.pods, '110');
    assert.ok(Number.parseInt(node.status.allocatable.memory) < Number.parseInt(node.status.capacity.memory));
    assert.ok(node.status.addresses.some((a: any) => a.type === 'InternalIP'));
    assert.match(node.status.nodeInfo.containerRuntimeVersion, /^containerd:\/\/\d/);
    assert.match(node.status.nodeInfo.kernelVersion, /^\d+\.\d+/);
    assert.equal(node.status.nodeInfo.operatingSystem, 'linux');
    const conditions = Object.fromEntries(node.status.conditions.map((x: any) => [x.type, x.status]));
    assert.deepEqual(conditions, { MemoryPressure: 'False', DiskPressure: 'False', PIDPressure: 'False', Ready: 'True' });
    assert.equal(node.spec.podCIDR, c.podCIDR);
    assert.ok(node.status.daemonEndpoints.kubeletEndpoint.Port > 0);
    const lease = await c.http('GET', `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${c.nodeName}`);
    assert.equal(lease.status, 200);
  });

  it('runs a static pod from the manifest folder and shows it as a mirror pod', async () => {
    writeFileSync(
      join(manifests, 'static-web.yaml'),
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: static-web\nspec:\n  containers:\n  - name: web\n    image: ${TEST_IMAGE}\n    imagePullPolicy: IfNotPresent\n    command: ["sh", "-c", "exec httpd -f -p 80 -h /"]\n`,
    );
    const name = `static-web-${c.nodeName}`;
    const pod = await c.waitPod(name, (p) => p.status?.phase === 'Running', 30_000);
    assert.ok(pod.metadata.annotations['kubernetes.io/config.mirror']);
    assert.equal(pod.metadata.ownerReferences[0].kind, 'Node');
    rmSync(join(manifests, 'static-web.yaml'));
    await eventually(async () => (await c.http('GET', `/api/v1/namespaces/default/pods/${name}`)).status === 404, 30_000, 200);
  });

  it('applies runAsUser/runAsGroup, readOnlyRootFilesystem and capabilities', async () => {
    await c.apply(
      podYaml('secure', {
        securityContext: { runAsUser: 1000, runAsGroup: 3000 },
        volumes: [{ name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } }],
        containers: [
          {
            name: 'app',
            image: TEST_IMAGE,
            imagePullPolicy: 'IfNotPresent',
            command: ['sleep', '600'],
            securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }],
          },
        ],
      }),
    );
    await c.waitPod('secure', (p) => p.status?.phase === 'Running', 30_000);
    assert.equal((await exec('secure', 'id -u; id -g')).out, '1000\n3000\n');
    const touch = await exec('secure', 'touch /rootfs-write');
    assert.notEqual(touch.code, 0);
    assert.match(touch.out, /Read-only file system/);
    assert.match((await exec('secure', 'grep CapEff /proc/self/status')).out, /CapEff:\s+0000000000000000/);
    const scratch = await exec('secure', 'grep " /scratch " /proc/mounts');
    assert.match(scratch.out, /^tmpfs \/scratch tmpfs /m);
  });

  it('a privileged container has every capability and may mount; an unprivileged one may not', async () => {
    const spec = (privileged: boolean) => ({
      containers: [{ name: 'app', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '600'], securityContext: { privileged } }],
    });
    await c.apply(podYaml('privileged', spec(true)));
    await c.apply(podYaml('unprivileged', spec(false)));
    await c.waitPod('privileged', (p) => p.status?.phase === 'Running', 30_000);
    await c.waitPod('unprivileged', (p) => p.status?.phase === 'Running', 30_000);
    const mount = 'mkdir -p /m && mount -t tmpfs none /m && grep -c " /m tmpfs " /proc/mounts';
    assert.deepEqual(await exec('privileged', mount), { code: 0, out: '1\n' });
    assert.notEqual((await exec('unprivileged', mount)).code, 0);
    // CAP_SYS_ADMIN (bit 21) is among the effective capabilities only of the privileged one.
    const capEff = async (name: string) => BigInt(`0x${/CapEff:\s+([0-9a-f]+)/.exec((await exec(name, 'grep CapEff /proc/self/status')).out)![1]}`);
    assert.equal((await capEff('privileged')) & (1n << 21n), 1n << 21n);
    assert.equal((await capEff('unprivileged')) & (1n << 21n), 0n);
    // Privileged containers see the host's devices, not the default handful.
    const devices = async (name: string) => Number((await exec(name, 'ls /dev | wc -l')).out.trim());
    assert.ok((await devices('privileged')) > (await devices('unprivileged')) + 10);
  });

  it('runAsNonRoot without runAsUser refuses an image that runs as root', async () => {
    await c.apply(podYaml('nonroot', { securityContext: { runAsNonRoot: true }, containers: [{ name: 'app', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '600'] }] }));
    const pod = await c.waitPod('nonroot', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError', 20_000);
    assert.match(pod.status.containerStatuses[0].state.waiting.message, /^container has runAsNonRoot and image will run as root/);
  });

  it('serves /stats/summary through the API server with the pods it runs', async () => {
    const r = await eventually(async () => {
      const res = await c.kubectl(['get', '--raw', `/api/v1/nodes/${c.nodeName}/proxy/stats/summary`]);
      if (res.code !== 0) return undefined;
      const summary = JSON.parse(res.stdout);
      return summary.pods?.some((p: any) => p.podRef.name === 'secure' && p.containers?.[0]?.memory?.workingSetBytes > 0) ? summary : undefined;
    }, 30_000, 500);
    assert.equal(r.node.nodeName, c.nodeName);
    assert.ok(r.node.memory.workingSetBytes > 0);
  });
});
