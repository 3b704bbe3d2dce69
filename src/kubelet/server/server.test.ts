import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { connect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { KeyPair } from '../../util/key-pair.js';
import { createCa, issueCert } from '../../util/pki.js';
import { encodeCriLogLine } from '../logs/cri-log.js';
import { containerLogPath } from '../logs/paths.js';
import type { SubjectAccessReviewSpec } from '../../api/authorization/v1/types.js';
import { RestClient } from '../../client/rest.js';
import { startTestCluster, type TestCluster } from '../../test/harness.js';
import { KubeletRequestAuthenticator, SubjectAccessReviewAuthorizer, TokenReviewAuthenticator, X509RequestAuthenticator } from './auth/index.js';
import { apiBackedAuth, ensureKubeletServingCert, startKubeletServer, type KubeletServer, type RemoteCommandOptions } from './index.js';
import { FakeKubeletRuntime } from './testing/fake-runtime.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-kubelet-server-'));
const logsDir = join(dir, 'logs');
let ca: KeyPair;
let client: KeyPair;
let nobody: KeyPair;
let statsReader: KeyPair;
let server: KubeletServer;
const runtime = new FakeKubeletRuntime();
const pods = new Map<string, Pod>();
const streamed: { url: string; opts: RemoteCommandOptions | { backendUrl: string }; head: number }[] = [];

function pod(name: string, containers: string[], statuses: Record<string, unknown>[]): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: { nodeName: 'n1', containers: containers.map((c) => ({ name: c, image: 'busybox' })) },
    status: { phase: 'Running', containerStatuses: statuses as never },
  };
}

interface Res {
  status: number;
  body: string;
  headers: IncomingMessage['headers'];
}

/**
 * The fake API server's policy: the API server's identity may do anything, stats-reader only
 * nodes/stats, the ServiceAccount behind `sa-token` nodes/proxy; nobody else anything.
 */
const reviews: SubjectAccessReviewSpec[] = [];
function policy(spec: SubjectAccessReviewSpec): boolean {
  const a = spec.resourceAttributes ?? {};
  if (a.resource !== 'nodes' || a.name !== 'n1') return false;
  if (spec.user === 'kube-apiserver-kubelet-client') return true;
  if (spec.user === 'stats-reader') return a.subresource === 'stats';
  if (spec.user === 'system:serviceaccount:default:reader') return a.subresource === 'proxy';
  return false;
}
const tokenReviews: string[] = [];

function get(path: string, opts: { cert?: KeyPair | null; headers?: Record<string, string>; to?: KubeletServer } = {}): Promise<Res> {
  const cert = opts.cert === undefined ? client : opts.cert;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: (opts.to ?? server).port, path, headers: opts.headers, rejectUnauthorized: false, ...(cert ? { cert: cert.cert, key: cert.key } : {}) }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends an upgrade request over raw TLS and returns everything the server wrote until it closed (or 1 s passed). */
function rawUpgrade(path: string, opts: { cert?: KeyPair | null; headers?: string; to?: KubeletServer } = {}): Promise<string> {
  const cert = opts.cert === undefined ? client : opts.cert;
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: (opts.to ?? server).port, rejectUnauthorized: false, ...(cert ? { cert: cert.cert, key: cert.key } : {}), ALPNProtocols: ['http/1.1'] }, () => {
      s.write(`POST ${path} HTTP/1.1\r\nHost: kubelet\r\n${opts.headers ?? ''}Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n`);
    });
    let out = '';
    s.on('data', (d: Buffer) => (out += d.toString()));
    s.on('error', reject);
    s.on('close', () => resolve(out));
    setTimeout(() => {
      s.destroy();
      resolve(`${out}<still open>`);
    }, 1000).unref();
  });
}

const T0 = Date.UTC(2024, 2, 3, 4, 5, 6);
const appLog = containerLogPath(logsDir, 'default', 'web', 'uid-web', 'app', 1);
const appPrevLog = containerLogPath(logsDir, 'default', 'web', 'uid-web', 'app', 0);

