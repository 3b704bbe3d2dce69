// The pod status the kubelet reports, computed from the pod and what the runtime says about its
// sandbox and containers: container states, the phase (upstream's getPhase), and the
// PodReadyToStartContainers / Initialized / Ready / ContainersReady / PodScheduled conditions.
import type { Container, ContainerState as ApiContainerState, ContainerStatus as ApiContainerStatus, Pod, PodCondition, PodStatus } from '../api/core/v1/pod/types.js';
import type { ContainerStatus as CriContainerStatus, PodSandboxStatus } from './runtime.js';
import { rfc3339 } from '../util/time.js';

/** The condition types the kubelet owns; others (DisruptionTarget, custom gates) are left alone. */
export const KUBELET_CONDITIONS = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'] as const;

export interface ContainerHistory {
  /** Attempts of one container, newest first. */
  attempts: CriContainerStatus[];
  /** Set while the container waits out its crash-loop back-off. */
  backoffMessage?: string;
}

export interface PodStatusInput {
  pod: Pod;
  hostIP: string;
  runtimeName: string;
  sandbox?: PodSandboxStatus;
  containers: Map<string, ContainerHistory>;
  /** Restarts that happened before this agent knew the pod (kept across agent restarts). */
  restartOffset?: Map<string, number>;
  /** Running containers that are not Ready (readiness probes, the sim's never-ready annotation). */
  unready?: (container: string, containerId: string) => boolean;
  /** Running containers whose startup probe has not yet succeeded. */
  notStarted?: (container: string, containerId: string) => boolean;
  /** Why a container that is not running waits, when the kubelet knows better than the runtime
   *  (ErrImagePull, ImagePullBackOff, CreateContainerConfigError, RunContainerError). */
  waiting?: Map<string, { reason: string; message?: string }>;
  /** The pod has been stopped for good (deleted, or past its deadline): the phase must be terminal. */
  terminal?: { reason?: string; message?: string };
  now: number;
}

export const isSidecar = (c: Container): boolean => c.restartPolicy === 'Always';

function terminated(s: CriContainerStatus, runtimeName: string): ApiContainerState {
  return {
    terminated: {
      exitCode: s.exitCode,
      reason: s.reason || (s.exitCode === 0 ? 'Completed' : 'Error'),
      ...(s.message ? { message: s.message } : {}),
      startedAt: s.startedAt ? rfc3339(s.startedAt) : null,
      finishedAt: rfc3339(s.finishedAt),
      containerID: `${runtimeName}://${s.id}`,
    },
  };
}

function containerStatus(c: Container, h: ContainerHistory | undefined, waitingReason: string, input: PodStatusInput): ApiContainerStatus {
  const offset = input.restartOffset?.get(c.name) ?? 0;
  const latest = h?.attempts[0];
  const w = input.waiting?.get(c.name);
  const known = w && { reason: w.reason, ...(w.message ? { message: w.message } : {}) };
  if (!latest) {
    return { name: c.name, state: { waiting: known ?? { reason: waitingReason } }, lastState: {}, ready: false, restartCount: offset, image: c.image ?? '', imageID: '', started: false };
  }
  const prev = h.attempts[1];
  const out: ApiContainerStatus = {
    name: c.name,
    state: {},
    lastState: {},
    ready: false,
    restartCount: latest.metadata.attempt + offset,
    image: c.image ?? latest.image,
    imageID: latest.imageRef,
    containerID: `${input.runtimeName}://${latest.id}`,
    started: false,
  };
  switch (latest.state) {
    case 'CONTAINER_RUNNING':
      out.state = { running: { startedAt: rfc3339(latest.startedAt) } };
      out.started = !(input.notStarted?.(c.name, latest.id) ?? false);
      out.ready = out.started && !(input.unready?.(c.name, latest.id) ?? false);
      if (prev?.state === 'CONTAINER_EXITED') out.lastState = terminated(prev, input.runtimeName);
      break;
    case 'CONTAINER_EXITED':
      if (known) {
        out.state = { waiting: known };
        out.lastState = terminated(latest, input.runtimeName);
      } else if (h.backoffMessage) {
        out.state = { waiting: { reason: 'CrashLoopBackOff', message: h.backoffMessage } };
        out.lastState = terminated(latest, input.runtimeName);
      } else {
        out.state = terminated(latest, input.runtimeName);
        if (prev?.state === 'CONTAINER_EXITED') out.lastState = terminated(prev, input.runtimeName);
      }
      break;
    default:
      out.state = { waiting: { reason: 'ContainerCreating' } };
      if (prev?.state === 'CONTAINER_EXITED') out.lastState = terminated(prev, input.runtimeName);
  }
  return out;
}

