// End to end: the real kubectl (get --raw, proxy, cluster-info) → services/proxy and
// pods/proxy → a local HTTP and WebSocket server standing in for a pod (at this host's own
// address: upstream refuses to proxy to loopback), registered as the pod's IP and the Service's
// endpoint.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { KUBECTL, startTestCluster, type TestCluster } from '../../test/harness.js';

let cluster: TestCluster;
let backend: Server;
let wss: WebSocketServer;
let kubectlProxy: ChildProcess | undefined;
let proxyBase = '';
let hostIP = '';
let port = 0;
const SVC = '/api/v1/namespaces/default/services';
const PODS = '/api/v1/namespaces/default/pods';

/** This host's first non-loopback IPv4 address: the stand-in pod's IP. */
function ownAddress(): string {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  throw new Error('no non-loopback IPv4 address on this host to stand in for a pod');
}

/** What the stand-in saw: method, path and query, body and the headers that matter here. */
interface Echo {
  method: string;
  url: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function serveBackend(req: IncomingMessage, res: import('node:http').ServerResponse): void {
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  req.on('end', () => {
    if (req.url === '/redirect') {
      res.writeHead(302, { Location: '/target?from=redirect' });
      return res.end();
    }
    if (req.url === '/away') {
      res.writeHead(302, { Location: 'https://example.com/elsewhere' });
      return res.end();
    }
    if (req.url === '/page' || req.url === '/page.gz') {
      // An absolute link to the backend's own address loses scheme and host too.
      const page = Buffer.from('<html><body><a href="/next">next</a> <img src="http://' + hostIP + ':' + port + '/logo.png"></body></html>');
      const gz = req.url === '/page.gz';
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...(gz ? { 'Content-Encoding': 'gzip' } : {}) });
      return res.end(gz ? gzipSync(page) : page);
    }
    if (req.url === '/status/418') {
      res.writeHead(418, { 'X-Teapot': 'yes', 'Content-Type': 'text/plain' });
      return res.end('short and stout');
    }
    const echo: Echo = { method: req.method ?? '', url: req.url ?? '', body, headers: req.headers };
    res.writeHead(200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*', 'X-Backend': 'stand-in' });
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify(echo));
  });
}

async function create(path: string, obj: unknown): Promise<any> {
  const r = await cluster.http('POST', path, obj);
  assert.equal(r.status, 201, r.body);
  return r.json();
}

/** A pod at the stand-in's address (status written as a kubelet would) and a selectorless Service whose endpoint it is. */
async function standIn(namespace: string, name: string, labels: Record<string, string> = {}): Promise<void> {
  await create(`/api/v1/namespaces/${namespace}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'busybox', ports: [{ containerPort: port }] }] } });
  const status = await cluster.http('PATCH', `/api/v1/namespaces/${namespace}/pods/${name}/status`, { status: { phase: 'Running', podIP: hostIP, podIPs: [{ ip: hostIP }] } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(status.status, 200, status.body);
  await create(`/api/v1/namespaces/${namespace}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name, labels }, spec: { ports: [{ name: 'http', port: 8000, targetPort: port }] } });
  await create(`/api/v1/namespaces/${namespace}/endpoints`, {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name },
    subsets: [{ addresses: [{ ip: hostIP, targetRef: { kind: 'Pod', namespace, name } }], ports: [{ name: 'http', port }] }],
  });
}

function startKubectlProxy(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL, ['proxy', '--port=0'], { env: { ...process.env, KUBECONFIG: cluster.kubeconfig, HOME: cluster.dataDir } });
    kubectlProxy = child;
    let out = '';
    const timer = setTimeout(() => reject(new Error(`kubectl proxy said nothing useful: ${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /Starting to serve on ([\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(`http://${m[1]}`);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', () => reject(new Error(`kubectl proxy exited: ${out}`)));
  });
}

/** Opens a WebSocket, sends one message and resolves to the first answer. */
function wsRoundTrip(url: string, options: ConstructorParameters<typeof WebSocket>[2] = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    const timer = setTimeout(() => (ws.terminate(), reject(new Error('no WebSocket answer'))), 10_000);
    ws.on('open', () => ws.send('ping through the proxy'));
    ws.on('message', (m) => {
      clearTimeout(timer);
      ws.close();
      resolve(m.toString());
    });
    ws.on('error', (e) => (clearTimeout(timer), reject(e)));
    ws.on('unexpected-response', (_req, res) => (clearTimeout(timer), reject(new Error(`upgrade refused: ${res.statusCode}`))));
  });
}

before(async () => {
  hostIP = ownAddress();
  backend = createServer(serveBackend);
  wss = new WebSocketServer({ noServer: true });
  backend.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (m) => ws.send(`${req.url} ${m.toString().toUpperCase()}`)));
  });
  await new Promise<void>((resolve) => backend.listen(0, hostIP, resolve));
  port = (backend.address() as AddressInfo).port;
  cluster = await startTestCluster();
  await standIn('default', 'standin');
  await standIn('kube-system', 'standin-info', { 'kubernetes.io/cluster-service': 'true' });
  proxyBase = await startKubectlProxy();
});

