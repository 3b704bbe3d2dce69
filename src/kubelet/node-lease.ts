// The node heartbeat: a coordination.k8s.io Lease named after the node in kube-node-lease,
// owned by the Node (so it goes when the node does), renewed by rewriting spec.renewTime.
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

  setOwner(uid: string): void {
    this.ownerUid = uid;
  }

  /** Renew (creating the lease when missing); resolves to the lease as stored. */
  async renew(now = Date.now()): Promise<Lease> {
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
