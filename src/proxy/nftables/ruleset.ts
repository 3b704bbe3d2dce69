// The nftables ruleset upstream's nftables proxier writes (KEP-3866), computed from the whole
// state as a pure function: the per-service chains with their rules, and the elements of the
// dispatch maps and sets. The fixed part (base chains, dispatch rules, masquerading) is the
// skeleton, rendered by skeletonCommands.
import { planServicePort } from '../categorize.js';
import { firewallSources } from '../firewall.js';
import { masqueradeMark, type EndpointInfo, type ProxyConfig, type ProxyState, type ServicePortInfo } from '../model.js';
import { nftAffinitySet, nftEndpointChain, nftServiceChains } from '../names.js';

export const SERVICE_IPS = 'service-ips';
export const SERVICE_NODEPORTS = 'service-nodeports';
export const NO_ENDPOINT_SERVICES = 'no-endpoint-services';
export const NO_ENDPOINT_NODEPORTS = 'no-endpoint-nodeports';
export const CLUSTER_IPS = 'cluster-ips';
export const NODEPORT_IPS = 'nodeport-ips';
export const FIREWALL_IPS = 'firewall-ips';
const MARK_MASQ = 'mark-for-masquerade';
const REJECT_CHAIN = 'reject-chain';

/** Maps and sets whose elements change with the state; the value is undefined for a set's element. */
export const ELEMENT_CONTAINERS = [SERVICE_IPS, SERVICE_NODEPORTS, NO_ENDPOINT_SERVICES, NO_ENDPOINT_NODEPORTS, FIREWALL_IPS, CLUSTER_IPS, NODEPORT_IPS] as const;
export type ElementContainer = (typeof ELEMENT_CONTAINERS)[number];

/** What each map and set is: `add set|map` names it with this body, alone or with its elements. */
const CONTAINER_SPECS: Record<ElementContainer, { kind: 'set' | 'map'; spec: string }> = {
  [SERVICE_IPS]: { kind: 'map', spec: 'type ipv4_addr . inet_proto . inet_service : verdict ; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic" ;' },
  [SERVICE_NODEPORTS]: { kind: 'map', spec: 'type inet_proto . inet_service : verdict ; comment "NodePort traffic" ;' },
  [NO_ENDPOINT_SERVICES]: { kind: 'map', spec: 'type ipv4_addr . inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to services with no endpoints" ;' },
  [NO_ENDPOINT_NODEPORTS]: { kind: 'map', spec: 'type inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to service nodeports with no endpoints" ;' },
  [FIREWALL_IPS]: { kind: 'map', spec: 'type ipv4_addr . inet_proto . inet_service : verdict ; comment "destinations that are subject to LoadBalancerSourceRanges" ;' },
  [CLUSTER_IPS]: { kind: 'set', spec: 'type ipv4_addr ; comment "Active ClusterIPs" ;' },
  [NODEPORT_IPS]: { kind: 'set', spec: 'type ipv4_addr ; comment "IPs that accept NodePort traffic" ;' },
};

/**
 * `add set|map` for container `c` of table `t` ("ip name"), with `elements` (already rendered)
 * when given. Declaring the elements this way rather than with `add element` spares nft 1.0.6 a
 * dump of every chain in the kernel before the transaction (docs/performance.md).
 */
export function containerDeclaration(t: string, c: ElementContainer, elements?: string): string {
  const { kind, spec } = CONTAINER_SPECS[c];
  return `add ${kind} ${t} ${c} { ${spec}${elements === undefined ? '' : ` elements = { ${elements} } ;`} }`;
}

export interface NftRuleset {
  /** The per-service chains (service-, local-, external-, endpoint-…) and their rules, in order. */
  chains: Map<string, string[]>;
  elements: Record<ElementContainer, Map<string, string | undefined>>;
  /** ClientIP affinity sets, by name, with their timeout in seconds. */
  affinitySets: Map<string, number>;
}

export function emptyRuleset(): NftRuleset {
  const elements = Object.fromEntries(ELEMENT_CONTAINERS.map((c) => [c, new Map()])) as NftRuleset['elements'];
  return { chains: new Map(), elements, affinitySets: new Map() };
}

