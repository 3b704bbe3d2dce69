// What the multi-machine harnesses (several nodes, several servers) do to the host's network:
// `ip` commands that teardown can run on what may be gone already, and a private /24 on a bridge
// of their own that no other run on this host holds.
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, never rejecting. */
export function run(cmd: string, args: string[]): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 15_000 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: unknown }).code) || 1 : 0, stdout, stderr }));
  });
}

/** `ip …`, never rejecting (teardown runs it on what may be gone already). */
export const ip = (args: string[]): Promise<CommandResult> => run('ip', args);

/** `ip …` that must succeed. */
export async function mustIp(args: string[]): Promise<void> {
  const r = await ip(args);
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
}

export function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}

/** A 192.168.N.0/24 no address or route on this host uses yet. */
async function unusedSubnet(): Promise<number> {
  const seen = (await ip(['-4', 'addr', 'show'])).stdout + (await ip(['-4', 'route', 'show'])).stdout;
  for (;;) {
    const n = randomInt(100, 250);
    if (!seen.includes(`192.168.${n}.`)) return n;
  }
}

/**
 * Puts 192.168.N.1/24 on the bridge for an unused N. Another run may pick the same N at the same
 * moment: both see the other's address after adding their own, and both pick again.
 */
export async function claimSubnet(bridge: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const n = await unusedSubnet();
    await mustIp(['addr', 'add', `192.168.${n}.1/24`, 'dev', bridge]);
    const others = (await ip(['-4', '-o', 'addr', 'show'])).stdout.split('\n').filter((l) => l.includes(` 192.168.${n}.`) && !l.includes(` ${bridge} `));
    if (others.length === 0) return n;
    await ip(['addr', 'del', `192.168.${n}.1/24`, 'dev', bridge]);
  }
  throw new Error('no unused 192.168.N.0/24 for the test bridge');
}
