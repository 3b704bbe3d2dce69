// `k8ts proxy`: the service proxy of one node (kube-proxy) against any API server; with
// --cleanup, removes the rules a proxy left behind and exits, as `kube-proxy --cleanup` does.
import { hostname } from 'node:os';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { cleanupServiceProxy } from '../cluster/node-services.js';
import { startServiceProxy } from '../proxy/service-proxy.js';
import { fail, kubeconfigPath, log, parseFlags, untilSignalled } from './flags.js';

const HELP = `Run the k8ts service proxy (kube-proxy) of a node.

Usage:
  k8ts proxy [flags]

Flags:
      --kubeconfig FILE      Kubeconfig of the API server (default $KUBECONFIG, else ~/.kube/config)
      --proxy-mode MODE      nftables (default) or iptables
      --node-name NAME       This node's name: its addresses take NodePorts, its endpoints are Local (default: the host name)
      --cluster-cidr CIDR    The pod network; traffic to services from outside it is masqueraded
      --cleanup              Remove the rules of both modes and exit
  -v, --verbose              Log every sync
  -h, --help                 Show this help
`;

export async function runProxyCommand(args: string[]): Promise<number> {
  const values = parseFlags(
    args,
    {
      kubeconfig: { type: 'string' },
      'proxy-mode': { type: 'string' },
      'node-name': { type: 'string' },
      'cluster-cidr': { type: 'string' },
      cleanup: { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
    },
    HELP,
  );
  if (typeof values === 'number') return values;
  if (values.cleanup) {
    // Upstream cleans up after every mode, whichever one ran.
    await cleanupServiceProxy();
    log('removed the nftables table and iptables chains of the proxy');
    return 0;
  }
  const mode = values['proxy-mode'] ?? 'nftables';
  if (mode !== 'nftables' && mode !== 'iptables') return fail(`invalid --proxy-mode "${mode}": nftables or iptables`);
  const cidr = values['cluster-cidr'];
  if (cidr !== undefined && !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(cidr)) return fail(`invalid --cluster-cidr "${cidr}"`);
  const nodeName = values['node-name'] ?? hostname().toLowerCase();
  const running = await startServiceProxy(loadKubeconfig(kubeconfigPath(values.kubeconfig)), {
    mode,
    nodeName,
    clusterCIDR: cidr,
    log,
    onSync: values.verbose ? (s) => log(`synced (${s.full ? 'full' : 'incremental'}, ${s.bytes} bytes) in ${s.ms.toFixed(1)} ms`) : undefined,
  });
  log(`service proxy (${mode}) started for node ${nodeName}`);
  await untilSignalled();
  await running.stop();
  return 0;
}
