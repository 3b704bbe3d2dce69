// The etcd store's benchmark: pod creates/s through the API at 50 concurrent clients on a server
// whose datastore is etcd, against raw etcd puts of the same value size at the same concurrency
// (one gRPC channel, as the server has), measured in the same run on the same etcd; and the API
// create p99. The etcd is a throwaway single member on loopback (Debian's etcd-server).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EtcdClient } from '../src/storage/etcd/client.js';
import { openEtcdStore } from '../src/storage/etcd/store.js';
import { startEtcd } from '../src/storage/etcd/testing/etcd-server.js';
import { call, timedCreates, type Conn } from './lib/https.js';
import { cpuSeconds, freePort, nodeArgs, percentile, startProcess, stopProcesses } from './lib/processes.js';

const CLIENTS = 50;
const CREATES = Number(process.env['BENCH_CREATES'] ?? 5000);
const WARMUP = 500;
/** Rounds of each, alternated so neither side gets the quieter moment of a shared machine; the best of each counts. */
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
/** The same API on the default sqlite store as a second reference (BENCH_SQLITE=0 leaves it out). */
const SQLITE_REFERENCE = process.env['BENCH_SQLITE'] !== '0';

function pod(ns: string, name: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { app: 'bench', tier: 'web' } },
    spec: { containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'], ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
  };
}

/** `count` puts of `value` to distinct keys from `clients` concurrent callers. */
async function rawPuts(client: EtcdClient, value: Buffer, clients: number, count: number, prefix: string): Promise<{ rate: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t = performance.now();
        await client.put({ key: Buffer.from(`/bench-raw/${prefix}/p-${i}`), value });
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { rate: count / ((performance.now() - t0) / 1000), p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

interface Api {
  pid: number;
  creates(prefix: string, n: number): Promise<{ seconds: number; latencies: number[] }>;
}

/** A `k8ts server` (the API server alone, as bench/apiserver.ts measures it) on the given datastore. */
async function startApi(dir: string, datastore: string[], children: ChildProcess[], agents: Agent[]): Promise<Api> {
  const port = await freePort();
  const args = ['server', '--data-dir', dir, '--https-listen-port', String(port), '--bind-address', '127.0.0.1', '--disable-agent', '--disable-scheduler', '--disable-controller-manager', ...datastore];
  const child = await startProcess('k8ts server', args, nodeArgs('BENCH_NODE_ARGS'), /listening on/);
  children.push(child);
  const kc = parse(readFileSync(join(dir, 'kubeconfig.yaml'), 'utf8'));
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  agents.push(agent);
  const conn: Conn = { port, ca: Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString(), agent };
  const token: string = kc.users[0].user.token;
  await call(conn, token, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
  return { pid: child.pid!, creates: (prefix, n) => timedCreates(conn, token, '/api/v1/namespaces/bench/pods', CLIENTS, n, (i) => pod('bench', `${prefix}-${i}`)) };
}

interface Best {
  rate: number;
  p50: number;
  p99: number;
  /** CPU ms per write of each process measured. */
  cpu: string;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-etcd-'));
  const etcd = await startEtcd();
  const children: ChildProcess[] = [];
  const agents: Agent[] = [];
  const raw = new EtcdClient({ endpoints: [etcd.endpoint] });
  try {
    const onEtcd = await startApi(join(dir, 'etcd-server'), [`--datastore-endpoint=${etcd.endpoint}`], children, agents);
    const onSqlite = SQLITE_REFERENCE ? await startApi(join(dir, 'sqlite-server'), [], children, agents) : undefined;
    await onEtcd.creates('warm', WARMUP);
    await onSqlite?.creates('warm', WARMUP);
    // The raw puts write what the API server stored for one of these pods, byte for byte in size.
    const probe = await openEtcdStore({ endpoints: [etcd.endpoint] });
    const stored = await probe.get('/registry/pods/bench/warm-0');
    await probe.close();
    if (!stored) throw new Error('the API server did not store /registry/pods/bench/warm-0 in etcd');
    const value = Buffer.alloc(stored.value.length, 'x');
    await rawPuts(raw, value, CLIENTS, WARMUP, 'warm');

    const perOp = (pids: number[], work: () => Promise<{ rate: number; p50: number; p99: number }>) => async (): Promise<Best> => {
      const before = pids.map(cpuSeconds);
      const r = await work();
      return { ...r, cpu: pids.map((p, i) => (((cpuSeconds(p) - before[i]!) * 1000) / CREATES).toFixed(2)).join(' / ') };
    };
    const api = (a: Api, round: number) => async () => {
      const t = await a.creates(`run${round}`, CREATES);
      return { rate: CREATES / t.seconds, p50: percentile(t.latencies, 50), p99: percentile(t.latencies, 99) };
    };
    const best: Record<string, Best> = {};
    const keep = (name: string, r: Best): Best => {
      if (!best[name] || r.rate > best[name]!.rate) best[name] = r;
      return r;
    };
    for (let round = 0; round < ROUNDS; round++) {
      const r = keep('raw', await perOp([etcd.pid], () => rawPuts(raw, value, CLIENTS, CREATES, `run${round}`))());
      const a = keep('etcd', await perOp([onEtcd.pid, etcd.pid], api(onEtcd, round))());
      const q = onSqlite ? keep('sqlite', await perOp([onSqlite.pid], api(onSqlite, round))()) : undefined;
      console.log(`round ${round + 1}: raw etcd puts/s ${r.rate.toFixed(0)}, API creates/s on etcd ${a.rate.toFixed(0)} (p99 ${a.p99.toFixed(1)} ms)${q ? `, on sqlite ${q.rate.toFixed(0)} (p99 ${q.p99.toFixed(1)} ms)` : ''}`);
    }
    const rawBest = best['raw']!;
    const etcdBest = best['etcd']!;
    console.log(`etcd ${etcd.endpoint}, value size ${value.length} bytes, ${CLIENTS} concurrent clients, ${CREATES} writes per round, best of ${ROUNDS} rounds`);
    console.log(`raw etcd puts/s: ${rawBest.rate.toFixed(0)} (p50 ${rawBest.p50.toFixed(1)} ms, p99 ${rawBest.p99.toFixed(1)} ms; etcd CPU ${rawBest.cpu} ms/put)`);
    console.log(`API creates/s on etcd: ${etcdBest.rate.toFixed(0)}  (${(etcdBest.rate / rawBest.rate).toFixed(2)}x raw; goal >= 0.5x; CPU ms/create server / etcd: ${etcdBest.cpu})`);
    console.log(`API create latency on etcd: p50 ${etcdBest.p50.toFixed(1)} ms, p99 ${etcdBest.p99.toFixed(1)} ms (goal p99 <= 50 ms)`);
    const sq = best['sqlite'];
    if (sq) console.log(`reference, the same API on sqlite in this run: ${sq.rate.toFixed(0)} creates/s, p99 ${sq.p99.toFixed(1)} ms, server CPU ${sq.cpu} ms/create`);
  } finally {
    for (const a of agents) a.destroy();
    raw.close();
    await stopProcesses(children);
    await etcd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
