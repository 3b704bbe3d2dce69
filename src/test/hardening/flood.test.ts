// Acceptance 6 of issue 11, the flood half: 1,000 concurrent requests beyond the in-flight limit
// get upstream's 429 with Retry-After while the admin (system:masters, the exempt group) is
// still served by kubectl; the request deadline answers 504 and spares watches.
import assert from 'node:assert/strict';
import { connect, type ClientHttp2Session } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';

const LIMIT = 20;
const FLOOD = 1000;

interface Reply {
  status: number;
  retryAfter?: string;
  body: string;
}

describe('in-flight limits and the request deadline', () => {
  let c: TestCluster;
  const sessions: ClientHttp2Session[] = [];

  const session = () => {
    const s = connect(`https://127.0.0.1:${c.cp.port}`, { ca: c.cp.caPem, servername: 'localhost' });
    s.on('error', () => undefined);
    sessions.push(s);
    return s;
  };

  /** Sends the headers now and the body when `release` resolves: the request holds its slot until then. */
  function slowCreate(s: ClientHttp2Session, name: string, release: Promise<void>): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
      const req = s.request({ ':method': 'POST', ':path': '/api/v1/namespaces/default/configmaps', authorization: 'Bearer flood-token', 'content-type': 'application/json' });
      let status = 0;
      let retryAfter: string | undefined;
      let text = '';
      req.on('response', (h) => {
        status = Number(h[':status']);
        retryAfter = h['retry-after'] as string | undefined;
      });
      req.setEncoding('utf8');
      req.on('data', (d: string) => (text += d));
      req.on('end', () => resolve({ status, retryAfter, body: text }));
      req.on('error', reject);
      void release.then(() => {
        if (!req.closed && !req.writableEnded) req.end(body);
      });
    });
  }

  before(async () => {
    c = await startTestCluster({
      tokenAuthFile: 'flood-token,flooder,uid-flooder,"team"\n',
      controlPlane: { inFlightLimits: { readOnly: LIMIT, mutating: LIMIT }, requestTimeoutMs: 20_000, disableControllers: true, disableScheduler: true },
    });
    // A user of the default policy, not system:masters (which the in-flight limits exempt).
    // (No controllers run here, so no aggregated role like edit has rules: a role of its own.)
    assert.equal((await c.kubectl(['create', 'clusterrole', 'flooder', '--verb=*', '--resource=configmaps,namespaces'])).code, 0);
    assert.equal((await c.kubectl(['create', 'clusterrolebinding', 'flooder', '--clusterrole=flooder', '--user=flooder'])).code, 0);
  });
  after(async () => {
    for (const s of sessions) s.destroy();
    await c?.stop();
  });

  it('refuses what is beyond the limit with 429 and Retry-After, and keeps serving the admin', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const ss = [session(), session(), session(), session()];
    const replies = Array.from({ length: FLOOD }, (_, i) => slowCreate(ss[i % ss.length]!, `flood-${i}`, released));
    // The refused ones are answered at once, without their bodies being read.
    let refused = 0;
    for (const p of replies) void p.then((r) => void (r.status === 429 && refused++), () => undefined);
    await eventually(() => refused >= FLOOD - LIMIT, 60_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(refused, FLOOD - LIMIT, 'all but the limit refused while the first hold their slots');

    // While the flood holds every slot: the admin lists and writes through kubectl.
    const started = Date.now();
    const get = await c.kubectl(['get', 'configmaps', '-n', 'default']);
    assert.equal(get.code, 0, get.stderr);
    const create = await c.kubectl(['create', 'configmap', 'admin-cm', '--from-literal=a=b']);
    assert.equal(create.code, 0, create.stderr);
    assert.ok(Date.now() - started < 20_000, `admin took ${Date.now() - started} ms`);

    // Anyone else is refused as upstream words it.
    const more = await slowCreate(session(), 'one-more', Promise.resolve());
    assert.equal(more.status, 429);
    assert.equal(more.retryAfter, '1');
    assert.deepEqual(JSON.parse(more.body), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Too many requests, please try again later.',
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 1 },
      code: 429,
    });

    release();
    const all = await Promise.all(replies);
    assert.equal(all.filter((r) => r.status === 201).length, LIMIT);
    assert.equal(all.filter((r) => r.status === 429).length, FLOOD - LIMIT);
    for (const r of all.filter((x) => x.status === 429)) assert.equal(r.retryAfter, '1');
    // The slots came back: the next request is served.
    assert.equal((await slowCreate(session(), 'after-flood', Promise.resolve())).status, 201);
  });

  it('does not count reads against the mutating pool, nor watches against either', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const s = session();
    const held = Array.from({ length: LIMIT }, (_, i) => slowCreate(s, `held-${i}`, released));
    await new Promise((r) => setTimeout(r, 500));
    const list = await c.http('GET', '/api/v1/namespaces/default/configmaps?limit=1', undefined, { Authorization: 'Bearer flood-token' });
    assert.equal(list.status, 200, list.body);
    // 30 watches at once, beyond the read-only limit: long-running requests hold no slot.
    const watches = Array.from({ length: LIMIT + 10 }, () => c.http('GET', '/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1', undefined, { Authorization: 'Bearer flood-token' }));
    for (const w of await Promise.all(watches)) assert.equal(w.status, 200);
    release();
    await Promise.all(held);
  });
});

