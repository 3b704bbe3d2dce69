// What the benchmarks share: free ports, k8ts processes started as a user starts them, and the
// resident memory and CPU time of a process read from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const CLI = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Extra flags for a process's node (e.g. --cpu-prof) from an environment variable. */
export function nodeArgs(env: string): string[] {
  return (process.env[env] ?? '').split(' ').filter(Boolean);
}

/** Spawn a k8ts command and resolve once its log shows `ready`; its log is kept for error messages. */
export function startProcess(name: string, args: string[], extraNodeArgs: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...extraNodeArgs, CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    child.stderr!.on('data', (d: Buffer) => {
      // Keep only the tail: the agent and server may log for the whole run.
      log = (log + d.toString()).slice(-20_000);
      if (ready.test(log)) resolve(child);
    });
    child.on('exit', (code, signal) => reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${log}`)));
  });
}

/** SIGTERM each process (last started first), SIGKILL any still running after a minute. */
export async function stopProcesses(children: ChildProcess[]): Promise<void> {
  for (const p of [...children].reverse()) {
    if (p.exitCode !== null || p.signalCode !== null) continue;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    const killer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    await exited;
    clearTimeout(killer);
  }
}

export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export function cpuSeconds(pid: number): number {
  // utime + stime, fields 14 and 15 of /proc/<pid>/stat (after the parenthesised command).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The p-th percentile (0–100) of the values, nearest-rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
