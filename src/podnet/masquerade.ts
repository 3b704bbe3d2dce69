// Masquerading as flannel does it: traffic between pods keeps its addresses, traffic from pods
// to anywhere outside the cluster's pod network leaves with the node's address, and what
// kube-proxy already marked for masquerading is left to kube-proxy. One nftables table of our
// own, replaced whole in one `nft -f` transaction, so a rewrite never leaves a half-set chain.
import { runTool } from './exec.js';

export const DEFAULT_MASQ_TABLE = 'k8ts-podnet';
/** kube-proxy's masquerade mark (--masquerade-bit 14). */
const KUBE_PROXY_MASQ_MARK = '0x00004000';

export interface MasqueradeOptions {
  table: string;
  /** The cluster's pod network (--cluster-cidr). */
  clusterCIDR: string;
  /** This node's pod range. */
  podCIDR: string;
}

/** The table's script: created if absent, then emptied and filled, in one transaction. */
export function masqueradeScript(o: MasqueradeOptions): string {
  const t = o.table;
  return [
    `add table ip ${t}`,
    `delete table ip ${t}`,
    `table ip ${t} {`,
    '  chain postrtr-masq {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    `    meta mark & ${KUBE_PROXY_MASQ_MARK} == ${KUBE_PROXY_MASQ_MARK} return comment "kube-proxy masquerades its own"`,
    `    ip saddr ${o.podCIDR} ip daddr ${o.clusterCIDR} return comment "pod to pod"`,
    `    ip saddr ${o.clusterCIDR} ip daddr ${o.podCIDR} return comment "pod to pod"`,
    `    ip saddr != ${o.clusterCIDR} ip daddr ${o.podCIDR} return comment "outside to a local pod"`,
    `    ip saddr ${o.clusterCIDR} ip daddr != 224.0.0.0/4 masquerade fully-random comment "pod to outside the cluster"`,
    `    ip saddr != ${o.clusterCIDR} ip daddr ${o.clusterCIDR} masquerade fully-random comment "outside to a remote pod"`,
    '  }',
    '}',
    '',
  ].join('\n');
}

export async function applyMasquerade(o: MasqueradeOptions): Promise<void> {
  await runTool('nft', ['-f', '-'], masqueradeScript(o));
}

export async function removeMasquerade(table: string): Promise<void> {
  await runTool('nft', ['-f', '-'], `add table ip ${table}\ndelete table ip ${table}\n`);
}
