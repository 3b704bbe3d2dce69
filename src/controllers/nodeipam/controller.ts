// The node IPAM controller with upstream's range allocator: every Node without spec.podCIDRs
// gets the next free node CIDR of each cluster CIDR (one per IP family, dual-stack when two are
// given); CIDRs nodes already hold are marked used at start and as nodes appear; a deleted
// node's CIDRs are freed. The allocation map lives only in memory: it is rebuilt from the Nodes
// whenever the controller starts, which is what makes the Nodes themselves the source of truth.
import type { Node } from '../../api/core/v1/types.js';
import { isConflict, isInvalid, isNotFound } from '../../client/errors.js';
import { EventRecorder } from '../../client/events.js';
import type { Informer, SharedInformerFactory } from '../../client/informer.js';
import { R, resourcePath } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';
import { CidrSet } from './cidr-set.js';

export const DEFAULT_CLUSTER_CIDR = '10.244.0.0/16';
export const DEFAULT_NODE_CIDR_MASK_SIZE_IPV4 = 24;
export const DEFAULT_NODE_CIDR_MASK_SIZE_IPV6 = 64;

export interface NodeIpamOptions extends Omit<ControllerOptions, 'clock'> {
  /** Comma-separated cluster CIDRs, at most one per family (upstream's --cluster-cidr). */
  clusterCidr?: string;
  /** Node CIDR prefix length for IPv4 (--node-cidr-mask-size / -ipv4; default 24). */
  nodeCidrMaskSize?: number;
  /** Node CIDR prefix length for IPv6 (--node-cidr-mask-size-ipv6; default 64). */
  nodeCidrMaskSizeIPv6?: number;
  /** Service CIDRs (comma-separated) never handed to nodes where they overlap a cluster CIDR. */
  serviceCidr?: string;
}

