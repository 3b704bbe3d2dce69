// The exec probe: run the command in the container through the runtime's ExecSync; exit 0 passes.
import type { StreamingRuntime } from '../runtime.js';
import type { ProbeOutcome } from './outcome.js';

/** At most this much of the command's output is kept (upstream's 10 KiB). */
const MAX_OUTPUT = 10 * 1024;
/** How long past the probe timeout the runtime may take to report before the probe gives up itself. */
const RUNTIME_GRACE_MS = 2000;

class LocalTimeout extends Error {}

function isDeadline(err: unknown): boolean {
  if (err instanceof LocalTimeout) return true;
  const e = err as { code?: unknown; message?: unknown } | undefined;
  // gRPC's DEADLINE_EXCEEDED is code 4.
  if (e?.code === 4 || e?.code === 'DEADLINE_EXCEEDED') return true;
  return typeof e?.message === 'string' && /deadline exceeded|timed out|timeout/i.test(e.message);
}

export async function execProbe(runtime: Pick<StreamingRuntime, 'execSync'>, containerId: string, cmd: string[], timeoutSeconds: number): Promise<ProbeOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LocalTimeout()), timeoutSeconds * 1000 + RUNTIME_GRACE_MS);
  });
  try {
    const r = await Promise.race([runtime.execSync(containerId, cmd, timeoutSeconds), guard]);
    const output = Buffer.concat([r.stdout, r.stderr]).subarray(0, MAX_OUTPUT).toString('utf8');
    return { result: r.exitCode === 0 ? 'success' : 'failure', output };
  } catch (err) {
    if (isDeadline(err)) return { result: 'failure', output: `command ${JSON.stringify(cmd.join(' '))} timed out` };
    return { result: 'unknown', output: '', error: err instanceof Error ? err : new Error(String(err)) };
  } finally {
    clearTimeout(timer);
  }
}
