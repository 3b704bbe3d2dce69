// Probe handlers against local servers, and the manager's timing and result rules with an
// injected clock and timers (exec probes with a fake ExecSync) or real time (HTTP).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createH2Server, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { freePort } from '../../test/harness.js';
import { after, before, describe, it } from 'node:test';
import type { Container, Pod, Probe } from '../../api/core/v1/pod/types.js';
import type { ExecSyncResult } from '../runtime.js';
import { grpcProbe, httpProbe, httpProbeRequest, ProbeManager, tcpProbe, type ProbeTimers } from './index.js';

const flush = () => new Promise<void>((r) => setImmediate(r));

/** Deterministic time: timers fire only when the test advances the clock. */
class FakeTime {
  now = 1_000_000;
  private seq = 0;
  private queue: Array<{ at: number; seq: number; fn: () => void; cancelled: boolean }> = [];
  readonly clock = () => this.now;
  readonly timers: ProbeTimers = {
    after: (ms, fn) => {
      const e = { at: this.now + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
      this.queue.push(e);
      return { cancel: () => (e.cancelled = true) };
    },
  };
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      await flush();
      this.queue = this.queue.filter((e) => !e.cancelled);
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.queue[0];
      if (!next || next.at > end) break;
      this.queue.shift();
      this.now = Math.max(this.now, next.at);
      next.fn();
    }
    this.now = end;
    await flush();
  }
}

function podWith(c: Container, uid = 'p1'): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid }, spec: { containers: [c] }, status: { phase: 'Running' } };
}

interface Harness {
  t: FakeTime;
  m: ProbeManager;
  calls: string[][];
  changes: string[];
  events: string[];
  setExit(code: number, out?: string): void;
}

function harness(): Harness {
  const t = new FakeTime();
  const calls: string[][] = [];
  const changes: string[] = [];
  const events: string[] = [];
  let exit = 0;
  let out = '';
  const m = new ProbeManager({
    runtime: {
      execSync: async (_id: string, cmd: string[]): Promise<ExecSyncResult> => {
        calls.push(cmd);
        return { stdout: Buffer.from(out), stderr: Buffer.alloc(0), exitCode: exit };
      },
    },
    onChange: (k) => changes.push(k),
    recorder: { event: (_o, type, reason, msg) => events.push(`${type} ${reason}: ${msg}`) },
    clock: t.clock,
    timers: t.timers,
    random: () => 0,
  });
  return {
    t,
    m,
    calls,
    changes,
    events,
    setExit: (c, o = '') => {
      exit = c;
      out = o;
    },
  };
}

const execProbeSpec = (more: Partial<Probe> = {}): Probe => ({ exec: { command: ['cat', '/tmp/$(F)'] }, periodSeconds: 1, ...more });