/** Builds one CidrSet per cluster CIDR; throws on a malformed configuration. */
export function cidrSetsFor(o: NodeIpamOptions): CidrSet[] {
  const cidrs = (o.clusterCidr ?? DEFAULT_CLUSTER_CIDR).split(',').map((s) => s.trim()).filter(Boolean);
  if (cidrs.length === 0 || cidrs.length > 2) throw new Error(`--cluster-cidr takes one CIDR or two of different families, got ${JSON.stringify(o.clusterCidr)}`);
  const sets = cidrs.map((c) => {
    const v6 = c.includes(':');
    return new CidrSet(c, v6 ? (o.nodeCidrMaskSizeIPv6 ?? DEFAULT_NODE_CIDR_MASK_SIZE_IPV6) : (o.nodeCidrMaskSize ?? DEFAULT_NODE_CIDR_MASK_SIZE_IPV4));
  });
  if (sets.length === 2 && sets[0]!.family === sets[1]!.family) throw new Error('dual-stack --cluster-cidr needs one IPv4 and one IPv6 CIDR');
  for (const svc of (o.serviceCidr ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    for (const set of sets) set.occupy(svc); // an error only means no overlap: nothing to filter
  }
  return sets;
}

const FOREIGN_REPORTS = 5;

const podCIDRsOf = (n: Node): string[] => n.spec?.podCIDRs?.length ? n.spec.podCIDRs : n.spec?.podCIDR ? [n.spec.podCIDR] : [];

export class NodeIpamController extends QueueController {
  private readonly nodes: Informer<Node>;
  private readonly sets: CidrSet[];
  private readonly recorder: EventRecorder;
  /** Nodes whose CIDRs could not be taken (outside the range): reported once, then left alone. */
  private readonly reportedForeign = new Set<string>();

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    opts: NodeIpamOptions = {},
  ) {
    super('nodeipam', opts, 1, { baseDelayMs: 5, maxDelayMs: 1000_000 });
    this.sets = cidrSetsFor(opts);
    this.recorder = new EventRecorder(client, 'cidrAllocator');
    this.nodes = this.cache(factory.informerFor<Node>(R.nodes));
    this.nodes.addHandlers({
      add: (n) => this.queue.add(n.metadata.name!),
      update: (_o, n) => this.queue.add(n.metadata.name!),
      // A Node has no finalizer, so no update announces its deletion: release here.
      delete: (n) => {
        this.release(n);
        this.queue.add(n.metadata.name!);
        // Nodes waiting on an exhausted range may fit now.
        for (const other of this.nodes.list()) if (podCIDRsOf(other).length === 0) this.queue.add(other.metadata.name!);
      },
    });
  }

  protected override synced(): void {
    // Everything nodes hold is taken before the first allocation, so nothing is handed out twice.
    for (const n of this.nodes.list()) this.occupy(n);
  }

  /** The CIDR sets (tests inspect them). */
  get cidrSets(): readonly CidrSet[] {
    return this.sets;
  }

  async sync(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node) return;
    if (node.metadata.deletionTimestamp) {
      this.release(node);
      return;
    }
    if (podCIDRsOf(node).length > 0) {
      this.occupy(node);
      return;
    }
    const allocated: string[] = [];
    for (let i = 0; i < this.sets.length; i++) {
      try {
        allocated.push(this.sets[i]!.allocateNext());
      } catch (err) {
        allocated.forEach((c, j) => this.sets[j]!.release(c));
        this.recordStatusChange(node, 'CIDRNotAvailable');
        throw new Error(`failed to allocate cidr from cluster cidr at idx:${i}: ${(err as Error).message}`);
      }
    }
    await this.assign(node, allocated);
  }

  private async assign(node: Node, cidrs: string[]): Promise<void> {
    const name = node.metadata.name!;
    try {
      // The uid precondition keeps a CIDR meant for a deleted node off a new one of the same name.
      await this.client.patch(resourcePath(R.nodes, undefined, name), { metadata: { uid: node.metadata.uid }, spec: { podCIDR: cidrs[0], podCIDRs: cidrs } });
      this.log(`nodeipam: set node ${name} podCIDRs ${cidrs.join(',')}`);
    } catch (err) {
      cidrs.forEach((c, i) => this.sets[i]!.release(c));
      // 404: the node is gone; 409: it was replaced; 422: it got CIDRs meanwhile (immutable once
      // set). The cache will show the truth and the node's own CIDRs are occupied then.
      if (isNotFound(err) || isConflict(err) || isInvalid(err)) {
        if (isInvalid(err)) this.queue.addAfter(name, 200);
        return;
      }
      this.recordStatusChange(node, 'CIDRAssignmentFailed');
      throw err;
    }
  }

  private occupy(node: Node): void {
    const name = node.metadata.name!;
    podCIDRsOf(node).forEach((cidr, i) => {
      const set = this.sets[i];
      const err = set ? set.occupy(cidr) : new Error(`node ${name} has an allocated cidr ${cidr} at index ${i} that does not exist in cluster cidrs configuration`);
      // A CIDR outside our ranges was set by someone else (a kubelet's own choice): leave it.
      if (err && !this.reportedForeign.has(`${name}/${cidr}`)) {
        this.reportedForeign.add(`${name}/${cidr}`);
        // Sim fleets bring thousands of such nodes: a few lines say it all.
        const n = this.reportedForeign.size;
        if (n <= FOREIGN_REPORTS) this.log(`nodeipam: leaving node ${name} podCIDR ${cidr} alone: ${err.message}${n === FOREIGN_REPORTS ? ' (further such nodes not reported)' : ''}`);
      }
    });
  }

  private release(node: Node): void {
    const name = node.metadata.name!;
    podCIDRsOf(node).forEach((cidr, i) => {
      this.sets[i]?.release(cidr);
      this.reportedForeign.delete(`${name}/${cidr}`);
    });
  }

  /** Upstream's RecordNodeStatusChange: a Normal event "Node X status is now: Y". */
  private recordStatusChange(node: Node, status: string): void {
    const ref = { apiVersion: 'v1', kind: 'Node', metadata: { name: node.metadata.name, uid: node.metadata.uid } };
    this.recorder.event(ref as Node, 'Normal', status, `Node ${node.metadata.name} status is now: ${status}`);
  }
}
