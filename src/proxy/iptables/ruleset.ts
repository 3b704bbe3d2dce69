// The rules upstream's iptables proxier writes (KUBE-SERVICES, KUBE-SVC-*, KUBE-SEP-* and
// friends), computed from the whole state as a pure function, and the iptables-restore input
// that installs them. Chains are named with a prefix ("KUBE" upstream) so proxies of tests
// running side by side keep to their own.
import { planServicePort } from '../categorize.js';
import { masqueradeMark, servicePortName, type EndpointInfo, type ProxyConfig, type ProxyState, type ServicePortInfo } from '../model.js';
import { firewallSources } from '../firewall.js';
import { iptablesEndpointChain, iptablesServiceChains } from '../names.js';

export interface IptablesRuleset {
  /** Chain → rules (the arguments after `-A CHAIN`), in order. */
  nat: Map<string, string[]>;
  filter: Map<string, string[]>;
}

export interface TopChains {
  services: string;
  nodePorts: string;
  postrouting: string;
  markMasq: string;
  externalServices: string;
  forward: string;
  firewall: string;
}

export function topChains(prefix: string): TopChains {
  return {
    services: `${prefix}-SERVICES`,
    nodePorts: `${prefix}-NODEPORTS`,
    postrouting: `${prefix}-POSTROUTING`,
    markMasq: `${prefix}-MARK-MASQ`,
    externalServices: `${prefix}-EXTERNAL-SERVICES`,
    forward: `${prefix}-FORWARD`,
    firewall: `${prefix}-PROXY-FIREWALL`,
  };
}

/** The rules in the built-in chains that lead to ours: [table, built-in chain, rule]. */
export function jumpRules(prefix: string): [string, string, string][] {
  const c = topChains(prefix);
  const portals = `-m comment --comment "kubernetes service portals" -j ${c.services}`;
  const external = `-m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j ${c.externalServices}`;
  const firewall = `-m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j ${c.firewall}`;
  return [
    ['filter', 'INPUT', firewall],
    ['filter', 'OUTPUT', firewall],
    ['filter', 'FORWARD', firewall],
    ['nat', 'PREROUTING', portals],
    ['nat', 'OUTPUT', portals],
    ['nat', 'POSTROUTING', `-m comment --comment "kubernetes postrouting rules" -j ${c.postrouting}`],
    ['filter', 'INPUT', external],
    ['filter', 'FORWARD', `-m conntrack --ctstate NEW ${portals}`],
    ['filter', 'FORWARD', external],
    ['filter', 'FORWARD', `-m comment --comment "kubernetes forwarding rules" -j ${c.forward}`],
    ['filter', 'OUTPUT', `-m conntrack --ctstate NEW ${portals}`],
  ];
}

