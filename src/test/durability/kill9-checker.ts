// Crash durability through the API, for any datastore (the acceptance of the storage issue:
// "kill -9 of the server during 1,000 concurrent writes loses no acknowledged write and leaves no
// partial object"). Many clients create ConfigMaps (and update some) against a real `k8ts server`;
// the server is SIGKILLed midway; every request's outcome as its client saw it is recorded
// (acknowledged with a resourceVersion, failed with a 4xx, or unknown: no complete answer, or a 5xx);
// the server restarts on the same data and the checker compares what it serves with that record.
// The datastore is a parameter (server flags), so the same check runs on sqlite and etcd.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Agent } from 'node:https';
import { call, killServer, startServer, type ServerProcess } from './server-process.js';

export interface KillNineOptions {
  dataDir: string;
  /** Server flags choosing the datastore, e.g. ['--datastore-endpoint', 'http://127.0.0.1:2379']; [] is sqlite in the data dir. */
  datastoreArgs: readonly string[];
  clients?: number;
  creates?: number;
  /** Every n-th create, once acknowledged, is followed by an update of it from the same client. */
  updateEvery?: number;
  /** SIGKILL once this many writes have been acknowledged. */
  killAfterAcks?: number;
  /** Called with each server started, so the caller can kill it however the test ends. */
  track(s: ServerProcess): void;
}

type Outcome =
  | { state: 'acknowledged'; rv: number }
  | { state: 'failed'; status: number }
  | { state: 'unknown'; why: string };

interface Attempt {
  op: 'create' | 'update';
  name: string;
  data: Record<string, string>;
  /** Position in its client's sequence: a later attempt on the same name was sent after this one settled. */
  seq: number;
  outcome?: Outcome;
}

export interface KillNineReport {
  attempts: number;
  acknowledged: number;
  failed: number;
  unknown: number;
  inFlightAtKill: number;
  objectsAfterRestart: number;
}

function content(run: string, i: number, op: 'create' | 'update', client: number): Record<string, string> {
  // Sizes from 100 B to ~9 KiB: many rows span several database pages, where a torn write would show.
  const payload = randomBytes(50 + ((i * 1031) % 4500)).toString('hex');
  return { run, client: String(client), op, payload, sha256: createHash('sha256').update(payload).digest('hex') };
}

const sameData = (a: Record<string, string> | undefined, b: Record<string, string>): boolean =>
  !!a && Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v);

