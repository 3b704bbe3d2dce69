// The runtime steps a pod's background task takes: make or replace its sandbox, start a
// container (image, config, hooks), stop one with its preStop hook, replace one whose definition
// changed, and kill the whole pod.
import { findContainerSpec } from '../api/core/v1/pod/containers.js';
import type { Container, Pod } from '../api/core/v1/pod/types.js';
import { WaitingError } from './pod-environment.js';
import { DEFAULT_GRACE_SECONDS, envOf, type PodRecord, type Snapshot, type StepContext } from './pod-record.js';
import { CONTAINER_NAME_LABEL, type ContainerStatus as CriContainerStatus } from './runtime.js';
import { TerminationOrdering } from './termination-order.js';

const CONFIG_RETRY_MS = 2000;
/** Upstream's minimumGracePeriodInSeconds: a container always gets this long after SIGTERM. */
const MIN_STOP_GRACE_SECONDS = 2;

export async function replaceSandbox(rec: PodRecord, pod: Pod, oldId: string, snap: Snapshot): Promise<void> {
  rec.node.recorder?.event(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
  for (const [name, h] of snap.containers) {
    const latest = h.attempts[0];
    if (latest) rec.restartOffset.set(name, (rec.restartOffset.get(name) ?? 0) + latest.metadata.attempt + 1);
  }
  await rec.node.runtime.stopPodSandbox(oldId);
  await rec.node.runtime.removePodSandbox(oldId);
  if (rec.sandboxId === oldId) rec.sandboxId = undefined;
}

export async function runSandbox(rec: PodRecord, pod: Pod): Promise<void> {
  const config = await envOf(rec).sandboxConfig(pod);
  rec.sandboxConfig = config;
  rec.sandboxId = await rec.node.runtime.runPodSandbox(config);
}

export async function startContainer(ctx: StepContext, rec: PodRecord, pod: Pod, c: Container, attempt: number, isInit: boolean): Promise<void> {
  const rt = rec.node.runtime;
  const env = envOf(rec);
  const rcd = rec.node.recorder;
  if (!rec.sandboxId || !rec.sandboxConfig) return;
  let id: string;
  try {
    await env.ensureImage(pod, c, rcd, rec.abort?.signal);
    const sandbox = await rt.podSandboxStatus(rec.sandboxId);
    const config = await env.containerConfig(pod, c, attempt, isInit, sandbox, rec.sandboxConfig);
    id = await rt.createContainer(rec.sandboxId, config, rec.sandboxConfig);
  } catch (err) {
    if (!(err instanceof WaitingError)) throw err;
    rec.waiting.set(c.name, { reason: err.reason, message: err.message, retryAt: err.retryAt ?? ctx.clock() + CONFIG_RETRY_MS });
    if (err.reason === 'CreateContainerConfigError') rcd?.event(pod, 'Warning', 'Failed', `Error: ${err.message}`);
    return;
  }
  rec.waiting.delete(c.name);
  rcd?.event(pod, 'Normal', 'Created', `Created container: ${c.name}`);
  await rt.startContainer(id);
  rcd?.event(pod, 'Normal', 'Started', `Started container ${c.name}`);
  const hookFailure = await env.postStart?.(pod, c, id, rec.abort?.signal);
  // Abandoned because the pod is stopping: its kill follows, and the hook did not fail.
  if (rec.abort?.signal.aborted) return;
  if (hookFailure) {
    rcd?.event(pod, 'Warning', 'FailedPostStartHook', hookFailure);
    rcd?.event(pod, 'Normal', 'Killing', 'FailedPostStartHook');
    await stopWithHooks(ctx, rec, pod, id, c.name, pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS);
  }
  // Keep the newest two attempts of a container: the current one and the one lastState shows.
  for (const old of await rt.listContainers({ podSandboxId: rec.sandboxId, labelSelector: { [CONTAINER_NAME_LABEL]: c.name } })) {
    if (old.metadata.attempt < attempt - 1) await rt.removeContainer(old.id);
  }
}

/**
 * A running container made from an older definition (its image changed): stopped as any kill is,
 * preStop first, then started again from the current spec as its next attempt.
 */
export async function replaceContainer(ctx: StepContext, rec: PodRecord, pod: Pod, c: Container, running: CriContainerStatus, isInit: boolean, graceSeconds: number, message: string): Promise<void> {
  rec.node.recorder?.event(pod, 'Normal', 'Killing', message);
  await stopWithHooks(ctx, rec, pod, running.id, c.name, graceSeconds);
  // Deleted meanwhile: the pod's kill follows, nothing starts.
  if (rec.cancelled) return;
  await startContainer(ctx, rec, pod, c, running.metadata.attempt + 1, isInit);
}

export async function killPod(ctx: StepContext, rec: PodRecord, pod: Pod, live: CriContainerStatus[], graceSeconds: number): Promise<void> {
  rec.killing = true;
  const rt = rec.node.runtime;
  const ordering = new TerminationOrdering(pod, live.map((s) => s.metadata.name), ctx.clock);
  await Promise.all(
    live.map((s) => {
      rec.node.recorder?.event(pod, 'Normal', 'Killing', `Stopping container ${s.metadata.name}`);
      return stopWithHooks(ctx, rec, pod, s.id, s.metadata.name, graceSeconds, ordering)
        .catch(() => undefined)
        .finally(() => ordering.terminated(s.metadata.name));
    }),
  );
  if (rec.sandboxId) await rt.stopPodSandbox(rec.sandboxId);
}

/**
 * preStop first, inside the grace period; then, when stopping a whole pod, the container's turn
 * (sidecars after the rest); then the stop signal with what is left (at least 2 s, as upstream).
 */
export async function stopWithHooks(ctx: StepContext, rec: PodRecord, pod: Pod, containerId: string, name: string, graceSeconds: number, ordering?: TerminationOrdering): Promise<void> {
  const spec = findContainerSpec(pod, name);
  let grace = graceSeconds;
  if (spec?.lifecycle?.preStop && rec.node.env?.preStop && graceSeconds > 0) {
    const started = ctx.clock();
    const failure = await rec.node.env.preStop(pod, spec, containerId, graceSeconds);
    // The hook's output may hold secrets: the event says only that it failed, as upstream's.
    if (failure) {
      rec.node.recorder?.event(pod, 'Warning', 'FailedPreStopHook', 'PreStopHook failed');
      ctx.log?.(`pod ${rec.key}: ${failure}`);
    }
    grace -= Math.floor((ctx.clock() - started) / 1000);
  }
  if (ordering && grace > 0) grace -= await ordering.waitForTurn(name, grace);
  await rec.node.runtime.stopContainer(containerId, Math.max(MIN_STOP_GRACE_SECONDS, grace));
}
