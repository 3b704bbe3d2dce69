// The scheduler: informers on pods, nodes, priority classes and namespaces feed the cache and
// the queue; one loop pops a pod, runs the framework synchronously, assumes the chosen node and
// binds in the background, so the next pod is scheduled while the binding is in flight.
import type { ReplicaSet, StatefulSet } from '../api/apps/v1/types.js';
import type { Node, PersistentVolume, PersistentVolumeClaim, Service } from '../api/core/v1/types.js';
import { volumeClass } from '../api/core/v1/storage-helpers.js';
import type { StorageClass } from '../api/storage/v1/types.js';
import type { Pod, ReplicationController, TopologySpreadConstraint } from '../api/core/v1/pod/types.js';
import type { KubeObject } from '../api/meta/types.js';
import type { PriorityClass } from '../api/scheduling/v1/types.js';
import { EventRecorder } from '../client/events.js';
import { SharedInformerFactory, type Informer } from '../client/informer.js';
import { R, resourcePath } from '../client/resources.js';
import { ApiStatusError, type RestClient } from '../client/rest.js';
import { Framework } from './algorithm.js';
import { AssumeCache } from './assume-cache.js';
import { SchedulerCache } from './cache.js';
import { fitErrorMessage, NO_NODES_AVAILABLE, type Diagnosis } from './fit-error.js';
import type { WorkloadListers } from './default-selector.js';
import { CycleState, type Status } from './framework.js';
import type { NodeInfo } from './node-info.js';
import { Nominator } from './nominator.js';
import { newPodInfo, podKey, type PodInfo } from './pod-info.js';
import { defaultPlugins } from './plugins/index.js';
import { PV_CLASS_INDEX, type VolumeBindingDeps } from './plugins/volume-binding.js';
import type { DefaultingType } from './plugins/pod-topology-spread.js';
import { preempt } from './preemption.js';
import { PriorityResolver } from './priority.js';
import { SchedulingQueue, type QueuedPod, type QueueOptions } from './queue.js';
import type { AttemptResult, SchedulerMetrics } from './metrics.js';
import { rfc3339 } from '../util/time.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
/** How long the scheduling loop runs before it yields to I/O (watch events, binding responses). */
const SCHEDULING_SLICE_MS = 10;

export interface SchedulerOptions {
  schedulerName?: string;
  /** 0: upstream's adaptive percentage. */
  percentageOfNodesToScore?: number;
  queue?: QueueOptions;
  /** Bindings allowed in flight before the loop waits. */
  maxInFlightBindings?: number;
  /** PodTopologySpread's defaults for pods without constraints of their own (PodTopologySpreadArgs). */
  defaultingType?: DefaultingType;
  defaultConstraints?: TopologySpreadConstraint[];
  log?: (line: string) => void;
  /** Where attempts, latencies and queue figures go (made by the caller, so a restart keeps its series). */
  metrics?: SchedulerMetrics;
}

/** Plugins whose verdict a claim, volume or class event can change. */
const VOLUME_PLUGINS = ['VolumeBinding', 'VolumeRestrictions'] as const;

/** Plugins whose verdict can change when a pod is placed or relabelled (rather than removed). */
const POD_PLACEMENT_PLUGINS = ['InterPodAffinity', 'PodTopologySpread'] as const;

function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** What the scheduler reads from a pod besides its status. */
function schedulingView(pod: Pod): string {
  return JSON.stringify([pod.metadata.labels, pod.spec]);
}

function nodeSchedulingView(node: Node): string {
  return JSON.stringify([node.metadata.labels, node.spec?.taints, node.spec?.unschedulable, node.status?.allocatable]);
}

export class Scheduler {
  readonly name: string;
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  readonly framework: Framework;
  private readonly factory: SharedInformerFactory;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly namespaces: Informer;
  /** Woken by every claim and volume event: PreBind's waits for bindings re-check then. */
  private volumeWaiters: (() => void)[] = [];
  private readonly priorities: PriorityResolver;
  private readonly nominator = new Nominator();
  private readonly recorder: EventRecorder;
  private readonly log: (line: string) => void;
  private readonly maxInFlight: number;
  private inFlightBindings = 0;
  private bindingWaiters: (() => void)[] = [];
  private stopped = false;
  /** Bindings and status writes still running, so stop() and tests can wait for them. */
  private readonly pending = new Set<Promise<unknown>>();
  scheduledCount = 0;
  private readonly metrics?: SchedulerMetrics;
  /** Pending pods of this scheduler held back by schedulingGates (scheduler_pending_pods{queue="gated"}). */
  private readonly gated = new Set<string>();

