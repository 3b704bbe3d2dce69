// The node lifecycle controller: notices nodes whose kubelet went silent (no Lease renewal and
// no status post within the grace period) and marks their conditions Unknown; keeps the
// condition-derived taints on every node (NoExecute not-ready/unreachable with timeAdded, and
// TaintNodesByCondition's NoSchedule ones); marks pods on nodes that are not Ready as not Ready;
// and evicts pods that do not tolerate a node's NoExecute taints, at once or when their
// tolerationSeconds run out (the taint manager). Two queues: node names and pod keys.
import type { Lease } from '../../api/coordination/v1/types.js';
import type { Pod, PodCondition } from '../../api/core/v1/pod/types.js';
import type { Node } from '../../api/core/v1/types.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import { EventRecorder } from '../../client/events.js';
import { NODE_NAME_INDEX, type Informer, type SharedInformerFactory } from '../../client/informer.js';
import { keyOf, R, resourcePath, splitKey } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import type { WorkQueue } from '../../client/workqueue.js';
import { Controller, type ControllerOptions } from '../common/controller.js';
import { isPodTerminal } from '../common/pod-state.js';
import { condition, readyStatus, unknownConditions } from './conditions.js';
import { evictionDecision } from './eviction.js';
import { NodeHealth } from './health.js';
import { reconcileTaints } from './taints.js';
import { rfc3339 } from '../../util/time.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** kube-controller-manager 1.32's --node-monitor-grace-period. */
export const DEFAULT_NODE_MONITOR_GRACE_PERIOD_MS = 50_000;
/** --node-startup-grace-period: for nodes that never posted a Ready condition. */
export const DEFAULT_NODE_STARTUP_GRACE_PERIOD_MS = 60_000;
/** --node-monitor-period. */
export const DEFAULT_NODE_MONITOR_PERIOD_MS = 5_000;

export interface NodeLifecycleOptions extends ControllerOptions {
  nodeMonitorGracePeriodMs?: number;
  nodeStartupGracePeriodMs?: number;
  /** How often every node's health is re-checked. */
  nodeMonitorPeriodMs?: number;
}

