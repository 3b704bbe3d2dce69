// `k8ts agent`: a node agent joining a cluster. `--runtime containerd` (the default) runs this
// machine's node with real containers; `--runtime sim` runs N simulated nodes in this process
// (docs/sim-nodes.md). Authenticates with the admin kubeconfig, or with --server and the join --token.
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { defaultDataDir } from '../cluster/control-plane.js';
import { tokenFile } from '../cluster/credentials.js';
import { VXLAN_OVERHEAD } from '../podnet/model.js';
import { loadKubeconfig, type ClientConfig } from '../client/kubeconfig.js';
import { startSimAgent } from '../kubelet/sim/agent.js';
import { boolFlag, fail, flannelBackend, ingressFlags, parseFlags, untilSignalled, withBareBooleans } from './flags.js';

const HELP = `Run a k8ts node agent.

Usage:
  k8ts agent [flags]                          this machine as a node, containers under containerd
  k8ts agent --runtime sim --sim-nodes N      simulated nodes

Flags:
      --runtime NAME               containerd (default) or sim (simulated nodes, no processes)
      --data-dir DIR               Data folder of the server (default ~/.k8ts, /var/lib/k8ts as root);
                                   the node keeps its own state under DIR/agent
      --node-name NAME             Node name (default: the host name)
      --node-ip IP                 Address to advertise (default: the default route's interface)
      --container-runtime-endpoint EP  Use this running containerd instead of starting one
      --pod-manifest-path PATH     Static pod manifests (a folder or a file)
      --private-registry FILE      registries.yaml: mirrors and credentials (default DIR/registries.yaml)
      --kubelet-port N             Port of the kubelet API (default 10250)
      --pod-cidr CIDR              Pod range of this node, instead of the one the control plane allocates
      --cluster-dns IP             Cluster DNS server (default 10.96.0.10)
      --cluster-domain DOMAIN      Cluster domain (default cluster.local)
      --node-label k=v,…           Extra node labels
      --cni-bridge NAME            Bridge the pods attach to (default cni0)
      --cgroup-root PATH           Parent cgroup of the pods (default /k8ts)
      --cluster-cidr CIDR          The cluster's pod network; the service proxy masquerades traffic from outside it (default 10.244.0.0/16)
      --flannel-backend NAME       Pod network between nodes: vxlan (default), host-gw (routes over a shared link) or none
      --flannel-device NAME        The VXLAN device (default flannel.1)
      --proxy-mode MODE            Service proxy mode: nftables (default) or iptables
      --disable-kube-proxy         Do not run the service proxy on this node
      --disable-network-policy     Do not enforce NetworkPolicies on this node
      --disable-dns                Do not run the cluster DNS on this node
      --disable-ingress            Do not run the ingress controller on this node
      --default-local-storage-path PATH  Where the local-path provisioner puts this node's volumes (default <data-dir>/storage)
      --disable-local-storage      Do not run the local-path provisioner for this node
      --ingress-http-port N        Port of the ingress controller's HTTP listener (default 80)
      --ingress-https-port N       Port of the ingress controller's HTTPS listener (default 443)
      --cleanup                    Remove the service proxy's rules (both modes), the network policy table and the pod network (device, routes, masquerade table), and exit
      --kubeconfig FILE            Credentials to use (default <data-dir>/kubeconfig.yaml)
      --server URL                 API server to join, with --token (instead of a kubeconfig)
      --token TOKEN                Join token: the server's <data-dir>/token or agent-token (K10<CA hash>::…, the CA is
                                   fetched and checked against the hash), or one from \`k8ts token create\`
      --ca-file FILE               CA of the API server, for a token without a CA hash (default <data-dir>/tls/server-ca.crt)
      --disable-apiserver-lb       Reach --server directly instead of through the agent's load balancer over every server
      --rotate-certificates[=BOOL] Renew the kubelet's client and serving certificates through new
                                   CertificateSigningRequests before they expire (default true; with --token)
      --sim-nodes N                Number of simulated nodes (default 1)
      --sim-node-prefix PREFIX     Node names are PREFIX0, PREFIX1, … (default sim-)
      --sim-first-index I          Index of the first node, for several agents (default 0)
      --sim-cpu QTY                CPU capacity per node (default 8)
      --sim-memory QTY             Memory capacity per node (default 32Gi)
      --sim-pods N                 Pod capacity per node (default 110)
      --sim-labels k=v,…           Extra node labels
      --sim-lease-renew-ms MS      Lease renewal period (default 10000)
      --sim-status-report-ms MS    Node status report period (default 60000)
      --sim-heartbeat-qps N        Aggregate heartbeat writes per second (default 250)
      --sim-no-events              Do not record pod Events (cheaper at scale)
  -h, --help                       Show this help
`;

function parseLabels(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (text ?? '').split(',')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`invalid label "${part}": want key=value`);
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

