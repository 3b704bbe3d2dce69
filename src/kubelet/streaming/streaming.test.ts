import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { once } from 'node:events';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { SpdySession, type SpdyStream } from '../../util/spdy/session.js';
import { handleRemoteCommand } from './remote-command.js';
import { handlePortForward } from './port-forward.js';
import { startFakeRuntime, type FakeRuntime } from './testing/fake-runtime.js';
import { echoRoundTrip, startKubectlApi, type KubectlApi } from './testing/kubectl-api.js';

// A tiny stand-in for the API server → kubelet path (./testing/kubectl-api.ts): HTTPS, the pod
// GET kubectl makes first, and the exec/attach/portforward subresources routed to the handlers
// under test.
let runtime: FakeRuntime;
let api: KubectlApi;
let port: number;

const POD = {
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: { name: 'p', namespace: 'ns', uid: '6a1c2b3d-0000-4000-8000-000000000001', resourceVersion: '1' },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
  status: { phase: 'Running', containerStatuses: [{ name: 'c', ready: true, restartCount: 0, image: 'busybox', imageID: '', state: { running: {} } }] },
};

before(async () => {
  runtime = await startFakeRuntime();
  api = await startKubectlApi({
    pod: POD,
    onUpgrade: (req, socket, head, url) => {
      const flag = (n: string): boolean => url.searchParams.get(n) === 'true' || url.searchParams.get(n) === '1';
      if (url.pathname === '/api/v1/namespaces/ns/pods/p/exec' || url.pathname === '/api/v1/namespaces/ns/pods/p/attach') {
        const o = { stdin: flag('stdin'), stdout: flag('stdout'), stderr: flag('stderr'), tty: flag('tty') };
        const cmd = url.searchParams.getAll('command');
        const backendUrl = url.searchParams.get('backend') === 'refused' ? runtime.exec({ cmd: ['true'], ...o }).replace(/exec\/\w+/, 'exec/unknown') : runtime.exec({ cmd, ...o });
        void handleRemoteCommand(req, socket, head, { kind: url.pathname.endsWith('exec') ? 'exec' : 'attach', backendUrl, ...o });
      } else if (url.pathname === '/api/v1/namespaces/ns/pods/p/portforward') {
        const ports = url.searchParams.getAll('ports').flatMap((p) => p.split(',')).map(Number);
        void handlePortForward(req, socket, head, { backendUrl: runtime.portForward(), ports });
      } else {
        socket.destroy();
      }
    },
  });
  port = api.port;
});

after(async () => {
  await api?.close();
  await runtime?.close();
});

function execPath(cmd: string[], o: { stdin?: boolean; tty?: boolean; extra?: string } = {}): string {
  const q = new URLSearchParams();
  for (const c of cmd) q.append('command', c);
  q.set('container', 'c');
  if (o.stdin) q.set('stdin', 'true');
  q.set('stdout', 'true');
  if (!o.tty) q.set('stderr', 'true');
  if (o.tty) q.set('tty', 'true');
  return `/api/v1/namespaces/ns/pods/p/exec?${q}${o.extra ?? ''}`;
}

interface WsResult {
  first: Buffer;
  channels: Map<number, Buffer>;
  closeCode: number;
}

async function wsExec(path: string, protocol: string, input: (ws: WebSocket) => void): Promise<WsResult> {
  const ws = new WebSocket(`wss://127.0.0.1:${port}${path}`, [protocol], { rejectUnauthorized: false });
  const messages: Buffer[] = [];
  ws.on('message', (d: Buffer) => messages.push(d));
  await once(ws, 'open');
  assert.equal(ws.protocol, protocol);
  input(ws);
  const [code] = (await once(ws, 'close')) as [number];
  const channels = new Map<number, Buffer>();
  for (const m of messages) channels.set(m[0]!, Buffer.concat([channels.get(m[0]!) ?? Buffer.alloc(0), m.subarray(1)]));
  return { first: messages[0]!, channels, closeCode: code };
}

