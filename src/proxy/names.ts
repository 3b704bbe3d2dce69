// Chain and set names exactly as upstream derives them, so a k8ts node's rules read like a
// kube-proxy node's: nftables names carry a short hash plus the readable service port
// ("service-ULMVA6XW-ns1/svc1/tcp/p80"), iptables ones a 16-character hash ("KUBE-SVC-…").
import { createHash } from 'node:crypto';
import { endpointAddress, servicePortName, type EndpointInfo, type ServicePortInfo } from './model.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (Go's base32.StdEncoding) of the first bytes needed for `chars` characters. */
function base32(bytes: Buffer, chars: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length >= chars) break;
  }
  return out;
}

export function hashPrefix(text: string, chars: number): string {
  return base32(createHash('sha256').update(text).digest(), chars);
}

// ---- nftables ---------------------------------------------------------------------------

/** nft's name limit (256) minus the longest prefix upstream reserves (16). */
const NFT_BASE_MAX = 240;

function hashAndTruncate(name: string): string {
  const n = `${hashPrefix(name, 8)}-${name}`;
  return n.length > NFT_BASE_MAX ? `${n.slice(0, NFT_BASE_MAX - 3)}...` : n;
}

function nftServiceBase(sp: ServicePortInfo): string {
  return `${sp.namespace}/${sp.name}/${sp.protocol}/${sp.portName}`;
}

export interface NftServiceNames {
  cluster: string;
  local: string;
  external: string;
  firewall: string;
}

export function nftServiceChains(sp: ServicePortInfo): NftServiceNames {
  const base = hashAndTruncate(nftServiceBase(sp));
  return { cluster: `service-${base}`, local: `local-${base}`, external: `external-${base}`, firewall: `firewall-${base}` };
}

export function nftEndpointBase(sp: ServicePortInfo, ep: Pick<EndpointInfo, 'ip' | 'port'>): string {
  return hashAndTruncate(`${nftServiceBase(sp)}__${ep.ip.replaceAll(':', '.')}/${ep.port}`);
}

export const nftEndpointChain = (sp: ServicePortInfo, ep: Pick<EndpointInfo, 'ip' | 'port'>): string => `endpoint-${nftEndpointBase(sp, ep)}`;
export const nftAffinitySet = (sp: ServicePortInfo, ep: Pick<EndpointInfo, 'ip' | 'port'>): string => `affinity-${nftEndpointBase(sp, ep)}`;

// ---- iptables ---------------------------------------------------------------------------

/** Upstream's portProtoHash: the service port name and protocol, hashed. */
function portProtoHash(sp: ServicePortInfo): string {
  return hashPrefix(servicePortName(sp) + sp.protocol, 16);
}

export interface IptablesServiceNames {
  svc: string;
  svl: string;
  ext: string;
  fw: string;
}

/** `prefix` is "KUBE" upstream; tests running side by side give each proxy its own. */
export function iptablesServiceChains(prefix: string, sp: ServicePortInfo): IptablesServiceNames {
  const h = portProtoHash(sp);
  return { svc: `${prefix}-SVC-${h}`, svl: `${prefix}-SVL-${h}`, ext: `${prefix}-EXT-${h}`, fw: `${prefix}-FW-${h}` };
}

export function iptablesEndpointChain(prefix: string, sp: ServicePortInfo, ep: Pick<EndpointInfo, 'ip' | 'port'>): string {
  return `${prefix}-SEP-${hashPrefix(servicePortName(sp) + sp.protocol + endpointAddress(ep), 16)}`;
}
