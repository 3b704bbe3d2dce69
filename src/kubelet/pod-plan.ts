// What a pod needs next, from the pod and the runtime's snapshot of it (upstream's
// computePodActions): a sandbox, init containers in order, then the containers, restarts
// under crash-loop back-off, kills for failed liveness probes, replacements of running containers
// whose definition (image) changed, and how long a kill may take.
import type { Container, Pod } from '../api/core/v1/pod/types.js';
import { goDuration, type CrashBackoff } from './backoff.js';
import { definitionChanged } from './container-hash.js';
import { replaceContainer, runSandbox, replaceSandbox, startContainer, stopWithHooks } from './pod-actions.js';
import { DEFAULT_GRACE_SECONDS, type Action, type PodRecord, type Snapshot, type StepContext } from './pod-record.js';
import { isSidecar, type ContainerHistory } from './pod-status.js';
import type { ContainerStatus as CriContainerStatus } from './runtime.js';

export interface PlanContext extends StepContext {
  backoff: CrashBackoff;
}

/** restartPolicy Never/OnFailure with sidecars: every regular container exited and will not restart. */
export function regularContainersDone(pod: Pod, snap: Snapshot): boolean {
  const spec = pod.spec!;
  const policy = spec.restartPolicy ?? 'Always';
  if (policy === 'Always' || !(spec.initContainers ?? []).some(isSidecar)) return false;
  return spec.containers.every((c) => {
    const latest = snap.containers.get(c.name)?.attempts[0];
    return latest?.state === 'CONTAINER_EXITED' && (policy === 'Never' || latest.exitCode === 0);
  });
}

/** Upstream's setTerminationGracePeriod for a probe kill: the pod's deletion grace, else the probe's own, else the pod's. */
export function probeKillGrace(pod: Pod, c: Container, failure: string): number {
  if (pod.metadata.deletionGracePeriodSeconds !== undefined && pod.metadata.deletionGracePeriodSeconds !== null) return pod.metadata.deletionGracePeriodSeconds;
  const probe = failure.includes('startup') ? c.startupProbe : c.livenessProbe;
  return probe?.terminationGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
}

/** How long a whole-pod kill may take: the deletion's grace when deleted, else the pod's own. */
export function podKillGrace(pod: Pod): number {
  const own = pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
  return pod.metadata.deletionTimestamp ? (pod.metadata.deletionGracePeriodSeconds ?? own) : own;
}

/** When activeDeadlineSeconds runs out, counted from the pod's start. */
export function activeDeadline(pod: Pod): number | undefined {
  const ads = pod.spec?.activeDeadlineSeconds;
  const start = pod.status?.startTime;
  if (ads === undefined || !start) return undefined;
  return Date.parse(start) + ads * 1000;
}