const quote = (s: string): string => (/[\s"]/.test(s) ? `"${s.replace(/"/g, '\\"')}"` : s);

export function desiredIptablesRules(state: ProxyState, cfg: ProxyConfig, prefix: string): IptablesRuleset {
  const c = topChains(prefix);
  const mark = masqueradeMark(cfg);
  const rs: IptablesRuleset = { nat: new Map(), filter: new Map() };
  const nat = (chain: string): string[] => {
    let r = rs.nat.get(chain);
    if (!r) rs.nat.set(chain, (r = []));
    return r;
  };
  const filter = (chain: string): string[] => {
    let r = rs.filter.get(chain);
    if (!r) rs.filter.set(chain, (r = []));
    return r;
  };
  for (const ch of [c.services, c.nodePorts, c.postrouting, c.markMasq]) nat(ch);
  for (const ch of [c.services, c.externalServices, c.forward, c.firewall]) filter(ch);
  nat(c.postrouting).push(`-m mark ! --mark ${mark}/${mark} -j RETURN`, `-j MARK --xor-mark ${mark}`, `-m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully`);
  nat(c.markMasq).push(`-j MARK --or-mark ${mark}`);
  filter(c.forward).push(
    `-m conntrack --ctstate INVALID -j DROP`,
    `-m comment --comment "kubernetes forwarding rules" -m mark --mark ${mark}/${mark} -j ACCEPT`,
    `-m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
  );
  const keys = [...state.services.keys()].sort();
  for (const key of keys) addServicePort(nat, filter, c, prefix, state.services.get(key)!, state.endpoints.get(key) ?? [], cfg, state.nodeIPs);
  // NodePorts only on the node's own addresses, never on 127.0.0.1 (CVE-2020-8558); last in the chain.
  for (const ip of state.nodeIPs) {
    if (ip.startsWith('127.')) continue;
    nat(c.services).push(`-m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -d ${ip} -j ${c.nodePorts}`);
  }
  return rs;
}

type ChainOf = (chain: string) => string[];

function addServicePort(nat: ChainOf, filter: ChainOf, c: TopChains, prefix: string, sp: ServicePortInfo, endpoints: EndpointInfo[], cfg: ProxyConfig, nodeIPs: readonly string[]): void {
  const { clusterEndpoints, localEndpoints, allReachable, hasAnyEndpoints, usesClusterChain, usesLocalChain, hasInternal, hasExternal, usesExternalChain, noEndpointsVerdict } = planServicePort(sp, endpoints);
  const names = iptablesServiceChains(prefix, sp);
  const name = servicePortName(sp);
  const proto = `-m ${sp.protocol} -p ${sp.protocol}`;
  if (usesClusterChain) nat(names.svc);
  if (usesLocalChain) nat(names.svl);
  for (const ep of allReachable) nat(iptablesEndpointChain(prefix, sp, ep));
  if (usesExternalChain) nat(names.ext);
  const allowed = firewallSources(sp, nodeIPs);
  if (allowed) nat(names.fw);
  const internalChain = sp.internalPolicyLocal ? names.svl : names.svc;
  const externalPolicyChain = sp.externalPolicyLocal ? names.svl : names.svc;
  const verdict = noEndpointsVerdict === 'reject' ? 'REJECT' : 'DROP';
  const noEndpoints = hasAnyEndpoints ? `${name} has no local endpoints` : `${name} has no endpoints`;

  const clusterMatch = `${proto} -d ${sp.clusterIP} --dport ${sp.port}`;
  if (hasInternal) {
    nat(c.services).push(`-m comment --comment ${quote(`${name} cluster IP`)} ${clusterMatch} -j ${internalChain}`);
  } else {
    filter(c.services).push(`-m comment --comment ${quote(noEndpoints)} ${clusterMatch} -j ${verdict}`);
  }
  const outside: [string, string][] = [...sp.externalIPs.map((ip): [string, string] => [ip, 'external IP']), ...sp.loadBalancerIPs.map((ip): [string, string] => [ip, 'loadbalancer IP'])];
  for (const [ip, what] of outside) {
    const match = `${proto} -d ${ip} --dport ${sp.port}`;
    // Load balancer IPs with source ranges pass the firewall chain first.
    const target = allowed && what === 'loadbalancer IP' ? names.fw : names.ext;
    if (usesExternalChain) nat(c.services).push(`-m comment --comment ${quote(`${name} ${what}`)} ${match} -j ${target}`);
    // What the firewall chain did not DNAT still has the load balancer IP as its destination here.
    if (allowed && what === 'loadbalancer IP') filter(c.firewall).push(`-m comment --comment ${quote(`${name} traffic not accepted by ${names.fw}`)} ${match} -j DROP`);
    if (!hasExternal) filter(c.externalServices).push(`-m comment --comment ${quote(noEndpoints)} ${match} -j ${verdict}`);
  }
  if (sp.nodePort) {
    if (usesExternalChain) nat(c.nodePorts).push(`-m comment --comment ${quote(name)} ${proto} --dport ${sp.nodePort} -j ${names.ext}`);
    if (!hasExternal) filter(c.externalServices).push(`-m comment --comment ${quote(noEndpoints)} -m addrtype --dst-type LOCAL ${proto} --dport ${sp.nodePort} -j ${verdict}`);
  }
  if (hasInternal) {
    const comment = `-m comment --comment ${quote(`${name} cluster IP`)}`;
    if (cfg.masqueradeAll) nat(internalChain).push(`${comment} ${clusterMatch} -j ${c.markMasq}`);
    else if (cfg.clusterCIDR) nat(internalChain).push(`${comment} ${clusterMatch} ! -s ${cfg.clusterCIDR} -j ${c.markMasq}`);
  }
  if (usesExternalChain) {
    const ext = nat(names.ext);
    if (!sp.externalPolicyLocal) {
      ext.push(`-m comment --comment ${quote(`masquerade traffic for ${name} external destinations`)} -j ${c.markMasq}`);
    } else {
      if (cfg.clusterCIDR) ext.push(`-m comment --comment ${quote(`pod traffic for ${name} external destinations`)} -s ${cfg.clusterCIDR} -j ${names.svc}`);
      ext.push(`-m comment --comment ${quote(`masquerade LOCAL traffic for ${name} external destinations`)} -m addrtype --src-type LOCAL -j ${c.markMasq}`);
      ext.push(`-m comment --comment ${quote(`route LOCAL traffic for ${name} external destinations`)} -m addrtype --src-type LOCAL -j ${names.svc}`);
    }
    if (hasExternal) ext.push(`-j ${externalPolicyChain}`);
  }
  if (allowed) {
    const fw = nat(names.fw);
    if (usesExternalChain) for (const src of allowed) fw.push(`-m comment --comment ${quote(`${name} loadbalancer IP`)} -s ${src} -j ${names.ext}`);
    fw.push(`-m comment --comment ${quote(`other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL`)}`);
  }
  if (usesClusterChain) nat(names.svc).push(...toEndpointRules(prefix, sp, name, clusterEndpoints));
  if (usesLocalChain) nat(names.svl).push(...toEndpointRules(prefix, sp, name, localEndpoints));
  for (const ep of allReachable) {
    const sep = iptablesEndpointChain(prefix, sp, ep);
    const rules = nat(sep);
    rules.push(`-m comment --comment ${quote(name)} -s ${ep.ip} -j ${c.markMasq}`);
    const affinity = sp.affinityTimeoutSeconds !== undefined ? ` -m recent --name ${sep} --mask 255.255.255.255 --rsource --set` : '';
    rules.push(`-m comment --comment ${quote(name)}${affinity} ${proto} -j DNAT --to-destination ${ep.ip}:${ep.port}`);
  }
}

function toEndpointRules(prefix: string, sp: ServicePortInfo, name: string, endpoints: EndpointInfo[]): string[] {
  const rules: string[] = [];
  const comment = (ep: EndpointInfo) => `-m comment --comment ${quote(`${name} -> ${ep.ip}:${ep.port}`)}`;
  if (sp.affinityTimeoutSeconds !== undefined) {
    for (const ep of endpoints) {
      const sep = iptablesEndpointChain(prefix, sp, ep);
      rules.push(`${comment(ep)} -m recent --name ${sep} --mask 255.255.255.255 --rsource --rcheck --seconds ${sp.affinityTimeoutSeconds} --reap -j ${sep}`);
    }
  }
  endpoints.forEach((ep, i) => {
    const left = endpoints.length - i;
    // Each rule takes 1/left of what the rules before it passed on: an even spread overall.
    const statistic = left > 1 ? ` -m statistic --mode random --probability ${(1 / left).toFixed(10)}` : '';
    rules.push(`${comment(ep)}${statistic} -j ${iptablesEndpointChain(prefix, sp, ep)}`);
  });
  return rules;
}

/** iptables-restore --noflush input: declaring a chain flushes it; `stale` chains are flushed and deleted. */
export function restoreScript(rs: IptablesRuleset, stale: { nat: string[]; filter: string[] } = { nat: [], filter: [] }): string {
  const out: string[] = [];
  for (const table of ['filter', 'nat'] as const) {
    const chains = rs[table];
    out.push(`*${table}`);
    for (const ch of chains.keys()) out.push(`:${ch} - [0:0]`);
    for (const ch of stale[table]) out.push(`:${ch} - [0:0]`);
    for (const [ch, rules] of chains) for (const r of rules) out.push(`-A ${ch} ${r}`);
    for (const ch of stale[table]) out.push(`-X ${ch}`);
    out.push('COMMIT');
  }
  return out.join('\n') + '\n';
}
