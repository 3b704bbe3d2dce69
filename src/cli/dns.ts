// `k8ts dns`: one node's cluster DNS against any API server in a kubeconfig.
import { isIP } from 'node:net';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { DEFAULT_CLUSTER_DNS, DEFAULT_CLUSTER_DOMAIN, startClusterDns } from '../dns/run.js';
import type { HostPort } from '../dns/upstreams.js';
import { fail, kubeconfigPath, log, parseFlags, untilSignalled } from './flags.js';

const HELP = `Run the cluster DNS of one node.

Usage:
  k8ts dns [flags]

Flags:
      --kubeconfig FILE         Kubeconfig of the API server (default $KUBECONFIG, else ~/.kube/config)
      --node-name NAME          The node this DNS serves (default: the host name)
      --listen HOST[:PORT]      Address to answer on, UDP and TCP ([v6]:port for IPv6; default: the
                                first address of the node's podCIDR, port 53)
      --advertise-address IP    Address to publish in the kube-dns EndpointSlice (default: the listen address)
      --cluster-dns IP[,IP]     The kube-dns Service's cluster IPs (default ${DEFAULT_CLUSTER_DNS})
      --cluster-domain DOMAIN   Cluster domain (default ${DEFAULT_CLUSTER_DOMAIN})
      --resolv-conf FILE        Where the resolvers for other names are (default /etc/resolv.conf)
  -v, --verbose                 Log what the DNS does
  -h, --help                    Show this help
`;

/** "10.244.0.1", "127.0.0.1:5353", "[fd00::1]:53" → host and port (53 when absent). */
export function parseListen(text: string): HostPort | undefined {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? (isIP(text) ? [text, text] : /^([^:]+):(\d+)$/.exec(text));
  if (!m || !isIP(m[1]!)) return undefined;
  const port = m[2] === undefined ? 53 : Number(m[2]);
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? { host: m[1]!, port } : undefined;
}

export async function runDnsCommand(args: string[]): Promise<number> {
  const values = parseFlags(
    args,
    {
      kubeconfig: { type: 'string' },
      'node-name': { type: 'string' },
      listen: { type: 'string' },
      'advertise-address': { type: 'string' },
      'cluster-dns': { type: 'string' },
      'cluster-domain': { type: 'string' },
      'resolv-conf': { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
    },
    HELP,
  );
  if (typeof values === 'number') return values;
  const listen = values.listen === undefined ? undefined : parseListen(values.listen);
  if (values.listen !== undefined && !listen) return fail(`invalid --listen "${values.listen}": want IP, IP:PORT or [IPv6]:PORT`);
  const clusterDNS = (values['cluster-dns'] ?? DEFAULT_CLUSTER_DNS).split(',').map((s) => s.trim());
  const bad = clusterDNS.find((ip) => !isIP(ip));
  if (bad !== undefined) return fail(`invalid --cluster-dns "${bad}"`);
  const advertise = values['advertise-address'];
  if (advertise !== undefined && !isIP(advertise)) return fail(`invalid --advertise-address "${advertise}"`);
  const dns = await startClusterDns({
    client: loadKubeconfig(kubeconfigPath(values.kubeconfig)),
    nodeName: values['node-name'],
    listen,
    advertiseAddress: advertise,
    clusterDNS,
    clusterDomain: values['cluster-domain'],
    resolvConf: values['resolv-conf'],
    log: values.verbose ? log : (line) => line.startsWith('dns: answering') && log(line),
  });
  await untilSignalled();
  await dns.stop();
  return 0;
}
