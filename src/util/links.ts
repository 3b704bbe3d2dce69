// The network interface that carries an address, read with iproute2's JSON output: the pod
// network builds its overlay on it, and the node sizes its pods' MTU from it.
import { runWithInput } from './exec.js';

export interface Link {
  name: string;
  mtu: number;
  /** Its IPv4 addresses with their prefix lengths ("192.168.5.10/24"): what is on its link. */
  subnets: string[];
}

interface IpAddr {
  ifname: string;
  mtu?: number;
  addr_info?: { family: string; local: string; prefixlen: number }[];
}

export async function linkOf(ip: string): Promise<Link> {
  const out = (await runWithInput('ip', ['-j', '-4', 'addr', 'show'], '')).trim();
  for (const l of out ? (JSON.parse(out) as IpAddr[]) : []) {
    const v4 = (l.addr_info ?? []).filter((a) => a.family === 'inet');
    if (v4.some((a) => a.local === ip)) return { name: l.ifname, mtu: l.mtu ?? 1500, subnets: v4.map((a) => `${a.local}/${a.prefixlen}`) };
  }
  throw new Error(`no interface has the node address ${ip}`);
}
