// API server benchmark on the sqlite store (issue 2): create throughput with 1 and 50 clients
// against the raw better-sqlite3 insert rate with the same durability settings, p99 create
// latency at 50 clients, LIST of 10,000 pods, and server RSS with 10,000 pods stored.
// The server runs as its own process so its RSS and event loop are its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'yaml';
import { applySqlitePragmas } from '../src/storage/index.js';
import { call, timedCreates, type Conn } from './lib/https.js';
import { freePort, percentile, rssMiB } from './lib/processes.js';

const SINGLE_CLIENT_CREATES = Number(process.env['BENCH_SINGLE'] ?? 2000);
const CONCURRENT_CLIENTS = 50;
const LIST_SIZE = 10_000;
// The API server alone: with the scheduler in the process, 10,000 pods and no nodes would
// measure FailedScheduling writes instead. BENCH_FULL_SERVER=1 runs every component.
const COMPONENT_FLAGS = process.env['BENCH_FULL_SERVER'] ? [] : ['--disable-scheduler', '--disable-controller-manager'];
const RAW_INSERTS = Number(process.env['BENCH_RAW'] ?? 5000);

function pod(ns: string, name: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { app: 'bench', tier: 'web' } },
    spec: { containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'], ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
  };
}

interface Server {
  conn: Conn;
  token: string;
}

function createPods(s: Server, ns: string, prefix: string, count: number, clients: number): Promise<{ seconds: number; latencies: number[] }> {
  return timedCreates(s.conn, s.token, `/api/v1/namespaces/${ns}/pods`, clients, count, (i) => pod(ns, `${prefix}-${i}`));
}

function rawInsertRate(dir: string, sample: string): number {
  const db = new Database(join(dir, 'raw.db'));
  applySqlitePragmas(db);
  db.exec('CREATE TABLE kv (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, value BLOB)');
  db.exec('CREATE INDEX kv_name ON kv (name, id)');
  const insert = db.prepare('INSERT INTO kv (name, value) VALUES (?, ?)');
  const value = Buffer.from(sample);
  const t0 = performance.now();
  for (let i = 0; i < RAW_INSERTS; i++) insert.run(`/registry/pods/raw/p-${i}`, value);
  const rate = RAW_INSERTS / ((performance.now() - t0) / 1000);
  db.close();
  return rate;
}

async function startServer(dir: string): Promise<{ child: ChildProcess; server: Server }> {
  const port = await freePort();
  // BENCH_NODE_ARGS passes flags to the server's node (e.g. --cpu-prof) for profiling.
  const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(process.cwd(), 'dist', 'src', 'cli', 'main.js'), 'server', '--data-dir', dir, '--https-listen-port', String(port), '--bind-address', '127.0.0.1', '--disable-agent', ...COMPONENT_FLAGS], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let log = '';
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('listening on')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${log}`)));
  });
  const kc = parse(readFileSync(join(dir, 'kubeconfig.yaml'), 'utf8'));
  const conn: Conn = {
    port,
    ca: Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString(),
    agent: new Agent({ keepAlive: true, maxSockets: CONCURRENT_CLIENTS }),
  };
  return { child, server: { conn, token: kc.users[0].user.token } };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-'));
  const { child, server } = await startServer(join(dir, 'server'));
  const { conn, token } = server;
  try {
    for (const ns of ['bench-1', 'bench-list']) {
      await call(conn, token, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }
    const raw = rawInsertRate(dir, JSON.stringify(pod('raw', 'p')));
    console.log(`raw better-sqlite3 inserts/s (WAL, synchronous=FULL, one transaction each): ${raw.toFixed(0)}`);

    // 10,000 pods from 50 clients: the concurrent create figure, and the population that the
    // LIST and RSS figures are measured on.
    const many = await createPods(server, 'bench-list', 'p', LIST_SIZE, CONCURRENT_CLIENTS);
    const manyRate = LIST_SIZE / many.seconds;
    console.log(`API creates/s, 50 clients: ${manyRate.toFixed(0)}  (${(manyRate / raw).toFixed(2)}x raw; goal >= 0.5x)`);
    console.log(`create latency at 50 clients: p50 ${percentile(many.latencies, 50).toFixed(1)} ms, p99 ${percentile(many.latencies, 99).toFixed(1)} ms (goal p99 <= 50 ms)`);

    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const r = await call(conn, token, 'GET', '/api/v1/namespaces/bench-list/pods');
      times.push(performance.now() - t0);
      const n = (JSON.parse(r.text) as { items: unknown[] }).items.length;
      if (n !== LIST_SIZE) throw new Error(`listed ${n} pods, expected ${LIST_SIZE}`);
    }
    console.log(`LIST of ${LIST_SIZE} pods: median ${percentile(times, 50).toFixed(0)} ms, best ${Math.min(...times).toFixed(0)} ms (goal <= 300 ms)`);
    const pagedStart = performance.now();
    let cont = '';
    let pages = 0;
    do {
      const r = JSON.parse((await call(conn, token, 'GET', `/api/v1/namespaces/bench-list/pods?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`)).text) as { metadata: { continue?: string } };
      cont = r.metadata.continue ?? '';
      pages++;
    } while (cont);
    console.log(`LIST of ${LIST_SIZE} pods in pages of 500 (as kubectl pages): ${(performance.now() - pagedStart).toFixed(0)} ms for ${pages} pages`);
    // Steady state, not the tail of a burst: V8 collects the request garbage once the server idles.
    await new Promise((r) => setTimeout(r, 2000));
    console.log(`server RSS with ${LIST_SIZE} pods stored (after 2 s idle): ${rssMiB(child.pid!).toFixed(0)} MiB (goal <= 300 MB)`);

    const one = await createPods(server, 'bench-1', 'p', SINGLE_CLIENT_CREATES, 1);
    const oneRate = SINGLE_CLIENT_CREATES / one.seconds;
    console.log(`API creates/s, 1 client:   ${oneRate.toFixed(0)}  (${(oneRate / raw).toFixed(2)}x raw; p50 ${percentile(one.latencies, 50).toFixed(2)} ms, p99 ${percentile(one.latencies, 99).toFixed(2)} ms)`);
  } finally {
    conn.agent.destroy();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