  constructor(
    private readonly client: RestClient,
    opts: SchedulerOptions = {},
  ) {
    this.name = opts.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    this.log = opts.log ?? (() => undefined);
    this.maxInFlight = opts.maxInFlightBindings ?? 256;
    this.factory = new SharedInformerFactory(client);
    this.pods = this.factory.informerFor<Pod>(R.pods);
    this.nodes = this.factory.informerFor<Node>(R.nodes);
    this.namespaces = this.factory.informerFor(R.namespaces);
    const classes = this.factory.informerFor<PriorityClass & KubeObject>(R.priorityclasses);
    this.priorities = new PriorityResolver({ get: (n) => classes.get(n), list: () => classes.list() });
    this.metrics = opts.metrics;
    const metrics = opts.metrics;
    this.queue = new SchedulingQueue((p) => this.priorities.of(p), metrics ? { ...opts.queue, incoming: (queue, event) => metrics.incomingPod(queue, event) } : opts.queue);
    metrics?.setPending(() => ({ ...this.queue.stats(), gated: this.gated.size }));
    // Without default constraints nothing reads the workloads: no informers for them.
    const spreadsByDefault = (opts.defaultingType ?? 'System') === 'System' || (opts.defaultConstraints?.length ?? 0) > 0;
    const { filters, scorers, reservers, preBinders } = defaultPlugins({
      podTopologySpread: { defaultingType: opts.defaultingType, defaultConstraints: opts.defaultConstraints, workloads: spreadsByDefault ? this.workloadListers() : undefined },
      volumes: this.volumeBindingDeps(),
    });
    this.framework = new Framework(filters, scorers, opts.percentageOfNodesToScore ?? 0, Math.random, { reservers, preBinders });
    this.recorder = new EventRecorder(client, this.name);
    this.nodes.addHandlers({
      add: (n) => {
        this.cache.addNode(n);
        this.queue.moveAllToActiveOrBackoff(undefined, 'NodeAdd');
      },
      update: (o, n) => {
        this.cache.addNode(n);
        if (nodeSchedulingView(o) !== nodeSchedulingView(n)) this.queue.moveAllToActiveOrBackoff(undefined, 'NodeUpdate');
      },
      delete: (n) => this.cache.removeNode(n.metadata.name!),
    });
    this.pods.addHandlers({
      add: (p) => this.onPod(undefined, p),
      update: (o, p) => this.onPod(o, p),
      delete: (p) => this.onPodDelete(p),
    });
  }

  /** Claims, volumes and classes for VolumeBinding; any change of them may make a waiting pod schedulable. */
  private volumeBindingDeps(): VolumeBindingDeps {
    const claims = this.factory.informerFor<PersistentVolumeClaim>(R.persistentvolumeclaims);
    const volumes = this.factory.informerFor<PersistentVolume>(R.persistentvolumes);
    const classes = this.factory.informerFor<StorageClass>(R.storageclasses);
    volumes.addIndex(PV_CLASS_INDEX, (pv) => [volumeClass(pv)]);
    const onChange = () => {
      this.queue.moveAllToActiveOrBackoff(VOLUME_PLUGINS);
      const waiters = this.volumeWaiters;
      this.volumeWaiters = [];
      for (const w of waiters) w();
    };
    for (const inf of [claims, volumes, classes] as Informer<any>[]) inf.addHandlers({ add: onChange, update: onChange, delete: onChange });
    return {
      claims: new AssumeCache(claims),
      volumes: new AssumeCache(volumes),
      storageClass: (name) => classes.get(name),
      updateVolume: (pv) => this.client.update(resourcePath(R.persistentvolumes, undefined, pv.metadata.name), { ...pv, apiVersion: 'v1', kind: 'PersistentVolume' }),
      updateClaim: (pvc) => this.client.update(resourcePath(R.persistentvolumeclaims, pvc.metadata.namespace, pvc.metadata.name), { ...pvc, apiVersion: 'v1', kind: 'PersistentVolumeClaim' }),
      changed: (ms) =>
        new Promise<void>((resolve) => {
          const t = setTimeout(resolve, ms);
          this.volumeWaiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        }),
    };
  }

