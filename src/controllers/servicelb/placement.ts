// Which nodes serve which LoadBalancer Service, as k3s's ServiceLB decides it: k3s runs a
// DaemonSet of svclb pods with a hostPort per service port, so a node serves a Service when its
// svclb pod can be scheduled there (the node is a candidate and no other LoadBalancer holds the
// same host port on it) and is ready. k8ts makes the same decision without the pods: older
// Services keep their ports (the pods already running keep theirs), newer ones get the nodes
// still free. A pure function of the Services and Nodes, so every sync computes the same answer.
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Node, Service } from '../../api/core/v1/types.js';

/** k3s's node label: when any node has it "true", only those nodes serve; "false" opts a node out. */
export const ENABLE_LB_LABEL = 'svccontroller.k3s.cattle.io/enablelb';

export const nsName = (o: { metadata: { namespace?: string; name?: string } }): string => `${o.metadata.namespace ?? 'default'}/${o.metadata.name ?? ''}`;

/**
 * A Service ServiceLB answers for. As the default implementation it leaves every Service that
 * names a loadBalancerClass to that class's controller (the API's rule; k3s's cloud-provider
 * scaffolding does the same).
 */
export function isServiceLB(svc: Service): boolean {
  const spec = svc.spec ?? {};
  return spec.type === 'LoadBalancer' && spec.loadBalancerClass === undefined && !svc.metadata.deletionTimestamp;
}

/** "8080/TCP": what a host port is, for the conflict check and the messages. */
const hostPortsOf = (svc: Service): string[] => [...new Set((svc.spec?.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`))];

function nodeReady(node: Node): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * Taints an svclb pod tolerates: k3s's tolerations (CriticalAddonsOnly, the control-plane and
 * master roles) and those every DaemonSet pod gets (node conditions, unschedulable).
 */
const TOLERATED_TAINTS = new Set([
  'CriticalAddonsOnly',
  'node-role.kubernetes.io/control-plane',
  'node-role.kubernetes.io/master',
  'node.kubernetes.io/not-ready',
  'node.kubernetes.io/unreachable',
  'node.kubernetes.io/disk-pressure',
  'node.kubernetes.io/memory-pressure',
  'node.kubernetes.io/pid-pressure',
  'node.kubernetes.io/unschedulable',
]);

const tolerable = (node: Node): boolean => (node.spec?.taints ?? []).every((t) => t.effect === 'PreferNoSchedule' || TOLERATED_TAINTS.has(t.key));

/** The nodes an svclb pod may run on: ready, untainted for it, restricted by the enablelb label as k3s does. */
export function candidateNodes(nodes: readonly Node[]): Node[] {
  const live = nodes.filter((n) => !n.metadata.deletionTimestamp && n.metadata.labels?.[ENABLE_LB_LABEL] !== 'false');
  const labelled = live.some((n) => n.metadata.labels?.[ENABLE_LB_LABEL] === 'true');
  return live.filter((n) => nodeReady(n) && tolerable(n) && (!labelled || n.metadata.labels?.[ENABLE_LB_LABEL] === 'true'));
}

/** The host ports ("8080/TCP") a pod holds on its node: none once it is bound nowhere or has finished. */
export function hostPortsOfPod(pod: Pod): string[] {
  const phase = pod.status?.phase;
  if (!pod.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') return [];
  return [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])].flatMap((c) => (c.ports ?? []).filter((p) => p.hostPort).map((p) => `${p.hostPort}/${p.protocol ?? 'TCP'}`));
}

/** Host ports pods hold, per node ("pod ns/name" by "8080/TCP"): an svclb pod could not be scheduled beside them. */
export function podHostPorts(pods: readonly Pod[]): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const pod of pods) {
    for (const port of hostPortsOfPod(pod)) {
      let held = out.get(pod.spec!.nodeName!);
      if (!held) out.set(pod.spec!.nodeName!, (held = new Map()));
      held.set(port, `pod ${nsName(pod)}`);
    }
  }
  return out;
}

/** The address a node is reached at from outside: its ExternalIP, else its InternalIP (k3s's choice). */
export function nodeAddress(node: Node): string | undefined {
  const addrs = node.status?.addresses ?? [];
  return (addrs.find((a) => a.type === 'ExternalIP') ?? addrs.find((a) => a.type === 'InternalIP'))?.address;
}

export interface Placement {
  /** Node names serving the Service, sorted. */
  nodes: string[];
  /** Per port taken on some candidate: what holds it there ("ns/name" of a Service, "pod ns/name"). */
  blockedBy: Map<string, Set<string>>;
}

/** Older first, as the svclb pods already scheduled keep their host ports. */
function olderFirst(a: Service, b: Service): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  return ta < tb ? -1 : ta > tb ? 1 : nsName(a) < nsName(b) ? -1 : nsName(a) > nsName(b) ? 1 : 0;
}

/** The placement of every ServiceLB Service, by "ns/name"; `pods` are those whose host ports count as held. */
export function placeServices(services: readonly Service[], nodes: readonly Node[], pods: readonly Pod[] = []): Map<string, Placement> {
  const candidates = candidateNodes(nodes).filter((n) => nodeAddress(n));
  // Per node: host port → what holds it (a pod's own hostPort, or an older LoadBalancer Service).
  const byPods = podHostPorts(pods);
  const taken = new Map<string, Map<string, string>>(candidates.map((n) => [n.metadata.name!, new Map(byPods.get(n.metadata.name!) ?? [])]));
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
