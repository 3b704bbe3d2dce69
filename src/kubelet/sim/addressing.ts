// Where simulated nodes live on the (never contacted) network. Node addresses come from
// 172.30.0.0/16 (private, outside the cluster's pod and service ranges); pod CIDRs are the
// cluster's 10.244.0.0/16 cut in /24s, continuing into 10.245.x, 10.246.x … past 256 nodes
// (skipping the service range 10.96.0.0/12), so 5000 nodes still get distinct ranges.

const SERVICE_OCTETS = { from: 96, to: 111 };

export function simNodeIP(index: number): string {
  if (index < 0 || index >= 254 * 256) throw new Error(`node index ${index} out of range`);
  return `172.30.${Math.floor(index / 254)}.${(index % 254) + 1}`;
}

export function simPodCIDR(index: number): string {
  let second = 244 + Math.floor(index / 256);
  // Wrap past 10.255 into 10.0 …, jumping over the service CIDR's block.
  if (second > 255) {
    second -= 256;
    if (second >= SERVICE_OCTETS.from) second += SERVICE_OCTETS.to - SERVICE_OCTETS.from + 1;
    if (second >= 244) throw new Error(`node index ${index} out of range for simulated pod CIDRs`);
  }
  return `10.${second}.${index % 256}.0/24`;
}

/**
 * A node address on this host's loopback (127.30.x.y, the same host part as simNodeIP): for
 * agents that serve a kubelet API for their nodes, each node reachable at an address of its own.
 */
export function simLoopbackNodeIP(index: number): string {
  return simNodeIP(index).replace(/^172\./, '127.');
}
