// Cluster DNS throughput and latency (issue 10): dnsperf against `k8ts dns` and, as the
// reference in the same run, Debian's dnsmasq serving the same names from --host-record, both
// on 127.0.0.1 and pinned to one core (taskset), dnsperf on the other. The names are Services'
// A records the k8ts DNS has answered before (its cached-bytes path). Throughput is measured
// at saturation; latency at a fixed rate of GOAL_QPS with dnsperf reporting every query.
// Goals: >= 17,000 q/s on one core (CoreDNS's published per-core figure), p99 <= 2 ms.
// Needs dnsperf, dnsmasq and taskset (apt-get install dnsperf dnsmasq).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Service } from '../src/api/core/v1/types.js';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { R, resourcePath } from '../src/client/resources.js';
import { RestClient } from '../src/client/rest.js';
import { CLI, freePort, percentile, startProcess, stopProcesses } from './lib/processes.js';

const run = promisify(execFile);
const SERVICES = Number(process.env['BENCH_DNS_SERVICES'] ?? 100);
const SECONDS = Number(process.env['BENCH_DNS_SECONDS'] ?? 10);
const GOAL_QPS = 17_000;
const SERVER_CORE = String(cpus().length - 1);
const CLIENT_CORE = '0';

interface PerfResult {
  qps: number;
  lost: number;
  avgMs: number;
}

async function dnsperf(port: number, file: string, extra: string[]): Promise<string> {
  const { stdout } = await run('taskset', ['-c', CLIENT_CORE, 'dnsperf', '-s', '127.0.0.1', '-p', String(port), '-d', file, ...extra], { maxBuffer: 1 << 30 });
  return stdout;
}

/** Saturation: 4 clients, 200 queries outstanding, for SECONDS. */
async function throughput(port: number, file: string): Promise<PerfResult> {
  const out = await dnsperf(port, file, ['-l', String(SECONDS), '-c', '4', '-q', '200']);
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  return { qps: num(/Queries per second:\s+([\d.]+)/), lost: num(/Queries lost:\s+(\d+)/), avgMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000 };
}

/** Per-query latencies (ms) at a fixed offered rate, from dnsperf's verbose report. */
async function latencies(port: number, file: string, qps: number): Promise<{ p50: number; p99: number; answered: number }> {
  const out = await dnsperf(port, file, ['-l', '5', '-Q', String(qps), '-v']);
  const ms: number[] = [];
  for (const m of out.matchAll(/^> NOERROR \S+ A ([\d.]+)$/gm)) ms.push(Number(m[1]) * 1000);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), answered: ms.length };
}

async function waitForAnswer(port: number, name: string): Promise<void> {
  const r = new Resolver({ timeout: 500, tries: 1 });
  r.setServers([`127.0.0.1:${port}`]);
  for (let i = 0; ; i++) {
    try {
      await r.resolve4(name);
      return;
    } catch (err) {
      if (i > 100) throw err;
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}

function startDnsmasq(port: number, records: [string, string][]): ChildProcess {
  const args = ['-k', '--no-resolv', '--no-hosts', '--no-poll', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--local-ttl=30', '--cache-size=10000', ...records.map(([n, ip]) => `--host-record=${n},${ip}`)];
  return spawn('taskset', ['-c', SERVER_CORE, 'dnsmasq', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-dns-'));
  const children: ChildProcess[] = [];
  try {
    const apiPort = await freePort();
    children.push(await startProcess('server', ['server', '--data-dir', join(dir, 'server'), '--https-listen-port', String(apiPort), '--bind-address', '127.0.0.1', '--disable-agent', '--disable-scheduler', '--disable-controller-manager'], [], /listening on/));
    const kubeconfig = join(dir, 'server', 'kubeconfig.yaml');
    const client = new RestClient(loadKubeconfig(kubeconfig));
    const records: [string, string][] = [];
    for (let i = 0; i < SERVICES; i++) {
      const svc = await client.create<Service>(resourcePath(R.services, 'default'), { apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${i}` }, spec: { ports: [{ name: 'http', port: 80 }] } });
      records.push([`svc-${i}.default.svc.cluster.local`, svc.spec!.clusterIP!]);
    }
    client.close();
    const queries = join(dir, 'queries.txt');
    writeFileSync(queries, records.map(([n]) => `${n} A\n`).join(''));

    const dnsPort = await freePort();
    // taskset runs node itself on the one core: the "one core" figure.
    const k8tsDns = spawn('taskset', ['-c', SERVER_CORE, process.execPath, CLI, 'dns', '--kubeconfig', kubeconfig, '--listen', `127.0.0.1:${dnsPort}`, '--node-name', 'bench', '--resolv-conf', '/dev/null'], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(k8tsDns);
    await new Promise<void>((resolve, reject) => {
      let log = '';
      k8tsDns.stderr!.on('data', (d: Buffer) => {
        log = (log + d.toString()).slice(-10_000);
        if (log.includes('dns: answering')) resolve();
      });
      k8tsDns.on('exit', (code) => reject(new Error(`k8ts dns exited (${code}):\n${log}`)));
    });
    const masqPort = await freePort();
    const masq = startDnsmasq(masqPort, records);
    children.push(masq);
    await waitForAnswer(dnsPort, records[0]![0]);
    await waitForAnswer(masqPort, records[0]![0]);

    console.log(`${SERVICES} Service names (A), ${SECONDS} s per throughput run; servers on core ${SERVER_CORE}, dnsperf on core ${CLIENT_CORE}`);
    const results: Record<string, { t: PerfResult; l: Awaited<ReturnType<typeof latencies>> }> = {};
    for (const [name, port] of [
      ['k8ts dns', dnsPort],
      ['dnsmasq', masqPort],
    ] as const) {
      // A first pass fills k8ts's answer cache (and warms both processes).
      await dnsperf(port, queries, ['-l', '2', '-c', '4', '-q', '200']);
      const t = await throughput(port, queries);
      const l = await latencies(port, queries, GOAL_QPS);
      results[name] = { t, l };
      console.log(
        `${name.padEnd(9)} ${t.qps.toFixed(0).padStart(7)} q/s at saturation (lost ${t.lost}, avg ${t.avgMs.toFixed(2)} ms); at ${GOAL_QPS} q/s offered: p50 ${l.p50.toFixed(3)} ms, p99 ${l.p99.toFixed(3)} ms (${l.answered} answers)`,
      );
    }
    const k = results['k8ts dns']!;
    const m = results['dnsmasq']!;
    console.log(`ratio k8ts/dnsmasq: ${(k.t.qps / m.t.qps).toFixed(2)}x q/s; goal >= ${GOAL_QPS} q/s on one core: ${k.t.qps >= GOAL_QPS ? 'met' : 'NOT met'}; p99 <= 2 ms at ${GOAL_QPS} q/s: ${k.l.p99 <= 2 ? 'met' : 'NOT met'}`);
  } finally {
    await stopProcesses(children);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