/** What a live pod needs next: a sandbox, init containers in order, then the containers. */
export function planRun(ctx: PlanContext, pod: Pod, rec: PodRecord, snap: Snapshot, actions: Action[], wakeAt: (t: number) => void): void {
  const spec = pod.spec!;
  if (!snap.sandbox || snap.sandbox.state !== 'SANDBOX_READY') {
    const old = snap.sandbox;
    // A sandbox that died (its pause process killed, the host rebooted) is replaced whole:
    // its containers go with it and start again in the new one, counting as restarts.
    if (old) actions.push(() => replaceSandbox(rec, pod, old.id, snap));
    actions.push(() => runSandbox(rec, pod));
    return;
  }
  const policy = spec.restartPolicy ?? 'Always';
  const now = ctx.clock();
  // A container waiting on something outside the runtime (an image, a ConfigMap) is retried
  // when its wait ends, not on every sync.
  const held = (c: Container): boolean => {
    const w = rec.waiting.get(c.name);
    if (!w || w.retryAt <= now) return false;
    wakeAt(w.retryAt);
    return true;
  };
  for (const c of spec.initContainers ?? []) {
    const h = snap.containers.get(c.name);
    const latest = h?.attempts[0];
    if (!latest) {
      if (!held(c)) actions.push(() => startContainer(ctx, rec, pod, c, 0, true));
      return;
    }
    if (latest.state !== 'CONTAINER_EXITED') {
      if (isSidecar(c) && latest.state === 'CONTAINER_RUNNING') {
        if (definitionChanged(c, latest)) replaceChanged(ctx, pod, rec, c, h!, latest, true, `Init container ${c.name} definition changed`, actions);
        else checkLiveness(ctx, pod, rec, c, latest, actions);
        continue;
      }
      return;
    }
    if (held(c)) return;
    if (!isSidecar(c) && latest.exitCode === 0) continue;
    if (!isSidecar(c) && policy === 'Never') return;
    restartOrWait(ctx, pod, rec, c, h!, latest, true, actions, wakeAt);
    if (!isSidecar(c)) return;
  }
  for (const c of spec.containers) {
    const h = snap.containers.get(c.name);
    const latest = h?.attempts[0];
    if (!latest) {
      if (!held(c)) actions.push(() => startContainer(ctx, rec, pod, c, 0, false));
      continue;
    }
    if (latest.state === 'CONTAINER_RUNNING') {
      if (definitionChanged(c, latest)) replaceChanged(ctx, pod, rec, c, h!, latest, false, `Container ${c.name} definition changed, will be restarted`, actions);
      else checkLiveness(ctx, pod, rec, c, latest, actions);
    }
    if (latest.state !== 'CONTAINER_EXITED' || held(c)) continue;
    const restart = policy === 'Always' || (policy === 'OnFailure' && latest.exitCode !== 0);
    if (restart) restartOrWait(ctx, pod, rec, c, h!, latest, false, actions, wakeAt);
  }
}

function restartOrWait(ctx: PlanContext, pod: Pod, rec: PodRecord, c: Container, h: ContainerHistory, latest: CriContainerStatus, isInit: boolean, actions: Action[], wakeAt: (t: number) => void): void {
  const key = `${rec.uid}/${c.name}`;
  const b = ctx.backoff;
  if (b.inBackoffSince(key, latest.finishedAt)) {
    h.backoffMessage = `back-off ${goDuration(b.delay(key))} restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${rec.uid})`;
    if (!rec.wake || rec.wake.at !== b.releaseAt(key, latest.finishedAt)) {
      rec.node.recorder?.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${rec.uid})`);
    }
    wakeAt(b.releaseAt(key, latest.finishedAt));
    return;
  }
  actions.push(async () => {
    b.next(key, latest.finishedAt);
    await startContainer(ctx, rec, pod, c, latest.metadata.attempt + 1, isInit);
  });
}

/**
 * A running container whose definition changed is killed and started again whatever the restart
 * policy (upstream: "Restart regardless of the restart policy because the container spec
 * changed"); the start counts for crash-loop back-off as any restart after an exit does.
 */
function replaceChanged(ctx: PlanContext, pod: Pod, rec: PodRecord, c: Container, h: ContainerHistory, running: CriContainerStatus, isInit: boolean, message: string, actions: Action[]): void {
  actions.push(async () => {
    const exited = h.attempts.find((a) => a.state === 'CONTAINER_EXITED');
    if (exited) ctx.backoff.next(`${rec.uid}/${c.name}`, exited.finishedAt);
    await replaceContainer(ctx, rec, pod, c, running, isInit, podKillGrace(pod), message);
  });
}

/** A failed liveness (or startup) probe: stop the container; the next sync restarts it per policy. */
function checkLiveness(ctx: StepContext, pod: Pod, rec: PodRecord, c: Container, latest: CriContainerStatus, actions: Action[]): void {
  const failure = rec.node.env?.probes?.livenessFailure(rec.uid, c.name, latest.id);
  if (!failure) return;
  actions.push(async () => {
    rec.node.recorder?.event(pod, 'Normal', 'Killing', `Container ${c.name} ${failure}, will be restarted`);
    await stopWithHooks(ctx, rec, pod, latest.id, c.name, probeKillGrace(pod, c, failure));
  });
}
