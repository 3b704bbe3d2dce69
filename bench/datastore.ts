// The sqlite store with its commits on the event loop (the store before the writer thread: the
// same LogStore over the same SqliteLog, committing inline) against the store as shipped (commits
// on the writer thread), in one process, alternating rounds:
//  - creates/s and create latency p50/p99 with 50 concurrent writers, pod-sized values;
//  - the event loop's delay while they run (what every other request on the loop waits);
//  - get latency on the loop while the writers run (reads stay on this thread).
// Then the API figure: pod creates/s, p50/p99 and server CPU per create at 50 clients, each round
// on a fresh `k8ts server` (sqlite, no components) of this build, and, with BENCH_CLI_BEFORE set
// to another build's dist/src/cli/main.js (main before the writer thread), of that build too,
// alternating, so both see the same machine. BENCH_API_ROUNDS=0 skips it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { LogStore } from '../src/storage/log-store.js';
import { SqliteLog, SqliteStore } from '../src/storage/sqlite.js';
import type { Store } from '../src/storage/store.js';
import { connect, must, timedCreates } from './lib/https.js';
import { CLI, cpuSeconds, percentile, stopProcesses } from './lib/processes.js';

const API_ROUNDS = Number(process.env['BENCH_API_ROUNDS'] ?? 3);
const API_CREATES = Number(process.env['BENCH_API_CREATES'] ?? 10_000);
const API_WARMUP = 1000;

