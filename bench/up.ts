// `k8ts up` to a Ready node, and what a one-node cluster holds in memory once idle (issue 12,
// acceptance 6: goals ≤ 5 s and ≤ 250 MB; k3s takes ~50 s to its default pods Ready, its server
// ≈ 1.4–1.6 GB, its agent 275 MB). Each round is `k8ts up` on a fresh data dir as a user runs it
// (ports and ranges of its own, so nothing else on the machine is touched), the times it prints,
// then the resident memory of the server process (control plane and node in one) and of what it
// runs beside it (containerd, nginx) after 30 s idle, then `k8ts down --purge`. Needs root.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, freePort, percentile, rssMiB } from './lib/processes.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const IDLE_MS = Number(process.env['BENCH_IDLE_MS'] ?? 30_000);

function k8ts(args: string[], env: NodeJS.ProcessEnv): { code: number; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' });
  return { code: r.status ?? 1, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

/** Every process whose command line names the data dir (containerd, its shims, nginx), by name. */
function companions(dataDir: string, server: number): { name: string; pid: number }[] {
  const out: { name: string; pid: number }[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === server) continue;
    let cmd: string[];
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    // nginx rewrites its command line into one string ("nginx: master process /usr/sbin/nginx -p …").
    if (cmd.some((a) => a.includes(dataDir))) out.push({ name: cmd[0]!.split(/\s/)[0]!.replace(/:$/, '').split('/').pop()!, pid });
  }
  return out;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bench:up needs root (the node runs containers)');
  const toNode: number[] = [];
  const toAll: number[] = [];
  const rss: { server: number; others: Record<string, number> }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const home = mkdtempSync(join(tmpdir(), 'k8ts-bench-up-home-'));
    const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-bench-up-'));
    const env = { ...process.env, HOME: home, KUBECONFIG: '' };
    const flags = ['--https-listen-port', String(await freePort()), '--kubelet-port', String(await freePort()), '--ingress-http-port', String(await freePort()), '--ingress-https-port', String(await freePort()), '--cluster-cidr', '10.213.0.0/16', '--service-cidr', '10.214.0.0/16'];
    try {
      const up = k8ts(['up', '--data-dir', dataDir, '--', ...flags], env);
      if (up.code !== 0) throw new Error(`k8ts up failed:\n${up.out}`);
      const node = /✓ node Ready \((\d+\.\d)s\)/.exec(up.out);
      const all = /k8ts is up in (\d+\.\d)s/.exec(up.out);
      toNode.push(Number(node![1]) * 1000);
      toAll.push(Number(all![1]) * 1000);
      await new Promise((r) => setTimeout(r, IDLE_MS));
      const pid = Number(readFileSync(join(dataDir, 'server.pid'), 'utf8'));
      const others: Record<string, number> = {};
      for (const c of companions(dataDir, pid)) others[c.name] = (others[c.name] ?? 0) + rssMiB(c.pid);
      rss.push({ server: rssMiB(pid), others });
      process.stdout.write(`round ${round + 1}: node Ready ${node![1]} s, all up ${all![1]} s; RSS server ${rssMiB(pid).toFixed(0)} MiB, ${Object.entries(others).map(([n, v]) => `${n} ${v.toFixed(0)} MiB`).join(', ')}\n`);
    } finally {
      k8ts(['down', '--data-dir', dataDir, '--purge'], env);
      rmSync(home, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const server = mean(rss.map((r) => r.server));
  const names = [...new Set(rss.flatMap((r) => Object.keys(r.others)))];
  const others = Object.fromEntries(names.map((n) => [n, mean(rss.map((r) => r.others[n] ?? 0))]));
  const total = server + Object.values(others).reduce((a, b) => a + b, 0);
  process.stdout.write('\n');
  process.stdout.write(`k8ts up → node Ready: p50 ${(percentile(toNode, 50) / 1000).toFixed(1)} s, max ${(Math.max(...toNode) / 1000).toFixed(1)} s over ${ROUNDS} (goal ≤ 5 s; k3s ≈ 50 s to its default pods Ready)\n`);
  process.stdout.write(`k8ts up → API, node, DNS through the proxy, ingress all answering: p50 ${(percentile(toAll, 50) / 1000).toFixed(1)} s\n`);
  process.stdout.write(`idle RSS after ${IDLE_MS / 1000} s: server+agent process ${server.toFixed(0)} MiB; beside it ${Object.entries(others).map(([n, v]) => `${n} ${v.toFixed(0)} MiB`).join(', ')}; all ${total.toFixed(0)} MiB (goal ≤ 250 MB for server+agent; k3s server ≈ 1.4–1.6 GB, agent 275 MB)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
