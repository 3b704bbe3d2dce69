// A NetworkPolicy turned into what the ruleset needs: which pods it selects, for which
// directions, and per rule the peers (label selectors, IPv4 blocks) and ports. A part that
// cannot be read (a selector operator or a CIDR that validation would have refused, left by an
// older server) is dropped with an error and allows nothing; the rest of the policy, and every
// other policy, still applies.
import { selectorFromLabelSelector, type Selector } from '../api/labels/index.js';
import { parseCIDR, type IPNet } from '../api/networking/v1/cidr.js';
import type { NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort } from '../api/networking/v1/types.js';

export type Direction = 'ingress' | 'egress';

export interface PodPeer {
  /** undefined: the policy's own namespace. */
  namespaces?: Selector;
  pods: Selector;
}

export interface CompiledPort {
  protocol: string;
  /** A number, a range (port-endPort) or a named port; none: every port of the protocol. */
  port?: number;
  endPort?: number;
  name?: string;
}

export interface CompiledRule {
  /** undefined: every peer (no `from`/`to`). */
  podPeers?: PodPeer[];
  /** IPv4 blocks as "a.b.c.d/n" with their exceptions. */
  blocks: { cidr: string; except: string[] }[];
  /** undefined: every port. */
  ports?: CompiledPort[];
}

export interface CompiledPolicy {
  key: string;
  namespace: string;
  podSelector: Selector;
  rules: Partial<Record<Direction, CompiledRule[]>>;
  errors: string[];
}

function v4Text(net: IPNet): string {
  return `${[24n, 16n, 8n, 0n].map((s) => Number((net.base >> s) & 0xffn)).join('.')}/${net.prefix}`;
}

const PROTOCOLS = ['tcp', 'udp', 'sctp'];
const isPort = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 65535;

/** Throws on what validation refuses: nft must never be handed a port or protocol it cannot parse. */
function compilePort(p: NetworkPolicyPort): CompiledPort {
  const protocol = String(p.protocol ?? 'TCP').toLowerCase();
  if (!PROTOCOLS.includes(protocol)) throw new Error(`protocol "${p.protocol}" is not TCP, UDP or SCTP`);
  if (typeof p.port === 'string') return { protocol, name: p.port };
  if (p.port === undefined || p.port === null) return { protocol };
  const end = p.endPort ?? undefined;
  if (!isPort(p.port) || (end !== undefined && (!isPort(end) || end < p.port))) throw new Error(`port ${p.port}${end !== undefined ? `-${end}` : ''} is not a valid port or range`);
  return { protocol, port: p.port, endPort: end };
}

function compilePorts(ports: NetworkPolicyPort[] | undefined, where: string, errors: string[]): CompiledPort[] | undefined {
  if (!ports?.length) return undefined;
  const out: CompiledPort[] = [];
  ports.forEach((p, i) => {
    try {
      out.push(compilePort(p));
    } catch (err) {
      errors.push(`${where}[${i}]: ${(err as Error).message}`);
    }
  });
  return out;
}

function compileRule(peers: NetworkPolicyPeer[] | undefined, ports: NetworkPolicyPort[] | undefined, where: string, errors: string[]): CompiledRule {
  // An unreadable port is left out: the rule still allows its other ports, never every port.
  const rule: CompiledRule = { blocks: [], ports: compilePorts(ports, `${where}.ports`, errors) };
  if (!peers?.length) return rule;
  rule.podPeers = [];
  peers.forEach((peer, i) => {
    const at = `${where}.${where.startsWith('spec.ingress') ? 'from' : 'to'}[${i}]`;
    try {
      if (peer.ipBlock) {
        const outer = parseCIDR(peer.ipBlock.cidr ?? '');
        if (!outer) throw new Error(`ipBlock.cidr "${peer.ipBlock.cidr}" is not a CIDR`);
        if (outer.family !== 4) return; // the pod network is IPv4: an IPv6 block matches no packet here
        const except = (peer.ipBlock.except ?? []).map((text) => {
          const inner = parseCIDR(text);
          if (!inner) throw new Error(`ipBlock.except "${text}" is not a CIDR`);
          return inner;
        });
        rule.blocks.push({ cidr: v4Text(outer), except: except.filter((e) => e.family === 4).map(v4Text) });
        return;
      }
      if (!peer.podSelector && !peer.namespaceSelector) throw new Error('a peer names no pods, namespaces or ipBlock');
      rule.podPeers!.push({
        namespaces: peer.namespaceSelector ? selectorFromLabelSelector(peer.namespaceSelector) : undefined,
        // A namespaceSelector alone selects every pod of those namespaces.
        pods: selectorFromLabelSelector(peer.podSelector ?? {}),
      });
    } catch (err) {
      errors.push(`${at}: ${(err as Error).message}`);
    }
  });
  return rule;
}

/** Upstream's defaulting of policyTypes, for objects stored before it ran. */
export function policyDirections(np: NetworkPolicy): Direction[] {
  const types = np.spec?.policyTypes?.length ? np.spec.policyTypes : np.spec?.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
  return (['ingress', 'egress'] as const).filter((d) => types.some((t) => t.toLowerCase() === d));
}

/** undefined when not even the pods it selects can be told (its podSelector is unreadable). */
export function compilePolicy(np: NetworkPolicy): CompiledPolicy | undefined {
  const namespace = np.metadata.namespace ?? 'default';
  const key = `${namespace}/${np.metadata.name}`;
  let podSelector: Selector;
  try {
    podSelector = selectorFromLabelSelector(np.spec?.podSelector ?? {});
  } catch {
    return undefined;
  }
  const errors: string[] = [];
  const rules: CompiledPolicy['rules'] = {};
  for (const d of policyDirections(np)) {
    const specRules = (d === 'ingress' ? np.spec?.ingress : np.spec?.egress) ?? [];
    rules[d] = specRules.map((r, i) => {
      const peers = d === 'ingress' ? (r as NetworkPolicyIngressRule).from : (r as NetworkPolicyEgressRule).to;
      return compileRule(peers, r.ports, `spec.${d}[${i}]`, errors);
    });
  }
  return { key, namespace, podSelector, rules, errors };
}