after(async () => {
  kubectlProxy?.kill('SIGTERM');
  wss?.close();
  backend?.closeAllConnections();
  await new Promise<void>((resolve) => (backend ? backend.close(() => resolve()) : resolve()));
  await cluster?.stop();
});

describe('services/proxy and pods/proxy', () => {
  test('kubectl get --raw reaches the stand-in by Service port number, port name, and through the pod', async () => {
    for (const path of [`${SVC}/standin:8000/proxy/echo?x=1&y=%2F`, `${SVC}/standin:http/proxy/echo?x=1&y=%2F`, `${PODS}/standin/proxy/echo?x=1&y=%2F`, `${PODS}/standin:${port}/proxy/echo?x=1&y=%2F`, `${PODS}/http:standin:${port}/proxy/echo?x=1&y=%2F`]) {
      const r = await cluster.kubectl(['get', '--raw', path]);
      assert.equal(r.code, 0, `${path}: ${r.stderr}`);
      const echo = JSON.parse(r.stdout) as Echo;
      assert.deepEqual([echo.method, echo.url], ['GET', '/echo?x=1&y=%2F'], path);
      // The client's credentials stay with the API server; where the request came in is passed on.
      assert.equal(echo.headers['authorization'], undefined);
      assert.equal(echo.headers['x-forwarded-uri'], path.split('?')[0]);
      assert.ok(echo.headers['x-forwarded-for'], JSON.stringify(echo.headers));
    }
  });

  test('through kubectl proxy: every method, the body, the path below /proxy/ and the status and headers back', async () => {
    const base = `${proxyBase}${SVC}/standin:8000/proxy`;
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const r = await fetch(`${base}/a/b/?q=${method}`, { method, body: `body of ${method}`, headers: { 'Content-Type': 'text/plain' } });
      assert.equal(r.status, 200, method);
      const echo = (await r.json()) as Echo;
      assert.deepEqual([echo.method, echo.url, echo.body], [method, `/a/b/?q=${method}`, `body of ${method}`]);
    }
    const head = await fetch(`${base}/h`, { method: 'HEAD' });
    assert.deepEqual([head.status, head.headers.get('x-backend')], [200, 'stand-in']);
    const options = await fetch(`${base}/o`, { method: 'OPTIONS' });
    assert.equal(((await options.json()) as Echo).method, 'OPTIONS');
    const teapot = await fetch(`${base}/status/418`);
    assert.deepEqual([teapot.status, teapot.headers.get('x-teapot'), await teapot.text()], [418, 'yes', 'short and stout']);
    // Upstream's proxy drops the backend's CORS headers.
    const plain = await fetch(`${proxyBase}${PODS}/standin/proxy/`);
    assert.equal(plain.headers.get('access-control-allow-origin'), null);
    assert.equal(((await plain.json()) as Echo).url, '/');
  });

  test('…/proxy redirects to …/proxy/; redirects on the backend are rewritten to go through the proxy', async () => {
    const bare = await fetch(`${proxyBase}${SVC}/standin:8000/proxy?x=1`, { redirect: 'manual' });
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.get('location'), `${SVC}/standin:8000/proxy/?x=1`);
    const redirect = await fetch(`${proxyBase}${SVC}/standin:8000/proxy/redirect`, { redirect: 'manual' });
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.get('location'), `${SVC}/standin:8000/proxy/target?from=redirect`);
    const followed = await fetch(`${proxyBase}${SVC}/standin:8000/proxy/redirect`);
    assert.equal(((await followed.json()) as Echo).url, '/target?from=redirect');
    const away = await fetch(`${proxyBase}${SVC}/standin:8000/proxy/away`, { redirect: 'manual' });
    assert.equal(away.headers.get('location'), 'https://example.com/elsewhere');
  });

  test('links in HTML pages are rewritten below the proxy, plain or gzipped', async () => {
    const prefix = `${SVC}/standin:8000/proxy`;
    const plain = await fetch(`${proxyBase}${prefix}/page`);
    assert.equal(await plain.text(), `<html><body><a href="${prefix}/next">next</a> <img src="${prefix}/logo.png"></body></html>`);
    const gz = await cluster.http('GET', `${prefix}/page.gz`, undefined, { 'Accept-Encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    // kubectl's client asks for gzip and unzips: the page was rewritten and zipped again.
    const raw = await cluster.kubectl(['get', '--raw', `${prefix}/page.gz`]);
    assert.equal(raw.stdout, `<html><body><a href="${prefix}/next">next</a> <img src="${prefix}/logo.png"></body></html>`);
  });

  test('a WebSocket upgrade through services/proxy and pods/proxy, from kubectl proxy and directly', async () => {
    const wsBase = proxyBase.replace(/^http/, 'ws');
    assert.equal(await wsRoundTrip(`${wsBase}${SVC}/standin:8000/proxy/socket?s=1`), '/socket?s=1 PING THROUGH THE PROXY');
    assert.equal(await wsRoundTrip(`${wsBase}${PODS}/standin/proxy/pod-socket`), '/pod-socket PING THROUGH THE PROXY');
    const direct = `wss://127.0.0.1:${cluster.cp.port}${SVC}/standin:http/proxy/direct`;
    assert.equal(await wsRoundTrip(direct, { ca: cluster.cp.caPem, headers: { Authorization: `Bearer ${cluster.cp.adminToken}` } }), '/direct PING THROUGH THE PROXY');
    // Without credentials it is system:anonymous, whom RBAC gives no proxy; a bad token is no one.
    await assert.rejects(wsRoundTrip(direct, { ca: cluster.cp.caPem }), /upgrade refused: 403/);
    await assert.rejects(wsRoundTrip(direct, { ca: cluster.cp.caPem, headers: { Authorization: 'Bearer not-a-token' } }), /upgrade refused: 401/);
  });

  test('errors as upstream words them', async () => {
    const status = async (path: string) => {
      const r = await cluster.http('GET', path);
      return [r.status, r.json().message];
    };
    assert.deepEqual(await status(`${SVC}/nope:8000/proxy/`), [404, 'services "nope" not found']);
    assert.deepEqual(await status(`${SVC}/nope:http/proxy/`), [404, 'endpoints "nope" not found']);
    assert.deepEqual(await status(`${SVC}/standin:9999/proxy/`), [503, 'no service port 9999 found for service "standin"']);
    assert.deepEqual(await status(`${SVC}/standin:admin/proxy/`), [503, 'no endpoints available for service "standin:admin"']);
    assert.deepEqual(await status(`${SVC}/a:b:c:d/proxy/`), [400, 'invalid service request "a:b:c:d"']);
    assert.deepEqual(await status(`${PODS}/nope/proxy/`), [404, 'pods "nope" not found']);
    await create(`${PODS}`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'no-ip' }, spec: { containers: [{ name: 'app', image: 'busybox' }] } });
    assert.deepEqual(await status(`${PODS}/no-ip/proxy/`), [400, 'address not allowed']);
    await create(SVC, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'empty' }, spec: { ports: [{ port: 80 }] } });
    await create('/api/v1/namespaces/default/endpoints', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'empty' } });
    assert.deepEqual(await status(`${SVC}/empty/proxy/`), [503, 'no endpoints available for service "empty"']);
    // Nothing listens on port 1 of the stand-in's address.
    assert.deepEqual(await status(`${PODS}/standin:1/proxy/`), [503, `error trying to reach service: dial tcp ${hostIP}:1: connect: connection refused`]);
    const kubectl = await cluster.kubectl(['get', '--raw', `${SVC}/standin:9999/proxy/`]);
    assert.match(kubectl.stderr, /Error from server \(ServiceUnavailable\): no service port 9999 found for service "standin"/);
    const trace = await cluster.http('TRACE', `${PODS}/standin/proxy/`);
    assert.equal(trace.status, 405);
  });

  test('kubectl cluster-info links to cluster services through the proxy, and the link answers', async () => {
    const info = await cluster.kubectl(['cluster-info']);
    assert.equal(info.code, 0, info.stderr);
    // eslint-disable-next-line no-control-regex
    const text = info.stdout.replace(/\x1b\[[0-9;]*m/g, '');
    const m = /standin-info is running at (https:\/\/\S+)/.exec(text);
    assert.ok(m, text);
    const link = new URL(m[1]!);
    assert.equal(link.pathname, '/api/v1/namespaces/kube-system/services/standin-info:http/proxy');
    // kubectl follows the redirect to …/proxy/, as a browser would.
    const raw = await cluster.kubectl(['get', '--raw', link.pathname]);
    assert.equal(raw.code, 0, raw.stderr);
    assert.equal((JSON.parse(raw.stdout) as Echo).url, '/');
    const viaProxy = await fetch(`${proxyBase}${link.pathname}`);
    assert.equal(((await viaProxy.json()) as Echo).url, '/');
  });

  test('discovery lists the proxy subresources with upstream\'s verbs and kinds', async () => {
    const r = await cluster.http('GET', '/api/v1');
    const proxies = (r.json().resources as { name: string; kind: string; verbs: string[] }[]).filter((x) => x.name.endsWith('/proxy'));
    assert.deepEqual(
      Object.fromEntries(proxies.map((x) => [x.name, [x.kind, x.verbs]])),
      {
        'pods/proxy': ['PodProxyOptions', ['create', 'delete', 'get', 'patch', 'update']],
        'services/proxy': ['ServiceProxyOptions', ['create', 'delete', 'get', 'patch', 'update']],
        'nodes/proxy': ['NodeProxyOptions', ['create', 'delete', 'get', 'patch', 'update']],
      },
    );
  });

  test('paths below a subresource that is not a proxy are not there', async () => {
    const r = await cluster.http('GET', `${PODS}/standin/status/extra`);
    assert.equal(r.status, 404);
    const trailing = await cluster.http('GET', `${PODS}/standin/status/`);
    assert.equal(trailing.status, 200);
  });
});