before(async () => {
  ca = await createCa('test-cluster-ca');
  client = await issueCert(ca, { commonName: 'kube-apiserver-kubelet-client', organization: 'system:masters', usage: 'client' });
  nobody = await issueCert(ca, { commonName: 'nobody', organization: 'devs', usage: 'client' });
  statsReader = await issueCert(ca, { commonName: 'stats-reader', usage: 'client' });
  const tls = await ensureKubeletServingCert(join(dir, 'tls'), 'n1', ['127.0.0.1']);
  mkdirSync(join(appLog, '..'), { recursive: true });
  writeFileSync(appLog, [encodeCriLogLine(T0, 'stdout', 'hello'), encodeCriLogLine(T0 + 1000, 'stderr', 'oops'), encodeCriLogLine(T0 + 2000, 'stdout', 'bye')].join(''));
  writeFileSync(appPrevLog, encodeCriLogLine(T0 - 60_000, 'stdout', 'from the previous attempt'));
  runtime.addSandbox('sb-web', { name: 'web', namespace: 'default', uid: 'uid-web' });
  runtime.addContainer('c-app-1', 'sb-web', 'app', appLog, 'CONTAINER_RUNNING', 1);
  pods.set(
    'default/web',
    pod('web', ['app'], [
      { name: 'app', ready: true, restartCount: 1, image: 'busybox', imageID: '', containerID: 'containerd://c-app-1', state: { running: { startedAt: 'x' } }, lastState: { terminated: { exitCode: 1, containerID: 'containerd://c-app-0' } } },
    ]),
  );
  pods.set('default/pending', pod('pending', ['app'], [{ name: 'app', ready: false, restartCount: 0, image: 'busybox', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }]));
  pods.set('default/pulling', pod('pulling', ['app'], [{ name: 'app', ready: false, restartCount: 0, image: 'busybox', imageID: '', state: { waiting: { reason: 'ImagePullBackOff' } } }]));
  server = await startKubeletServer({
    port: 0,
    host: '127.0.0.1',
    tls,
    clientCaPem: ca.cert,
    auth: {
      authenticator: new KubeletRequestAuthenticator(
        new X509RequestAuthenticator(ca.cert),
        new TokenReviewAuthenticator({
          review: async (token) => {
            tokenReviews.push(token);
            return token === 'sa-token' ? { authenticated: true, user: { username: 'system:serviceaccount:default:reader', groups: ['system:serviceaccounts', 'system:authenticated'] } } : { authenticated: false };
          },
        }),
      ),
      authorizer: new SubjectAccessReviewAuthorizer({
        review: async (spec) => {
          reviews.push(spec);
          return { allowed: policy(spec) };
        },
      }),
    },
    deps: {
      nodeName: 'n1',
      runtime,
      getPod: (ns, name) => pods.get(`${ns}/${name}`),
      listPods: () => [...pods.values()],
      logsDir,
      stats: { summary: async (only) => ({ node: { nodeName: only ? 'n1-small' : 'n1' }, pods: [] }) },
      streaming: {
        handleRemoteCommand: (req: IncomingMessage, socket: Duplex, head: Buffer, o: RemoteCommandOptions) => {
          streamed.push({ url: req.url ?? '', opts: o, head: head.length });
          socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\nstreamed');
        },
        handlePortForward: (req: IncomingMessage, socket: Duplex, head: Buffer, o: { backendUrl: string }) => {
          streamed.push({ url: req.url ?? '', opts: o, head: head.length });
          socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\nforwarded');
        },
      },
    },
  });
});