/** The skeleton: base chains hooked into netfilter, the chains they jump to and the maps they consult. */
export function skeletonCommands(table: string, cfg: ProxyConfig): string[] {
  const t = `ip ${table}`;
  const mark = masqueradeMark(cfg);
  const out: string[] = [`add table ${t} { comment "rules for kube-proxy" ; }`];
  // Filter chains see pre-DNAT destinations (they run before DNAT), except output-post-dnat.
  const base: [string, string, string, number][] = [
    ['filter-prerouting', 'filter', 'prerouting', -110],
    ['filter-input', 'filter', 'input', -110],
    ['filter-forward', 'filter', 'forward', -110],
    ['filter-output', 'filter', 'output', -110],
    ['filter-output-post-dnat', 'filter', 'output', -90],
    ['nat-prerouting', 'nat', 'prerouting', -100],
    ['nat-output', 'nat', 'output', -100],
    ['nat-postrouting', 'nat', 'postrouting', 100],
  ];
  for (const [name, type, hook, prio] of base) out.push(`add chain ${t} ${name} { type ${type} hook ${hook} priority ${prio} ; policy accept ; }`);
  for (const c of ['services', 'service-endpoints-check', 'nodeport-endpoints-check', 'cluster-ips-check', 'firewall-check', MARK_MASQ, 'masquerading', REJECT_CHAIN]) out.push(`add chain ${t} ${c}`);
  for (const c of ELEMENT_CONTAINERS) out.push(containerDeclaration(t, c));
  const jumps: [string, string, string][] = [
    ['filter-input', 'ct state new', 'nodeport-endpoints-check'],
    ['filter-input', 'ct state new', 'service-endpoints-check'],
    ['filter-forward', 'ct state new', 'service-endpoints-check'],
    ['filter-output', 'ct state new', 'service-endpoints-check'],
    ['filter-prerouting', 'ct state new', 'firewall-check'],
    ['filter-output', 'ct state new', 'firewall-check'],
    ['filter-forward', 'ct state new', 'cluster-ips-check'],
    ['filter-output-post-dnat', 'ct state new', 'cluster-ips-check'],
    ['nat-output', '', 'services'],
    ['nat-prerouting', '', 'services'],
    ['nat-postrouting', '', 'masquerading'],
  ];
  for (const [from, cond, to] of jumps) out.push(`add rule ${t} ${from} ${cond ? `${cond} ` : ''}jump ${to}`);
  out.push(`add rule ${t} ${MARK_MASQ} mark set mark or ${mark}`);
  out.push(`add rule ${t} masquerading mark and ${mark} == 0 return`);
  out.push(`add rule ${t} masquerading mark set mark xor ${mark}`);
  out.push(`add rule ${t} masquerading masquerade fully-random`);
  out.push(`add rule ${t} ${REJECT_CHAIN} reject`);
  out.push(`add rule ${t} service-endpoints-check ip daddr . meta l4proto . th dport vmap @${NO_ENDPOINT_SERVICES}`);
  out.push(`add rule ${t} nodeport-endpoints-check ip daddr @${NODEPORT_IPS} meta l4proto . th dport vmap @${NO_ENDPOINT_NODEPORTS}`);
  // Ports of a ClusterIP that no service serves are refused rather than left to time out.
  out.push(`add rule ${t} cluster-ips-check ip daddr @${CLUSTER_IPS} reject comment "Reject traffic to invalid ports of ClusterIPs"`);
  out.push(`add rule ${t} firewall-check ip daddr . meta l4proto . th dport vmap @${FIREWALL_IPS}`);
  out.push(`add rule ${t} services ip daddr . meta l4proto . th dport vmap @${SERVICE_IPS}`);
  // Only the node's own addresses take NodePorts: never 127.0.0.1 (CVE-2020-8558).
  out.push(`add rule ${t} services ip daddr @${NODEPORT_IPS} meta l4proto . th dport vmap @${SERVICE_NODEPORTS}`);
  return out;
}

/** Sets whose elements several service ports may share (two ports of one service, one ClusterIP). */
export const SHARED_SETS = [CLUSTER_IPS, NODEPORT_IPS] as const;

/** The ruleset as each service port's own part (keyed like the state), plus the node's addresses. */
export interface NftParts {
  parts: Map<string, NftRuleset>;
  nodeIPs: string[];
}

/**
 * What each service port contributed last time, by the port object: the tracker replaces a port's
 * objects only when the port or its endpoints change, so an unchanged port's part (the very same
 * object) is reused, and the diff skips it by identity.
 */
