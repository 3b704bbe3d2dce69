// Lifecycle hooks as upstream's kubelet runs them: postStart right after a container starts (a
// failure kills it), preStop before the stop signal, inside the termination grace period. exec
// runs through the runtime, httpGet against the pod, sleep waits; tcpSocket is accepted by the
// API but does nothing, as upstream.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Container, LifecycleHandler, Pod } from '../../api/core/v1/pod/types.js';
import { httpProbe, httpProbeRequest } from '../probes/index.js';
import type { StreamingRuntime } from '../runtime.js';

const POST_START_TIMEOUT_SECONDS = 30;

function podRef(pod: Pod): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

/** Runs one hook; resolves to upstream's failure message, or undefined when it succeeded. */
export async function runHook(runtime: Pick<StreamingRuntime, 'execSync'>, pod: Pod, c: Container, containerId: string, h: LifecycleHandler, timeoutSeconds: number, signal?: AbortSignal): Promise<string | undefined> {
  if (h.exec?.command) {
    const cmd = h.exec.command;
    try {
      const r = await runtime.execSync(containerId, cmd, timeoutSeconds, signal);
      if (r.exitCode === 0) return undefined;
      const output = Buffer.concat([r.stdout, r.stderr]).toString('utf8');
      return `Exec lifecycle hook ([${cmd.join(' ')}]) for Container "${c.name}" in Pod "${podRef(pod)}" failed - error: command '${cmd.join(' ')}' exited with ${r.exitCode}: ${output}, message: ${JSON.stringify(output)}`;
    } catch (err) {
      return `Exec lifecycle hook ([${cmd.join(' ')}]) for Container "${c.name}" in Pod "${podRef(pod)}" failed - error: ${(err as Error).message}, message: ""`;
    }
  }
  if (h.httpGet) {
    const path = h.httpGet.path ?? '/';
    try {
      const outcome = await httpProbe(httpProbeRequest(h.httpGet, c, pod.status?.podIP ?? ''), timeoutSeconds, signal);
      if (outcome.result === 'success' || outcome.result === 'warning') return undefined;
      return `HTTP lifecycle hook (${path}) for Container "${c.name}" in Pod "${podRef(pod)}" failed - error: ${outcome.output}, message: ""`;
    } catch (err) {
      return `HTTP lifecycle hook (${path}) for Container "${c.name}" in Pod "${podRef(pod)}" failed - error: ${(err as Error).message}, message: ""`;
    }
  }
  // An abandoned sleep simply ends: the pod is stopping.
  if (h.sleep?.seconds) await sleep(Math.min(h.sleep.seconds, timeoutSeconds) * 1000, undefined, { signal }).catch(() => undefined);
  return undefined;
}

/** `signal` abandons the hook when the pod must stop, as upstream's cancelled sync does. */
export function postStartHook(runtime: Pick<StreamingRuntime, 'execSync'>, pod: Pod, c: Container, containerId: string, signal?: AbortSignal): Promise<string | undefined> {
  const h = c.lifecycle?.postStart;
  return h ? runHook(runtime, pod, c, containerId, h, POST_START_TIMEOUT_SECONDS, signal) : Promise.resolve(undefined);
}

export function preStopHook(runtime: Pick<StreamingRuntime, 'execSync'>, pod: Pod, c: Container, containerId: string, graceSeconds: number): Promise<string | undefined> {
  const h = c.lifecycle?.preStop;
  return h ? runHook(runtime, pod, c, containerId, h, Math.max(1, graceSeconds)) : Promise.resolve(undefined);
}