describe('the request deadline', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({
      tokenAuthFile: 'slow-token,slowpoke,uid-slow\n',
      controlPlane: { requestTimeoutMs: 3000, minRequestTimeoutSeconds: 2, inFlightLimits: { readOnly: 400, mutating: 1 }, disableControllers: true, disableScheduler: true },
    });
    // A user of the default policy, not system:masters (which the in-flight limits exempt).
    // (No controllers run here, so no aggregated role like edit has rules: a role of its own.)
    assert.equal((await c.kubectl(['create', 'clusterrole', 'slowpoke', '--verb=*', '--resource=configmaps,namespaces'])).code, 0);
    assert.equal((await c.kubectl(['create', 'clusterrolebinding', 'slowpoke', '--clusterrole=slowpoke', '--user=slowpoke'])).code, 0);
  });
  after(() => c?.stop());

  it('answers 504 Timeout as upstream when a request outlives --request-timeout, and frees its slot', async () => {
    const s = connect(`https://127.0.0.1:${c.cp.port}`, { ca: c.cp.caPem, servername: 'localhost' });
    s.on('error', () => undefined);
    try {
      const reply = await new Promise<Reply>((resolve, reject) => {
        // Headers, and a body that never comes.
        const req = s.request({ ':method': 'POST', ':path': '/api/v1/namespaces/default/configmaps', authorization: 'Bearer slow-token', 'content-type': 'application/json' });
        let status = 0;
        let body = '';
        req.on('response', (h) => (status = Number(h[':status'])));
        req.setEncoding('utf8');
        req.on('data', (d: string) => (body += d));
        req.on('end', () => resolve({ status, body }));
        req.on('error', reject);
        setTimeout(() => req.close(), 10_000).unref();
      });
      assert.equal(reply.status, 504);
      const st = JSON.parse(reply.body);
      assert.equal(st.reason, 'Timeout');
      assert.equal(st.message, 'request did not complete within requested timeout - context deadline exceeded');
      // The only mutating slot was the stalled request's: it must be free again.
      const create = () => c.http('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'after-timeout' } }, { Authorization: 'Bearer slow-token' });
      await eventually(async () => (await create()).status !== 429, 5000);
    } finally {
      s.destroy();
    }
  });

  it('frees the slot of a stalled HTTP/1.1 request too', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port: c.cp.port, method: 'POST', path: '/api/v1/namespaces/default/configmaps', ca: c.cp.caPem, servername: 'localhost', headers: { Authorization: 'Bearer slow-token', 'Content-Type': 'application/json', 'Content-Length': '100' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    assert.equal(status, 504);
    const create = () => c.http('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `after-h1-${Date.now()}` } }, { Authorization: 'Bearer slow-token' });
    await eventually(async () => (await create()).status === 201, 5000);
  });

  it('takes a shorter ?timeout= from the client and refuses one Go would not parse', async () => {
    const bad = await c.http('GET', '/api/v1/namespaces?timeout=soon');
    assert.equal(bad.status, 400);
    assert.equal(bad.json().message, 'invalid timeout specified in the request URL');
    assert.equal((await c.http('GET', '/api/v1/namespaces?timeout=30s')).status, 200);
  });

  it('lets a watch outlive the deadline until its own timeoutSeconds', async () => {
    const started = Date.now();
    const w = await c.http('GET', '/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=5');
    assert.equal(w.status, 200);
    assert.ok(Date.now() - started >= 4900, `watch ended after ${Date.now() - started} ms`);
  });

  it('ends a watch without timeoutSeconds after --min-request-timeout times 1 to 2', async () => {
    const started = Date.now();
    const w = await c.http('GET', '/api/v1/namespaces/default/configmaps?watch=1');
    assert.equal(w.status, 200);
    const took = Date.now() - started;
    assert.ok(took >= 1900 && took < 10_000, `watch ended after ${took} ms`);
  });
});
