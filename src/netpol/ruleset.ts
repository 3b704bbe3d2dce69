// The nftables ruleset that enforces the policies for this node's pods, as a pure function of
// the state. Shape (docs/network-policy.md):
//
//   forward (hook forward, priority filter: after the proxy's DNAT in prerouting)
//     ct state established,related accept
//     ip saddr . ip daddr @pod-self accept   a pod reaching itself (hairpin through a Service)
//     ip saddr vmap @egress-pods        pod IP → jump egress-<hash>   (egress-isolated local pods)
//     ip daddr vmap @ingress-pods       pod IP → jump ingress-<hash>  (ingress-isolated local pods)
//   egress-<hash> / ingress-<hash>: one chain per set of policies selecting a pod, shared by the
//     pods with the same set: each allowed peer × port is a `return` (on to the other direction's
//     check), the chain ends in `drop`.
//   np-<hash>-<direction>-<rule>: the IPv4 addresses of the pods a rule's selectors match;
//   np-<hash>-<direction>-<rule>-port-<n>: address . protocol . port of the pods with a named port.
//
// A pod that comes, goes or changes labels changes set and map elements; rules change only when
// a policy does, or when a pod is the first to be selected by a new combination of policies.
import { createHash } from 'node:crypto';
import type { CompiledPolicy, CompiledPort, Direction, PodPeer } from './compile.js';
import type { PodInfo, PolicyState } from './model.js';

export const INGRESS_PODS = 'ingress-pods';
export const EGRESS_PODS = 'egress-pods';
/** `ip . ip` of every isolated local pod: a pod reaching itself through a Service is never blocked. */
export const SELF = 'pod-self';

export interface NftSet {
  kind: 'set' | 'map';
  /** What goes between the braces of `add set|map`: "type … ;" and flags. */
  spec: string;
  /** Element → map value (undefined in a set). */
  elements: Map<string, string | undefined>;
}

export interface NftState {
  /** Regular chains and their rules, in order. */
  chains: Map<string, string[]>;
  sets: Map<string, NftSet>;
}

const ADDR_SET = 'type ipv4_addr ;';
const PORT_SET = 'type ipv4_addr . inet_proto . inet_service ;';
const VERDICT_MAP = 'type ipv4_addr : verdict ;';

export const hashName = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);

/** The base chain; it names the two dispatch maps, which the state holds with their elements. */
export function baseChainCommands(table: string): string[] {
  const t = `ip ${table}`;
  return [
    `add chain ${t} forward { type filter hook forward priority filter ; policy accept ; }`,
    `add rule ${t} forward ct state established,related accept`,
    // Upstream: a pod cannot block access to itself (hairpin through its Service is routed here).
    `add rule ${t} forward ip saddr . ip daddr @${SELF} accept`,
    `add rule ${t} forward ip saddr vmap @${EGRESS_PODS}`,
    `add rule ${t} forward ip daddr vmap @${INGRESS_PODS}`,
  ];
}

interface Context {
  state: PolicyState;
  /** Every pod, and this node's, by namespace. */
  pods: Map<string, PodInfo[]>;
  localPods: Map<string, PodInfo[]>;
  out: NftState;
  nsLabels: (ns: string) => Record<string, string>;
}

function byNamespace(pods: Iterable<PodInfo>): Map<string, PodInfo[]> {
  const out = new Map<string, PodInfo[]>();
  for (const p of pods) {
    const list = out.get(p.namespace);
    if (list) list.push(p);
    else out.set(p.namespace, [p]);
  }
  return out;
}

/** The addresses of the pods a rule's selector peers match, visiting only the namespaces they name. */
function peerAddresses(ctx: Context, policy: CompiledPolicy, peers: PodPeer[]): Map<string, undefined> {
  const out = new Map<string, undefined>();
  for (const peer of peers) {
    const namespaces = peer.namespaces ? [...ctx.pods.keys()].filter((ns) => peer.namespaces!.matches(ctx.nsLabels(ns))) : [policy.namespace];
    for (const ns of namespaces) for (const pod of ctx.pods.get(ns) ?? []) if (peer.pods.matches(pod.labels)) out.set(pod.ip, undefined);
  }
  return out;
}

function portMatch(ctx: Context, setName: string, port: CompiledPort, namedPortPods: PodInfo[]): string {
  if (port.name !== undefined) {
    const elements = new Map<string, undefined>();
    for (const pod of namedPortPods) for (const np of pod.ports) if (np.name === port.name && np.protocol === port.protocol) elements.set(`${pod.ip} . ${np.protocol} . ${np.port}`, undefined);
    ctx.out.sets.set(setName, { kind: 'set', spec: PORT_SET, elements });
    return `ip daddr . meta l4proto . th dport @${setName}`;
  }
  if (port.port === undefined) return `meta l4proto ${port.protocol}`;
  const range = port.endPort !== undefined && port.endPort > port.port ? `${port.port}-${port.endPort}` : `${port.port}`;
  return `${port.protocol} dport ${range}`;
}