export type NftRulesetMemo = WeakMap<ServicePortInfo, { endpoints: EndpointInfo[] | undefined; cfg: ProxyConfig; nodeIPs: string[]; part: NftRuleset }>;

export function desiredNftParts(state: ProxyState, cfg: ProxyConfig, memo?: NftRulesetMemo): NftParts {
  const parts = new Map<string, NftRuleset>();
  for (const [key, sp] of state.services) parts.set(key, partOf(key, sp, state, cfg, memo));
  return { parts, nodeIPs: nodePortIPs(state) };
}

/** The service ports whose part is not the one written: the new part, or undefined for a port that is gone. */
export interface PartsDelta {
  changed: Map<string, NftRuleset | undefined>;
  nodeIPs: string[];
}

/**
 * What changed since `written`, found without building the whole state again: an unchanged
 * port's part comes back from the memo as the very object written, so a sync allocates only
 * for what changed (rebuilding 10,000 parts each sync fed the garbage collector pauses that
 * showed in the one-change latency's tail).
 */
export function changedParts(state: ProxyState, cfg: ProxyConfig, written: ReadonlyMap<string, NftRuleset>, memo: NftRulesetMemo): PartsDelta {
  const changed = new Map<string, NftRuleset | undefined>();
  for (const [key, sp] of state.services) {
    const part = partOf(key, sp, state, cfg, memo);
    if (written.get(key) !== part) changed.set(key, part);
  }
  for (const key of written.keys()) if (!state.services.has(key)) changed.set(key, undefined);
  return { changed, nodeIPs: nodePortIPs(state) };
}

function partOf(key: string, sp: ServicePortInfo, state: ProxyState, cfg: ProxyConfig, memo?: NftRulesetMemo): NftRuleset {
  const endpoints = state.endpoints.get(key);
  const cached = memo?.get(sp);
  // The node's addresses matter only to firewalled ports; they change rarely (a new array when they do).
  if (cached && cached.endpoints === endpoints && cached.cfg === cfg && cached.nodeIPs === state.nodeIPs) return cached.part;
  const part = emptyRuleset();
  addServicePort(part, sp, endpoints ?? [], cfg, state.nodeIPs);
  memo?.set(sp, { endpoints, cfg, nodeIPs: state.nodeIPs, part });
  return part;
}

const nodePortIPs = (state: ProxyState): string[] => state.nodeIPs.filter((ip) => !ip.startsWith('127.'));

/** One ruleset of everything, service ports in key order. */
export function flattenParts(p: NftParts): NftRuleset {
  const rs = emptyRuleset();
  for (const ip of p.nodeIPs) rs.elements[NODEPORT_IPS].set(ip, undefined);
  for (const key of [...p.parts.keys()].sort()) {
    const part = p.parts.get(key)!;
    for (const [name, rules] of part.chains) rs.chains.set(name, rules);
    for (const c of ELEMENT_CONTAINERS) for (const [k, v] of part.elements[c]) rs.elements[c].set(k, v);
    for (const [name, t] of part.affinitySets) rs.affinitySets.set(name, t);
  }
  return rs;
}

export function desiredNftRuleset(state: ProxyState, cfg: ProxyConfig, memo?: NftRulesetMemo): NftRuleset {
  return flattenParts(desiredNftParts(state, cfg, memo));
}

