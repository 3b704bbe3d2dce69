// The iproute2 and nftables tools, run with a script on stdin when there is a batch to apply.
import { runWithInput } from '../util/exec.js';

export function runTool(cmd: string, args: string[], input = ''): Promise<string> {
  return runWithInput(cmd, args, input);
}

/** `ip -j …` parsed; an empty answer is an empty list. */
export async function ipJson<T>(args: string[], cmd = 'ip'): Promise<T[]> {
  const out = (await runTool(cmd, ['-j', ...args])).trim();
  return out ? (JSON.parse(out) as T[]) : [];
}
