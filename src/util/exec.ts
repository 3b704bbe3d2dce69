// Running a system tool with a script on stdin (`nft -f -`, `iptables-restore`, `ip -batch -`):
// one process per batch, its error output in the rejection (also as `stderr`, to tell "already
// gone" from a real failure).
import { spawn } from 'node:child_process';

export function runWithInput(cmd: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(Object.assign(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.trim().slice(0, 2000)}`), { stderr }));
    });
    child.stdin.end(input);
  });
}