describe('probe manager (exec, injected time)', () => {
  it('readiness starts false, waits for initialDelaySeconds, then follows the thresholds', async () => {
    const h = harness();
    const c: Container = { name: 'app', env: [{ name: 'F', value: 'ready' }], readinessProbe: execProbeSpec({ initialDelaySeconds: 3, failureThreshold: 2, successThreshold: 2 }) };
    const pod = podWith(c);
    h.m.sync(pod, [{ name: 'app', id: 'c1', startedAt: h.t.now }], '10.0.0.1');
    assert.equal(h.m.ready('p1', 'app', 'c1'), false);
    await h.t.advance(2900);
    assert.equal(h.calls.length, 0, 'no probe before the initial delay');
    await h.t.advance(200);
    assert.deepEqual(h.calls[0], ['cat', '/tmp/ready'], 'static $(VAR) expansion in the command');
    assert.equal(h.m.ready('p1', 'app', 'c1'), false, 'successThreshold 2 needs a second success');
    await h.t.advance(1000);
    assert.equal(h.m.ready('p1', 'app', 'c1'), true);
    assert.deepEqual(h.changes, ['default/web']);
    h.setExit(1, 'cat: no such file');
    await h.t.advance(1000);
    assert.equal(h.m.ready('p1', 'app', 'c1'), true, 'one failure is below failureThreshold 2');
    await h.t.advance(1000);
    assert.equal(h.m.ready('p1', 'app', 'c1'), false);
    assert.deepEqual(h.events.slice(-1), ['Warning Unhealthy: Readiness probe failed: cat: no such file']);
    assert.equal(h.m.ready('p1', 'app', 'other-id'), false);
    h.m.stop();
  });

  it('a liveness failure past the threshold asks for a restart, holds, and resets for the next container', async () => {
    const h = harness();
    const c: Container = { name: 'app', livenessProbe: execProbeSpec({ failureThreshold: 3 }) };
    const pod = podWith(c);
    h.m.sync(pod, [{ name: 'app', id: 'c1', startedAt: h.t.now }]);
    h.setExit(1);
    await h.t.advance(1100);
    assert.equal(h.calls.length, 2, 'first run at once (no delay, no jitter), then every second');
    assert.equal(h.m.livenessFailure('p1', 'app', 'c1'), undefined, 'two failures, threshold three');
    await h.t.advance(1000);
    assert.equal(h.m.livenessFailure('p1', 'app', 'c1'), 'failed liveness probe');
    assert.equal(h.events.at(-1), 'Warning Unhealthy: Liveness probe failed: ');
    const probes = h.calls.length;
    await h.t.advance(5000);
    assert.equal(h.calls.length, probes, 'on hold until a new container');
    h.setExit(0);
    h.m.sync(pod, [{ name: 'app', id: 'c2', startedAt: h.t.now }]);
    assert.equal(h.m.livenessFailure('p1', 'app', 'c2'), undefined);
    await h.t.advance(3000);
    assert.ok(h.calls.length > probes, 'probing resumed');
    assert.equal(h.m.livenessFailure('p1', 'app', 'c2'), undefined);
    assert.equal(h.m.ready('p1', 'app', 'c2'), true, 'no readiness probe: ready once running');
    h.m.stop();
  });

  it('the startup probe gates liveness and readiness, then readiness runs at once', async () => {
    const h = harness();
    let startupDone = false;
    const c: Container = {
      name: 'app',
      startupProbe: { exec: { command: ['startup'] }, periodSeconds: 5, failureThreshold: 10 },
      livenessProbe: { exec: { command: ['live'] }, periodSeconds: 1 },
      readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 10 },
    };
    h.m.sync(podWith(c), [{ name: 'app', id: 'c1', startedAt: h.t.now }]);
    h.setExit(1);
    await h.t.advance(100);
    assert.deepEqual(h.calls.map((x) => x[0]), ['startup']);
    assert.equal(h.m.started('p1', 'app', 'c1'), false);
    assert.equal(h.m.ready('p1', 'app', 'c1'), false);
    await h.t.advance(3000);
    assert.ok(h.calls.every((x) => x[0] === 'startup'), 'nothing else runs before startup passes');
    h.setExit(0);
    await h.t.advance(2000);
    startupDone = h.m.started('p1', 'app', 'c1');
    assert.equal(startupDone, true);
    await h.t.advance(50);
    assert.ok(h.calls.some((x) => x[0] === 'ready'), 'readiness runs right after startup succeeds');
    assert.equal(h.m.ready('p1', 'app', 'c1'), true);
    await h.t.advance(1000);
    assert.ok(h.calls.some((x) => x[0] === 'live'));
    const startupRuns = h.calls.filter((x) => x[0] === 'startup').length;
    await h.t.advance(10_000);
    assert.equal(h.calls.filter((x) => x[0] === 'startup').length, startupRuns, 'startup rests once passed');
    h.m.stop();
  });

  it('a startup failure past the threshold asks for a restart; removePod stops everything', async () => {
    const h = harness();
    const c: Container = { name: 'app', startupProbe: execProbeSpec({ failureThreshold: 2 }) };
    h.m.sync(podWith(c), [{ name: 'app', id: 'c1', startedAt: h.t.now }]);
    h.setExit(1);
    await h.t.advance(1100);
    assert.equal(h.m.livenessFailure('p1', 'app', 'c1'), 'failed startup probe');
    assert.equal(h.events.at(-1), 'Warning Unhealthy: Startup probe failed: ');
    h.m.removePod('p1');
    const n = h.calls.length;
    await h.t.advance(5000);
    assert.equal(h.calls.length, n);
  });

  it('a probe that cannot run (unknown port name) is reported but does not count', async () => {
    const h = harness();
    const c: Container = { name: 'app', livenessProbe: { tcpSocket: { port: 'nope' }, periodSeconds: 1, failureThreshold: 1 } };
    h.m.sync(podWith(c), [{ name: 'app', id: 'c1', startedAt: h.t.now }], '127.0.0.1');
    await h.t.advance(2500);
    assert.equal(h.m.livenessFailure('p1', 'app', 'c1'), undefined);
    assert.equal(h.events[0], 'Warning Unhealthy: Liveness probe errored and resulted in unknown state: strconv.Atoi: parsing "nope": invalid syntax');
    h.m.stop();
  });

  it('a container that stopped running is not ready', async () => {
    const h = harness();
    const c: Container = { name: 'app', readinessProbe: execProbeSpec() };
    const pod = podWith(c);
    h.m.sync(pod, [{ name: 'app', id: 'c1', startedAt: h.t.now }]);
    await h.t.advance(100);
    assert.equal(h.m.ready('p1', 'app', 'c1'), true);
    h.m.sync(pod, []);
    assert.equal(h.m.ready('p1', 'app', 'c1'), false);
    h.m.stop();
  });
});