test('WebSocket v5 exec: stdin with half-close, stdout, stderr, and the exit code on the error channel', async () => {
  const r = await wsExec(execPath(['sh', '-c', 'cat; echo oops >&2; exit 3'], { stdin: true }), 'v5.channel.k8s.io', (ws) => {
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('hello ')]));
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.alloc(200_000, 'x')]));
    ws.send(Buffer.from([255, 0]));
  });
  assert.deepEqual([...r.first], [1], 'an empty stdout message announces the connection');
  assert.equal(r.channels.get(1)!.toString(), 'hello ' + 'x'.repeat(200_000));
  assert.equal(r.channels.get(2)!.toString(), 'oops\n');
  const status = JSON.parse(r.channels.get(3)!.toString());
  assert.equal(status.status, 'Failure');
  assert.equal(status.reason, 'NonZeroExitCode');
  assert.deepEqual(status.details.causes, [{ reason: 'ExitCode', message: '3' }]);
  assert.equal(r.closeCode, 1000);
});

test('WebSocket v4 exec with a tty forwards resize messages and reports success', async () => {
  const r = await wsExec(execPath(['sh', '-c', 'sleep 0.3; echo done'], { tty: true }), 'v4.channel.k8s.io', (ws) => {
    ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":100,"Height":40}')]));
  });
  assert.equal(r.channels.get(1)!.toString(), 'done\n');
  assert.deepEqual(JSON.parse(r.channels.get(3)!.toString()), { metadata: {}, status: 'Success' });
  assert.ok(runtime.resizes.includes('{"Width":100,"Height":40}'));
});

/** A channel-protocol session: every message decoded by the protocol's codec, in order. */
async function wsChannelSession(path: string, protocols: string[], input: (ws: WebSocket) => void): Promise<{ protocol: string; messages: { channel: number; data: Buffer; text: boolean }[]; closeCode: number }> {
  const ws = new WebSocket(`wss://127.0.0.1:${port}${path}`, protocols, { rejectUnauthorized: false });
  const messages: { channel: number; data: Buffer; text: boolean }[] = [];
  ws.on('message', (d: Buffer, isBinary: boolean) => {
    const base64 = ws.protocol.includes('base64');
    messages.push(base64 ? { channel: d[0]! - 48, data: Buffer.from(d.subarray(1).toString(), 'base64'), text: !isBinary } : { channel: d[0]!, data: d.subarray(1), text: !isBinary });
  });
  await once(ws, 'open');
  const protocol = ws.protocol;
  input(ws);
  const [closeCode] = (await once(ws, 'close')) as [number];
  return { protocol, messages, closeCode };
}

function joined(messages: { channel: number; data: Buffer }[], channel: number): string {
  return Buffer.concat(messages.filter((m) => m.channel === channel).map((m) => m.data)).toString();
}

test('stdin sent in text frames reaches the command (the Python client writes strings as text)', async () => {
  const r = await wsChannelSession(execPath(['sh', '-c', 'head -n1; echo err >&2; exit 2'], { stdin: true }), ['v4.channel.k8s.io'], (ws) => ws.send('\u0000echo test string 1\n'));
  assert.equal(r.protocol, 'v4.channel.k8s.io');
  assert.equal(joined(r.messages, 1), 'echo test string 1\n');
  assert.equal(joined(r.messages, 2), 'err\n');
  const status = JSON.parse(joined(r.messages, 3));
  assert.equal(status.reason, 'NonZeroExitCode');
  assert.deepEqual(status.details.causes, [{ reason: 'ExitCode', message: '2' }]);
});

for (const [protocol, v4] of [
  ['v4.base64.channel.k8s.io', true],
  ['base64.channel.k8s.io', false],
  ['channel.k8s.io', false],
] as const) {
  test(`WebSocket ${protocol} exec: stdin, stdout, stderr and the ${v4 ? 'Status' : 'text'} on the error channel`, async () => {
    const base64 = protocol.includes('base64');
    const stdin = base64 ? '0' + Buffer.from('line one\n').toString('base64') : Buffer.concat([Buffer.from([0]), Buffer.from('line one\n')]);
    const r = await wsChannelSession(execPath(['sh', '-c', 'head -n1; echo oops >&2; exit 3'], { stdin: true }), [protocol], (ws) => ws.send(stdin));
    assert.equal(r.protocol, protocol);
    assert.ok(r.messages.every((m) => m.text === base64), 'base64 protocols answer in text frames, binary ones in binary frames');
    assert.equal(joined(r.messages, 1), 'line one\n');
    assert.equal(joined(r.messages, 2), 'oops\n');
    const error = joined(r.messages, 3);
    if (v4) assert.deepEqual(JSON.parse(error).details.causes, [{ reason: 'ExitCode', message: '3' }]);
    else assert.equal(error, 'error executing command [sh -c head -n1; echo oops >&2; exit 3], exit code 3');
    assert.equal(r.closeCode, 1000);
  });
}

