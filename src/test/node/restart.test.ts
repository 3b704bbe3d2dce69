// Issue 5, acceptance 4: `kill -9` of the agent, then a restart. The pods keep their containers
// and IPs, stay Running, nothing healthy restarts, and no duplicate sandbox or container appears.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { containerdSocketPath } from '../../kubelet/containerd/supervisor.js';
import { ContainerdRuntime } from '../../kubelet/cri/runtime.js';
import { buildBusyboxImage } from '../../kubelet/images/builtin.js';
import { importImageArchive } from '../../kubelet/images/import.js';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';
import { cleanupHost, podYaml, TEST_IMAGE, unusedClusterCidr } from '../node-harness.js';

const MAIN = join(fileURLToPath(import.meta.url), '../../../cli/main.js');

describe('a real node: the agent killed with -9 and restarted', () => {
  let c: TestCluster;
  let agent: ChildProcess | undefined;
  let agentLog = '';
  const tag = randomInt(0x10000, 0xfffff).toString(16);
  const nodeName = `node-${tag}`;
  let podCIDR = '';
  const agentDir = () => join(c.dataDir, 'agent-data');
  const endpoint = () => `unix://${containerdSocketPath(join(agentDir(), 'agent'))}`;

  const startAgent = () => {
    const token = readFileSync(join(c.dataDir, 'token'), 'utf8').trim();
    const child = spawn(process.execPath, [MAIN, 'agent', '--server', c.cp.url, '--token', token, '--ca-file', join(c.dataDir, 'tls', 'server-ca.crt'), '--data-dir', agentDir(), '--node-name', nodeName, '--kubelet-port', '0', '--pod-cidr', podCIDR, '--cni-bridge', `k8ts${tag}`, '--cgroup-root', `/k8ts-test-${tag}`, '--disable-kube-proxy', '--disable-dns', '--disable-network-policy', '--disable-ingress', '--flannel-backend', 'none'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (agentLog += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (agentLog += d.toString()));
    return child;
  };
  const nodeReady = async () => {
    const r = await c.http('GET', `/api/v1/nodes/${nodeName}`);
    return r.status === 200 && r.json().status?.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'True');
  };
  const pods = async () => (await c.http('GET', '/api/v1/namespaces/default/pods')).json().items as any[];

  before(async () => {
    podCIDR = (await unusedClusterCidr()).replace('.0.0/16', '.0.0/24');
    c = await startTestCluster();
    agent = startAgent();
    await eventually(nodeReady, 60_000, 200).catch((err) => {
      throw new Error(`${err}\n${agentLog}`);
    });
    const archive = join(c.dataDir, 'busybox.tar');
    await buildBusyboxImage(archive, TEST_IMAGE);
    await importImageArchive(endpoint(), archive);
  });
  after(async () => {
    await c.kubectl(['delete', 'pods', '--all', '--grace-period=1', '--wait=true'], { timeoutMs: 30_000 });
    agent?.kill('SIGTERM');
    await new Promise((r) => agent?.once('exit', r) ?? r(undefined));
    await cleanupHost(`k8ts${tag}`, `/k8ts-test-${tag}`);
    await c.stop();
  });

  it('re-adopts the running containers: same ids, same IPs, no restarts, no duplicates', async () => {
    for (const name of ['one', 'two']) {
      await c.kubectl(['apply', '-f', '-'], { input: podYaml(name, { containers: [{ name: 'app', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'exec httpd -f -p 80 -h /'] }] }) });
    }
    const running = async () => {
      const list = await pods();
      return list.length === 2 && list.every((p) => p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready) ? list : undefined;
    };
    const before = await eventually(running, 30_000, 200);
    const snapshot = (list: any[]) => Object.fromEntries(list.map((p) => [p.metadata.name, { ip: p.status.podIP, id: p.status.containerStatuses[0].containerID, restarts: p.status.containerStatuses[0].restartCount, started: p.status.containerStatuses[0].state.running.startedAt }]));

    const pid = agent!.pid!;
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => agent!.once('exit', r));
    // The pods are still served while no agent runs.
    for (const p of before) assert.equal((await fetch(`http://${p.status.podIP}/`)).status < 500, true);

    agentLog = '';
    agent = startAgent();
    await eventually(nodeReady, 60_000, 200);
    // Let the new agent sync every pod and write whatever it thinks their status is.
    await new Promise((r) => setTimeout(r, 4000));
    const afterList = await eventually(running, 30_000, 200);
    assert.deepEqual(snapshot(afterList), snapshot(before), agentLog);

    const rt = new ContainerdRuntime({ endpoint: endpoint() });
    await rt.connect(10_000);
    try {
      const sandboxes = await rt.listPodSandbox();
      assert.equal(sandboxes.length, 2, JSON.stringify(sandboxes.map((s) => s.metadata)));
      assert.equal((await rt.listContainers()).length, 2);
    } finally {
      rt.close();
    }
  });

  it('a pod deleted while the agent was down has its Secret and token tmpfs unmounted by the next agent', async () => {
    const mountsOf = (uid: string) => readFileSync('/proc/mounts', 'utf8').split('\n').filter((l) => l.includes(uid) && l.split(' ')[2] === 'tmpfs');
    const created = await c.kubectl(['create', 'secret', 'generic', 'restart-secret', '--from-literal=k=v']);
    assert.equal(created.code, 0, created.stderr);
    await c.kubectl(['apply', '-f', '-'], { input: podYaml('secretive', { volumes: [{ name: 'sec', secret: { secretName: 'restart-secret' } }], containers: [{ name: 'app', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'sleep 3600'] }] }) });
    const pod = await eventually(async () => (await pods()).find((p) => p.metadata.name === 'secretive' && p.status?.phase === 'Running'), 30_000, 200);
    const uid = pod.metadata.uid as string;
    // The secret volume and the kube-api-access token volume.
    assert.equal(mountsOf(uid).length, 2, readFileSync('/proc/mounts', 'utf8'));

    process.kill(agent!.pid!, 'SIGKILL');
    await new Promise((r) => agent!.once('exit', r));
    assert.equal(mountsOf(uid).length, 2, 'kill -9 leaves the mounts, as it leaves the containers');
    const del = await c.kubectl(['delete', 'pod', 'secretive', '--grace-period=0', '--force']);
    assert.equal(del.code, 0, del.stderr);

    agentLog = '';
    agent = startAgent();
    await eventually(nodeReady, 60_000, 200);
    await eventually(() => mountsOf(uid).length === 0, 30_000, 200).catch((err) => {
      throw new Error(`${err}: ${mountsOf(uid).join('\n')}\n${agentLog}`);
    });
  });
});