const WRITERS = Number(process.env['BENCH_WRITERS'] ?? 50);
const CREATES = Number(process.env['BENCH_CREATES'] ?? 10_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
// A Pod as the API server stores it is ~1 KiB of JSON.
const VALUE = Buffer.alloc(1100, 'x');

interface Figures {
  rate: number;
  p50: number;
  p99: number;
  loopP99: number;
  loopMax: number;
  getP99: number;
}

async function round(store: Store): Promise<Figures> {
  const latencies: number[] = [];
  const gets: number[] = [];
  let next = 0;
  let running = true;
  const loop = monitorEventLoopDelay({ resolution: 1 });
  // A reader on the loop, as the API server's GETs and read-modify-writes are.
  const reader = (async () => {
    while (running) {
      const t = performance.now();
      await store.get(`/bench/${Math.floor(Math.random() * Math.max(1, next))}`);
      gets.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  loop.enable();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      for (;;) {
        const i = next++;
        if (i >= CREATES) return;
        const t = performance.now();
        await store.create(`/bench/${i}`, VALUE);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  loop.disable();
  running = false;
  await reader;
  return {
    rate: CREATES / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    loopP99: loop.percentile(99) / 1e6,
    loopMax: loop.max / 1e6,
    getP99: percentile(gets, 99),
  };
}

const variants: { name: string; open(path: string): Store }[] = [
  { name: 'commit on the event loop (before)', open: (path) => new LogStore(new SqliteLog(path), { groupCommit: true }) },
  { name: 'commit on the writer thread (after)', open: (path) => new SqliteStore(path) },
];

function show(name: string, rs: Figures[]): void {
  const med = (f: (r: Figures) => number): string => percentile(rs.map(f), 50).toFixed(1);
  console.log(`${name}: creates/s ${med((r) => r.rate)}, create p50 ${med((r) => r.p50)} ms, p99 ${med((r) => r.p99)} ms; event-loop delay p99 ${med((r) => r.loopP99)} ms, max ${med((r) => r.loopMax)} ms; get p99 ${med((r) => r.getP99)} ms  (median of ${rs.length} rounds)`);
}

function pod(name: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'bench', labels: { app: 'bench', tier: 'web' } },
    spec: { containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'], ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
  };
}

interface ApiFigures {
  rate: number;
  p50: number;
  p99: number;
  cpuMs: number;
  /** The server's main thread alone: the event loop every request waits for. */
  mainCpuMs: number;
}

/** CPU seconds of a process's main thread (its task whose id is the pid). */
function mainThreadCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function startServer(cli: string, dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const args = ['server', '--data-dir', dataDir, '--https-listen-port', '0', '--bind-address', '127.0.0.1', '--disable-agent', '--disable-scheduler', '--disable-controller-manager'];
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    child.stderr!.on('data', (d: Buffer) => {
      log = (log + d.toString()).slice(-20_000);
      const m = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', (code, signal) => reject(new Error(`${cli} server exited (${code ?? signal}):\n${log}`)));
  });
}

async function apiRound(cli: string, dir: string): Promise<ApiFigures> {
  const dataDir = mkdtempSync(join(dir, 'server-'));
  const { child, port } = await startServer(cli, dataDir);
  const agent = new Agent({ keepAlive: true, maxSockets: WRITERS });
  try {
    const { c, admin } = connect(dataDir, port, agent);
    await must(c, admin, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
    await timedCreates(c, admin, '/api/v1/namespaces/bench/pods', WRITERS, API_WARMUP, (i) => pod(`warm-${i}`));
    const cpu0 = cpuSeconds(child.pid!);
    const main0 = mainThreadCpuSeconds(child.pid!);
    const r = await timedCreates(c, admin, '/api/v1/namespaces/bench/pods', WRITERS, API_CREATES, (i) => pod(`p-${i}`));
    const perCreate = (s: number): number => (s * 1000) / API_CREATES;
    return { rate: API_CREATES / r.seconds, p50: percentile(r.latencies, 50), p99: percentile(r.latencies, 99), cpuMs: perCreate(cpuSeconds(child.pid!) - cpu0), mainCpuMs: perCreate(mainThreadCpuSeconds(child.pid!) - main0) };
  } finally {
    agent.destroy();
    await stopProcesses([child]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function apiBench(dir: string): Promise<void> {
  const builds = [...(process.env['BENCH_CLI_BEFORE'] ? [{ name: `before (${process.env['BENCH_CLI_BEFORE']})`, cli: process.env['BENCH_CLI_BEFORE'] }] : []), { name: 'this build', cli: CLI }];
  const results = builds.map(() => [] as ApiFigures[]);
  for (let r = 0; r < API_ROUNDS; r++) {
    for (const [i, b] of builds.entries()) {
      const f = await apiRound(b.cli, dir);
      results[i]!.push(f);
      console.log(`  round ${r + 1}, ${b.name}: ${f.rate.toFixed(0)} creates/s, p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, server CPU ${f.cpuMs.toFixed(3)} ms/create (main thread ${f.mainCpuMs.toFixed(3)})`);
    }
  }
  console.log(`API pod creates, ${WRITERS} clients, ${API_CREATES} pods after ${API_WARMUP} warm-up, sqlite store (median of ${API_ROUNDS} rounds; goal p99 <= 25 ms):`);
  builds.forEach((b, i) => {
    const rs = results[i]!;
    const med = (f: (r: ApiFigures) => number, digits = 1): string => percentile(rs.map(f), 50).toFixed(digits);
    console.log(`${b.name}: creates/s ${med((r) => r.rate, 0)}, p50 ${med((r) => r.p50)} ms, p99 ${med((r) => r.p99)} ms (best ${Math.min(...rs.map((r) => r.p99)).toFixed(1)}), server CPU ${med((r) => r.cpuMs, 3)} ms/create (main thread ${med((r) => r.mainCpuMs, 3)})`);
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-datastore-'));
  try {
    const results = variants.map(() => [] as Figures[]);
    let n = 0;
    for (let r = 0; r < ROUNDS; r++) {
      for (const [i, v] of variants.entries()) {
        const store = v.open(join(dir, `db-${n++}`, 'state.db'));
        try {
          results[i]!.push(await round(store));
        } finally {
          await store.close();
        }
      }
    }
    console.log(`sqlite store, ${WRITERS} concurrent writers, ${CREATES} creates of ${VALUE.length} B per round:`);
    variants.forEach((v, i) => show(v.name, results[i]!));
    if (API_ROUNDS > 0) await apiBench(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
