// Issue 18 on a real node: the official Python client's exec and port-forward, and every
// WebSocket streaming subprotocol at the wire level (the `ws` package), through the API server
// and the kubelet into a real container.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { runProcess } from '../harness.js';
import { podYaml, startNodeTestCluster, TEST_IMAGE, type NodeTestCluster } from '../node-harness.js';

const PYTHON = process.env['K8TS_PYTHON'] ?? '/usr/bin/python3';

const web = {
  name: 'web',
  image: TEST_IMAGE,
  imagePullPolicy: 'IfNotPresent',
  command: ['sh', '-c', 'mkdir -p /www && echo hello-k8ts > /www/index.html && exec httpd -f -p 80 -h /www'],
  ports: [{ containerPort: 80 }],
};

interface ChannelMessage {
  channel: number;
  data: Buffer;
  binary: boolean;
}

interface Session {
  protocol: string;
  messages: ChannelMessage[];
  closeCode: number;
  /** Every message, for the failure messages: which channel said what, in order. */
  transcript: string;
}

describe('the Python client and the WebSocket streaming protocols on a real node', { timeout: 180_000 }, () => {
  let c: NodeTestCluster;

  before(async () => {
    c = await startNodeTestCluster();
    await c.apply(podYaml('web', { containers: [web] }));
    await c.waitPod('web', (p) => p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready === true, 60_000);
  });
  after(() => c?.stop());

  /** One WebSocket session with the API server, every message decoded by the chosen protocol. */
  async function session(path: string, protocols: string[], input: (send: (channel: number, data: string | Buffer) => void) => void): Promise<Session> {
    const ws = new WebSocket(`wss://127.0.0.1:${c.cp.port}${path}`, protocols, { ca: c.cp.caPem, headers: { Authorization: `Bearer ${c.cp.adminToken}` } });
    const messages: ChannelMessage[] = [];
    let base64 = false;
    ws.on('message', (d: Buffer, binary: boolean) => {
      messages.push(base64 ? { channel: d[0]! - 0x30, data: Buffer.from(d.subarray(1).toString(), 'base64'), binary } : { channel: d[0]!, data: d.subarray(1), binary });
    });
    const closed = once(ws, 'close');
    await Promise.race([once(ws, 'open'), once(ws, 'unexpected-response').then(([, res]) => Promise.reject(new Error(`upgrade refused: ${(res as { statusCode: number }).statusCode}`)))]);
    base64 = ws.protocol.includes('base64');
    input((channel, data) => {
      const bytes = Buffer.from(data);
      ws.send(base64 ? String.fromCharCode(0x30 + channel) + bytes.toString('base64') : Buffer.concat([Buffer.from([channel]), bytes]));
    });
    // A session cut short (the timer, or a connection dropped on the way) shows as a close code
    // other than 1000, with what did arrive, rather than as a missing channel further on.
    const timer = setTimeout(() => ws.terminate(), 60_000);
    const [closeCode] = (await closed) as [number];
    clearTimeout(timer);
    const transcript = JSON.stringify(messages.map((m) => [m.channel, m.data.toString()]));
    assert.equal(closeCode, 1000, `the session did not end with a normal close; received ${transcript}`);
    return { protocol: ws.protocol, messages, closeCode, transcript };
  }

  const text = (s: Session, channel: number): string => Buffer.concat(s.messages.filter((m) => m.channel === channel).map((m) => m.data)).toString();
  const execPath = (command: string[], flags: Record<string, boolean>): string => {
    const q = new URLSearchParams();
    for (const part of command) q.append('command', part);
    for (const [k, v] of Object.entries(flags)) q.set(k, String(v));
    return `/api/v1/namespaces/default/pods/web/exec?${q}`;
  };

  it('Python client: interactive exec with stdin, stdout and stderr apart and the exit code; one-shot exec; port-forward to the pod', async () => {
    const r = await runProcess(PYTHON, [join(process.cwd(), 'test', 'python', 'streaming_check.py'), c.kubeconfig, 'web'], { timeoutMs: 90_000 });
    assert.equal(r.code, 0, `python streaming check failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /interactive exec ok\none-shot exec ok\nport-forward ok\nall ok/);
  });

  for (const [protocol, v4Status] of [
    ['channel.k8s.io', false],
    ['base64.channel.k8s.io', false],
    ['v4.channel.k8s.io', true],
    ['v4.base64.channel.k8s.io', true],
    ['v5.channel.k8s.io', true],
  ] as const) {
    it(`exec over ${protocol}: stdin on 0, stdout on 1, stderr on 2, the exit on 3`, async () => {
      const s = await session(execPath(['sh', '-c', 'read line; echo "got $line"; echo oops >&2; exit 5'], { stdin: true, stdout: true, stderr: true }), [protocol], (send) => send(0, 'from-stdin\n'));
      assert.equal(s.protocol, protocol);
      assert.ok(s.messages.every((m) => m.binary === !protocol.includes('base64')), 'frame types follow the protocol');
      assert.equal(text(s, 1), 'got from-stdin\n');
      assert.equal(text(s, 2), 'oops\n');
      const error = text(s, 3);
      // Exit 5 is reported on every version's error channel.
      assert.ok(error.length > 0, `nothing on the error channel; received ${s.transcript}`);
      if (v4Status) {
        const status = JSON.parse(error);
        assert.equal(status.status, 'Failure');
        assert.equal(status.reason, 'NonZeroExitCode');
        assert.deepEqual(status.details.causes, [{ reason: 'ExitCode', message: '5' }]);
      } else {
        // Before v4 the error channel carries the message text, and only on failure.
        assert.match(error, /^command terminated with non-zero exit code: .*5/);
      }
      const ok = await session(execPath(['true'], { stdout: true, stderr: true }), [protocol], () => undefined);
      assert.equal(text(ok, 3), v4Status ? '{"metadata":{},"status":"Success"}' : '');
    });
  }

  for (const protocol of ['v4.channel.k8s.io', 'v5.channel.k8s.io']) {
    it(`exec with a terminal over ${protocol} takes resize messages on channel 4`, async () => {
      const s = await session(execPath(['sh', '-c', 'sleep 1; stty size'], { stdout: true, stdin: true, tty: true }), [protocol], (send) => send(4, JSON.stringify({ Width: 101, Height: 33 })));
      assert.equal(text(s, 1).trim(), '33 101');
      assert.equal(JSON.parse(text(s, 3)).status, 'Success');
    });
  }

  for (const [protocol, offered] of [
    ['v4.channel.k8s.io', ['v4.channel.k8s.io']],
    ['v4.base64.channel.k8s.io', ['v4.base64.channel.k8s.io']],
    ['portforward.k8s.io', ['portforward.k8s.io']],
  ] as const) {
    it(`port-forward over ${protocol}: the port on both channels first, then the pod's page`, async () => {
      const s = await session('/api/v1/namespaces/default/pods/web/portforward?ports=80', [...offered], (send) => send(0, 'GET / HTTP/1.1\r\nHost: pod\r\nConnection: close\r\n\r\n'));
      assert.equal(s.protocol, protocol);
      const firsts = [0, 1].map((ch) => [...s.messages.find((m) => m.channel === ch)!.data]);
      assert.deepEqual(firsts, [[80, 0], [80, 0]]);
      const page = Buffer.concat(s.messages.filter((m) => m.channel === 0).slice(1).map((m) => m.data)).toString();
      assert.match(page, /^HTTP\/1\.1 200 OK\r\n/);
      assert.equal(page.split('\r\n\r\n')[1], 'hello-k8ts\n');
      assert.equal(s.messages.filter((m) => m.channel === 1).length, 1, 'nothing on the error channel but the port');
      assert.equal(s.closeCode, 1000);
    });
  }
});
