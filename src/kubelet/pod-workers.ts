// The kubelet's pod workers: a level-based sync per pod that compares the pod (from the
// informer) with what the runtime holds, starts what should run, restarts what crashed (with
// crash-loop back-off), stops what is deleted, and reports the status through pods/status.
// Slow runtime calls (image pulls, graceful stops) run as one background task per pod, as
// upstream's per-pod goroutines do, so a few workers can serve thousands of pods.
import { findContainerSpec } from '../api/core/v1/pod/containers.js';
import type { Container, Pod } from '../api/core/v1/pod/types.js';
import type { EventRecorder } from '../client/events.js';
import { R, resourcePath } from '../client/resources.js';
import { ApiStatusError, type RestClient } from '../client/rest.js';
import { runWorkers, WorkQueue } from '../client/workqueue.js';
import { CrashBackoff, goDuration } from './backoff.js';
import { basicEnvironment, WaitingError, type PodEnvironment } from './pod-environment.js';
import { generatePodStatus, isSidecar, sameStatus, type ContainerHistory } from './pod-status.js';
import {
  CONTAINER_NAME_LABEL,
  POD_NAME_LABEL,
  POD_NAMESPACE_LABEL,
  POD_UID_LABEL,
  type ContainerStatus as CriContainerStatus,
  type PodSandboxConfig,
  type PodSandboxStatus,
  type RuntimeService,
} from './runtime.js';
import { TerminationOrdering } from './termination-order.js';
import type { TimerHandle, TimerWheel } from './timer-wheel.js';

export interface NodeHandle {
  name: string;
  nodeIP: string;
  runtime: RuntimeService;
  runtimeName: string;
  recorder?: EventRecorder;
  /** Volumes, env, images and probes around the runtime calls (default: basicEnvironment). */
  env?: PodEnvironment;
}

/** Why a container is not running yet, and when to try again. */
interface Waiting {
  reason: string;
  message: string;
  retryAt: number;
}

const CONFIG_RETRY_MS = 2000;

export interface PodWorkersOptions {
  client: RestClient;
  getPod(key: string): Pod | undefined;
  /** The node a pod is bound to, when this kubelet runs it (undefined: not ours, or removed). */
  node(name: string): NodeHandle | undefined;
  wheel: TimerWheel;
  backoff: CrashBackoff;
  /** Containers that never report Ready. */
  unready?: (pod: Pod, container: string) => boolean;
  workers?: number;
  log?: (line: string) => void;
  clock?: () => number;
}

interface PodRecord {
  key: string;
  uid: string;
  node: NodeHandle;
  sandboxId?: string;
  sandboxConfig?: PodSandboxConfig;
  /** Whether the runtime was searched for this pod's sandbox (left by an earlier agent). */
  searched?: boolean;
  waiting: Map<string, Waiting>;
  task?: Promise<void>;
  /** Set when the pod must stop: the running task takes no further steps. */
  cancelled?: boolean;
  /** Aborts the step under way when the pod must stop (an image pull). */
  abort?: AbortController;
  /** The running task is the kill itself, which is never cancelled. */
  killing?: boolean;
  restartOffset: Map<string, number>;
  wake?: { at: number; timer: TimerHandle };
  terminal?: { reason?: string; message?: string };
  deleteSent?: boolean;
  lastWrite?: { againstRV?: string; status: NonNullable<Pod['status']> };
  /** terminated.message per exited container id: read once, the files do not change after exit. */
  messages: Map<string, string>;
}

interface Snapshot {
  sandbox?: PodSandboxStatus;
  containers: Map<string, ContainerHistory>;
}

type Action = () => Promise<void>;

const DEADLINE_MESSAGE = 'Pod was active on the node longer than the specified deadline';
const DEFAULT_GRACE_SECONDS = 30;
/** Upstream's minimumGracePeriodInSeconds: a container always gets this long after SIGTERM. */
const MIN_STOP_GRACE_SECONDS = 2;

