// End to end: the real kubectl → the API server's proxy → a kubelet API server (the real one,
// over a fake runtime and log files on disk) registered as a Node on 127.0.0.1.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { connect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import type { Pod } from '../../api/core/v1/pod/types.js';
import { encodeCriLogLine } from '../../kubelet/logs/cri-log.js';
import { containerLogPath } from '../../kubelet/logs/paths.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { apiBackedAuth, ensureKubeletServingCert, startKubeletServer, type KubeletServer } from '../../kubelet/server/index.js';
import { FakeKubeletRuntime } from '../../kubelet/server/testing/fake-runtime.js';
import { KUBECTL, startTestCluster, type TestCluster } from '../../test/harness.js';

const NODE = 'proxy-test-node';
const dir = mkdtempSync(join(tmpdir(), 'k8ts-proxy-'));
const logsDir = join(dir, 'logs');
let cluster: TestCluster;
let kubelet: KubeletServer;
let kubeletClient: RestClient | undefined;
const runtime = new FakeKubeletRuntime();
const kubeletPods = new Map<string, Pod>();
let statusCalls = 0;
const T0 = Date.UTC(2024, 4, 5, 6, 7, 8, 900);
let webLog = '';

function podObject(name: string, containers: string[], uid: string, state: Record<string, unknown>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid },
    spec: { nodeName: NODE, containers: containers.map((c) => ({ name: c, image: 'busybox' })) },
    status: { phase: 'Running', containerStatuses: containers.map((c) => ({ name: c, ready: true, restartCount: 0, image: 'busybox', imageID: '', containerID: `containerd://${name}-${c}`, state })) as never },
  };
}

/** Creates the pod in the API (bound to the fake node) and tells the fake kubelet about it. */
async function addPod(name: string, containers: string[], state: Record<string, unknown> = { running: { startedAt: '2024-05-05T06:07:00Z' } }): Promise<void> {
  const r = await cluster.http('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: NODE, containers: containers.map((c) => ({ name: c, image: 'busybox' })) } });
  assert.equal(r.status, 201, r.body);
  const uid = r.json().metadata.uid as string;
  kubeletPods.set(`default/${name}`, podObject(name, containers, uid, state));
  runtime.addSandbox(`sb-${name}`, { name, namespace: 'default', uid });
  for (const c of containers) {
    const path = containerLogPath(logsDir, 'default', name, uid, c, 0);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '');
    if (state['running']) runtime.addContainer(`${name}-${c}`, `sb-${name}`, c, path);
  }
  if (name === 'web') webLog = containerLogPath(logsDir, 'default', name, uid, 'app', 0);
}

/** An HTTP/1.1 upgrade request sent raw to the API server; resolves to all it answered before closing (or `<open>` after 2 s). */
function rawUpgrade(path: string, opts: { token?: string; send?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: cluster.cp.port, ca: cluster.cp.caPem, servername: 'localhost', ALPNProtocols: ['http/1.1'] }, () => {
      const auth = opts.token === undefined ? `Authorization: Bearer ${cluster.cp.adminToken}\r\n` : opts.token ? `Authorization: Bearer ${opts.token}\r\n` : '';
      s.write(`POST ${path} HTTP/1.1\r\nHost: localhost\r\n${auth}Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n`);
    });
    let out = '';
    s.on('data', (d: Buffer) => {
      out += d.toString();
      if (opts.send && out.includes('\r\n\r\n') && out.startsWith('HTTP/1.1 101')) {
        s.write(opts.send);
        opts.send = undefined;
      }
    });
    s.on('error', reject);
    s.on('close', () => resolve(out));
    setTimeout(() => {
      s.destroy();
      resolve(`${out}<open>`);
    }, 2000).unref();
  });
}