/** Upstream's HasAnyRegularContainerStarted: a regular container running or terminated means init is past. */
function anyRegularStarted(pod: Pod, main: ApiContainerStatus[]): boolean {
  const names = new Set(pod.spec!.containers.map((c) => c.name));
  return main.some((s) => names.has(s.name) && !!(s.state?.running || s.state?.terminated));
}

/** Upstream's getPhase: what the containers' states add up to. */
export function podPhase(pod: Pod, init: ApiContainerStatus[], main: ApiContainerStatus[], podIsTerminal: boolean): string {
  const spec = pod.spec!;
  const byName = (list: ApiContainerStatus[], n: string) => list.find((s) => s.name === n);
  let pendingInit = 0;
  let failedInit = 0;
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of spec.initContainers ?? []) {
    const s = byName(init, c.name);
    if (isSidecar(c)) {
      // A sidecar counts as a running container; one that exited (or restarts after exiting) does not hold the pod back.
      if (!s) unknown++;
      else if (s.state?.running) {
        if (!s.started) pendingInit++;
        running++;
      } else if (s.state?.terminated) {
        // not taken into account
      } else if (s.state?.waiting) {
        if (!s.lastState?.terminated) {
          pendingInit++;
          waiting++;
        }
      } else {
        pendingInit++;
        unknown++;
      }
      continue;
    }
    if (!s) pendingInit++;
    else if (s.state?.running) pendingInit++;
    else if (s.state?.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInit++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) {
        if (s.lastState.terminated.exitCode !== 0) failedInit++;
      } else pendingInit++;
    } else pendingInit++;
  }
  for (const c of spec.containers) {
    const s = byName(main, c.name);
    if (!s) unknown++;
    else if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  const policy = spec.restartPolicy ?? 'Always';
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  // A sidecar restarting after the regular containers ran does not put the pod back to Pending.
  if ((pendingInit > 0 && !anyRegularStarted(pod, main)) || waiting > 0) return podIsTerminal ? 'Failed' : 'Pending';
  if (running > 0 && unknown === 0) return podIsTerminal ? 'Failed' : 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return podIsTerminal ? 'Failed' : 'Pending';
}

