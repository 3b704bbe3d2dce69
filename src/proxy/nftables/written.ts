// What the kernel holds after the last successful sync, part by part, with how many service
// ports use each ClusterIP (two ports of one Service share it), so the next incremental sync
// learns which shared-set elements come and go from the changed parts alone.
import { CLUSTER_IPS, type NftParts, type NftRuleset } from './ruleset.js';
import type { PartsDelta } from './ruleset.js';

export interface SharedSetChanges {
  add: string[];
  remove: string[];
}

export class WrittenParts {
  readonly parts: Map<string, NftRuleset>;
  nodeIPs: string[];
  private readonly clusterIPUsers = new Map<string, number>();

  constructor(full: NftParts) {
    this.parts = new Map(full.parts);
    this.nodeIPs = full.nodeIPs;
    for (const part of this.parts.values()) this.count(part, 1);
  }

  /** The ClusterIPs that `delta` adds to or removes from the cluster-ips set. */
  clusterIPChanges(delta: PartsDelta): SharedSetChanges {
    const net = new Map<string, number>();
    for (const [key, part] of delta.changed) {
      for (const ip of this.parts.get(key)?.elements[CLUSTER_IPS].keys() ?? []) net.set(ip, (net.get(ip) ?? 0) - 1);
      for (const ip of part?.elements[CLUSTER_IPS].keys() ?? []) net.set(ip, (net.get(ip) ?? 0) + 1);
    }
    const add: string[] = [];
    const remove: string[] = [];
    for (const [ip, d] of net) {
      const before = this.clusterIPUsers.get(ip) ?? 0;
      if (before === 0 && before + d > 0) add.push(ip);
      else if (before > 0 && before + d === 0) remove.push(ip);
    }
    return { add, remove };
  }

  /** Records `delta` as written. */
  apply(delta: PartsDelta): void {
    for (const [key, part] of delta.changed) {
      const old = this.parts.get(key);
      if (old) this.count(old, -1);
      if (part) {
        this.parts.set(key, part);
        this.count(part, 1);
      } else {
        this.parts.delete(key);
      }
    }
    this.nodeIPs = delta.nodeIPs;
  }

  private count(part: NftRuleset, by: 1 | -1): void {
    for (const ip of part.elements[CLUSTER_IPS].keys()) {
      const n = (this.clusterIPUsers.get(ip) ?? 0) + by;
      if (n) this.clusterIPUsers.set(ip, n);
      else this.clusterIPUsers.delete(ip);
    }
  }
}
