// `k8ts server`: the control plane in one process, until SIGINT/SIGTERM.
import { join } from 'node:path';
import { defaultDataDir, startControlPlane } from '../cluster/control-plane.js';
import { VXLAN_OVERHEAD } from '../podnet/model.js';
import { loadSchedulerConfig } from '../scheduler/config.js';
import { parseAuthorizationModes } from '../apiserver/authz/authorizer.js';
import { DEFAULT_INFLIGHT_LIMITS } from '../apiserver/filters/inflight.js';
import { enabledAdmissionPlugins } from '../apiserver/admission/plugin-names.js';
import { DEFAULT_SNAPSHOT_CRON, type SnapshotScheduleOptions } from '../cluster/etcd/scheduled.js';
import { parseCron } from '../util/cron.js';
import { PACKAGED_ADDONS } from '../cluster/addons.js';
import { controllerManagerArgs } from './hpa-flags.js';
import { boolFlag, countFlag, durationFlag, fail, flannelBackend, ingressFlags, log, parseFlags, portFlag, untilSignalled, withBareBooleans } from './flags.js';

const HELP = `Run the k8ts control plane.

Usage:
  k8ts server [flags]

Flags:
      --data-dir DIR               Folder for state, certificates and credentials (default ~/.k8ts, /var/lib/k8ts as root)
      --https-listen-port PORT     HTTPS port of the API server (default 6443)
      --bind-address ADDR          Address the API server listens on (default 0.0.0.0)
      --write-kubeconfig FILE      Where to write the admin kubeconfig (default <data-dir>/kubeconfig.yaml)
      --datastore-endpoint URL     Storage: sqlite://<path> (default sqlite://<data-dir>/state.db), memory://, or etcd:
                                   https://host:2379 (or http://), a comma list for several members
      --datastore-cafile FILE      CA that signed the etcd servers' certificates
      --datastore-certfile FILE    Client certificate for etcd (its --client-cert-auth)
      --datastore-keyfile FILE     Key of --datastore-certfile
      --token TOKEN                The server token, a secret or a full K10… token (generated when absent); the full token,
                                   with the CA's hash, is written to <data-dir>/token for agents to join with
      --agent-token TOKEN          A token for agents only (servers don't accept it); the full one goes to <data-dir>/agent-token
      --cluster-init               Store the cluster in an embedded etcd (Debian's etcd as a child), a new cluster of one member,
                                   which other servers join with --server and --token (docs/ha.md)
      --etcd-client-port N, --etcd-peer-port N
                                   The embedded etcd's ports (default 2379, 2380), for several servers on one host
      --cluster-reset              Make this server's embedded etcd member a new cluster of one, keeping its data; then rejoin
                                   the other servers (remove their <data-dir>/db); see docs/ha.md
      --cluster-reset-restore-path FILE  With --cluster-reset: start from this snapshot instead (k8ts etcd-snapshot save)
      --etcd-disable-snapshots     Take no scheduled snapshots of the embedded etcd
      --etcd-snapshot-schedule-cron SPEC  When to take them, a cron schedule (default "0 */12 * * *")
      --etcd-snapshot-retention N  How many scheduled snapshots to keep (default 5)
      --etcd-snapshot-dir DIR      Where snapshots go (default <data-dir>/db/snapshots)
      --etcd-snapshot-name NAME    Base name of scheduled snapshots (default etcd-snapshot)
      --server URL                 Join the cluster of this server (with --token, its server token): a new etcd member and
                                   control-plane server (or, with --datastore-endpoint, a server on the same external etcd)
      --disable-agent              Run the control plane only, without the node agent
      --cluster-cidr CIDR          Range node pod CIDRs are allocated from (default 10.244.0.0/16)
      --service-cidr CIDR          Range ClusterIPs are allocated from (default 10.96.0.0/12)
      --node-name NAME             Name of this machine's node (default: the host name)
      --pod-manifest-path PATH     Static pod manifests for this machine's node
      --private-registry FILE      registries.yaml for this machine's node (default <data-dir>/registries.yaml)
      --kubelet-port N             Port of this node's kubelet API (default 10250)
      --cluster-dns IP             Cluster DNS IP, the kube-dns Service's (default: the 10th address of --service-cidr, 10.96.0.10)
      --cluster-domain DOMAIN      Cluster domain (default cluster.local)
      --proxy-mode MODE            Service proxy mode of this node: nftables (default) or iptables
      --flannel-backend NAME       Pod network between nodes: vxlan (default), host-gw (routes over a shared link) or none
      --flannel-device NAME        The VXLAN device (default flannel.1)
      --disable-kube-proxy         Do not run the service proxy on this node
      --disable-network-policy     Do not enforce NetworkPolicies on this node
      --disable-dns                Do not run the cluster DNS on this node
      --disable-ingress            Do not run the ingress controller on this node
      --ingress-http-port N        Port of the ingress controller's HTTP listener (default 80)
      --ingress-https-port N       Port of the ingress controller's HTTPS listener (default 443)
      --disable-scheduler          Do not run the scheduler in this process
      --kube-scheduler-arg config=FILE  The scheduler's KubeSchedulerConfiguration, as for k8ts scheduler --config
      --disable-controller-manager Do not run the controllers in this process
      --kube-controller-manager-arg KEY=VALUE  A kube-controller-manager flag, as k3s passes them (repeatable): the
                                   horizontal-pod-autoscaler-{sync-period,downscale-stabilization,tolerance,
                                   cpu-initialization-period,initial-readiness-delay} flags
      --metric-resolution D        How often the built-in metrics server scrapes the kubelets (default 15s), as metrics-server's flag
      --disable COMPONENT          Do not run a packaged component (repeatable, or a comma list): servicelb, local-storage
                                   (the provisioner and its StorageClass), ingress-class, gateway-api (the CRDs); a disabled
                                   add-on's file in <data-dir>/server/manifests and its objects are removed (docs/addons.md)
      --default-local-storage-path PATH  Where the local-path provisioner puts this node's volumes (default <data-dir>/storage)
      --allow-service-external-ips Let Services set spec.externalIPs (denied by default: CVE-2020-8554)
      --node-monitor-grace-period D  How long a node may be silent before it is marked Unknown (default 50s)
      --use-service-account-credentials[=BOOL]  Run each controller with its own kube-system ServiceAccount's bound token and
                                   system:controller:* role (default true, as k3s and kubeadm set it; false: the controller manager's identity)
      --default-not-ready-toleration-seconds N     tolerationSeconds of the not-ready toleration added to every pod (default 300)
      --default-unreachable-toleration-seconds N   tolerationSeconds of the unreachable toleration added to every pod (default 300)
      --authorization-mode MODES   Authorizers in order, a comma list of AlwaysAllow, AlwaysDeny, Node, RBAC (default Node,RBAC)
      --token-auth-file FILE       Static bearer tokens, one a line: token,user,uid,"group1,group2"
      --anonymous-auth BOOL        Serve requests without credentials as system:anonymous (default true; off with AlwaysAllow)
      --request-timeout D          Deadline of requests that are not long-running (default 1m0s; watches, exec, logs excepted)
      --min-request-timeout N      Seconds a watch without timeoutSeconds lasts at least (at most twice that; default 1800)
      --max-requests-inflight N    Read-only requests served at once before 429 (default 400; 0 no limit; system:masters exempt)
      --max-mutating-requests-inflight N  Mutating requests served at once before 429 (default 200; 0 no limit)
      --secrets-encryption         Encrypt Secrets at rest with an aescbc key generated into <data-dir>/cred/encryption-config.json
      --encryption-provider-config FILE  EncryptionConfiguration (apiserver.config.k8s.io/v1): aescbc, aesgcm, secretbox, identity
      --encryption-provider-config-automatic-reload  Take changes of that file while running (always on for --secrets-encryption's)
      --audit-policy-file FILE     Audit policy (audit.k8s.io/v1 Policy); events are written with --audit-log-path
      --audit-log-path PATH        Audit log file, one JSON event a line; - for stdout
      --audit-log-maxage N         Days to keep rotated audit logs (default 0: no limit)
      --audit-log-maxbackup N      Rotated audit logs to keep (default 0: no limit)
      --audit-log-maxsize N        Megabytes before the audit log rotates (default 0: never)
      --enable-admission-plugins LIST   Admission plugins to run besides the default ones (upstream names, comma list, e.g. AlwaysPullImages)
      --disable-admission-plugins LIST  Default admission plugins not to run (e.g. PodSecurity,ResourceQuota)
  -v, --verbose                    Log every request
  -h, --help                       Show this help
`;