function addServicePort(rs: NftRuleset, sp: ServicePortInfo, endpoints: EndpointInfo[], cfg: ProxyConfig, nodeIPs: readonly string[]): void {
  const { clusterEndpoints, localEndpoints, allReachable, usesClusterChain, usesLocalChain, hasInternal, hasExternal, usesExternalChain, noEndpointsVerdict } = planServicePort(sp, endpoints);
  const names = nftServiceChains(sp);
  const proto = sp.protocol;
  const chain = (name: string): string[] => {
    let rules = rs.chains.get(name);
    if (!rules) rs.chains.set(name, (rules = []));
    return rules;
  };
  for (const ep of allReachable) chain(nftEndpointChain(sp, ep));
  if (usesClusterChain) chain(names.cluster);
  if (usesLocalChain) chain(names.local);
  if (usesExternalChain) chain(names.external);
  const internalChain = sp.internalPolicyLocal ? names.local : names.cluster;
  const externalPolicyChain = sp.externalPolicyLocal ? names.local : names.cluster;
  const internalVerdict = noEndpointsVerdict === 'reject' ? `goto ${REJECT_CHAIN}` : 'drop';
  const externalVerdict = internalVerdict;

  const ipKey = (ip: string) => `${ip} . ${proto} . ${sp.port}`;
  rs.elements[CLUSTER_IPS].set(sp.clusterIP, undefined);
  if (hasInternal) rs.elements[SERVICE_IPS].set(ipKey(sp.clusterIP), `goto ${internalChain}`);
  else rs.elements[NO_ENDPOINT_SERVICES].set(ipKey(sp.clusterIP), internalVerdict);
  for (const ip of [...sp.externalIPs, ...sp.loadBalancerIPs]) {
    if (usesExternalChain) rs.elements[SERVICE_IPS].set(ipKey(ip), `goto ${names.external}`);
    if (!hasExternal) rs.elements[NO_ENDPOINT_SERVICES].set(ipKey(ip), externalVerdict);
  }
  const allowed = firewallSources(sp, nodeIPs);
  if (allowed) {
    chain(names.firewall).push(`ip saddr != { ${allowed.join(', ')} } drop`);
    for (const ip of sp.loadBalancerIPs) rs.elements[FIREWALL_IPS].set(ipKey(ip), `goto ${names.firewall}`);
  }
  if (sp.nodePort) {
    const npKey = `${proto} . ${sp.nodePort}`;
    if (usesExternalChain) rs.elements[SERVICE_NODEPORTS].set(npKey, `goto ${names.external}`);
    if (!hasExternal) rs.elements[NO_ENDPOINT_NODEPORTS].set(npKey, externalVerdict);
  }

  if (hasInternal) {
    const match = `ip daddr ${sp.clusterIP} ${proto} dport ${sp.port}`;
    // Traffic to the VIP from outside the pod network may leave through another node: masquerade it.
    if (cfg.masqueradeAll) chain(internalChain).push(`${match} jump ${MARK_MASQ}`);
    else if (cfg.clusterCIDR) chain(internalChain).push(`${match} ip saddr != ${cfg.clusterCIDR} jump ${MARK_MASQ}`);
  }
  if (usesExternalChain) {
    const ext = chain(names.external);
    if (!sp.externalPolicyLocal) {
      ext.push(`jump ${MARK_MASQ}`);
    } else {
      // Pods and the node itself are not subject to the Local policy (they would hairpin through
      // an external load balancer); the node's own traffic needs masquerading to come back.
      if (cfg.clusterCIDR) ext.push(`ip saddr ${cfg.clusterCIDR} goto ${names.cluster} comment "short-circuit pod traffic"`);
      ext.push(`fib saddr type local jump ${MARK_MASQ} comment "masquerade local traffic"`);
      ext.push(`fib saddr type local goto ${names.cluster} comment "short-circuit local traffic"`);
    }
    if (hasExternal) ext.push(`goto ${externalPolicyChain}`);
  }
  if (sp.affinityTimeoutSeconds !== undefined) for (const ep of allReachable) rs.affinitySets.set(nftAffinitySet(sp, ep), sp.affinityTimeoutSeconds);
  if (usesClusterChain) chain(names.cluster).push(...toEndpointRules(sp, clusterEndpoints));
  if (usesLocalChain) chain(names.local).push(...toEndpointRules(sp, localEndpoints));
  for (const ep of allReachable) {
    const rules = chain(nftEndpointChain(sp, ep));
    // A pod reaching itself through its service (hairpin) must not see its own address as the source.
    rules.push(`ip saddr ${ep.ip} jump ${MARK_MASQ}`);
    if (sp.affinityTimeoutSeconds !== undefined) rules.push(`update @${nftAffinitySet(sp, ep)} { ip saddr }`);
    rules.push(`meta l4proto ${proto} dnat to ${ep.ip}:${ep.port}`);
  }
}

function toEndpointRules(sp: ServicePortInfo, endpoints: EndpointInfo[]): string[] {
  const rules: string[] = [];
  if (sp.affinityTimeoutSeconds !== undefined) for (const ep of endpoints) rules.push(`ip saddr @${nftAffinitySet(sp, ep)} goto ${nftEndpointChain(sp, ep)}`);
  const arms = endpoints.map((ep, i) => `${i} : goto ${nftEndpointChain(sp, ep)}`).join(' , ');
  rules.push(`numgen random mod ${endpoints.length} vmap { ${arms} }`);
  return rules;
}