/** An HTTP server on loopback, the pod-side port for the port-forward tests. */
async function pageServer(body: string): Promise<{ port: number; close(): void }> {
  const { createServer } = await import('node:http');
  const server = createServer((_req, res) => res.end(body));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, close: () => server.close() };
}

for (const [name, offered, chosen] of [
  ['v4.channel.k8s.io', ['v4.channel.k8s.io'], 'v4.channel.k8s.io'],
  ['v4.base64.channel.k8s.io', ['v4.base64.channel.k8s.io'], 'v4.base64.channel.k8s.io'],
  ['portforward.k8s.io', ['portforward.k8s.io'], 'portforward.k8s.io'],
  ['no subprotocol', [], ''],
  ['the JavaScript client offer (v5 first)', ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'], 'v4.channel.k8s.io'],
] as const) {
  test(`WebSocket port-forward over ${name}: port numbers first, then the page on the data channel`, async () => {
    const page = await pageServer('hello from the pod');
    try {
      const base64 = chosen.includes('base64');
      const request = Buffer.from('GET / HTTP/1.1\r\nHost: pod\r\nConnection: close\r\n\r\n');
      const r = await wsChannelSession(`/api/v1/namespaces/ns/pods/p/portforward?ports=${page.port}`, [...offered], (ws) => ws.send(base64 ? '0' + request.toString('base64') : Buffer.concat([Buffer.from([0]), request])));
      assert.equal(r.protocol, chosen);
      const portBytes = [page.port & 0xff, page.port >> 8];
      const first = (ch: number) => [...r.messages.find((m) => m.channel === ch)!.data];
      assert.deepEqual(first(0), portBytes);
      assert.deepEqual(first(1), portBytes);
      const data = Buffer.concat(r.messages.filter((m) => m.channel === 0).slice(1).map((m) => m.data)).toString();
      assert.match(data, /^HTTP\/1\.1 200 OK\r\n/);
      assert.ok(data.endsWith('hello from the pod'), data);
      assert.equal(joined(r.messages.filter((m) => m.channel !== 1 || m.data.length !== 2), 1), '');
      assert.equal(r.closeCode, 1000, 'the WebSocket closes once the connection in the pod has');
    } finally {
      page.close();
    }
  });
}

test('WebSocket port-forward without a port is refused', async () => {
  const text = await rawUpgrade('/api/v1/namespaces/ns/pods/p/portforward', { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'v4.channel.k8s.io' });
  assert.match(text, /^HTTP\/1\.1 400 /);
  assert.match(text, /query parameter \\"port\\" is required/);
});

/** Sends a raw upgrade request and returns everything the server wrote until it closed the connection. */
async function rawUpgrade(path: string, headers: Record<string, string>): Promise<string> {
  const socket = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
  await once(socket, 'secureConnect');
  const lines = [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''];
  socket.write(lines.join('\r\n'));
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([once(socket, 'close'), new Promise((_, rej) => (timer = setTimeout(() => rej(new Error('server left the connection open')), 10_000)))]);
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}

test('failed upgrades answer an HTTP error and close the connection', async () => {
  const before = runtime.upgrades;
  const ws = { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' };
  const badProtocol = await rawUpgrade(execPath(['true']), { ...ws, 'Sec-WebSocket-Protocol': 'v9.channel.k8s.io' });
  assert.match(badProtocol, /^HTTP\/1\.1 400 /);
  assert.match(badProtocol, /"reason":"BadRequest"/);
  const spdyNoProtocol = await rawUpgrade(execPath(['true']), { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v9.channel.k8s.io' });
  assert.match(spdyNoProtocol, /^HTTP\/1\.1 403 /);
  assert.equal(runtime.upgrades, before, 'refused clients never reach the runtime');
  const refusedByRuntime = await rawUpgrade(execPath(['true'], { extra: '&backend=refused' }), { ...ws, 'Sec-WebSocket-Protocol': 'v5.channel.k8s.io' });
  assert.match(refusedByRuntime, /^HTTP\/1\.1 500 /);
  assert.match(refusedByRuntime, /unable to upgrade connection: not found/);
  const refusedSpdy = await rawUpgrade(execPath(['true'], { extra: '&backend=refused' }), { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' });
  assert.match(refusedSpdy, /^HTTP\/1\.1 500 /);
  const notUpgrade = await rawUpgrade('/api/v1/namespaces/ns/pods/p/portforward', { Connection: 'Upgrade', Upgrade: 'h2c' });
  assert.match(notUpgrade, /^HTTP\/1\.1 400 /);
});

test('a SPDY client is spliced through to the runtime (v4 streams, half-closed stdin)', async () => {
  const req = https.request({ host: '127.0.0.1', port, path: execPath(['sh', '-c', 'tr a-z A-Z; exit 0'], { stdin: true }), method: 'POST', rejectUnauthorized: false, headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': ['v4.channel.k8s.io', 'v3.channel.k8s.io'] } });
  req.end();
  const [res, socket, head] = (await once(req, 'upgrade')) as [IncomingMessage, Duplex, Buffer];
  assert.equal(res.headers['x-stream-protocol-version'], 'v4.channel.k8s.io');
  if (head.length) socket.unshift(head);
  const session = new SpdySession(socket, { role: 'client', respectPeerWindow: false });
  try {
    const open = (t: string): SpdyStream => session.openStream({ streamType: t });
    const error = open('error');
    error.end();
    const [stdin, stdout, stderr] = [open('stdin'), open('stdout'), open('stderr')];
    await Promise.all([error, stdin, stdout, stderr].map((s) => s.reply));
    const read = (s: SpdyStream): Promise<string> => new Promise((resolve) => {
      const parts: Buffer[] = [];
      s.on('data', (c: Buffer) => parts.push(c));
      s.on('end', () => resolve(Buffer.concat(parts).toString()));
    });
    const [out, status] = [read(stdout), read(error)];
    stderr.resume();
    stdin.end('spliced through\n');
    assert.equal(await out, 'SPLICED THROUGH\n');
    assert.deepEqual(JSON.parse(await status), { metadata: {}, status: 'Success' });
  } finally {
    session.destroy();
  }
});

// --- the real kubectl ---

for (const [name, env] of [
  ['WebSocket v5', {}],
  ['SPDY fallback', { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' }],
] as const) {
  test(`kubectl exec over ${name}: output, stdin and exit code`, async () => {
    const r = await api.kubectl(['exec', 'p', '--', 'sh', '-c', 'echo hi; echo oops >&2; exit 3'], { env });
    assert.equal(r.stdout, 'hi\n', r.stderr);
    assert.match(r.stderr, /oops/);
    assert.equal(r.code, 3, r.stderr);
    const i = await api.kubectl(['exec', '-i', 'p', '--', 'sh', '-c', 'wc -c'], { env, input: 'z'.repeat(150_000) });
    assert.equal(i.stdout.trim(), '150000', i.stderr);
    assert.equal(i.code, 0);
  });
}

for (const [name, env] of [
  ['the WebSocket tunnel', {}],
  ['plain SPDY', { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }],
] as const) {
  test(`kubectl port-forward over ${name}`, async () => {
    const pf = await api.portForward(env);
    try {
      for (let round = 0; round < 2; round++) {
        const payload = Buffer.alloc(200_000 + round, 'k');
        const got = await echoRoundTrip(pf.localPort, payload);
        assert.ok(got.equals(payload), `round ${round}: echoed ${got.length} bytes; kubectl said: ${pf.output()}`);
      }
    } finally {
      pf.stop();
    }
  });
}