function condition(pod: Pod, type: string, status: 'True' | 'False', now: number, reason?: string, message?: string): PodCondition {
  const old = pod.status?.conditions?.find((c) => c.type === type);
  const since = old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(now);
  return { type, status, lastProbeTime: null, lastTransitionTime: since, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

function readyConditions(pod: Pod, phase: string, statuses: ApiContainerStatus[], now: number): PodCondition[] {
  // Sidecars (restartable init containers) count for readiness as regular containers do.
  const unready = [...(pod.spec!.initContainers ?? []).filter(isSidecar), ...pod.spec!.containers].filter((c) => !statuses.find((s) => s.name === c.name)?.ready).map((c) => c.name);
  let containersReady: PodCondition;
  if (phase === 'Succeeded') containersReady = condition(pod, 'ContainersReady', 'False', now, 'PodCompleted');
  else if (phase === 'Failed') containersReady = condition(pod, 'ContainersReady', 'False', now, 'PodFailed');
  else if (unready.length) containersReady = condition(pod, 'ContainersReady', 'False', now, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`);
  else containersReady = condition(pod, 'ContainersReady', 'True', now);
  // Readiness gates: conditions other components set; the pod is Ready only when all are True.
  const gateMessages: string[] = [];
  for (const g of pod.spec!.readinessGates ?? []) {
    const c = pod.status?.conditions?.find((x) => x.type === g.conditionType);
    if (!c) gateMessages.push(`corresponding condition of pod readiness gate "${g.conditionType}" does not exist.`);
    else if (c.status !== 'True') gateMessages.push(`the status of pod readiness gate "${g.conditionType}" is not "True", but ${c.status}`);
  }
  let ready: PodCondition;
  if (containersReady.status !== 'True') ready = condition(pod, 'Ready', 'False', now, containersReady.reason, containersReady.message);
  else if (gateMessages.length) ready = condition(pod, 'Ready', 'False', now, 'ReadinessGatesNotReady', gateMessages.join(', '));
  else ready = condition(pod, 'Ready', 'True', now);
  return [ready, containersReady];
}

export function generatePodStatus(input: PodStatusInput): PodStatus {
  const { pod, now } = input;
  const spec = pod.spec!;
  const initSpecs = spec.initContainers ?? [];
  const initStatuses: ApiContainerStatus[] = [];
  let initDone = true;
  for (const c of initSpecs) {
    const s = containerStatus(c, input.containers.get(c.name), 'PodInitializing', input);
    initStatuses.push(s);
    const finished = isSidecar(c) ? s.started === true : s.state?.terminated?.exitCode === 0;
    if (!finished) initDone = false;
  }
  const main = spec.containers.map((c) => containerStatus(c, input.containers.get(c.name), initDone ? 'ContainerCreating' : 'PodInitializing', input));
  const prior = pod.status?.phase;
  let phase = prior === 'Succeeded' || prior === 'Failed' ? prior : podPhase(pod, initStatuses, main, !!input.terminal);
  const st: PodStatus = { phase };
  if (input.terminal?.reason) {
    phase = st.phase = 'Failed';
    st.reason = input.terminal.reason;
    st.message = input.terminal.message;
  }
  const incompleteInit = initSpecs.filter((c, i) => !(isSidecar(c) ? initStatuses[i]!.started : initStatuses[i]!.state?.terminated?.exitCode === 0)).map((c) => c.name);
  const sandboxReady = input.sandbox?.state === 'SANDBOX_READY';
  const conditions: PodCondition[] = [condition(pod, 'PodReadyToStartContainers', sandboxReady ? 'True' : 'False', now)];
  // Upstream: once a regular container has started, the pod stays initialized while sidecars restart.
  if (incompleteInit.length && phase !== 'Succeeded' && !anyRegularStarted(pod, main)) conditions.push(condition(pod, 'Initialized', 'False', now, 'ContainersNotInitialized', `containers with incomplete status: [${incompleteInit.join(' ')}]`));
  else conditions.push(condition(pod, 'Initialized', 'True', now));
  conditions.push(...readyConditions(pod, phase, [...initStatuses, ...main], now));
  // A pod bound without the scheduler (spec.nodeName in the manifest) gets PodScheduled here.
  conditions.push(pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'True') ?? condition(pod, 'PodScheduled', 'True', now));
  st.conditions = conditions;
  st.hostIP = input.hostIP;
  st.hostIPs = [{ ip: input.hostIP }];
  const ip = input.sandbox?.network.ip ?? pod.status?.podIP;
  if (ip) {
    st.podIP = ip;
    st.podIPs = [{ ip }];
  }
  st.startTime = pod.status?.startTime ?? rfc3339(now);
  if (initSpecs.length) st.initContainerStatuses = initStatuses;
  st.containerStatuses = main;
  return st;
}

/** Equality of two statuses over what the kubelet writes, ignoring empty values either side may omit. */
export function sameStatus(a: PodStatus | undefined, b: PodStatus): boolean {
  const pick = (s: PodStatus | undefined) => {
    if (!s) return undefined;
    const own = new Set<string>(KUBELET_CONDITIONS);
    return {
      phase: s.phase,
      reason: s.reason,
      message: s.message,
      conditions: (s.conditions ?? []).filter((c) => own.has(c.type)).sort((x, y) => x.type.localeCompare(y.type)),
      hostIP: s.hostIP,
      hostIPs: s.hostIPs,
      podIP: s.podIP,
      podIPs: s.podIPs,
      startTime: s.startTime,
      initContainerStatuses: s.initContainerStatuses,
      containerStatuses: s.containerStatuses,
    };
  };
  return canonical(pick(a)) === canonical(pick(b));
}

function canonical(v: unknown): string {
  return JSON.stringify(prune(v)) ?? '';
}

function prune(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(prune).filter((x) => x !== undefined);
    return items.length ? items : undefined;
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = prune((v as Record<string, unknown>)[k]);
      if (x !== undefined) out[k] = x;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v === null || v === '' ? undefined : v;
}