/** The `return` rules of one policy in one direction; its sets go into ctx.out. */
function policyLines(ctx: Context, p: CompiledPolicy, dir: Direction, targets: PodInfo[]): string[] {
  const h = hashName(p.key);
  const addr = dir === 'ingress' ? 'saddr' : 'daddr';
  const lines: string[] = [];
  (p.rules[dir] ?? []).forEach((rule, i) => {
    const base = `np-${h}-${dir}-${i}`;
    let peers: string[];
    if (!rule.podPeers && !rule.blocks.length) peers = [''];
    else {
      peers = [];
      if (rule.podPeers?.length) {
        ctx.out.sets.set(base, { kind: 'set', spec: ADDR_SET, elements: peerAddresses(ctx, p, rule.podPeers) });
        peers.push(`ip ${addr} @${base}`);
      }
      for (const b of rule.blocks) peers.push(`ip ${addr} ${b.cidr}${b.except.length ? ` ip ${addr} != { ${b.except.join(', ')} }` : ''}`);
    }
    // A named port means the destination's port of that name: the selected pod's for ingress, the peer's for egress.
    const namedPortPods = dir === 'ingress' ? targets : [...ctx.state.pods.values()];
    const ports = rule.ports ? rule.ports.map((port, j) => portMatch(ctx, `${base}-port-${j}`, port, namedPortPods)) : [''];
    // Names come from the API (DNS subdomains); anything else is kept out of the quoted comment.
    const comment = `comment "${p.key.replace(/[^a-z0-9./-]/gi, '_')} ${dir}[${i}]"`;
    for (const peer of peers) for (const port of ports) lines.push([peer, port, 'return', comment].filter(Boolean).join(' '));
  });
  return lines;
}

/**
 * The desired ruleset for `nodeName`'s pods. `compiled` turns each policy into its compiled form
 * (the caller memoizes it per object); a policy it cannot read is left out.
 */
export function desiredRuleset(state: PolicyState, nodeName: string, compiled: (key: string) => CompiledPolicy | undefined): NftState {
  const out: NftState = { chains: new Map(), sets: new Map() };
  const ctx: Context = {
    state,
    out,
    pods: byNamespace(state.pods.values()),
    localPods: byNamespace([...state.pods.values()].filter((p) => p.nodeName === nodeName)),
    nsLabels: (ns) => ({ ...state.namespaces.get(ns), 'kubernetes.io/metadata.name': ns }),
  };
  const dispatch: Record<Direction, Map<string, string | undefined>> = { ingress: new Map(), egress: new Map() };
  const policies = [...state.policies.keys()].sort().map(compiled).filter((p): p is CompiledPolicy => !!p);
  for (const dir of ['ingress', 'egress'] as const) {
    // Per local pod, the policies isolating it in this direction, in key order.
    const byPod = new Map<PodInfo, CompiledPolicy[]>();
    const lines = new Map<CompiledPolicy, string[]>();
    for (const p of policies) {
      if (!p.rules[dir]) continue;
      const targets = (ctx.localPods.get(p.namespace) ?? []).filter((pod) => p.podSelector.matches(pod.labels));
      if (!targets.length) continue;
      lines.set(p, policyLines(ctx, p, dir, targets));
      for (const pod of targets) {
        const list = byPod.get(pod);
        if (list) list.push(p);
        else byPod.set(pod, [p]);
      }
    }
    for (const [pod, ps] of byPod) {
      const chain = `${dir}-${hashName(ps.map((p) => p.key).join('\n'))}`;
      if (!out.chains.has(chain)) out.chains.set(chain, [...ps.flatMap((p) => lines.get(p)!), `drop comment "${dir} not allowed by a policy"`]);
      dispatch[dir].set(pod.ip, `jump ${chain}`);
    }
  }
  const self = new Map<string, undefined>();
  for (const ip of [...dispatch.ingress.keys(), ...dispatch.egress.keys()]) self.set(`${ip} . ${ip}`, undefined);
  out.sets.set(SELF, { kind: 'set', spec: 'type ipv4_addr . ipv4_addr ;', elements: self });
  out.sets.set(INGRESS_PODS, { kind: 'map', spec: `${VERDICT_MAP} comment "ingress-isolated pods of this node" ;`, elements: dispatch.ingress });
  out.sets.set(EGRESS_PODS, { kind: 'map', spec: `${VERDICT_MAP} comment "egress-isolated pods of this node" ;`, elements: dispatch.egress });
  return out;
}