after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('kubelet server', () => {
  test('healthz and pods', async () => {
    const h = await get('/healthz');
    assert.equal(h.status, 200);
    assert.equal(h.body, 'ok');
    const p = await get('/pods');
    assert.equal(p.status, 200);
    const list = JSON.parse(p.body);
    assert.equal(list.kind, 'PodList');
    assert.deepEqual(list.items.map((x: Pod) => x.metadata.name).sort(), ['pending', 'pulling', 'web']);
  });

  test('no credential, a stranger\'s certificate or an unknown token is a 401', async () => {
    const none = await get('/healthz', { cert: null });
    assert.deepEqual([none.status, none.body], [401, 'Unauthorized']);
    const otherCa = await createCa('someone-else');
    const stranger = await issueCert(otherCa, { commonName: 'kube-apiserver-kubelet-client', usage: 'client' });
    assert.deepEqual([(await get('/healthz', { cert: stranger })).status, (await get('/containerLogs/default/web/app', { cert: stranger })).status], [401, 401]);
    const serverOnly = await issueCert(ca, { commonName: 'kube-apiserver-kubelet-client', usage: 'server' });
    assert.equal((await get('/pods', { cert: serverOnly })).status, 401);
    const expired = await issueCert(ca, { commonName: 'kube-apiserver-kubelet-client', usage: 'client', days: 1 }, Date.now() - 3 * 24 * 3600_000);
    assert.equal((await get('/pods', { cert: expired })).status, 401);
    for (const authorization of ['Bearer nope', 'Bearer', 'Basic YTpi', 'Bearer  x', `Bearer ${'x'.repeat(8000)}`, '\u00ff\u00fe']) {
      assert.equal((await get('/pods', { cert: null, headers: { authorization } })).status, 401, authorization.slice(0, 20));
    }
    assert.match(await rawUpgrade('/exec/default/web/app?command=ls&output=1', { cert: null }), /^HTTP\/1\.1 401 [^]*Unauthorized$/);
    // A stranger's certificate does not stop a good token, as upstream's union of authenticators.
    assert.equal((await get('/containerLogs/default/web/app', { cert: stranger, headers: { authorization: 'Bearer sa-token' } })).status, 200);
  });

  test('a user without nodes/proxy is refused logs with upstream\'s text', async () => {
    const r = await get('/containerLogs/default/web/app', { cert: nobody });
    assert.deepEqual([r.status, r.body], [403, 'Forbidden (user=nobody, verb=get, resource=nodes, subresource(s)=[proxy])\n']);
    const last = reviews.at(-1)!;
    assert.deepEqual(last, { user: 'nobody', groups: ['devs'], resourceAttributes: { verb: 'get', version: 'v1', resource: 'nodes', subresource: 'proxy', name: 'n1' } });
    // Fine-grained subresources are tried first, then proxy; the refusal names both.
    const pods = await get('/pods', { cert: nobody });
    assert.deepEqual([pods.status, pods.body], [403, 'Forbidden (user=nobody, verb=get, resource=nodes, subresource(s)=[pods proxy])\n']);
    const exec = await rawUpgrade('/exec/default/web/app?command=ls&output=1', { cert: nobody });
    assert.match(exec, /^HTTP\/1\.1 403 [^]*Forbidden \(user=nobody, verb=create, resource=nodes, subresource\(s\)=\[proxy\]\)\n$/);
  });

  test('nodes/stats opens /stats/summary and nothing else', async () => {
    const s = await get('/stats/summary', { cert: statsReader });
    assert.equal(s.status, 200);
    assert.equal(JSON.parse(s.body).node.nodeName, 'n1');
    assert.equal((await get('/containerLogs/default/web/app', { cert: statsReader })).status, 403);
    assert.equal((await get('/healthz', { cert: statsReader })).status, 403);
    // Answers are cached: asking again sends no new review.
    const before = reviews.length;
    assert.equal((await get('/stats/summary', { cert: statsReader })).status, 200);
    assert.equal(reviews.length, before);
  });

  test('a bearer token with nodes/proxy reads logs but cannot exec, attach or port-forward', async () => {
    const headers = { authorization: 'Bearer sa-token' };
    const logs = await get('/containerLogs/default/web/app', { cert: null, headers });
    assert.deepEqual([logs.status, logs.body], [200, 'hello\noops\nbye\n']);
    streamed.length = 0;
    for (const path of ['/exec/default/web/app?command=ls&output=1', '/attach/default/web/app?output=1', '/portForward/default/web?port=80']) {
      const out = await rawUpgrade(path, { cert: null, headers: 'Authorization: Bearer sa-token\r\n' });
      assert.match(out, /^HTTP\/1\.1 403 [^]*Forbidden \(user=system:serviceaccount:default:reader, verb=create, resource=nodes, subresource\(s\)=\[proxy\]\): exec, attach and port-forward require a client certificate\n$/, path);
    }
    assert.equal(streamed.length, 0);
    // One review per token for the cache's lifetime, and never a token in the access reviews.
    assert.equal(tokenReviews.filter((t) => t === 'sa-token').length, 1);
    assert.ok(!JSON.stringify(reviews).includes('sa-token'));
  });

  test('container logs: whole, tail with timestamps, previous, limit', async () => {
    const all = await get('/containerLogs/default/web/app');
    assert.equal(all.status, 200);
    assert.equal(all.body, 'hello\noops\nbye\n');
    const tail = await get('/containerLogs/default/web/app?tailLines=1&timestamps=true');
    assert.equal(tail.body, '2024-03-03T04:05:08.000000000Z bye\n');
    // The legacy `tail` parameter.
    assert.equal((await get('/containerLogs/default/web/app?tail=2')).body, 'oops\nbye\n');
    assert.equal((await get('/containerLogs/default/web/app?tail=all')).body, 'hello\noops\nbye\n');
    // c-app-0 is gone from the runtime: the previous attempt's file is found by the layout.
    const prev = await get('/containerLogs/default/web/app?previous=true');
    assert.equal(prev.status, 200);
    assert.equal(prev.body, 'from the previous attempt\n');
    assert.equal((await get('/containerLogs/default/web/app?limitBytes=8')).body, 'hello\noo');
    assert.equal((await get(`/containerLogs/default/web/app?sinceTime=${encodeURIComponent('2024-03-03T04:05:07Z')}`)).body, 'oops\nbye\n');
  });

  test('container logs: refusals as upstream words them', async () => {
    const noPod = await get('/containerLogs/default/nope/app');
    assert.deepEqual([noPod.status, noPod.body], [404, 'pod "nope" does not exist']);
    const noContainer = await get('/containerLogs/default/web/db');
    assert.deepEqual([noContainer.status, noContainer.body], [404, 'container "db" not found in pod "web"']);
    const waiting = await get('/containerLogs/default/pending/app');
    assert.deepEqual([waiting.status, waiting.body], [400, 'container "app" in pod "pending" is waiting to start: ContainerCreating']);
    const pulling = await get('/containerLogs/default/pulling/app');
    assert.deepEqual([pulling.status, pulling.body], [400, 'container "app" in pod "pulling" is waiting to start: trying and failing to pull image']);
    const noPrev = await get('/containerLogs/default/pending/app?previous=true');
    assert.deepEqual([noPrev.status, noPrev.body], [400, 'previous terminated container "app" in pod "pending" not found']);
    const bad = await get('/containerLogs/default/web/app?tailLines=-1');
    assert.deepEqual([bad.status, bad.body], [422, '{"message": "Invalid request."}']);
    const undecodable = await get('/containerLogs/default/web/app?follow=maybe');
    assert.equal(undecodable.status, 400);
    assert.equal((await get('/containerLogs/default/web')).status, 400);
    assert.equal((await get('/nothing/here')).status, 404);
  });

  test('follow streams until the container stops running', async () => {
    const chunks: string[] = [];
    let ended = false;
    const done = new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/containerLogs/default/web/app?follow=true&tailLines=0', rejectUnauthorized: false, cert: client.cert, key: client.key }, (res) => {
        res.on('data', (d: Buffer) => chunks.push(d.toString()));
        res.on('end', () => {
          ended = true;
          resolve(res.statusCode ?? 0);
        });
      });
      req.on('error', reject);
      req.end();
    });
    await new Promise((r) => setTimeout(r, 200));
    appendFileSync(appLog, encodeCriLogLine(Date.now(), 'stdout', 'live'));
    const deadline = Date.now() + 5000;
    while (!chunks.join('').includes('live') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(chunks.join(''), 'live\n');
    assert.equal(ended, false);
    const c = runtime.containers.find((x) => x.id === 'c-app-1')!;
    appendFileSync(appLog, encodeCriLogLine(Date.now(), 'stdout', 'final words'));
    c.state = 'CONTAINER_EXITED';
    try {
      assert.equal(await done, 200);
      assert.equal(chunks.join(''), 'live\nfinal words\n');
    } finally {
      c.state = 'CONTAINER_RUNNING';
    }
  });

  test('stats summary', async () => {
    const s = await get('/stats/summary');
    assert.equal(s.status, 200);
    assert.equal(JSON.parse(s.body).node.nodeName, 'n1');
    assert.equal(JSON.parse((await get('/stats/summary?only_cpu_and_memory=true')).body).node.nodeName, 'n1-small');
  });

  test('exec, attach and portForward hand the connection to the streaming handlers', async () => {
    streamed.length = 0;
    runtime.calls.length = 0;
    const out = await rawUpgrade('/exec/default/web/app?command=sh&command=-c&command=echo%20hi&input=1&output=1&error=1');
    assert.match(out, /^HTTP\/1\.1 101 /);
    assert.match(out, /streamed$/);
    assert.deepEqual(runtime.calls[0], { method: 'exec', args: { containerId: 'c-app-1', tty: false, stdin: true, stdout: true, stderr: true, cmd: ['sh', '-c', 'echo hi'] } });
    assert.deepEqual(streamed[0]!.opts, { kind: 'exec', backendUrl: 'http://127.0.0.1:1/exec/c-app-1', stdin: true, stdout: true, stderr: true, tty: false });
    // Attach follows the container's tty, whatever the client asked (upstream's GetAttach); a tty drops stderr.
    const app = pods.get('default/web')!.spec!.containers[0]!;
    app.tty = true;
    try {
      await rawUpgrade('/attach/default/web/app?input=1&output=1&error=1');
    } finally {
      delete app.tty;
    }
    assert.deepEqual(streamed[1]!.opts, { kind: 'attach', backendUrl: 'http://127.0.0.1:1/attach/c-app-1', stdin: true, stdout: true, stderr: false, tty: true });
    assert.deepEqual(runtime.calls[1], { method: 'attach', args: { containerId: 'c-app-1', tty: true, stdin: true, stdout: true, stderr: false } });
    const pf = await rawUpgrade('/portForward/default/web?port=8080');
    assert.match(pf, /forwarded$/);
    assert.deepEqual(runtime.calls[2], { method: 'portForward', args: { podSandboxId: 'sb-web', ports: [8080] } });
    // A container without a terminal gets none, even when the client asks for one.
    await rawUpgrade('/attach/default/web/app?input=1&output=1&error=1&tty=1');
    assert.deepEqual(runtime.calls[3], { method: 'attach', args: { containerId: 'c-app-1', tty: false, stdin: true, stdout: true, stderr: true } });
  });

  test('failed upgrades are refused with an error and the connection closed', async () => {
    const noPod = await rawUpgrade('/exec/default/nope/app?command=ls&output=1');
    assert.match(noPod, /^HTTP\/1\.1 404 /);
    assert.match(noPod, /pod does not exist$/);
    const notRunning = await rawUpgrade('/exec/default/pending/app?command=ls&output=1');
    assert.match(notRunning, /^HTTP\/1\.1 404 /);
    assert.match(notRunning, /container not found \("app"\)$/);
    const noStreams = await rawUpgrade('/exec/default/web/app?command=ls');
    assert.match(noStreams, /^HTTP\/1\.1 400 [^]*you must specify at least 1 of stdin, stdout, stderr$/);
    const notAStream = await rawUpgrade('/healthz');
    assert.match(notAStream, /^HTTP\/1\.1 404 /);
    // Without an upgrade, stream paths say so.
    const plain = await get('/exec/default/web/app?command=ls&output=1');
    assert.deepEqual([plain.status, plain.body], [400, 'Upgrade request required']);
  });

  test('the serving certificate is kept across restarts and reissued for new addresses', async () => {
    const a = await ensureKubeletServingCert(join(dir, 'tls'), 'n1', ['127.0.0.1']);
    assert.equal(a.cert, readFileSync(join(dir, 'tls', 'kubelet.crt'), 'utf8'));
    const b = await ensureKubeletServingCert(join(dir, 'tls'), 'n1', ['127.0.0.1']);
    assert.equal(a.cert, b.cert);
    const c = await ensureKubeletServingCert(join(dir, 'tls'), 'n1', ['127.0.0.1', '10.1.2.3']);
    assert.notEqual(c.cert, a.cert);
  });
});

