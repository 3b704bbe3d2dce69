// loadBalancerSourceRanges, as upstream's proxiers enforce them: traffic to a load balancer IP
// from outside the ranges is dropped before DNAT. Only VIP-like load balancers (which keep the
// client's address, as ServiceLB's node addresses do) can be filtered this way. When a range
// holds the node itself, the node's own requests to the VIP loop back with the VIP as their
// source, so the VIPs are allowed too.
import { parseCIDR } from '../api/networking/v1/cidr.js';
import type { ServicePortInfo } from './model.js';

function contains(cidr: string, ip: string): boolean {
  const net = parseCIDR(cidr);
  const addr = parseCIDR(`${ip}/32`);
  if (!net || !addr || net.family !== addr.family) return false;
  const hostBits = BigInt(32 - net.prefix);
  return net.base >> hostBits === addr.base >> hostBits;
}

/** The sources allowed to the service port's load balancer IPs; undefined when it has no firewall. */
export function firewallSources(sp: ServicePortInfo, nodeIPs: readonly string[]): string[] | undefined {
  if (sp.loadBalancerIPs.length === 0 || sp.loadBalancerSourceRanges.length === 0) return undefined;
  const allowFromNode = sp.loadBalancerSourceRanges.some((r) => nodeIPs.some((ip) => contains(r, ip)));
  return allowFromNode ? [...sp.loadBalancerSourceRanges, ...sp.loadBalancerIPs] : [...sp.loadBalancerSourceRanges];
}