before(async () => {
  cluster = await startTestCluster();
  const tls = await ensureKubeletServingCert(join(dir, 'tls'), NODE, ['127.0.0.1']);
  const containerStatus = runtime.containerStatus.bind(runtime);
  runtime.containerStatus = (id: string) => {
    statusCalls++;
    return containerStatus(id);
  };
  kubelet = await startKubeletServer({
    port: 0,
    host: '127.0.0.1',
    tls,
    clientCaPem: cluster.cp.caPem,
    // The kubelet's reviews go to the same API server that proxies to it.
    auth: apiBackedAuth({ clientCaPem: cluster.cp.caPem, client: (kubeletClient = new RestClient(loadKubeconfig(cluster.kubeconfig), 'kubelet/proxy-test')) }),
    deps: {
      nodeName: NODE,
      runtime,
      getPod: (ns, name) => kubeletPods.get(`${ns}/${name}`),
      listPods: () => [...kubeletPods.values()],
      logsDir,
      stats: { summary: async () => ({ node: { nodeName: NODE, cpu: { time: '2024-01-01T00:00:00Z', usageNanoCores: 42 } }, pods: [] }) },
      streaming: {
        // Answers the upgrade and echoes what the client sends, upper-cased: proves the splice.
        handleRemoteCommand: (_req: IncomingMessage, socket: Duplex) => {
          socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n');
          socket.on('data', (d: Buffer) => socket.end(d.toString().toUpperCase()));
        },
        handlePortForward: (_req: IncomingMessage, socket: Duplex) => socket.destroy(),
      },
    },
  });
  const node = await cluster.http('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } });
  assert.equal(node.status, 201, node.body);
  const status = { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: NODE }], daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } } } };
  const patched = await cluster.http('PATCH', `/api/v1/nodes/${NODE}/status`, status, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(patched.status, 200, patched.body);
  await addPod('web', ['app']);
  appendFileSync(webLog, [encodeCriLogLine(T0, 'stdout', 'line one'), encodeCriLogLine(T0 + 1, 'stderr', 'line two'), encodeCriLogLine(T0 + 2, 'stdout', 'line three')].join(''));
  await addPod('multi', ['a', 'b']);
  await addPod('pending', ['app'], { waiting: { reason: 'ContainerCreating' } });
});

