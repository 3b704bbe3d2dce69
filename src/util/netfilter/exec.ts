// Running the netfilter tools with a script on stdin (`nft -f -`, `iptables-restore`): one
// process per batch, its error output in the rejection.
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
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.trim().slice(0, 2000)}`));
    });
    child.stdin.end(input);
  });
}

export const run = (cmd: string, args: string[]): Promise<string> => runWithInput(cmd, args, '');