describe('http, tcp and grpc handlers', () => {
  let server: Server;
  let port = 0;
  let status = 200;
  const seen: Array<Record<string, string | string[] | undefined>> = [];
  before(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      if (req.url === '/hop') return void res.writeHead(302, { location: '/healthz' }).end();
      if (req.url === '/away') return void res.writeHead(302, { location: `http://localhost:${port}/healthz` }).end('moved');
      if (req.url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      res.writeHead(status).end(status === 200 ? 'ok' : 'broken');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  const container = (): Container => ({ name: 'app', ports: [{ name: 'web', containerPort: port }] });

  it('sends kube-probe headers to the pod IP and a named port, and judges the status', async () => {
    const req = httpProbeRequest({ path: '/healthz', port: 'web', httpHeaders: [{ name: 'X-Probe', value: 'yes' }] }, container(), '127.0.0.1');
    assert.equal(req.url.href, `http://127.0.0.1:${port}/healthz`);
    status = 200;
    assert.deepEqual(await httpProbe(req, 1), { result: 'success', output: 'ok' });
    const h = seen.at(-1)!;
    assert.deepEqual([h['user-agent'], h.accept, h['x-probe'], h.connection], ['kube-probe/1.32', '*/*', 'yes', 'close']);
    status = 500;
    assert.deepEqual(await httpProbe(req, 1), { result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
  });

  it('follows redirects on the same host only', async () => {
    status = 200;
    const hop = httpProbeRequest({ path: '/hop', port }, container(), '127.0.0.1');
    assert.equal((await httpProbe(hop, 1)).result, 'success');
    const away = httpProbeRequest({ path: '/away', port }, container(), '127.0.0.1');
    assert.deepEqual(await httpProbe(away, 1), { result: 'warning', output: 'Probe terminated redirects, Response body: moved' });
    const loop = httpProbeRequest({ path: '/loop', port }, container(), '127.0.0.1');
    assert.deepEqual(await httpProbe(loop, 1), { result: 'failure', output: `Get "http://127.0.0.1:${port}/loop": stopped after 10 redirects` });
  });

  it('reports refused connections as Go does', async () => {
    const closed = await freePort();
    const req = httpProbeRequest({ path: '/', port: closed }, { name: 'a' }, '127.0.0.1');
    assert.deepEqual(await httpProbe(req, 1), { result: 'failure', output: `Get "http://127.0.0.1:${closed}/": dial tcp 127.0.0.1:${closed}: connect: connection refused` });
  });

  it('tcpSocket passes on an open port and fails on a closed one', async () => {
    assert.deepEqual(await tcpProbe('127.0.0.1', port, 1), { result: 'success', output: '' });
    const closed = await freePort();
    assert.deepEqual(await tcpProbe('127.0.0.1', closed, 1), { result: 'failure', output: `dial tcp 127.0.0.1:${closed}: connect: connection refused` });
  });

  it('grpc health: SERVING passes, NOT_SERVING fails, no health service fails', async () => {
    let serving = 1;
    const h2: Http2Server = createH2Server();
    h2.on('stream', (stream, headers) => {
      if (headers[':path'] !== '/grpc.health.v1.Health/Check') {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12', 'grpc-message': 'unknown service' }, { endStream: true });
        return;
      }
      stream.on('data', () => undefined);
      stream.on('end', () => {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(Buffer.from([0, 0, 0, 0, 2, 0x08, serving]));
      });
    });
    await new Promise<void>((r) => h2.listen(0, '127.0.0.1', r));
    const gport = (h2.address() as AddressInfo).port;
    try {
      assert.deepEqual(await grpcProbe('127.0.0.1', gport, '', 1), { result: 'success', output: 'service healthy' });
      serving = 2;
      assert.deepEqual(await grpcProbe('127.0.0.1', gport, 'svc', 1), { result: 'failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
    } finally {
      h2.close();
    }
  });
});

describe('probe manager over HTTP (real time)', () => {
  it('readiness follows a server flipping between 200 and 500', async () => {
    let status = 200;
    const server = createServer((_req, res) => res.writeHead(status).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const events: string[] = [];
    const m = new ProbeManager({
      runtime: { execSync: async () => assert.fail('no exec expected') },
      onChange: () => undefined,
      recorder: { event: (_o, _t, reason, msg) => events.push(`${reason}: ${msg}`) },
      random: () => 0,
    });
    try {
      const c: Container = { name: 'app', readinessProbe: { httpGet: { path: '/', port }, periodSeconds: 1, failureThreshold: 1 } };
      m.sync(podWith(c), [{ name: 'app', id: 'c1', startedAt: Date.now() }], '127.0.0.1');
      await waitFor(() => m.ready('p1', 'app', 'c1'), 3000);
      status = 500;
      await waitFor(() => !m.ready('p1', 'app', 'c1'), 3000);
      assert.ok(events.includes('Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 500'));
      status = 200;
      await waitFor(() => m.ready('p1', 'app', 'c1'), 3000);
    } finally {
      m.stop();
      server.close();
    }
  });
});

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

