// Running containerd's own CLI (ctr, shipped with Debian's containerd) against a containerd
// socket, in the CRI's namespace. Failures become one-line errors quoting ctr's message.
import { execFile } from 'node:child_process';
import { endpointSocket } from '../containerd/supervisor.js';

/** The namespace the CRI plugin keeps its images and containers in. */
export const CRI_NAMESPACE = 'k8s.io';

export interface CtrOptions {
  /** ctr binary (default: ctr from PATH). */
  binary?: string;
  timeoutMs?: number;
  /** Raw bytes instead of text (content get). */
  buffer?: boolean;
}

export function ctr(endpoint: string, args: string[], o: CtrOptions = {}): Promise<Buffer> {
  const argv = ['-a', endpointSocket(endpoint), '-n', CRI_NAMESPACE, ...args];
  return new Promise((resolve, reject) => {
    execFile(
      o.binary ?? 'ctr',
      argv,
      { encoding: 'buffer', maxBuffer: 64 << 20, timeout: o.timeoutMs ?? 120_000, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return reject(new Error(`cannot run ${o.binary ?? 'ctr'}: not installed (Debian package containerd)`));
        const msg = stderr.toString('utf8').trim().split('\n').filter(Boolean).pop() ?? err.message;
        reject(new Error(`ctr ${args.slice(0, 2).join(' ')}: ${msg.replace(/^ctr: /, '')}`));
      },
    );
  });
}
