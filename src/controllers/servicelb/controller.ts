// ServiceLB, k3s's built-in load balancer: every `type: LoadBalancer` Service without a
// loadBalancerClass (or with k3s's) is answered on the nodes that can serve it, and its
// status.loadBalancer.ingress lists those nodes' addresses (ipMode VIP). The nodes answer through
// their service proxy, which programs each ingress IP as upstream kube-proxy programs a load
// balancer IP (docs/proxy.md, "ServiceLB"); this controller decides which nodes those are
// (placement.ts) and writes the status. A Service no node can serve stays Pending with a
// Warning Event naming the Services that hold its ports.
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Node, Service, ServiceStatus } from '../../api/core/v1/types.js';
import { EventRecorder } from '../../client/events.js';
import type { Informer, SharedInformerFactory } from '../../client/informer.js';
import { R } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';
import { StatusWriter } from '../common/status-writer.js';
import { hostPortsOfPod, isServiceLB, nodeAddress, nsName, placeServices, type Placement } from './placement.js';

export const SERVICELB_CONTROLLER = 'service-lb-controller';

export class ServiceLBController extends QueueController {
  private readonly services: Informer<Service>;
  private readonly nodes: Informer<Node>;
  private readonly pods: Informer<Pod>;
  private readonly recorder: EventRecorder;
  private readonly status: StatusWriter<Service>;
  /** What was last reported per Service, so a placement is announced once, not at every resync. */
  private readonly reported = new Map<string, string>();

  constructor(client: ApiClient, factory: SharedInformerFactory, opts: ControllerOptions = {}) {
    super('servicelb', opts, 1, { baseDelayMs: 10, maxDelayMs: 30_000 });
    this.recorder = new EventRecorder(client, SERVICELB_CONTROLLER);
    this.status = new StatusWriter<Service>(client, R.services, 'v1', 'Service');
    this.services = this.cache(factory.informerFor<Service>(R.services));
    this.nodes = this.cache(factory.informerFor<Node>(R.nodes));
    // One Service's ports change which nodes the others get: every change re-places them all.
    const all = () => this.enqueueLoadBalancers();
    this.services.addHandlers({
      add: (s) => isServiceLB(s) && all(),
      // Its own status writes come back here: only what placement reads re-places the others.
      update: (o, s) => {
        if (!isServiceLB(o) && !isServiceLB(s)) return;
        if (placedBy(o) !== placedBy(s)) all();
        else this.queue.add(nsName(s));
      },
      delete: (s) => {
        this.reported.delete(nsName(s));
        if (isServiceLB(s)) all();
      },
    });
    this.nodes.addHandlers({ add: all, update: (o, n) => nodeChanged(o, n) && all(), delete: all });
    // Pods matter only by the host ports they hold on their node.
    this.pods = this.cache(factory.informerFor<Pod>(R.pods));
    const held = (p: Pod) => `${p.spec?.nodeName} ${hostPortsOfPod(p).join(',')}`;
    this.pods.addHandlers({
      add: (p) => hostPortsOfPod(p).length > 0 && all(),
      update: (o, p) => (hostPortsOfPod(o).length > 0 || hostPortsOfPod(p).length > 0) && held(o) !== held(p) && all(),
      delete: (p) => hostPortsOfPod(p).length > 0 && all(),
    });
  }

  private enqueueLoadBalancers(): void {
    for (const s of this.services.list()) if (isServiceLB(s)) this.queue.add(nsName(s));
  }

  async sync(key: string): Promise<void> {
    const svc = this.services.get(key);
    if (!svc || !isServiceLB(svc)) return;
    const nodes = this.nodes.list();
    const placement = placeServices(this.services.list(), nodes, this.pods.list()).get(key)!;
    const byName = new Map(nodes.map((n) => [n.metadata.name!, n]));
    const ips = [...new Set(placement.nodes.map((n) => nodeAddress(byName.get(n)!)!))].sort();
    const status: ServiceStatus = { ...svc.status, loadBalancer: ips.length ? { ingress: ips.map((ip) => ({ ip, ipMode: 'VIP' as const })) } : {} };
    const written = await this.status.update(svc, status);
    if (!written) return;
    const report = ips.length ? `ok ${ips.join(',')}` : pendingMessage(placement, nodes.length);
    if (this.reported.get(key) === report) return;
    this.reported.set(key, report);
    const involved = { ...written, apiVersion: 'v1', kind: 'Service' };
    if (ips.length) this.recorder.event(involved, 'Normal', 'EnsuredLoadBalancer', `Ensured load balancer on ${ips.join(', ')}`);
    else {
      this.recorder.event(involved, 'Warning', 'SyncLoadBalancerFailed', report);
      this.log(`servicelb: ${key}: ${report}`);
    }
  }
}

/** What placement reads of a Service. */
const placedBy = (s: Service) => JSON.stringify([isServiceLB(s), s.spec?.ports?.map((p) => [p.port, p.protocol])]);

function nodeChanged(o: Node, n: Node): boolean {
  // What placement reads of a node; heartbeats change none of it.
  const shape = (x: Node) => JSON.stringify([x.metadata.labels, x.metadata.deletionTimestamp, x.spec?.taints, x.status?.addresses, (x.status?.conditions ?? []).find((c) => c.type === 'Ready')?.status]);
  return shape(o) !== shape(n);
}

/** Worded as the scheduler's verdict on the svclb pod k3s would have left Pending. */
function pendingMessage(p: Placement, nodeCount: number): string {
  const held = [...p.blockedBy].map(([port, by]) => `${port} held by ${[...by].sort().join(', ')}`);
  const why = held.length
    ? `${nodeCount} node(s) didn't have free ports for the service's ports (${held.join('; ')})`
    : `no ready node can serve it`;
  return `Error syncing load balancer: 0/${nodeCount} nodes are available: ${why}`;
}