  /** Services and controllers, read by default topology spreading to find a pod's siblings. */
  private workloadListers(): WorkloadListers {
    const services = this.factory.informerFor<Service>(R.services);
    const rcs = this.factory.informerFor<ReplicationController>(R.replicationcontrollers);
    const rss = this.factory.informerFor<ReplicaSet>(R.replicasets);
    const sets = this.factory.informerFor<StatefulSet>(R.statefulsets);
    return {
      services: (ns) => services.list(ns),
      replicationController: (ns, name) => rcs.get(`${ns}/${name}`),
      replicaSet: (ns, name) => rss.get(`${ns}/${name}`),
      statefulSet: (ns, name) => sets.get(`${ns}/${name}`),
    };
  }

  /** Start the informers, wait for them to sync, then schedule until stop(). */
  async run(): Promise<void> {
    this.factory.start();
    await this.factory.waitForSync();
    let sliceStart = performance.now();
    while (!this.stopped) {
      while (this.inFlightBindings >= this.maxInFlight && !this.stopped) await new Promise<void>((r) => this.bindingWaiters.push(r));
      const q = await this.queue.pop();
      if (!q) break;
      try {
        this.scheduleOne(q);
      } catch (err) {
        this.log(`scheduler: ${q.key}: ${String(err)}`);
        this.attemptEnded(q, 'error');
        this.queue.requeueFailed(q, undefined);
      }
      // Let watch events and binding responses in, but once per time slice rather than once per
      // pod: in a process shared with the API server and controllers one event-loop turn can take
      // tens of ms, and a pod per turn capped scheduling at ~50 pods/s (bench/deployment-scale.ts).
      if (performance.now() - sliceStart >= SCHEDULING_SLICE_MS) {
        await new Promise((r) => setImmediate(r));
        sliceStart = performance.now();
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.metrics?.setPending(undefined);
    this.queue.close();
    this.factory.stop();
    for (const w of this.bindingWaiters) w();
    await Promise.allSettled([...this.pending]);
    await this.recorder.flush();
  }

  /** Resolves once every binding, status write and event issued so far is done (tests). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
    await this.recorder.flush();
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  // ---- informer events --------------------------------------------------------------

  private onPod(old: Pod | undefined, pod: Pod): void {
    const key = podKey(pod);
    if (pod.spec?.nodeName) {
      this.queue.delete(key);
      this.nominator.remove(key);
      if (isTerminal(pod)) {
        // A finished pod no longer holds resources.
        if (this.cache.nodeOf(key) !== undefined) {
          this.cache.removePod(key);
          this.queue.moveAllToActiveOrBackoff(undefined, 'AssignedPodUpdate');
        }
        return;
      }
      const known = this.cache.nodeOf(key) !== undefined && !this.cache.isAssumed(key);
      this.cache.addOrUpdatePod(newPodInfo(pod, this.priorities.of(pod)));
      if (!known || JSON.stringify(old?.metadata.labels) !== JSON.stringify(pod.metadata.labels)) this.queue.moveAllToActiveOrBackoff(POD_PLACEMENT_PLUGINS, known ? 'AssignedPodUpdate' : 'AssignedPodAdd');
      return;
    }
    if ((pod.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) !== this.name) return;
    if (pod.spec?.schedulingGates?.length && !isTerminal(pod) && !pod.metadata.deletionTimestamp) this.gated.add(key);
    else this.gated.delete(key);
    if (isTerminal(pod) || pod.metadata.deletionTimestamp || pod.spec?.schedulingGates?.length) {
      this.queue.delete(key);
      this.nominator.remove(key);
      return;
    }
    const nominated = pod.status?.nominatedNodeName;
    if (nominated) this.nominator.add(newPodInfo(pod, this.priorities.of(pod)), nominated);
    else this.nominator.remove(key);
    if (this.cache.isAssumed(key)) return;
    if (old && schedulingView(old) !== schedulingView(pod)) this.queue.update(pod, key);
    else this.queue.add(pod, key);
  }

  private onPodDelete(pod: Pod): void {
    const key = podKey(pod);
    this.queue.delete(key);
    this.gated.delete(key);
    this.nominator.remove(key);
    if (this.cache.nodeOf(key) !== undefined) {
      this.cache.removePod(key);
      this.queue.moveAllToActiveOrBackoff(undefined, 'AssignedPodDelete');
    }
  }

  // ---- one attempt ------------------------------------------------------------------

  private nsLabels = (ns: string): Record<string, string> | undefined => this.namespaces.get(ns)?.metadata.labels;

  private newState(pi: PodInfo, excluded?: Set<string>): CycleState {
    return new CycleState(pi, this.cache, this.nsLabels, excluded);
  }

  /** The node as filters should see it: with higher-or-equal priority nominated pods counted in. */
  private withNominated(node: NodeInfo, pi: PodInfo): NodeInfo {
    const extra = this.nominator.podsFor(node.name, pi.priority, pi.key);
    if (extra.length === 0) return node;
    const copy = node.clone();
    for (const p of extra) if (!copy.pods.has(p.key)) copy.addPod(p);
    return copy;
  }

  private attemptEnded(q: QueuedPod, result: AttemptResult): void {
    if (!this.metrics || q.attemptStartedAt === undefined) return;
    this.metrics.attempt(result, this.name, (performance.now() - q.attemptStartedAt) / 1000);
    q.attemptStartedAt = undefined;
  }

  private scheduleOne(q: QueuedPod): void {
    q.attemptStartedAt = performance.now();
    const pod = this.pods.get(q.key);
    if (!pod || pod.spec?.nodeName || pod.metadata.deletionTimestamp || pod.metadata.uid !== q.pod.metadata.uid) {
      this.queue.done(q.key);
      return;
    }
    q.pod = pod;
    const pi = newPodInfo(pod, this.priorities.of(pod));
    const nodes = this.cache.nodeList();
    if (nodes.length === 0) {
      this.fail(q, pi, NO_NODES_AVAILABLE, new Set());
      return;
    }
    const state = this.newState(pi);
    const result = this.framework.schedule(state, nodes, (n) => this.withNominated(n, pi), pod.status?.nominatedNodeName);
    if (result.node) {
      const reserved = this.framework.runReserve(state, result.node);
      if (reserved) {
        this.fail(q, pi, reservedMessage(reserved), new Set([reserved.plugin!]));
        return;
      }
      this.cache.assume(pi, result.node);
      this.inFlightBindings++;
      this.track(this.bind(q, pi, result.node, state));
      return;
    }
    this.handleUnschedulable(q, pi, nodes, result.diagnosis!);
  }

  private handleUnschedulable(q: QueuedPod, pi: PodInfo, nodes: NodeInfo[], diagnosis: Diagnosis): void {
    const outcome = preempt({
      framework: this.framework,
      pod: pi,
      nodes,
      diagnosis,
      newState: (excluded) => this.newState(pi, excluded),
      priorityOf: (p) => this.priorities.of(p),
    });
    diagnosis.postFilterMessage = outcome.message || undefined;
    const message = fitErrorMessage(diagnosis);
    const nominated = outcome.candidate?.node;
    if (outcome.candidate) {
      this.nominator.add(pi, outcome.candidate.node);
      for (const victim of outcome.candidate.victims) this.track(this.evict(victim, pi, outcome.candidate.node));
    }
    this.fail(q, pi, message, diagnosis.unschedulablePlugins, nominated);
  }

  private fail(q: QueuedPod, pi: PodInfo, message: string, plugins: Set<string>, nominatedNode?: string): void {
    this.recorder.event(pi.pod, 'Warning', 'FailedScheduling', message);
    this.track(this.markUnschedulable(pi.pod, message, nominatedNode));
    this.attemptEnded(q, 'unschedulable');
    this.queue.requeueFailed(q, plugins);
  }

  // ---- writes -----------------------------------------------------------------------

  private async bind(q: QueuedPod, pi: PodInfo, node: string, state: CycleState): Promise<void> {
    const { namespace, name, uid } = pi.pod.metadata;
    try {
      // PreBind (the volumes' writes and the wait for their binding) runs off the scheduling loop, as upstream's binding cycle.
      const pre = this.framework.preBinders.length ? await this.framework.runPreBind(state, node) : undefined;
      if (pre) {
        this.framework.runUnreserve(state, node);
        this.cache.forget(pi.key);
        this.recorder.event(pi.pod, 'Warning', 'FailedScheduling', pre.reasons.join(', '));
        this.attemptEnded(q, 'unschedulable');
        this.queue.requeueFailed(q, undefined);
        return;
      }
      await this.client.create(resourcePath(R.pods, namespace, name, 'binding'), {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, namespace, uid },
        target: { apiVersion: 'v1', kind: 'Node', name: node },
      });
      this.scheduledCount++;
      this.attemptEnded(q, 'scheduled');
      this.metrics?.scheduled(q.attempts, (Date.now() - q.timestamp) / 1000);
      this.queue.done(q.key);
      this.recorder.event(pi.pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${node}`);
    } catch (err) {
      this.framework.runUnreserve(state, node);
      this.cache.forget(pi.key);
      const gone = err instanceof ApiStatusError && (err.code === 404 || err.code === 409);
      this.log(`scheduler: binding ${pi.key} to ${node}: ${String(err)}`);
      this.recorder.event(pi.pod, 'Warning', 'FailedScheduling', `Binding rejected: ${err instanceof Error ? err.message : String(err)}`);
      this.attemptEnded(q, 'error');
      if (gone) this.queue.done(q.key);
      else this.queue.requeueFailed(q, undefined);
    } finally {
      this.inFlightBindings--;
      this.bindingWaiters.shift()?.();
    }
  }

  /** PodScheduled=False/Unschedulable with the message, and the nominated node, via pods/status. */
  private async markUnschedulable(pod: Pod, message: string, nominatedNode?: string): Promise<void> {
    const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    const sameCondition = current?.status === 'False' && current.reason === 'Unschedulable' && current.message === message;
    const nominationChange = nominatedNode !== undefined && nominatedNode !== pod.status?.nominatedNodeName;
    if (sameCondition && !nominationChange) return;
    const condition = {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message,
      lastProbeTime: null,
      lastTransitionTime: current?.status === 'False' && current.lastTransitionTime ? current.lastTransitionTime : rfc3339(),
    };
    const status: Record<string, unknown> = { conditions: [condition] };
    if (nominationChange) status['nominatedNodeName'] = nominatedNode;
    try {
      await this.client.patch(resourcePath(R.pods, pod.metadata.namespace, pod.metadata.name, 'status'), { status }, 'application/strategic-merge-patch+json');
    } catch (err) {
      if (!(err instanceof ApiStatusError && err.code === 404)) this.log(`scheduler: status of ${podKey(pod)}: ${String(err)}`);
    }
  }

  /** Preempt one victim: mark why (DisruptionTarget), delete it gracefully, record the event. */
  private async evict(victim: PodInfo, preemptor: PodInfo, node: string): Promise<void> {
    const { namespace, name } = victim.pod.metadata;
    try {
      const condition = {
        type: 'DisruptionTarget',
        status: 'True',
        reason: 'PreemptionByScheduler',
        message: `${this.name}: preempting to accommodate a higher priority pod`,
        lastTransitionTime: rfc3339(),
      };
      await this.client.patch(resourcePath(R.pods, namespace, name, 'status'), { status: { conditions: [condition] } }, 'application/strategic-merge-patch+json');
      await this.client.delete(resourcePath(R.pods, namespace, name));
      this.recorder.event(victim.pod, 'Normal', 'Preempted', `Preempted by pod ${preemptor.pod.metadata.uid} on node ${node}`);
    } catch (err) {
      if (!(err instanceof ApiStatusError && err.code === 404)) this.log(`scheduler: preempting ${victim.key}: ${String(err)}`);
    }
  }
}

function reservedMessage(st: Status): string {
  return st.reasons.join(', ');
}