after(async () => {
  await kubelet?.stop();
  kubeletClient?.close();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('API server proxy to the kubelet', () => {
  test('kubectl logs, with --tail and --timestamps', async () => {
    const all = await cluster.kubectl(['logs', 'web']);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(all.stdout, 'line one\nline two\nline three\n');
    const tail = await cluster.kubectl(['logs', 'web', '--tail=1', '--timestamps']);
    assert.equal(tail.code, 0, tail.stderr);
    assert.equal(tail.stdout, '2024-05-05T06:07:08.902000000Z line three\n');
    const limited = await cluster.kubectl(['logs', 'web', '--limit-bytes=6']);
    assert.equal(limited.stdout, 'line o');
  });

  test('kubectl logs -f streams until kubectl is ended', async () => {
    const child = spawn(KUBECTL, ['logs', '-f', 'web', '--tail=1'], { env: { ...process.env, KUBECONFIG: cluster.kubeconfig, HOME: cluster.dataDir } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    try {
      const wait = async (text: string) => {
        const end = Date.now() + 15_000;
        while (!out.includes(text)) {
          if (Date.now() > end) throw new Error(`no "${text}" in ${JSON.stringify(out)}`);
          await new Promise((r) => setTimeout(r, 25));
        }
      };
      await wait('line three\n');
      appendFileSync(webLog, encodeCriLogLine(Date.now(), 'stdout', 'followed'));
      await wait('followed\n');
      assert.equal(out, 'line three\nfollowed\n');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    // With kubectl gone the kubelet stops following: it no longer checks on the container.
    await new Promise((r) => setTimeout(r, 1500));
    const before = statusCalls;
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(statusCalls, before);
  });

  test('logs errors: a waiting container, a missing container name, bad options', async () => {
    const waiting = await cluster.kubectl(['logs', 'pending']);
    assert.notEqual(waiting.code, 0);
    assert.match(waiting.stderr, /Error from server \(BadRequest\): container "app" in pod "pending" is waiting to start: ContainerCreating/);
    const multi = await cluster.http('GET', '/api/v1/namespaces/default/pods/multi/log');
    assert.equal(multi.status, 400);
    assert.equal(multi.json().message, 'a container name must be specified for pod multi, choose one of: [a b]');
    const invalid = await cluster.http('GET', '/api/v1/namespaces/default/pods/web/log?container=zz');
    assert.equal(invalid.json().message, 'container zz is not valid for pod web');
    const negative = await cluster.http('GET', '/api/v1/namespaces/default/pods/web/log?tailLines=-1');
    assert.equal(negative.status, 422);
    assert.match(negative.json().message, /^PodLogOptions "web" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0/);
    const missing = await cluster.http('GET', '/api/v1/namespaces/default/pods/nope/log');
    assert.equal(missing.status, 404);
    assert.equal(missing.json().message, 'pods "nope" not found');
    // The pod in the API is one the kubelet does not know: its 404 becomes upstream's generic NotFound.
    const r = await cluster.http('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ghost' }, spec: { nodeName: NODE, containers: [{ name: 'app', image: 'busybox' }] } });
    assert.equal(r.status, 201);
    const ghost = await cluster.http('GET', '/api/v1/namespaces/default/pods/ghost/log');
    assert.equal(ghost.status, 404);
    assert.equal(ghost.json().message, 'the server could not find the requested resource ( pods/log ghost)');
  });

  test('kubectl get --raw through nodes/proxy', async () => {
    const r = await cluster.kubectl(['get', '--raw', `/api/v1/nodes/${NODE}/proxy/stats/summary`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).node.cpu.usageNanoCores, 42);
    const pods = await cluster.kubectl(['get', '--raw', `/api/v1/nodes/${NODE}/proxy/pods`]);
    assert.deepEqual(JSON.parse(pods.stdout).items.map((p: Pod) => p.metadata.name).sort(), ['multi', 'pending', 'web']);
    const healthz = await cluster.http('GET', `/api/v1/nodes/${NODE}/proxy/healthz`);
    assert.deepEqual([healthz.status, healthz.body], [200, 'ok']);
  });

  test('an upgrade the kubelet accepts is spliced through', async () => {
    const out = await rawUpgrade('/api/v1/namespaces/default/pods/web/exec?command=sh&stdin=true&stdout=true', { send: 'ping' });
    assert.match(out, /^HTTP\/1\.1 101 /);
    assert.match(out, /X-Stream-Protocol-Version: v4\.channel\.k8s\.io\r\n/i);
    assert.ok(out.endsWith('\r\n\r\nPING'), JSON.stringify(out));
    const exec = runtime.calls.find((c) => c.method === 'exec')!;
    assert.deepEqual(exec.args, { containerId: 'web-app', tty: false, stdin: true, stdout: true, stderr: false, cmd: ['sh'] });
  });

  test('a failed upgrade answers with the error and closes the connection', async () => {
    // The kubelet refuses (the container is not running): its answer comes back, then the close.
    const refused = await rawUpgrade('/api/v1/namespaces/default/pods/pending/exec?command=ls&stdout=true');
    assert.match(refused, /^HTTP\/1\.1 404 /);
    assert.match(refused, /Connection: close\r\n/);
    assert.ok(refused.endsWith('container not found ("app")'), refused);
    // The API server refuses before reaching a kubelet.
    const noContainer = await rawUpgrade('/api/v1/namespaces/default/pods/multi/exec?command=ls&stdout=true');
    assert.match(noContainer, /^HTTP\/1\.1 400 /);
    assert.match(noContainer, /a container name must be specified for pod multi, choose one of: \[a b\]"/);
    assert.ok(!noContainer.endsWith('<open>'));
    const unauthenticated = await rawUpgrade('/api/v1/namespaces/default/pods/web/exec?command=ls&stdout=true', { token: 'wrong' });
    assert.match(unauthenticated, /^HTTP\/1\.1 401 /);
    assert.ok(!unauthenticated.endsWith('<open>'));
    // Without an upgrade, exec is refused as upstream refuses it.
    const plain = await cluster.http('POST', '/api/v1/namespaces/default/pods/web/exec?command=ls&stdout=true');
    assert.equal(plain.status, 400);
    assert.equal(plain.json().message, 'Upgrade request required');
  });

  test('an upgrade to an ordinary path is served as a request', async () => {
    const out = await rawUpgrade('/version');
    assert.match(out, /^HTTP\/1\.1 200 /);
    assert.match(out, /"gitVersion"/);
    assert.ok(!out.endsWith('<open>'));
  });

  test('discovery lists the proxied subresources', async () => {
    const r = await cluster.http('GET', '/api/v1');
    const names = (r.json().resources as { name: string; verbs: string[] }[]).filter((x) => /^(pods\/(log|exec|attach|portforward)|nodes\/proxy)$/.test(x.name));
    assert.deepEqual(
      Object.fromEntries(names.map((x) => [x.name, x.verbs])),
      { 'pods/attach': ['create', 'get'], 'pods/exec': ['create', 'get'], 'pods/log': ['get'], 'pods/portforward': ['create', 'get'], 'nodes/proxy': ['create', 'delete', 'get', 'patch', 'update'] },
    );
  });
});
