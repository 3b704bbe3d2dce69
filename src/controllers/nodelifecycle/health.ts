// When each node last showed a sign of life, measured on this controller's clock: the moment it
// saw the Lease's renewTime or the Ready condition's heartbeat change (upstream's probeTimestamp).
// Comparing observations rather than the timestamps themselves keeps clock skew between the
// kubelet and the controller out of the decision.
export interface Observation {
  /** The Ready condition's lastHeartbeatTime, if any. */
  statusHeartbeat?: string;
  /** The Lease's spec.renewTime, if any. */
  leaseRenew?: string;
}

interface Entry extends Observation {
  probedAt: number;
}

export class NodeHealth {
  private readonly nodes = new Map<string, Entry>();

  /** Record what the caches show now; returns when the node was last seen alive. */
  observe(name: string, seen: Observation, now: number): number {
    const prev = this.nodes.get(name);
    if (!prev) {
      this.nodes.set(name, { ...seen, probedAt: now });
      return now;
    }
    const statusRenewed = seen.statusHeartbeat !== undefined && seen.statusHeartbeat !== prev.statusHeartbeat;
    const leaseRenewed = seen.leaseRenew !== undefined && seen.leaseRenew !== prev.leaseRenew;
    if (statusRenewed || leaseRenewed) prev.probedAt = now;
    prev.statusHeartbeat = seen.statusHeartbeat;
    prev.leaseRenew = seen.leaseRenew;
    return prev.probedAt;
  }

  forget(name: string): void {
    this.nodes.delete(name);
  }
}