function positiveInt(name: string, v: string | undefined, fallback?: number): number | undefined {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`invalid --${name} "${v}"`);
  return n;
}

export async function runAgent(args: string[]): Promise<number> {
  const values = parseFlags(
    withBareBooleans(args, ['rotate-certificates']),
    {
      runtime: { type: 'string' },
      'data-dir': { type: 'string' },
      kubeconfig: { type: 'string' },
      server: { type: 'string' },
      token: { type: 'string' },
      'ca-file': { type: 'string' },
      'rotate-certificates': { type: 'string' },
      'disable-apiserver-lb': { type: 'boolean' },
      'node-name': { type: 'string' },
      'node-ip': { type: 'string' },
      'container-runtime-endpoint': { type: 'string' },
      'pod-manifest-path': { type: 'string' },
      'private-registry': { type: 'string' },
      'kubelet-port': { type: 'string' },
      'pod-cidr': { type: 'string' },
      'cluster-dns': { type: 'string' },
      'cluster-domain': { type: 'string' },
      'node-label': { type: 'string' },
      'cni-bridge': { type: 'string' },
      'cgroup-root': { type: 'string' },
      'cluster-cidr': { type: 'string' },
      'proxy-mode': { type: 'string' },
      'flannel-backend': { type: 'string' },
      'flannel-device': { type: 'string' },
      'disable-kube-proxy': { type: 'boolean' },
      'disable-network-policy': { type: 'boolean' },
      'disable-dns': { type: 'boolean' },
      'disable-ingress': { type: 'boolean' },
      'default-local-storage-path': { type: 'string' },
      'disable-local-storage': { type: 'boolean' },
      'ingress-http-port': { type: 'string' },
      'ingress-https-port': { type: 'string' },
      cleanup: { type: 'boolean' },
      'sim-nodes': { type: 'string' },
      'sim-node-prefix': { type: 'string' },
      'sim-first-index': { type: 'string' },
      'sim-cpu': { type: 'string' },
      'sim-memory': { type: 'string' },
      'sim-pods': { type: 'string' },
      'sim-labels': { type: 'string' },
      'sim-lease-renew-ms': { type: 'string' },
      'sim-status-report-ms': { type: 'string' },
      'sim-heartbeat-qps': { type: 'string' },
      'sim-no-events': { type: 'boolean' },
    },
    HELP,
  );
  if (typeof values === 'number') return values;
  if (values.cleanup) {
    const { cleanupNodeServices } = await import('../cluster/node-services.js');
    await cleanupNodeServices({ flannelDevice: values['flannel-device'] });
    process.stderr.write('removed the service proxy\'s nftables table and iptables chains, the network policy table, and the pod network\'s device, routes and masquerade table\n');
    return 0;
  }
  const proxyMode = values['proxy-mode'] ?? 'nftables';
  if (proxyMode !== 'nftables' && proxyMode !== 'iptables') return fail(`invalid --proxy-mode "${proxyMode}": nftables or iptables`);
  let ingress: ReturnType<typeof ingressFlags>;
  let backend;
  try {
    ingress = ingressFlags(values);
    backend = flannelBackend(values['flannel-backend']);
  } catch (err) {
    return fail((err as Error).message);
  }
  const runtime = values.runtime ?? 'containerd';
  if (runtime !== 'sim' && runtime !== 'containerd') return fail(`unknown runtime "${runtime}": use containerd or sim`);
  const dataDir = values['data-dir'] ?? defaultDataDir();
  let client: ClientConfig;
  /** The proxy's, the DNS's and the network controllers' own credentials, when the node joined with the token. */
  let serviceClients: { proxyClient?: ClientConfig; dnsClient?: ClientConfig; controllerClient?: ClientConfig } = {};
  /** A node under its own identity asks for its serving certificate too. */
  let serverTlsBootstrap: { rotateCertificates: boolean } | undefined;
  let opts;
  let lb: { stop(): Promise<void> } | undefined;
  /** Stops renewing the kubelet's certificates (a node joined with the token). */
  let stopRotation = () => undefined as void;
  try {
    if (values.server) {
      const token = values.token ?? (existsSync(tokenFile(dataDir)) ? readFileSync(tokenFile(dataDir), 'utf8').trim() : undefined);
      if (!token) throw new Error('--server needs --token');
      const { joinBootstrap } = await import('../cluster/join-bootstrap.js');
      const direct = await joinBootstrap({ server: values.server, token, caFile: values['ca-file'], dataDir });
      const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
      // Everything after the CA check (the node's credentials, their renewals, every component)
      // goes through the agent's own load balancer, so any server may go away (k3s's agents).
      const { startAgentLoadBalancer } = await import('../cluster/apiserver-lb.js');
      const balancer = values['disable-apiserver-lb'] ? undefined : await startAgentLoadBalancer(values.server, join(dataDir, 'agent', 'etc', 'apiserver-lb.json'), log);
      lb = balancer;
      const bootstrap = balancer ? { ...direct, server: balancer.url } : direct;
      if (runtime === 'containerd') {
        // The join token only buys the node its own credentials; everything after runs under them.
        const { nodeClients } = await import('../cluster/node-join.js');
        const rotate = boolFlag('rotate-certificates', values['rotate-certificates'], true);
        const own = await nodeClients(join(dataDir, 'agent', 'cred'), bootstrap, (values['node-name'] ?? hostname()).toLowerCase(), { rotate, log });
        stopRotation = own.stop;
        serverTlsBootstrap = { rotateCertificates: rotate };
        client = own.kubelet;
        serviceClients = { proxyClient: own.proxy, dnsClient: own.dns, controllerClient: own.controller };
      } else {
        const { simAgentClient } = await import('../cluster/node-join.js');
        client = await simAgentClient(join(dataDir, 'agent', 'cred'), bootstrap);
      }
      // The balancer learns every server from the `kubernetes` Endpoints, asked with a credential that may list them.
      balancer?.follow(serviceClients.proxyClient ?? client);
    } else {
      client = loadKubeconfig(values.kubeconfig ?? join(dataDir, 'kubeconfig.yaml'));
    }
    if (runtime === 'containerd') {
      const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
      const registries = values['private-registry'] ?? (existsSync(join(dataDir, 'registries.yaml')) ? join(dataDir, 'registries.yaml') : undefined);
      const started = Date.now();
      const { startNodeAgent } = await import('../kubelet/node/agent.js');
      const agent = await startNodeAgent({
        client,
        dataDir: join(dataDir, 'agent'),
        nodeName: values['node-name'],
        nodeIP: values['node-ip'],
        containerRuntimeEndpoint: values['container-runtime-endpoint'],
        podManifestPath: values['pod-manifest-path'],
        registries,
        kubeletPort: positiveInt('kubelet-port', values['kubelet-port']),
        podCIDR: values['pod-cidr'],
        clusterDNS: values['cluster-dns'],
        clusterDomain: values['cluster-domain'],
        labels: parseLabels(values['node-label']),
        cniBridge: values['cni-bridge'],
        cniIpMasq: backend === 'none',
        cniMtuOverhead: backend === 'vxlan' ? VXLAN_OVERHEAD : undefined,
        cgroupRoot: values['cgroup-root'],
        ...(serverTlsBootstrap ? { serverTlsBootstrap: true, rotateCertificates: serverTlsBootstrap.rotateCertificates } : {}),
        log,
      });
      log(`k8ts agent: node ${agent.nodeName} registered against ${client.server} in ${Date.now() - started} ms`);
      const { startNodeServices } = await import('../cluster/node-services.js');
      const services = await startNodeServices({
        client,
        ...serviceClients,
        nodeName: agent.nodeName,
        clusterCIDR: values['cluster-cidr'],
        clusterDNS: values['cluster-dns'],
        clusterDomain: values['cluster-domain'],
        cniBridge: values['cni-bridge'] ?? 'cni0',
        podNetwork: backend === 'none' ? false : { backend, device: values['flannel-device'] },
        proxy: values['disable-kube-proxy'] ? false : { mode: proxyMode },
        networkPolicy: values['disable-network-policy'] ? false : {},
        dns: values['disable-dns'] ? false : {},
        ingress,
        localStorage: values['disable-local-storage'] ? false : { path: values['default-local-storage-path'] ?? join(dataDir, 'storage') },
        dataDir: join(dataDir, 'agent'),
        log,
      }).catch(async (err: unknown) => {
        await agent.stop();
        throw err;
      });
      log(`${await untilSignalled()} received, stopping the agent; containers keep running`);
      stopRotation();
      await services.stop();
      await agent.stop();
      await lb?.stop();
      return 0;
    }
    opts = {
      client,
      nodes: positiveInt('sim-nodes', values['sim-nodes'], 1)!,
      prefix: values['sim-node-prefix'],
      firstIndex: positiveInt('sim-first-index', values['sim-first-index']),
      cpu: values['sim-cpu'],
      memory: values['sim-memory'],
      pods: values['sim-pods'],
      labels: parseLabels(values['sim-labels']),
      leaseRenewIntervalMs: positiveInt('sim-lease-renew-ms', values['sim-lease-renew-ms']),
      nodeStatusReportMs: positiveInt('sim-status-report-ms', values['sim-status-report-ms']),
      heartbeatQps: positiveInt('sim-heartbeat-qps', values['sim-heartbeat-qps']),
      recordEvents: !values['sim-no-events'],
    };
  } catch (err) {
    await lb?.stop();
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const started = Date.now();
  const agent = await startSimAgent({ ...opts, log });
  log(`k8ts sim agent: ${opts.nodes} node(s) registered against ${client.server} in ${Date.now() - started} ms`);
  log(`${await untilSignalled()} received, stopping: the nodes stop heartbeating`);
  await agent.stop();
  await lb?.stop();
  return 0;
}
