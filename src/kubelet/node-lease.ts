// The node heartbeat: a coordination.k8s.io Lease named after the node in kube-node-lease,
// owned by the Node (so it goes when the node does), renewed by rewriting spec.renewTime.
// As upstream's lease controller, a missing lease is created only with the Node it belongs to as
// its owner: after `kubectl delete node` the garbage collector removes the lease, and a running
// kubelet does not bring it back (nor its Node: 1.32's kubelet registers only at start).
import type { Node } from '../api/core/v1/types.js';
import type { Lease } from '../api/coordination/v1/types.js';
import { R, resourcePath } from '../client/resources.js';
import { ApiStatusError, type RestClient } from '../client/rest.js';
import { rfc3339Micro } from '../util/time.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export class NodeLease {
  private lease?: Lease;

  constructor(
    private readonly client: RestClient,
    readonly nodeName: string,
    private readonly durationSeconds = 40,
    private ownerUid?: string,
  ) {}

  /** Whether ownerUid was just read from the Node (registration), so a create needs no lookup. */
  private ownerFresh = false;

  setOwner(uid: string): void {
    this.ownerUid = uid;
    this.ownerFresh = true;
  }

  /**
   * Renew (creating the lease when missing); resolves to the lease as stored, or undefined when
   * the lease is missing and so is the Node that would own it (nothing is written then).
   */
  async renew(now = Date.now()): Promise<Lease | undefined> {
    const path = resourcePath(R.leases, NODE_LEASE_NAMESPACE, this.nodeName);
    for (let attempt = 0; ; attempt++) {
      try {
        if (!this.lease) this.lease = await this.client.get<Lease>(path);
        const next: Lease = { ...this.lease, spec: { ...this.lease.spec, holderIdentity: this.nodeName, leaseDurationSeconds: this.durationSeconds, renewTime: rfc3339Micro(now) } };
        if (this.ownerUid && !next.metadata.ownerReferences?.length) next.metadata = { ...next.metadata, ownerReferences: [this.ownerRef()] };
        this.lease = await this.client.update<Lease>(path, next);
        return this.lease;
      } catch (err) {
        this.lease = undefined;
        if (!(err instanceof ApiStatusError) || attempt >= 2) throw err;
        if (err.code === 404) {
          // The owner is the Node as it is now (a re-created one has another UID), or none at all.
          if (!this.ownerFresh) {
            const node = await this.currentNode();
            if (!node) return undefined;
            this.ownerUid = node.metadata.uid;
          }
          this.ownerFresh = false;
          try {
            this.lease = await this.client.create<Lease>(resourcePath(R.leases, NODE_LEASE_NAMESPACE), this.fresh(now));
            return this.lease;
          } catch (e) {
            if (!(e instanceof ApiStatusError && e.code === 409)) throw e;
          }
        } else if (err.code !== 409) throw err;
      }
    }
  }

  private async currentNode(): Promise<Node | undefined> {
    try {
      return await this.client.get<Node>(resourcePath(R.nodes, undefined, this.nodeName));
    } catch (err) {
      if (err instanceof ApiStatusError && err.code === 404) return undefined;
      throw err;
    }
  }

  private ownerRef() {
    return { apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid: this.ownerUid! };
  }

  private fresh(now: number): Lease {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.nodeName, namespace: NODE_LEASE_NAMESPACE, ...(this.ownerUid ? { ownerReferences: [this.ownerRef()] } : {}) },
      spec: { holderIdentity: this.nodeName, leaseDurationSeconds: this.durationSeconds, renewTime: rfc3339Micro(now) },
    };
  }
}
