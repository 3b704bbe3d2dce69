// What a test's node may leave on the host when a test fails or an agent dies mid-teardown:
// containerd, its shims and their containers, found by the data dir in their command lines.
// Tests must end what they started, failed or not (servers leave containers running on purpose).
import { readdirSync, readFileSync } from 'node:fs';

/** Processes whose command line names a path under `dir` (containerd, shims, anything started there). */
export function processesUnder(dir: string): number[] {
  const needle = dir.replace(/\/+$/, '') + '/';
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    if (cmdline.split('\0').some((arg) => arg.includes(needle))) out.push(pid);
  }
  return out;
}

/** SIGKILLs them and waits (bounded) until they are gone. */
export async function killProcessesUnder(dir: string, timeoutMs = 5_000): Promise<number[]> {
  const pids = processesUnder(dir);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && processesUnder(dir).length > 0) await new Promise((r) => setTimeout(r, 50));
  return pids;
}
