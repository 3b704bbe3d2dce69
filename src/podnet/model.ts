// What the pod network should look like on this node, worked out from the Nodes alone: for every
// other node with a pod CIDR and a published address, the route (and, for VXLAN, the neighbour
// and forwarding entries) that carries its pods' traffic. Pure, so that the whole plan is tested
// without touching the kernel.
import type { Node } from '../api/core/v1/types.js';

export type Backend = 'vxlan' | 'host-gw' | 'none';
export const BACKENDS: readonly Backend[] = ['vxlan', 'host-gw', 'none'];

// flannel's kube subnet manager annotations: other tools (and other flannels) read them.
export const ANN_BACKEND_DATA = 'flannel.alpha.coreos.com/backend-data';
export const ANN_BACKEND_TYPE = 'flannel.alpha.coreos.com/backend-type';
export const ANN_PUBLIC_IP = 'flannel.alpha.coreos.com/public-ip';
export const ANN_SUBNET_MANAGER = 'flannel.alpha.coreos.com/kube-subnet-manager';

/** flannel's defaults: VNI 1 on the IANA-unassigned port Linux used before 4789. */
export const VXLAN_VNI = 1;
export const VXLAN_PORT = 8472;
export const DEFAULT_VXLAN_DEVICE = 'flannel.1';
/** VXLAN over IPv4 costs 50 bytes of each packet. */
export const VXLAN_OVERHEAD = 50;
/**
 * The routing protocol number our routes carry (`ip route … proto 75`), so a sync finds exactly
 * the routes it added among everyone else's; unassigned in iproute2's rt_protos.
 */
export const ROUTE_PROTO = 75;

export interface Route {
  dst: string;
  via: string;
  dev: string;
  /** VXLAN next hops are the remote VTEP's address, never on a connected subnet. */
  onlink: boolean;
}

export interface Neighbour {
  ip: string;
  mac: string;
}

export interface FdbEntry {
  mac: string;
  dst: string;
}

export interface Plan {
  routes: Route[];
  neighbours: Neighbour[];
  fdb: FdbEntry[];
  /** Nodes that cannot be reached the chosen way, with why (logged, not fatal). */
  skipped: { node: string; reason: string }[];
}

/** A remote node as the pod network sees it. */
export interface Peer {
  name: string;
  podCIDR: string;
  publicIP: string;
  backendType?: string;
  vtepMAC?: string;
}

export function internalIP(node: Node): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

/** The node's lease: its pod CIDR and the address and VTEP it published (undefined until it has both). */
export function peerOf(node: Node): Peer | undefined {
  const podCIDR = node.spec?.podCIDR;
  const ann = node.metadata.annotations ?? {};
  const publicIP = ann[ANN_PUBLIC_IP] ?? internalIP(node);
  if (!podCIDR || !publicIP || !podCIDR.includes('.')) return undefined;
  let vtepMAC: string | undefined;
  try {
    const data = JSON.parse(ann[ANN_BACKEND_DATA] ?? 'null') as { VtepMAC?: unknown } | null;
    if (data && typeof data.VtepMAC === 'string' && MAC.test(data.VtepMAC)) vtepMAC = data.VtepMAC.toLowerCase();
  } catch {
    // a hand-edited annotation: the node is skipped until it is valid again
  }
  return { name: node.metadata.name!, podCIDR, publicIP, backendType: ann[ANN_BACKEND_TYPE], vtepMAC };
}

const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** The network address of a CIDR ("10.244.1.0/24" → "10.244.1.0"): flannel's VTEP address. */
export function networkAddress(cidr: string): string {
  const [ip, bits] = cidr.split('/') as [string, string];
  const n = ipToInt(ip) & maskOf(Number(bits));
  return intToIp(n);
}

export function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, o) => ((n << 8) | Number(o)) >>> 0, 0);
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function maskOf(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bits] = cidr.split('/') as [string, string];
  const m = maskOf(Number(bits));
  return ((ipToInt(base) & m) >>> 0) === ((ipToInt(ip) & m) >>> 0);
}

export interface PlanInput {
  backend: Exclude<Backend, 'none'>;
  self: string;
  nodes: Node[];
  /** The VXLAN device (vxlan) or the interface carrying the node's address (host-gw). */
  device: string;
  /** host-gw: the subnets connected to this node's link; a peer outside them has no direct route. */
  linkSubnets?: string[];
}

export function plan(i: PlanInput): Plan {
  const out: Plan = { routes: [], neighbours: [], fdb: [], skipped: [] };
  for (const node of [...i.nodes].sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!))) {
    if (node.metadata.name === i.self || node.metadata.deletionTimestamp) continue;
    const peer = peerOf(node);
    if (!peer) continue; // no pod CIDR or address yet: a later event brings it
    if (i.backend === 'vxlan') {
      if (peer.backendType !== 'vxlan' || !peer.vtepMAC) {
        out.skipped.push({ node: peer.name, reason: peer.backendType && peer.backendType !== 'vxlan' ? `its backend is ${peer.backendType}` : 'it has published no VTEP yet' });
        continue;
      }
      const vtep = networkAddress(peer.podCIDR);
      out.neighbours.push({ ip: vtep, mac: peer.vtepMAC });
      out.fdb.push({ mac: peer.vtepMAC, dst: peer.publicIP });
      out.routes.push({ dst: peer.podCIDR, via: vtep, dev: i.device, onlink: true });
    } else {
      if (!(i.linkSubnets ?? []).some((s) => cidrContains(s, peer.publicIP))) {
        out.skipped.push({ node: peer.name, reason: `${peer.publicIP} is not on ${i.device}'s link (host-gw needs nodes on one link; use vxlan)` });
        continue;
      }
      out.routes.push({ dst: peer.podCIDR, via: peer.publicIP, dev: i.device, onlink: false });
    }
  }
  return out;
}