// The same server against a real API server under Node,RBAC: reviews sent as the node itself
// (system:node:n1), the API server's kubelet-client identity bound to system:kubelet-api-admin,
// and a ServiceAccount bound to nodes/proxy.
describe('kubelet server against a real API server', () => {
  let c: TestCluster;
  let kubelet: KubeletServer;
  let nodeClient: RestClient;
  let apiserverCert: KeyPair;
  let strangerCert: KeyPair;
  let saToken = '';

  before(async () => {
    c = await startTestCluster({ authorizationMode: 'Node,RBAC' });
    const clusterCa = { cert: c.cp.ca.cert, key: c.cp.ca.key };
    const nodeCert = await issueCert(clusterCa, { commonName: 'system:node:n1', organization: 'system:nodes', usage: 'client' });
    apiserverCert = await issueCert(clusterCa, { commonName: 'kube-apiserver-kubelet-client', usage: 'client' });
    strangerCert = await issueCert(clusterCa, { commonName: 'mallory', usage: 'client' });
    nodeClient = new RestClient({ server: c.cp.url, caPem: c.cp.caPem, certPem: nodeCert.cert, keyPem: nodeCert.key }, 'kubelet/n1');
    const objects = [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'log-reader', namespace: 'default' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'node-proxy' }, rules: [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get', 'create'] }] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'log-reader-node-proxy' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'node-proxy' }, subjects: [{ kind: 'ServiceAccount', name: 'log-reader', namespace: 'default' }] },
    ];
    for (const o of objects) {
      const r = await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify(o) });
      assert.equal(r.code, 0, r.stderr);
    }
    const tok = await c.kubectl(['create', 'token', 'log-reader']);
    assert.equal(tok.code, 0, tok.stderr);
    saToken = tok.stdout.trim();
    kubelet = await startKubeletServer({
      port: 0,
      host: '127.0.0.1',
      tls: await ensureKubeletServingCert(join(dir, 'tls-e2e'), 'n1', ['127.0.0.1']),
      clientCaPem: c.cp.caPem,
      auth: apiBackedAuth({ clientCaPem: c.cp.caPem, client: nodeClient }),
      deps: {
        nodeName: 'n1',
        runtime,
        getPod: (ns, name) => pods.get(`${ns}/${name}`),
        listPods: () => [...pods.values()],
        logsDir,
        stats: { summary: async () => ({ node: { nodeName: 'n1' }, pods: [] }) },
        streaming: {
          handleRemoteCommand: (_req: IncomingMessage, socket: Duplex) => socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\nstreamed'),
          handlePortForward: (_req: IncomingMessage, socket: Duplex) => socket.destroy(),
        },
      },
    });
  });

  after(async () => {
    await kubelet?.stop();
    nodeClient?.close();
    await c?.stop();
  });

  test('the API server\'s identity reads logs and execs; a stranger is refused; no credential is a 401', async () => {
    const logs = await get('/containerLogs/default/web/app?tailLines=1', { cert: apiserverCert, to: kubelet });
    assert.equal(logs.status, 200, logs.body);
    const exec = await rawUpgrade('/exec/default/web/app?command=ls&output=1', { cert: apiserverCert, to: kubelet });
    assert.match(exec, /^HTTP\/1\.1 101 [^]*streamed$/);
    const denied = await get('/containerLogs/default/web/app', { cert: strangerCert, to: kubelet });
    assert.deepEqual([denied.status, denied.body], [403, 'Forbidden (user=mallory, verb=get, resource=nodes, subresource(s)=[proxy])\n']);
    assert.equal((await get('/stats/summary', { cert: null, to: kubelet })).status, 401);
  });

  test('a ServiceAccount token with nodes/proxy reads logs but cannot exec', async () => {
    const headers = { authorization: `Bearer ${saToken}` };
    const logs = await get('/containerLogs/default/web/app?tailLines=1', { cert: null, headers, to: kubelet });
    assert.equal(logs.status, 200, logs.body);
    const exec = await rawUpgrade('/exec/default/web/app?command=ls&output=1', { cert: null, headers: `Authorization: Bearer ${saToken}\r\n`, to: kubelet });
    assert.match(exec, /^HTTP\/1\.1 403 [^]*require a client certificate\n$/);
    // nodes/stats is not in its role.
    const stats = await get('/stats/summary', { cert: null, headers, to: kubelet });
    assert.deepEqual([stats.status, stats.body], [403, 'Forbidden (user=system:serviceaccount:default:log-reader, verb=get, resource=nodes, subresource(s)=[stats])\n']);
    assert.equal((await get('/stats/summary', { cert: null, headers: { authorization: 'Bearer not-a-token' }, to: kubelet })).status, 401);
  });
});
