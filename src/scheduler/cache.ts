// The scheduler cache: node infos built from the node informer plus every assigned pod, and
// "assumed" pods, placed by this scheduler and counted at once while their binding is in flight
// so the next pod does not see the node as emptier than it is.
import type { Node } from '../api/core/v1/types.js';
import type { Pod } from '../api/core/v1/pod/types.js';
import { NodeInfo } from './node-info.js';
import { hasAffinity, type PodInfo } from './pod-info.js';

export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  /** Nodes in a stable order, for the rotating start index of the feasible-node search. */
  private order: NodeInfo[] = [];
  private orderDirty = false;
  private readonly podNode = new Map<string, string>();
  private readonly assumed = new Set<string>();
  /** Pods bound to a node the node informer has not delivered yet. */
  private readonly orphans = new Map<string, Map<string, PodInfo>>();
  private affinityPods = 0;

  addNode(node: Node): NodeInfo {
    const name = node.metadata.name!;
    let ni = this.nodes.get(name);
    if (ni) {
      ni.setNode(node);
      return ni;
    }
    ni = new NodeInfo(node);
    this.nodes.set(name, ni);
    this.order.push(ni);
    const waiting = this.orphans.get(name);
    if (waiting) {
      for (const pi of waiting.values()) ni.addPod(pi);
      this.orphans.delete(name);
    }
    return ni;
  }

  removeNode(name: string): void {
    const ni = this.nodes.get(name);
    if (!ni) return;
    this.nodes.delete(name);
    this.orderDirty = true;
    // Pods still bound there stay accounted for, should the node come back.
    if (ni.pods.size) this.orphans.set(name, new Map(ni.pods));
  }

  node(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }

  nodeList(): NodeInfo[] {
    if (this.orderDirty) {
      this.order = this.order.filter((n) => this.nodes.get(n.name) === n);
      this.orderDirty = false;
    }
    return this.order;
  }

  nodeCount(): number {
    return this.nodes.size;
  }

  /** Some pod anywhere has pod (anti-)affinity: InterPodAffinity has existing rules to check. */
  hasAffinityPods(): boolean {
    return this.affinityPods > 0;
  }

  isAssumed(key: string): boolean {
    return this.assumed.has(key);
  }

  nodeOf(key: string): string | undefined {
    return this.podNode.get(key);
  }

  /** Count a pod on a node before the API confirms the binding. */
  assume(pi: PodInfo, nodeName: string): void {
    this.place(pi, nodeName);
    this.assumed.add(pi.key);
  }

  /** The binding failed: undo the assumption. */
  forget(key: string): void {
    if (!this.assumed.delete(key)) return;
    this.unplace(key);
  }

  /** An assigned pod from the informer (new, updated, or confirming an assumption). */
  addOrUpdatePod(pi: PodInfo): void {
    const nodeName = (pi.pod as Pod).spec?.nodeName;
    if (!nodeName) return;
    this.assumed.delete(pi.key);
    this.place(pi, nodeName);
  }

  removePod(key: string): void {
    this.assumed.delete(key);
    this.unplace(key);
  }

  private place(pi: PodInfo, nodeName: string): void {
    if (this.podNode.has(pi.key)) this.unplace(pi.key);
    this.podNode.set(pi.key, nodeName);
    if (hasAffinity(pi)) this.affinityPods++;
    const ni = this.nodes.get(nodeName);
    if (ni) ni.addPod(pi);
    else {
      let m = this.orphans.get(nodeName);
      if (!m) this.orphans.set(nodeName, (m = new Map()));
      m.set(pi.key, pi);
    }
  }

  private unplace(key: string): void {
    const nodeName = this.podNode.get(key);
    if (nodeName === undefined) return;
    this.podNode.delete(key);
    const pi = this.nodes.get(nodeName)?.removePod(key) ?? this.removeOrphan(nodeName, key);
    if (pi && hasAffinity(pi)) this.affinityPods--;
  }

  private removeOrphan(nodeName: string, key: string): PodInfo | undefined {
    const m = this.orphans.get(nodeName);
    const pi = m?.get(key);
    m?.delete(key);
    if (m?.size === 0) this.orphans.delete(nodeName);
    return pi;
  }
}
