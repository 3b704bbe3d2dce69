// Pods nominated to a node by preemption: until they bind, lower-priority pods must not take
// the room their victims are freeing.
import type { PodInfo } from './pod-info.js';

export class Nominator {
  private readonly byNode = new Map<string, Map<string, PodInfo>>();
  private readonly nodeOf = new Map<string, string>();

  add(pi: PodInfo, node: string): void {
    this.remove(pi.key);
    let m = this.byNode.get(node);
    if (!m) this.byNode.set(node, (m = new Map()));
    m.set(pi.key, pi);
    this.nodeOf.set(pi.key, node);
  }

  remove(key: string): void {
    const node = this.nodeOf.get(key);
    if (node === undefined) return;
    this.nodeOf.delete(key);
    const m = this.byNode.get(node);
    m?.delete(key);
    if (m?.size === 0) this.byNode.delete(node);
  }

  /** Pods nominated to the node that outrank or equal `priority`, other than `except`. */
  podsFor(node: string, priority: number, except: string): PodInfo[] {
    const m = this.byNode.get(node);
    if (!m) return [];
    const out: PodInfo[] = [];
    for (const pi of m.values()) if (pi.key !== except && pi.priority >= priority) out.push(pi);
    return out;
  }
}