export class NodeLifecycleController extends Controller {
  private readonly nodes: Informer<Node>;
  private readonly leases: Informer<Lease>;
  private readonly pods: Informer<Pod>;
  private readonly nodeQueue: WorkQueue;
  private readonly podQueue: WorkQueue;
  private readonly health = new NodeHealth();
  /** Pods with an eviction timer pending, and when it fires (avoids piling up timers). */
  private readonly scheduled = new Map<string, number>();
  private readonly recorder: EventRecorder;

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    private readonly opts: NodeLifecycleOptions = {},
  ) {
    super(opts);
    const workers = opts.workers ?? 4;
    this.nodeQueue = this.addQueue('nodelifecycle node', workers, (k) => this.syncNode(k), { baseDelayMs: 50, maxDelayMs: 30_000 });
    this.podQueue = this.addQueue('nodelifecycle pod', workers, (k) => this.syncPod(k), { baseDelayMs: 50, maxDelayMs: 30_000 });
    this.recorder = new EventRecorder(client, 'node-controller', undefined, this.now);
    this.nodes = this.cache(factory.informerFor<Node>(R.nodes));
    this.leases = this.cache(factory.informerFor<Lease>(R.leases, { namespace: NODE_LEASE_NAMESPACE }));
    this.pods = this.cache(factory.informerFor<Pod>(R.pods));
    this.pods.addIndex(NODE_NAME_INDEX);
    this.nodes.addHandlers({
      add: (n) => this.nodeChanged(undefined, n),
      update: (o, n) => this.nodeChanged(o, n),
      delete: (n) => this.nodeQueue.add(n.metadata.name ?? ''),
    });
    this.leases.addHandlers({ add: (l) => this.nodeQueue.add(l.metadata.name ?? ''), update: (_o, l) => this.nodeQueue.add(l.metadata.name ?? '') });
    const podChanged = (p: Pod) => {
      if (p.spec?.nodeName) this.podQueue.add(keyOf(p));
    };
    this.pods.addHandlers({ add: podChanged, update: (_o, p) => podChanged(p) });
    // Silence is the absence of events, so health is also re-checked on a period.
    this.every(opts.nodeMonitorPeriodMs ?? DEFAULT_NODE_MONITOR_PERIOD_MS, () => {
      for (const n of this.nodes.list()) this.nodeQueue.add(n.metadata.name ?? '');
    });
  }

  private nodeChanged(old: Node | undefined, node: Node): void {
    const name = node.metadata.name ?? '';
    this.nodeQueue.add(name);
    const taintsChanged = JSON.stringify(old?.spec?.taints ?? []) !== JSON.stringify(node.spec?.taints ?? []);
    if (!old || taintsChanged || readyStatus(old) !== readyStatus(node)) {
      for (const p of this.pods.byIndex(NODE_NAME_INDEX, name)) this.podQueue.add(keyOf(p));
    }
  }

  // ---- nodes ------------------------------------------------------------------------------

  /** Check one node's health, then bring its taints in line with its conditions. */
  async syncNode(name: string): Promise<void> {
    let node = this.nodes.get(name);
    if (!node) {
      this.health.forget(name);
      return;
    }
    const now = this.now();
    const lease = this.leases.get(`${NODE_LEASE_NAMESPACE}/${name}`);
    const lastSeen = this.health.observe(name, { statusHeartbeat: condition(node, 'Ready')?.lastHeartbeatTime, leaseRenew: lease?.spec?.renewTime }, now);
    const grace = condition(node, 'Ready')
      ? (this.opts.nodeMonitorGracePeriodMs ?? DEFAULT_NODE_MONITOR_GRACE_PERIOD_MS)
      : (this.opts.nodeStartupGracePeriodMs ?? DEFAULT_NODE_STARTUP_GRACE_PERIOD_MS);
    // No per-node timer: the monitor period re-checks every node (cheap at thousands of nodes).
    if (now - lastSeen > grace) node = await this.markUnknown(node, now);
    await this.syncTaints(node, now);
  }

  private async markUnknown(node: Node, now: number): Promise<Node> {
    const conditions = unknownConditions(node, now);
    if (!conditions) return node;
    const name = node.metadata.name ?? '';
    const wasReady = readyStatus(node) === 'True';
    this.log(`nodelifecycle: node ${name} stopped posting status`);
    const updated = await this.client.patch<Node>(resourcePath(R.nodes, undefined, name, 'status'), {
      metadata: { resourceVersion: node.metadata.resourceVersion },
      status: { conditions },
    });
    if (wasReady) this.recorder.event(updated, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    return updated;
  }

  private async syncTaints(node: Node, now: number): Promise<void> {
    const taints = reconcileTaints(node, rfc3339(now));
    if (!taints) return;
    const name = node.metadata.name ?? '';
    this.log(`nodelifecycle: node ${name} taints -> ${taints.map((t) => `${t.key}:${t.effect}`).join(',') || '(none)'}`);
    try {
      await this.client.patch(resourcePath(R.nodes, undefined, name), {
        metadata: { resourceVersion: node.metadata.resourceVersion },
        // No taints left: drop the field, as upstream's omitempty does, rather than keep [].
        spec: { taints: taints.length ? taints : null },
      });
    } catch (err) {
      // The cache was behind; the update event re-queues the node with fresh state.
      if (isConflict(err)) this.nodeQueue.addAfter(name, 50);
      else if (!isNotFound(err)) throw err;
    }
  }

  // ---- pods -------------------------------------------------------------------------------

  /** Evict the pod if its node's NoExecute taints call for it; else mark it not Ready if its node is not. */
  async syncPod(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod || !pod.spec?.nodeName || pod.metadata.deletionTimestamp) {
      this.scheduled.delete(key);
      return;
    }
    const node = this.nodes.get(pod.spec.nodeName);
    if (!node) return;
    const now = this.now();
    const decision = evictionDecision(pod.spec.tolerations, node.spec?.taints, now);
    if (decision.evict === 'now') {
      this.scheduled.delete(key);
      await this.evict(pod);
      return;
    }
    if (decision.evict === 'at') {
      if (this.scheduled.get(key) !== decision.at) {
        this.scheduled.set(key, decision.at);
        this.podQueue.addAfter(key, decision.at - now + 20);
      }
    } else this.scheduled.delete(key);
    if (readyStatus(node) !== 'True' && !isPodTerminal(pod)) await this.markNotReady(pod, now);
  }

  private async evict(pod: Pod): Promise<void> {
    const { namespace, name } = splitKey(keyOf(pod));
    this.log(`nodelifecycle: evicting pod ${namespace}/${name} from ${pod.spec?.nodeName}`);
    this.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${namespace}/${name}`);
    try {
      if (!isPodTerminal(pod)) {
        const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
        conditions.push({ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: rfc3339(this.now()) });
        await this.client.patch(resourcePath(R.pods, namespace, name, 'status'), { status: { conditions } });
      }
      await this.client.delete(resourcePath(R.pods, namespace, name), { preconditions: { uid: pod.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  /** Upstream's MarkPodsNotReady, one pod at a time: its Ready condition becomes False. */
  private async markNotReady(pod: Pod, now: number): Promise<void> {
    const conditions: PodCondition[] = (pod.status?.conditions ?? []).map((c) => ({ ...c }));
    const ready = conditions.find((c) => c.type === 'Ready');
    if (!ready || ready.status === 'False') return;
    ready.status = 'False';
    ready.lastTransitionTime = rfc3339(now);
    const { namespace, name } = splitKey(keyOf(pod));
    try {
      await this.client.patch(resourcePath(R.pods, namespace, name, 'status'), {
        metadata: { resourceVersion: pod.metadata.resourceVersion },
        status: { conditions },
      });
      this.recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
    } catch (err) {
      // A newer pod is on its way through the informer and will be synced again.
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }
}
