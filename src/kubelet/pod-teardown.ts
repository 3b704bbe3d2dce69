// Forgetting a pod that is gone from the API (or replaced by another with its name): its
// timers, back-off, probes, sandbox and the node-side files its environment made.
import type { CrashBackoff } from './backoff.js';
import { envOf, type PodRecord } from './pod-record.js';

export async function teardownPod(rec: PodRecord, backoff: CrashBackoff): Promise<void> {
  rec.wake?.timer.cancel();
  backoff.forgetPrefix(`${rec.uid}/`);
  await rec.task?.catch(() => undefined);
  rec.node.env?.probes?.removePod(rec.uid);
  if (rec.sandboxId) await rec.node.runtime.removePodSandbox(rec.sandboxId);
  await envOf(rec).cleanup(rec.uid);
}