const podKey = (ns: string, name: string) => `${ns}/${name}`;

/** restartPolicy Never/OnFailure with sidecars: every regular container exited and will not restart. */
function regularContainersDone(pod: Pod, snap: Snapshot): boolean {
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

export class PodWorkers {
  private readonly queue = new WorkQueue({ baseDelayMs: 200, maxDelayMs: 30_000 });
  private readonly records = new Map<string, PodRecord>();
  private readonly clock: () => number;
  private stopped = false;

  constructor(private readonly opts: PodWorkersOptions) {
    this.clock = opts.clock ?? Date.now;
  }

  run(): Promise<void> {
    return runWorkers(this.queue, this.opts.workers ?? 16, (k) => this.sync(k), (k, err) => this.opts.log?.(`pod ${k}: ${err instanceof Error ? err.message : String(err)}`));
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  /** Route a runtime event to the pod it concerns. */
  enqueueFromLabels(labels: Record<string, string>): void {
    const ns = labels[POD_NAMESPACE_LABEL];
    const name = labels[POD_NAME_LABEL];
    if (ns && name) this.enqueue(podKey(ns, name));
  }

  /** Whether this kubelet holds runtime state for the pod key (so its deletion concerns us). */
  tracks(key: string): boolean {
    return this.records.has(key);
  }

  stop(): void {
    this.stopped = true;
    this.queue.shutdown();
    for (const r of this.records.values()) r.wake?.timer.cancel();
  }

  async sync(key: string): Promise<void> {
    if (this.stopped) return;
    const pod = this.opts.getPod(key);
    let rec = this.records.get(key);
    if (rec && (!pod || pod.metadata.uid !== rec.uid)) {
      await this.teardown(rec);
      rec = undefined;
    }
    if (!pod?.spec?.nodeName) return;
    const node = this.opts.node(pod.spec.nodeName);
    if (!node) return;
    const phase = pod.status?.phase;
    let alreadyTerminal = phase === 'Succeeded' || phase === 'Failed';
    if (!rec) {
      // A finished pod this kubelet never ran (an agent restart) has nothing left to do.
      if (alreadyTerminal && !pod.metadata.deletionTimestamp) return;
      rec = this.adopt(key, pod, node);
    }
    if (!rec.sandboxId && !rec.searched) await this.findSandbox(rec, pod);
    const snap = await this.snapshot(rec);
    const now = this.clock();
    const probes = node.env?.probes;
    const uid = rec.uid;
    if (probes && !pod.metadata.deletionTimestamp) probes.sync(pod, this.running(snap), snap.sandbox?.network.ip);
    const statusInput = {
      pod,
      hostIP: node.nodeIP,
      runtimeName: node.runtimeName,
      sandbox: snap.sandbox,
      containers: snap.containers,
      restartOffset: rec.restartOffset,
      unready: (c: string, id: string) => (this.opts.unready?.(pod, c) ?? false) || (probes ? !probes.ready(uid, c, id) : false),
      notStarted: probes ? (c: string, id: string) => !probes.started(uid, c, id) : undefined,
      waiting: rec.waiting,
      now,
    };
    // Finished by what the runtime shows, even if the API has not heard yet: nothing restarts.
    const finished = generatePodStatus(statusInput).phase;
    if (finished === 'Succeeded' || finished === 'Failed') alreadyTerminal = true;
    // Sidecars keep a pod Running; once its regular containers are done for good, they are stopped (upstream's computePodActions).
    if (regularContainersDone(pod, snap)) alreadyTerminal = true;
    const actions: Action[] = [];
    let wakeAt = Infinity;
    let deleteNow = false;

    const deadline = this.deadline(pod);
    if (deadline !== undefined && !alreadyTerminal && !rec.terminal) {
      if (now >= deadline) {
        rec.terminal = { reason: 'DeadlineExceeded', message: DEADLINE_MESSAGE };
        node.recorder?.event(pod, 'Normal', 'DeadlineExceeded', DEADLINE_MESSAGE);
      }
      else wakeAt = Math.min(wakeAt, deadline);
    }
    const live = [...snap.containers.values()].map((h) => h.attempts[0]!).filter((s) => s.state === 'CONTAINER_RUNNING' || s.state === 'CONTAINER_CREATED');

    if (pod.metadata.deletionTimestamp || rec.terminal || alreadyTerminal) {
      if (rec.task && !rec.killing) {
        rec.cancelled = true;
        rec.abort?.abort();
      }
      const grace = pod.metadata.deletionTimestamp ? (pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS) : (pod.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS);
      if (live.length || snap.sandbox?.state === 'SANDBOX_READY') actions.push(() => this.killPod(rec!, pod, live, grace));
      else if (pod.metadata.deletionTimestamp) deleteNow = true;
    } else if (!rec.task) {
      // While a task runs, the runtime is mid-change: report what it shows, decide afterwards.
      this.planRun(pod, rec, snap, actions, (t) => (wakeAt = Math.min(wakeAt, t)));
    }

    const terminal = pod.metadata.deletionTimestamp && !live.length && snap.containers.size ? (rec.terminal ?? {}) : rec.terminal;
    const status = generatePodStatus({ ...statusInput, terminal });

    const stale = rec.lastWrite && rec.lastWrite.againstRV === pod.metadata.resourceVersion && sameStatus(rec.lastWrite.status, status);
    const worthWriting = snap.sandbox || snap.containers.size || !pod.metadata.deletionTimestamp;
    // The runtime is about to change (or is changing): the sync that follows reports the result,
    // so only a pod's first status is written now (it tells the user the kubelet has it).
    const busy = (rec.task || actions.length) && rec.lastWrite;
    if (worthWriting && !busy && !sameStatus(pod.status, status) && !stale) await this.writeStatus(rec, pod, status);
    if (deleteNow && !rec.deleteSent) await this.deletePod(rec, pod);
    if (actions.length && !rec.task) this.launch(rec, actions);
    this.scheduleWake(rec, wakeAt);
  }

  /** What a live pod needs next: a sandbox, init containers in order, then the containers. */
  private planRun(pod: Pod, rec: PodRecord, snap: Snapshot, actions: Action[], wakeAt: (t: number) => void): void {
    const spec = pod.spec!;
    if (!snap.sandbox || snap.sandbox.state !== 'SANDBOX_READY') {
      const old = snap.sandbox;
      // A sandbox that died (its pause process killed, the host rebooted) is replaced whole:
      // its containers go with it and start again in the new one, counting as restarts.
      if (old) actions.push(() => this.replaceSandbox(rec, pod, old.id, snap));
      actions.push(() => this.runSandbox(rec, pod));
      return;
    }
    const policy = spec.restartPolicy ?? 'Always';
    const now = this.clock();
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
        if (!held(c)) actions.push(() => this.startContainer(rec, pod, c, 0, true));
        return;
      }
      if (latest.state !== 'CONTAINER_EXITED') {
        if (isSidecar(c) && latest.state === 'CONTAINER_RUNNING') {
          this.checkLiveness(pod, rec, c, latest, actions);
          continue;
        }
        return;
      }
      if (held(c)) return;
      if (!isSidecar(c) && latest.exitCode === 0) continue;
      if (!isSidecar(c) && policy === 'Never') return;
      this.restartOrWait(pod, rec, c, h!, latest, true, actions, wakeAt);
      if (!isSidecar(c)) return;
    }
    for (const c of spec.containers) {
      const h = snap.containers.get(c.name);
      const latest = h?.attempts[0];
      if (!latest) {
        if (!held(c)) actions.push(() => this.startContainer(rec, pod, c, 0, false));
        continue;
      }
      if (latest.state === 'CONTAINER_RUNNING') this.checkLiveness(pod, rec, c, latest, actions);
      if (latest.state !== 'CONTAINER_EXITED' || held(c)) continue;
      const restart = policy === 'Always' || (policy === 'OnFailure' && latest.exitCode !== 0);
      if (restart) this.restartOrWait(pod, rec, c, h!, latest, false, actions, wakeAt);
    }
  }

  private restartOrWait(pod: Pod, rec: PodRecord, c: Container, h: ContainerHistory, latest: CriContainerStatus, isInit: boolean, actions: Action[], wakeAt: (t: number) => void): void {
    const key = `${rec.uid}/${c.name}`;
    const b = this.opts.backoff;
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
      await this.startContainer(rec, pod, c, latest.metadata.attempt + 1, isInit);
    });
  }

  /** A failed liveness (or startup) probe: stop the container; the next sync restarts it per policy. */
  private checkLiveness(pod: Pod, rec: PodRecord, c: Container, latest: CriContainerStatus, actions: Action[]): void {
    const failure = rec.node.env?.probes?.livenessFailure(rec.uid, c.name, latest.id);
    if (!failure) return;
    actions.push(async () => {
      rec.node.recorder?.event(pod, 'Normal', 'Killing', `Container ${c.name} ${failure}, will be restarted`);
      await this.stopWithHooks(rec, pod, latest.id, c.name, probeKillGrace(pod, c, failure));
    });
  }

  private running(snap: Snapshot): { name: string; id: string; startedAt: number }[] {
    const out = [];
    for (const [name, h] of snap.containers) {
      const s = h.attempts[0];
      if (s?.state === 'CONTAINER_RUNNING') out.push({ name, id: s.id, startedAt: s.startedAt });
    }
    return out;
  }

  /** After an agent restart: take over the sandbox an earlier agent made, rather than a second one. */
  private async findSandbox(rec: PodRecord, pod: Pod): Promise<void> {
    rec.searched = true;
    const rt = rec.node.runtime;
    const found = await rt.listPodSandbox({ labelSelector: { [POD_UID_LABEL]: rec.uid } });
    found.sort((a, b) => Number(b.state === 'SANDBOX_READY') - Number(a.state === 'SANDBOX_READY') || b.createdAt - a.createdAt);
    const [best, ...rest] = found;
    if (!best) return;
    rec.sandboxId = best.id;
    rec.sandboxConfig = await this.envOf(rec).sandboxConfig(pod);
    // The runtime still holds every attempt, so restart counts come from it, not from the API.
    rec.restartOffset.clear();
    for (const extra of rest) await rt.removePodSandbox(extra.id).catch(() => undefined);
  }

  private envOf(rec: PodRecord): PodEnvironment {
    return rec.node.env ?? basicEnvironment;
  }

  private adopt(key: string, pod: Pod, node: NodeHandle): PodRecord {
    const restartOffset = new Map<string, number>();
    for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      if (s.containerID) restartOffset.set(s.name, (s.restartCount ?? 0) + 1);
    }
    const rec: PodRecord = { key, uid: pod.metadata.uid!, node, restartOffset, waiting: new Map(), messages: new Map() };
    this.records.set(key, rec);
    return rec;
  }

  private deadline(pod: Pod): number | undefined {
    const ads = pod.spec?.activeDeadlineSeconds;
    const start = pod.status?.startTime;
    if (ads === undefined || !start) return undefined;
    return Date.parse(start) + ads * 1000;
  }

  private async snapshot(rec: PodRecord): Promise<Snapshot> {
    const containers = new Map<string, ContainerHistory>();
    if (!rec.sandboxId) return { containers };
    const rt = rec.node.runtime;
    let sandbox: PodSandboxStatus | undefined;
    try {
      sandbox = await rt.podSandboxStatus(rec.sandboxId);
    } catch {
      rec.sandboxId = undefined;
      return { containers };
    }
    for (const c of await rt.listContainers({ podSandboxId: rec.sandboxId })) {
      const s = await rt.containerStatus(c.id).catch(() => undefined);
      if (!s) continue;
      if (s.state === 'CONTAINER_EXITED' && rec.node.env?.terminationMessage) s.message = await this.exitMessage(rec, s);
      let h = containers.get(s.metadata.name);
      if (!h) containers.set(s.metadata.name, (h = { attempts: [] }));
      h.attempts.push(s);
    }
    for (const h of containers.values()) h.attempts.sort((a, b) => b.metadata.attempt - a.metadata.attempt);
    const seen = new Set([...containers.values()].flatMap((h) => h.attempts.map((a) => a.id)));
    for (const id of rec.messages.keys()) if (!seen.has(id)) rec.messages.delete(id);
    return { sandbox, containers };
  }

  private async exitMessage(rec: PodRecord, s: CriContainerStatus): Promise<string> {
    let m = rec.messages.get(s.id);
    if (m === undefined) {
      m = await rec.node.env!.terminationMessage!(rec.uid, s).catch(() => s.message);
      rec.messages.set(s.id, m);
    }
    return m;
  }

  private launch(rec: PodRecord, actions: Action[]): void {
    rec.abort = new AbortController();
    rec.task = (async () => {
      try {
        for (const a of actions) {
          // A pod deleted (or past its deadline) while it was being started stops here, so
          // its kill need not wait for the rest of the start sequence.
          if (rec.cancelled) break;
          await a();
        }
      } catch (err) {
        this.opts.log?.(`pod ${rec.key}: ${err instanceof Error ? err.message : String(err)}`);
        // A pod that must stop goes on to its kill at once; other failures pause before the next try.
        if (!rec.cancelled) await this.opts.wheel.sleep(1000);
      }
    })().finally(() => {
      rec.task = undefined;
      rec.abort = undefined;
      rec.cancelled = false;
      rec.killing = false;
      this.enqueue(rec.key);
    });
  }

  private scheduleWake(rec: PodRecord, at: number): void {
    if (!Number.isFinite(at)) return;
    if (rec.wake && rec.wake.at === at) return;
    rec.wake?.timer.cancel();
    rec.wake = { at, timer: this.opts.wheel.at(at + 5, () => this.enqueue(rec.key)) };
  }

  private async replaceSandbox(rec: PodRecord, pod: Pod, oldId: string, snap: Snapshot): Promise<void> {
    rec.node.recorder?.event(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
    for (const [name, h] of snap.containers) {
      const latest = h.attempts[0];
      if (latest) rec.restartOffset.set(name, (rec.restartOffset.get(name) ?? 0) + latest.metadata.attempt + 1);
    }
    await rec.node.runtime.stopPodSandbox(oldId);
    await rec.node.runtime.removePodSandbox(oldId);
    if (rec.sandboxId === oldId) rec.sandboxId = undefined;
  }

  private async runSandbox(rec: PodRecord, pod: Pod): Promise<void> {
    const config = await this.envOf(rec).sandboxConfig(pod);
    rec.sandboxConfig = config;
    rec.sandboxId = await rec.node.runtime.runPodSandbox(config);
  }

  private async startContainer(rec: PodRecord, pod: Pod, c: Container, attempt: number, isInit: boolean): Promise<void> {
    const rt = rec.node.runtime;
    const env = this.envOf(rec);
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
      rec.waiting.set(c.name, { reason: err.reason, message: err.message, retryAt: err.retryAt ?? this.clock() + CONFIG_RETRY_MS });
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
      await this.stopWithHooks(rec, pod, id, c.name, pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS);
    }
    // Keep the newest two attempts of a container: the current one and the one lastState shows.
    for (const old of await rt.listContainers({ podSandboxId: rec.sandboxId, labelSelector: { [CONTAINER_NAME_LABEL]: c.name } })) {
      if (old.metadata.attempt < attempt - 1) await rt.removeContainer(old.id);
    }
  }

  private async killPod(rec: PodRecord, pod: Pod, live: CriContainerStatus[], graceSeconds: number): Promise<void> {
    rec.killing = true;
    const rt = rec.node.runtime;
    const ordering = new TerminationOrdering(pod, live.map((s) => s.metadata.name), this.clock);
    await Promise.all(
      live.map((s) => {
        rec.node.recorder?.event(pod, 'Normal', 'Killing', `Stopping container ${s.metadata.name}`);
        return this.stopWithHooks(rec, pod, s.id, s.metadata.name, graceSeconds, ordering)
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
  private async stopWithHooks(rec: PodRecord, pod: Pod, containerId: string, name: string, graceSeconds: number, ordering?: TerminationOrdering): Promise<void> {
    const spec = findContainerSpec(pod, name);
    let grace = graceSeconds;
    if (spec?.lifecycle?.preStop && rec.node.env?.preStop && graceSeconds > 0) {
      const started = this.clock();
      const failure = await rec.node.env.preStop(pod, spec, containerId, graceSeconds);
      // The hook's output may hold secrets: the event says only that it failed, as upstream's.
      if (failure) {
        rec.node.recorder?.event(pod, 'Warning', 'FailedPreStopHook', 'PreStopHook failed');
        this.opts.log?.(`pod ${rec.key}: ${failure}`);
      }
      grace -= Math.floor((this.clock() - started) / 1000);
    }
    if (ordering && grace > 0) grace -= await ordering.waitForTurn(name, grace);
    await rec.node.runtime.stopContainer(containerId, Math.max(MIN_STOP_GRACE_SECONDS, grace));
  }

  private async teardown(rec: PodRecord): Promise<void> {
    this.records.delete(rec.key);
    rec.wake?.timer.cancel();
    this.opts.backoff.forgetPrefix(`${rec.uid}/`);
    await rec.task?.catch(() => undefined);
    rec.node.env?.probes?.removePod(rec.uid);
    if (rec.sandboxId) await rec.node.runtime.removePodSandbox(rec.sandboxId);
    await this.envOf(rec).cleanup(rec.uid);
  }

  private async writeStatus(rec: PodRecord, pod: Pod, status: NonNullable<Pod['status']>): Promise<void> {
    const path = resourcePath(R.pods, pod.metadata.namespace, pod.metadata.name, 'status');
    try {
      // Conditions merge by type: a reason or message that no longer applies must be cleared
      // explicitly (null), or the merge would keep the old one.
      const conditions = status.conditions?.map((c) => ({ ...c, reason: c.reason ?? null, message: c.message ?? null }));
      // podIPs merge by ip: an address the pod no longer has (a replaced sandbox) must be deleted
      // explicitly, as the kubelet's two-way patch does, or the merge would keep both.
      const gone = (pod.status?.podIPs ?? []).filter((old) => !status.podIPs?.some((x) => x.ip === old.ip));
      const podIPs = status.podIPs && gone.length ? [...status.podIPs, ...gone.map((g) => ({ ip: g.ip, $patch: 'delete' }))] : status.podIPs;
      await this.opts.client.patch(path, { status: { ...status, conditions, podIPs } }, 'application/strategic-merge-patch+json');
      rec.lastWrite = { againstRV: pod.metadata.resourceVersion, status };
    } catch (err) {
      if (err instanceof ApiStatusError && err.code === 404) return;
      throw err;
    }
  }

  /** The kubelet's last word on a pod: everything is stopped, so the object can go at once. */
  private async deletePod(rec: PodRecord, pod: Pod): Promise<void> {
    try {
      await this.opts.client.delete(resourcePath(R.pods, pod.metadata.namespace, pod.metadata.name), { gracePeriodSeconds: 0, preconditions: { uid: rec.uid } });
      rec.deleteSent = true;
    } catch (err) {
      if (err instanceof ApiStatusError && (err.code === 404 || err.code === 409)) {
        rec.deleteSent = true;
        return;
      }
      throw err;
    }
  }
}
