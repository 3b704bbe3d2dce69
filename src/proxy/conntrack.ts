// UDP has no connection end, so conntrack keeps sending a flow to the endpoint it was first
// DNATed to (or keeps the reject it got while the service had none). After a sync, upstream
// deletes those entries: flows to endpoints that left, and flows to a service that just got its
// first endpoints. TCP needs nothing: its connections end, or fail, on their own.
import { categorizeEndpoints } from './categorize.js';
import { run } from '../util/netfilter/exec.js';
import type { ProxyState } from './model.js';

/** Per UDP service port: its cluster IP and the endpoint IPs traffic may currently go to. */
export type UdpTargets = Map<string, { clusterIP: string; endpointIPs: Set<string> }>;

export function udpTargets(state: ProxyState): UdpTargets {
  const out: UdpTargets = new Map();
  for (const [key, sp] of state.services) {
    if (sp.protocol !== 'udp') continue;
    const { allReachable } = categorizeEndpoints(state.endpoints.get(key) ?? [], sp);
    out.set(key, { clusterIP: sp.clusterIP, endpointIPs: new Set(allReachable.map((ep) => ep.ip)) });
  }
  return out;
}

export interface ConntrackDeletion {
  clusterIP: string;
  /** Only the flows DNATed to this endpoint; undefined: every flow to the cluster IP. */
  endpointIP?: string;
}

export function staleUdpFlows(before: UdpTargets, after: UdpTargets): ConntrackDeletion[] {
  const out: ConntrackDeletion[] = [];
  for (const [key, was] of before) {
    const now = after.get(key);
    for (const ip of was.endpointIPs) if (!now || !now.endpointIPs.has(ip)) out.push({ clusterIP: was.clusterIP, endpointIP: ip });
  }
  for (const [key, now] of after) {
    const was = before.get(key);
    if (now.endpointIPs.size > 0 && (!was || was.endpointIPs.size === 0)) out.push({ clusterIP: now.clusterIP });
  }
  return out;
}

export async function deleteFlows(flows: ConntrackDeletion[]): Promise<void> {
  for (const f of flows) {
    const args = ['-D', '-p', 'udp', '--orig-dst', f.clusterIP, ...(f.endpointIP ? ['--dst-nat', f.endpointIP] : [])];
    // conntrack exits 1 when nothing matched: that is no error.
    await run('conntrack', args).catch(() => undefined);
  }
}
