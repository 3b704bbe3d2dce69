// Which nodes serve which LoadBalancer Service, as k3s's ServiceLB decides it: k3s runs a
// DaemonSet of svclb pods with a hostPort per service port, so a node serves a Service when its
// svclb pod can be scheduled there (the node is a candidate and no other LoadBalancer holds the
// same host port on it) and is ready. k8ts makes the same decision without the pods: older
// Services keep their ports (the pods already running keep theirs), newer ones get the nodes
// still free. A pure function of the Services and Nodes, so every sync computes the same answer.
import type { Node, Service } from '../../api/core/v1/types.js';

/** k3s's ServiceLB class; a Service with another loadBalancerClass belongs to another controller. */
export const SERVICELB_CLASS = 'io.cattle.k3s/klipper-lb';
/** k3s's node label: when any node has it "true", only those nodes serve; "false" opts a node out. */
export const ENABLE_LB_LABEL = 'svccontroller.k3s.cattle.io/enablelb';

export const nsName = (o: { metadata: { namespace?: string; name?: string } }): string => `${o.metadata.namespace ?? 'default'}/${o.metadata.name ?? ''}`;

/** A Service ServiceLB answers for. */
export function isServiceLB(svc: Service): boolean {
  const spec = svc.spec ?? {};
  return spec.type === 'LoadBalancer' && (spec.loadBalancerClass === undefined || spec.loadBalancerClass === SERVICELB_CLASS) && !svc.metadata.deletionTimestamp;
}

/** "8080/TCP": what a host port is, for the conflict check and the messages. */
const hostPortsOf = (svc: Service): string[] => [...new Set((svc.spec?.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`))];

function nodeReady(node: Node): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The nodes an svclb pod may run on: ready ones, restricted by the enablelb label as k3s does. */
export function candidateNodes(nodes: readonly Node[]): Node[] {
  const live = nodes.filter((n) => !n.metadata.deletionTimestamp && n.metadata.labels?.[ENABLE_LB_LABEL] !== 'false');
  const labelled = live.some((n) => n.metadata.labels?.[ENABLE_LB_LABEL] === 'true');
  return live.filter((n) => nodeReady(n) && (!labelled || n.metadata.labels?.[ENABLE_LB_LABEL] === 'true'));
}

/** The address a node is reached at from outside: its ExternalIP, else its InternalIP (k3s's choice). */
export function nodeAddress(node: Node): string | undefined {
  const addrs = node.status?.addresses ?? [];
  return (addrs.find((a) => a.type === 'ExternalIP') ?? addrs.find((a) => a.type === 'InternalIP'))?.address;
}

export interface Placement {
  /** Node names serving the Service, sorted. */
  nodes: string[];
  /** Per port taken on some candidate: the Service holding it there ("ns/name"). */
  blockedBy: Map<string, Set<string>>;
}

/** Older first, as the svclb pods already scheduled keep their host ports. */
function olderFirst(a: Service, b: Service): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  return ta < tb ? -1 : ta > tb ? 1 : nsName(a) < nsName(b) ? -1 : nsName(a) > nsName(b) ? 1 : 0;
}

/** The placement of every ServiceLB Service, by "ns/name". */
export function placeServices(services: readonly Service[], nodes: readonly Node[]): Map<string, Placement> {
  const candidates = candidateNodes(nodes).filter((n) => nodeAddress(n));
  // Per node: host port → the Service holding it.
  const taken = new Map<string, Map<string, string>>(candidates.map((n) => [n.metadata.name!, new Map()]));
  const out = new Map<string, Placement>();
  for (const svc of services.filter(isServiceLB).sort(olderFirst)) {
    const me = nsName(svc);
    const ports = hostPortsOf(svc);
    const placement: Placement = { nodes: [], blockedBy: new Map() };
    for (const node of candidates) {
      const held = taken.get(node.metadata.name!)!;
      const clashes = ports.filter((p) => held.has(p));
      for (const p of clashes) {
        let by = placement.blockedBy.get(p);
        if (!by) placement.blockedBy.set(p, (by = new Set()));
        by.add(held.get(p)!);
      }
      if (clashes.length > 0) continue;
      for (const p of ports) held.set(p, me);
      placement.nodes.push(node.metadata.name!);
    }
    placement.nodes.sort();
    out.set(me, placement);
  }
  return out;
}