/** The packaged components `--disable` turns off, by k3s's names. */
const DISABLEABLE = ['servicelb', ...PACKAGED_ADDONS];

export async function runServer(args: string[]): Promise<number> {
  const values = parseFlags(
    withBareBooleans(args, ['use-service-account-credentials']),
    {
      'data-dir': { type: 'string' },
      'https-listen-port': { type: 'string' },
      'bind-address': { type: 'string' },
      'write-kubeconfig': { type: 'string' },
      'datastore-endpoint': { type: 'string' },
      'datastore-cafile': { type: 'string' },
      'datastore-certfile': { type: 'string' },
      'datastore-keyfile': { type: 'string' },
      token: { type: 'string' },
      'agent-token': { type: 'string' },
      'cluster-init': { type: 'boolean' },
      'etcd-client-port': { type: 'string' },
      'etcd-peer-port': { type: 'string' },
      'cluster-reset': { type: 'boolean' },
      'cluster-reset-restore-path': { type: 'string' },
      'etcd-disable-snapshots': { type: 'boolean' },
      'etcd-snapshot-schedule-cron': { type: 'string' },
      'etcd-snapshot-retention': { type: 'string' },
      'etcd-snapshot-dir': { type: 'string' },
      'etcd-snapshot-name': { type: 'string' },
      server: { type: 'string' },
      'disable-agent': { type: 'boolean' },
      'cluster-cidr': { type: 'string' },
      'service-cidr': { type: 'string' },
      'node-name': { type: 'string' },
      'pod-manifest-path': { type: 'string' },
      'private-registry': { type: 'string' },
      'kubelet-port': { type: 'string' },
      'cluster-dns': { type: 'string' },
      'cluster-domain': { type: 'string' },
      'proxy-mode': { type: 'string' },
      'flannel-backend': { type: 'string' },
      'flannel-device': { type: 'string' },
      'disable-kube-proxy': { type: 'boolean' },
      'disable-network-policy': { type: 'boolean' },
      'disable-dns': { type: 'boolean' },
      'disable-ingress': { type: 'boolean' },
      'ingress-http-port': { type: 'string' },
      'ingress-https-port': { type: 'string' },
      'disable-scheduler': { type: 'boolean' },
      'kube-scheduler-arg': { type: 'string', multiple: true },
      'disable-controller-manager': { type: 'boolean' },
      'kube-controller-manager-arg': { type: 'string', multiple: true },
      'metric-resolution': { type: 'string' },
      disable: { type: 'string', multiple: true },
      'default-local-storage-path': { type: 'string' },
      'allow-service-external-ips': { type: 'boolean' },
      'default-not-ready-toleration-seconds': { type: 'string' },
      'default-unreachable-toleration-seconds': { type: 'string' },
      'node-monitor-grace-period': { type: 'string' },
      'use-service-account-credentials': { type: 'string' },
      'authorization-mode': { type: 'string' },
      'token-auth-file': { type: 'string' },
      'anonymous-auth': { type: 'string' },
      'request-timeout': { type: 'string' },
      'min-request-timeout': { type: 'string' },
      'max-requests-inflight': { type: 'string' },
      'max-mutating-requests-inflight': { type: 'string' },
      'secrets-encryption': { type: 'boolean' },
      'encryption-provider-config': { type: 'string' },
      'encryption-provider-config-automatic-reload': { type: 'boolean' },
      'audit-policy-file': { type: 'string' },
      'audit-log-path': { type: 'string' },
      'audit-log-maxage': { type: 'string' },
      'audit-log-maxbackup': { type: 'string' },
      'audit-log-maxsize': { type: 'string' },
      'enable-admission-plugins': { type: 'string' },
      'disable-admission-plugins': { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
    },
    HELP,
  );
  if (typeof values === 'number') return values;
  const port = values['https-listen-port'] ? Number(values['https-listen-port']) : 6443;
  if (!Number.isInteger(port) || port < 0 || port > 65535) return fail(`invalid --https-listen-port "${values['https-listen-port']}"`);
  const tolerationSeconds: Record<string, number | undefined> = {};
  for (const flag of ['default-not-ready-toleration-seconds', 'default-unreachable-toleration-seconds'] as const) {
    const v = values[flag];
    if (v === undefined) continue;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) return fail(`invalid --${flag} "${v}"`);
    tolerationSeconds[flag] = n;
  }
  let gracePeriodMs: number | undefined;
  let hardening;
  let useServiceAccountCredentials: boolean;
  let horizontalPodAutoscaler;
  let metricResolutionMs: number | undefined;
  try {
    gracePeriodMs = durationFlag('node-monitor-grace-period', values['node-monitor-grace-period']);
    horizontalPodAutoscaler = controllerManagerArgs(values['kube-controller-manager-arg'] ?? []);
    metricResolutionMs = durationFlag('metric-resolution', values['metric-resolution']);
    hardening = hardeningFlags(values);
    useServiceAccountCredentials = boolFlag('use-service-account-credentials', values['use-service-account-credentials'], true);
  } catch (err) {
    return fail((err as Error).message);
  }
  let scheduler;
  try {
    scheduler = schedulerArgs(values['kube-scheduler-arg'] ?? []);
  } catch (err) {
    return fail((err as Error).message);
  }
  let authorizationModes;
  try {
    authorizationModes = values['authorization-mode'] === undefined ? undefined : parseAuthorizationModes(values['authorization-mode']);
  } catch (err) {
    return fail((err as Error).message);
  }
  let admissionPlugins;
  try {
    admissionPlugins = enabledAdmissionPlugins(values['enable-admission-plugins'], values['disable-admission-plugins']);
  } catch (err) {
    return fail((err as Error).message);
  }
  const anonymous = values['anonymous-auth'];
  if (anonymous !== undefined && anonymous !== 'true' && anonymous !== 'false') return fail(`invalid --anonymous-auth "${anonymous}"`);
  const proxyMode = values['proxy-mode'] ?? 'nftables';
  if (proxyMode !== 'nftables' && proxyMode !== 'iptables') return fail(`invalid --proxy-mode "${proxyMode}": nftables or iptables`);
  const disabled = new Set((values.disable ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean));
  for (const d of disabled) if (!DISABLEABLE.includes(d)) return fail(`invalid --disable "${d}": one of ${DISABLEABLE.join(', ')}`);
  let ingress: ReturnType<typeof ingressFlags>;
  let backend;
  try {
    ingress = ingressFlags(values);
    backend = flannelBackend(values['flannel-backend']);
  } catch (err) {
    return fail((err as Error).message);
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  if (values.server && !values.token) return fail('--server needs --token (the server token of a server of that cluster: its <data-dir>/token)');
  if (values['cluster-init'] && values.server) return fail('--cluster-init starts a new cluster; --server joins one: give one of them');
  if (values['cluster-reset-restore-path'] && !values['cluster-reset']) return fail('--cluster-reset-restore-path needs --cluster-reset');
  if (values['cluster-reset'] && values['datastore-endpoint']) return fail('--cluster-reset is for the embedded etcd; an external datastore is reset with its own tools');
  let etcdSnapshots;
  try {
    etcdSnapshots = snapshotFlags(values);
  } catch (err) {
    return fail((err as Error).message);
  }
  const started = Date.now();
  const cp = await startControlPlane({
    dataDir,
    port,
    bindAddress: values['bind-address'],
    datastoreEndpoint: values['datastore-endpoint'],
    datastoreTls: { caFile: values['datastore-cafile'], certFile: values['datastore-certfile'], keyFile: values['datastore-keyfile'] },
    writeKubeconfig: values['write-kubeconfig'],
    token: values.token,
    agentToken: values['agent-token'],
    clusterInit: values['cluster-init'],
    etcdPorts: etcdPorts(values),
    clusterReset: values['cluster-reset'] ? { restorePath: values['cluster-reset-restore-path'] } : undefined,
    etcdSnapshots,
    join: values.server ? { server: values.server, token: values.token! } : undefined,
    disableScheduler: values['disable-scheduler'],
    scheduler,
    disableControllers: values['disable-controller-manager'],
    disableServiceLB: disabled.has('servicelb'),
    addons: { disable: PACKAGED_ADDONS.filter((a) => disabled.has(a)) },
    useServiceAccountCredentials,
    allowServiceExternalIPs: values['allow-service-external-ips'],
    defaultTolerationSeconds: {
      notReadySeconds: tolerationSeconds['default-not-ready-toleration-seconds'],
      unreachableSeconds: tolerationSeconds['default-unreachable-toleration-seconds'],
    },
    nodeLifecycle: gracePeriodMs === undefined ? undefined : { nodeMonitorGracePeriodMs: gracePeriodMs },
    horizontalPodAutoscaler,
    metricsServer: metricResolutionMs === undefined ? undefined : { resolutionMs: metricResolutionMs },
    clusterCidr: values['cluster-cidr'],
    serviceCidr: values['service-cidr'],
    authorizationModes,
    tokenAuthFile: values['token-auth-file'],
    anonymousAuth: anonymous === undefined ? undefined : anonymous === 'true',
    ...hardening,
    admissionPlugins,
    log,
    accessLog: values.verbose,
  });
  log(`k8ts API server listening on ${cp.url} (ready in ${Date.now() - started} ms)`);
  log(`kubeconfig written to ${cp.kubeconfigPath}`);
  let agent: { stop(): Promise<void> } | undefined;
  if (!values['disable-agent']) {
    const kubeletPort = values['kubelet-port'] === undefined ? undefined : Number(values['kubelet-port']);
    if (kubeletPort !== undefined && (!Number.isInteger(kubeletPort) || kubeletPort < 0 || kubeletPort > 65535)) return fail(`invalid --kubelet-port "${values['kubelet-port']}"`);
    const { existsSync } = await import('node:fs');
    const registries = values['private-registry'] ?? (existsSync(join(dataDir, 'registries.yaml')) ? join(dataDir, 'registries.yaml') : undefined);
    try {
      const { startNodeAgent } = await import('../kubelet/node/agent.js');
      const { clusterDnsFor, startNodeServices } = await import('../cluster/node-services.js');
      // The node runs under its own certificate (system:node:<name>), as a joined agent does.
      const { hostname } = await import('node:os');
      const { keepNodeCredentials } = await import('../cluster/node-join.js');
      const { issueClientCert, nodeIdentity } = await import('../cluster/client-certs.js');
      const nodeName = (values['node-name'] ?? hostname()).toLowerCase();
      const own = keepNodeCredentials(join(dataDir, 'agent', 'cred'), cp.url, await cp.nodeCredentials.node(nodeName), await issueClientCert(cp.ca, nodeIdentity(nodeName)));
      const client = own.kubelet;
      const clusterDNS = values['cluster-dns'] ?? clusterDnsFor(values['service-cidr']);
      const node = await startNodeAgent({
        client,
        dataDir: join(dataDir, 'agent'),
        nodeName,
        podManifestPath: values['pod-manifest-path'],
        registries,
        kubeletPort,
        clusterDNS,
        clusterDomain: values['cluster-domain'],
        cniIpMasq: backend === 'none',
        cniMtuOverhead: backend === 'vxlan' ? VXLAN_OVERHEAD : undefined,
        log,
      });
      log(`node ${node.nodeName} is running pods under containerd`);
      void cp.markEtcdMemberNode?.(node.nodeName);
      // The proxy and the DNS beside the node, as k3s runs kube-proxy and CoreDNS.
      const services = await startNodeServices({
        client,
        proxyClient: own.proxy,
        dnsClient: own.dns,
        controllerClient: own.controller,
        nodeName: node.nodeName,
        clusterCIDR: values['cluster-cidr'],
        clusterDNS,
        clusterDomain: values['cluster-domain'],
        cniBridge: 'cni0',
        podNetwork: backend === 'none' ? false : { backend, device: values['flannel-device'] },
        proxy: values['disable-kube-proxy'] ? false : { mode: proxyMode },
        networkPolicy: values['disable-network-policy'] ? false : {},
        dns: values['disable-dns'] ? false : {},
        ingress,
        localStorage: disabled.has('local-storage') ? false : { path: values['default-local-storage-path'] ?? join(dataDir, 'storage') },
        dataDir: join(dataDir, 'agent'),
        log,
      }).catch(async (err: unknown) => {
        await node.stop();
        throw err;
      });
      agent = {
        async stop() {
          await services.stop();
          await node.stop();
        },
      };
    } catch (err) {
      log(`node agent failed to start: ${(err as Error).message}; running the control plane only`);
    }
  }
  log(`${await untilSignalled()} received, shutting down`);
  await agent?.stop();
  await cp.stop();
  return 0;
}

/** k3s's --etcd-snapshot-* flags, checked before anything starts. */
function snapshotFlags(values: { 'etcd-disable-snapshots'?: boolean; 'etcd-snapshot-schedule-cron'?: string; 'etcd-snapshot-retention'?: string; 'etcd-snapshot-dir'?: string; 'etcd-snapshot-name'?: string }): SnapshotScheduleOptions {
  const retention = countFlag('etcd-snapshot-retention', values['etcd-snapshot-retention']);
  if (retention === 0) throw new Error('--etcd-snapshot-retention must be at least 1 (--etcd-disable-snapshots turns them off)');
  const name = values['etcd-snapshot-name'];
  if (name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new Error(`invalid --etcd-snapshot-name "${name}": letters, digits, '.', '_' and '-'`);
  return {
    disable: values['etcd-disable-snapshots'],
    schedule: parseCron(values['etcd-snapshot-schedule-cron'] ?? DEFAULT_SNAPSHOT_CRON),
    retention,
    dir: values['etcd-snapshot-dir'],
    name,
  };
}

function etcdPorts(values: { 'etcd-client-port'?: string; 'etcd-peer-port'?: string }): { client?: number; peer?: number } {
  return { client: portFlag('etcd-client-port', values['etcd-client-port']), peer: portFlag('etcd-peer-port', values['etcd-peer-port']) };
}

/**
 * k3s passes `--kube-scheduler-arg key=value` on to kube-scheduler as `--key=value`; k8ts's
 * in-process scheduler takes the one that carries its settings, `config`.
 */
function schedulerArgs(args: string[]) {
  let options;
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const key = (eq < 0 ? arg : arg.slice(0, eq)).replace(/^--/, '');
    if (key !== 'config' || eq < 0) throw new Error(`unsupported --kube-scheduler-arg "${arg}" (k8ts takes config=FILE)`);
    options = loadSchedulerConfig(arg.slice(eq + 1)).options;
  }
  return options;
}

/** The API server's limits, encryption and audit flags, as kube-apiserver names them. */
function hardeningFlags(values: Record<string, string | boolean | string[] | undefined>) {
  const str = (name: string) => values[name] as string | undefined;
  const readOnly = countFlag('max-requests-inflight', str('max-requests-inflight'));
  const mutating = countFlag('max-mutating-requests-inflight', str('max-mutating-requests-inflight'));
  const auditPath = str('audit-log-path');
  return {
    requestTimeoutMs: durationFlag('request-timeout', str('request-timeout')),
    minRequestTimeoutSeconds: countFlag('min-request-timeout', str('min-request-timeout')) || undefined,
    inFlightLimits: readOnly === undefined && mutating === undefined ? undefined : { readOnly: readOnly ?? DEFAULT_INFLIGHT_LIMITS.readOnly, mutating: mutating ?? DEFAULT_INFLIGHT_LIMITS.mutating },
    secretsEncryption: values['secrets-encryption'] === true,
    encryptionProviderConfig: str('encryption-provider-config'),
    encryptionConfigAutomaticReload: values['encryption-provider-config-automatic-reload'] === true,
    auditPolicyFile: str('audit-policy-file'),
    auditLog: auditPath
      ? {
          path: auditPath,
          maxAgeDays: countFlag('audit-log-maxage', str('audit-log-maxage')),
          maxBackups: countFlag('audit-log-maxbackup', str('audit-log-maxbackup')),
          maxSizeMB: countFlag('audit-log-maxsize', str('audit-log-maxsize')),
        }
      : undefined,
  };
}