export async function killNineCheck(o: KillNineOptions): Promise<KillNineReport> {
  const clients = o.clients ?? 50;
  const creates = o.creates ?? 1000;
  const updateEvery = o.updateEvery ?? 4;
  const killAfter = o.killAfterAcks ?? Math.floor(creates / 2);
  const run = randomBytes(4).toString('hex');
  const ns = `durability-${run}`;
  const base = `/api/v1/namespaces/${ns}/configmaps`;

  let server = await startServer(o.dataDir, o.datastoreArgs);
  o.track(server);
  const admin = new Agent({ keepAlive: true });
  const agents = Array.from({ length: clients }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
  try {
    const created = await call(server, admin, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    assert.equal(created.status, 201, JSON.stringify(created.body));

    // ---- the writes, and the kill ----------------------------------------------------------
    const attempts: Attempt[] = [];
    let acked = 0;
    let inFlight = 0;
    let inFlightAtKill = -1;
    let next = 0;
    const victim = server;
    const record = (a: Attempt, p: Promise<{ status: number; body: any }>): Promise<Outcome> => {
      attempts.push(a);
      inFlight++;
      return p.then(
        (r): Outcome => {
          if (r.status === 200 || r.status === 201) {
            assert.equal(r.body?.metadata?.name, a.name, 'the answer is about the object sent');
            return { state: 'acknowledged', rv: Number(r.body.metadata.resourceVersion) };
          }
          // A 5xx says the server failed, not that the write did not happen.
          return r.status >= 500 ? { state: 'unknown', why: `HTTP ${r.status}` } : { state: 'failed', status: r.status };
        },
        (err: Error): Outcome => ({ state: 'unknown', why: err.message }),
      ).then((outcome) => {
        inFlight--;
        a.outcome = outcome;
        if (outcome.state === 'acknowledged' && ++acked === killAfter) {
          // Right here, with the other clients' writes in flight.
          inFlightAtKill = inFlight;
          victim.child.kill('SIGKILL');
        }
        return outcome;
      });
    };
    const killed = (): boolean => inFlightAtKill >= 0;
    await Promise.all(
      agents.map(async (agent, client) => {
        let seq = 0;
        while (!killed()) {
          const i = next++;
          if (i >= creates) return;
          const name = `obj-${i}`;
          const data = content(run, i, 'create', client);
          const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { 'k8ts-durability': run } }, data };
          const c = await record({ op: 'create', name, data, seq: seq++ }, call(victim, agent, 'POST', base, body));
          if (c.state !== 'acknowledged' || i % updateEvery !== 0 || killed()) continue;
          const udata = content(run, i, 'update', client);
          const ubody = { ...body, metadata: { ...body.metadata, resourceVersion: String(c.rv) }, data: udata };
          await record({ op: 'update', name, data: udata, seq: seq++ }, call(victim, agent, 'PUT', `${base}/${name}`, ubody));
        }
      }),
    );
    assert.ok(killed(), `the server was killed (acknowledged ${acked} of ${attempts.length} writes)`);
    assert.equal(await victim.exited, 'SIGKILL', 'the server died of the kill, not of something else');
    assert.ok(inFlightAtKill > 0, 'writes were in flight when the server died');

    // ---- what the clients were told ---------------------------------------------------------
    const byName = new Map<string, Attempt[]>();
    for (const a of attempts) byName.set(a.name, [...(byName.get(a.name) ?? []), a]);
    const ackedRvs = attempts.flatMap((a) => (a.outcome?.state === 'acknowledged' ? [a.outcome.rv] : []));
    assert.equal(new Set(ackedRvs).size, ackedRvs.length, 'every acknowledged write got its own resourceVersion');
    const maxAcked = Math.max(...ackedRvs);

    // ---- the restart, and what it serves ------------------------------------------------------
    server = await startServer(o.dataDir, o.datastoreArgs);
    o.track(server);
    const list = await call(server, admin, 'GET', `${base}?labelSelector=k8ts-durability%3D${run}`);
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const listRv = Number(list.body.metadata.resourceVersion);
    assert.ok(listRv >= maxAcked, `list at ${listRv} is not behind the newest acknowledged write ${maxAcked}`);
    const served = new Map<string, any>();
    for (const obj of list.body.items as any[]) served.set(obj.metadata.name, obj);
    // Each object read on its own too: it decodes and agrees with the list.
    for (const name of byName.keys()) {
      const r = await call(server, admin, 'GET', `${base}/${name}`);
      if (r.status === 404) {
        assert.ok(!served.has(name), `${name} listed but not found`);
        continue;
      }
      assert.equal(r.status, 200, `GET ${name}: ${r.status} ${JSON.stringify(r.body)}`);
      assert.deepEqual(r.body.data, served.get(name)?.data, `${name}: GET and LIST agree`);
      assert.equal(r.body.metadata.resourceVersion, served.get(name)?.metadata.resourceVersion);
    }

    for (const [name, obj] of served) {
      const sent = byName.get(name);
      assert.ok(sent, `${name} exists but no client sent it`);
      const rv = Number(obj.metadata.resourceVersion);
      assert.ok(rv > 0 && rv <= listRv, `${name} at ${rv}, listed at ${listRv}`);
      assert.ok(obj.metadata.uid && obj.metadata.creationTimestamp, `${name} has its server-set metadata`);
      // Not partial, not corrupt: exactly one value a client sent that was not refused.
      const source = sent.find((a) => sameData(obj.data, a.data));
      assert.ok(source, `${name} holds a value no client sent: ${JSON.stringify(obj.data).slice(0, 200)}`);
      assert.notEqual(source.outcome?.state, 'failed', `${name} holds the value of a refused ${source.op}`);
      assert.equal(createHash('sha256').update(obj.data.payload).digest('hex'), obj.data.sha256, `${name} payload intact`);
    }

    for (const [name, sent] of byName) {
      const acks = sent.filter((a) => a.outcome?.state === 'acknowledged');
      if (acks.length === 0) continue;
      const obj = served.get(name);
      assert.ok(obj, `${name}: acknowledged ${acks.map((a) => a.op).join(', ')} lost`);
      const last = acks[acks.length - 1]!;
      const lastRv = (last.outcome as { rv: number }).rv;
      const rv = Number(obj.metadata.resourceVersion);
      assert.ok(rv >= lastRv, `${name} at ${rv}, older than its acknowledged ${last.op} at ${lastRv}`);
      // Nothing that might have applied was sent after the last acknowledged write: it is the state.
      const later = sent.filter((a) => a.seq > last.seq && a.outcome?.state !== 'failed');
      if (later.length === 0) {
        assert.equal(rv, lastRv, `${name}: resourceVersion is the acknowledged one`);
        assert.ok(sameData(obj.data, last.data), `${name}: content is the acknowledged ${last.op}'s`);
      }
    }

    // The revision counter did not go back: a new write lands after everything acknowledged.
    const after = await call(server, admin, 'POST', base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-restart' }, data: { ok: 'yes' } });
    assert.equal(after.status, 201, JSON.stringify(after.body));
    assert.ok(Number(after.body.metadata.resourceVersion) > Math.max(listRv, maxAcked), 'new writes continue after every acknowledged revision');

    const count = (s: Outcome['state']): number => attempts.filter((a) => a.outcome?.state === s).length;
    return { attempts: attempts.length, acknowledged: count('acknowledged'), failed: count('failed'), unknown: count('unknown'), inFlightAtKill, objectsAfterRestart: served.size };
  } finally {
    admin.destroy();
    for (const a of agents) a.destroy();
    await killServer(server);
  }
}
