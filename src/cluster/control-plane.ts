// Brings up the control plane: data dir, certificates, credentials, storage, API server,
// kubeconfig. Used by `k8ts server` and by the in-process clusters of the tests.
import { mkdirSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { allKinds, PREFERRED_VERSIONS } from '../api/scheme/all.js';
import type { KindDefinition } from '../api/scheme/kind.js';
import { loadOrCreateSigningKey } from '../util/jws/signing-key.js';
import { StaticTokenAuthenticator } from '../apiserver/auth/token.js';
import { parseTokenFile } from '../apiserver/auth/token-file.js';
import type { AuthorizationMode } from '../apiserver/authz/authorizer.js';
import { readFileSync } from 'node:fs';
import { ApiServer } from '../apiserver/server.js';
import type { DefaultTolerationOptions } from '../apiserver/admission/default-tolerations.js';
import { DEFAULT_SERVICE_NETWORK, type ServiceNetwork } from '../apiserver/admission/service-allocation.js';
import type { ControllerManagerOptions } from '../controllers/manager.js';
import type { SchedulerOptions } from '../scheduler/scheduler.js';
import { openStore, startCompactor, type DatastoreTlsFiles } from '../storage/index.js';
import type { Store } from '../storage/store.js';
import { adminToken, agentTokenSecret, serverIdentity, serverTokenSecret, writeJoinTokens } from './credentials.js';
import { runWhileLeading, type Running } from '../client/leader-election.js';
import { RestClient } from '../client/rest.js';
import { writeKubeconfig } from './kubeconfig.js';
import { ensureFrontProxyPki, ensureServerPki } from './pki.js';
import { Auditor } from '../apiserver/audit/event.js';
import { openAuditLog, type AuditLogOptions } from '../apiserver/audit/log-writer.js';
import { parseAuditPolicy } from '../apiserver/audit/policy.js';
import type { InFlightLimits } from '../apiserver/filters/inflight.js';
import { encryptedStore, ensureGeneratedEncryptionConfig, recordEncryptionState, reloadOnChange } from './secrets-encryption.js';
import { CLUSTER_DNS, componentCredential, CONTROLLER_MANAGER, ensureClientCert, issueClientCert, K8TS_CONTROLLER, KUBE_PROXY, KUBELET_CLIENT, METRICS_SERVER, SCHEDULER, SIM_AGENT } from './client-certs.js';
import type { NodeCredentialIssuer, NodeCredentials } from '../apiserver/handlers/node-credentials.js';
import { SERVERS_GROUP } from '../apiserver/handlers/server-bootstrap.js';
import { listMembers, startClusterEtcd, takeClusterSecrets } from './etcd/join.js';
import { readEtcdCa } from './etcd/pki.js';
import { hasEtcdMember, type EmbeddedEtcd } from './etcd/process.js';
import type { ResetPlan } from './etcd/reset.js';
import { localEtcdClient, readLocalMember } from './etcd/local.js';
import { markNodeMember, startNodeMemberController } from './etcd/node-members.js';
import { migrateSqliteToEtcd, sqliteStateFile, sqliteToMigrate } from './etcd/migrate.js';
import { startScheduledSnapshots, type SnapshotScheduleOptions } from './etcd/scheduled.js';
import type { ClientConfig } from '../client/kubeconfig.js';
import { leaderElectionMetrics } from '../client/leader-election-metrics.js';
import { workqueueMetricsProvider } from '../client/workqueue-metrics.js';
import { newRegistry } from '../util/prometheus.js';
import type { KeyPair } from '../util/key-pair.js';

export interface ControlPlaneOptions {
  dataDir: string;
  port?: number;
  bindAddress?: string;
  datastoreEndpoint?: string;
  /** --datastore-cafile/-certfile/-keyfile, for an https:// etcd. */
  datastoreTls?: DatastoreTlsFiles;
  writeKubeconfig?: string;
  /** The server token (k3s's --token): a bare secret or a full K10… token; agents may join with it. */
  token?: string;
  /** A token agents join with that servers don't accept (k3s's --agent-token). */
  agentToken?: string;
  /** Run an embedded etcd as the datastore, a new cluster of one member (k3s's --cluster-init). */
  clusterInit?: boolean;
  /** Join the cluster of this server with the server token (k3s's --server/--token on a server). */
  join?: { server: string; token: string };
  /** The embedded etcd's client and peer ports (default 2379, 2380). */
  etcdPorts?: { client?: number; peer?: number };
  /** k3s's --cluster-reset (with --cluster-reset-restore-path): the embedded etcd becomes a cluster of one. */
  clusterReset?: ResetPlan;
  /** The embedded etcd's scheduled snapshots (k3s's --etcd-snapshot-* flags; on by default). */
  etcdSnapshots?: SnapshotScheduleOptions;
  log?: (line: string) => void;
  /** Log every request (debugging). */
  accessLog?: boolean;
  /** Run the API server without the controller manager. */
  disableControllers?: boolean;
  /** Run without the scheduler (k3s's --disable-scheduler). */
  disableScheduler?: boolean;
  /** The in-process scheduler's settings (from `--kube-scheduler-arg config=FILE`). */
  scheduler?: Omit<SchedulerOptions, 'log'>;
  /** Tolerations for not-ready/unreachable nodes given to new pods (kube-apiserver's --default-*-toleration-seconds). */
  defaultTolerationSeconds?: DefaultTolerationOptions;
  /** Node lifecycle controller timings (--node-monitor-grace-period and friends). */
  nodeLifecycle?: ControllerManagerOptions['nodeLifecycle'];
  /** Pod GC timings (tests shorten the 40 s quarantine of pods on deleted nodes). */
  podGc?: ControllerManagerOptions['podGc'];
  /** The PV binder's resync period (--pvclaimbinder-sync-period; default 15 s; tests shorten it). */
  pvBinderSyncPeriodMs?: ControllerManagerOptions['pvBinderSyncPeriodMs'];
  /** Range node pod CIDRs come from (k3s's --cluster-cidr; default 10.244.0.0/16). */
  clusterCidr?: string;
  /** Kinds served beside the built-in ones, each one more registry entry. */
  extraKinds?: readonly KindDefinition[];
  /** Range ClusterIPs come from (k3s's --service-cidr; default 10.96.0.0/12). */
  serviceCidr?: string;
  /** kube-apiserver's --authorization-mode (default Node,RBAC). */
  authorizationModes?: readonly AuthorizationMode[];
  /** kube-apiserver's --token-auth-file: `token,user,uid,"group1,group2"` per line. */
  tokenAuthFile?: string;
  /** kube-apiserver's --anonymous-auth (default true; never with AlwaysAllow). */
  anonymousAuth?: boolean;
  /** Run without ServiceLB (k3s's --disable=servicelb). */
  disableServiceLB?: boolean;
  /**
   * Each controller under its own ServiceAccount (kube-controller-manager's
   * --use-service-account-credentials). Default true, as k3s and kubeadm set it: under RBAC the
   * controller manager's own identity holds only system:kube-controller-manager, too little to run them.
   */
  useServiceAccountCredentials?: boolean;
  /** Let Services set spec.externalIPs (k8ts denies them by default: CVE-2020-8554). */
  allowServiceExternalIPs?: boolean;
  /** kube-apiserver's --encryption-provider-config: an EncryptionConfiguration file. */
  encryptionProviderConfig?: string;
  /** k3s's --secrets-encryption: Secrets encrypted with a key generated into the data dir (when no config file is given). */
  secretsEncryption?: boolean;
  /**
   * kube-apiserver's --encryption-provider-config-automatic-reload: take changes of the file
   * while running. Always on for the generated file (k3s's rotate-keys works on a running server).
   */
  encryptionConfigAutomaticReload?: boolean;
  /** kube-apiserver's --request-timeout (60 s). */
  requestTimeoutMs?: number;
  /** kube-apiserver's --min-request-timeout (1800 s), the watches' timeout when they give none. */
  minRequestTimeoutSeconds?: number;
  /** kube-apiserver's --max-requests-inflight / --max-mutating-requests-inflight (400 / 200; 0 no limit). */
  inFlightLimits?: InFlightLimits;
  /** kube-apiserver's --audit-policy-file; events are written only with a log too. */
  auditPolicyFile?: string;
  /** kube-apiserver's --audit-log-path (`-` stdout) and its rotation flags. */
  auditLog?: AuditLogOptions;
  /** Admission plugins that run (from --enable/--disable-admission-plugins; default upstream's default-on set). */
  admissionPlugins?: ReadonlySet<string>;
  /** The HPA controller's --horizontal-pod-autoscaler-* flags (tests shorten the sync period and stabilization window). */
  horizontalPodAutoscaler?: ControllerManagerOptions['horizontalPodAutoscaler'];
  /** Run without the built-in metrics server (k3s's --disable=metrics-server). */
  disableMetricsServer?: boolean;
  /** The built-in metrics server's settings: --metric-resolution, --kubelet-insecure-tls, --secure-port. */
  metricsServer?: { resolutionMs?: number; kubeletInsecureTls?: boolean; port?: number };
  /** How often the aggregation layer re-checks every APIService's availability (upstream's 30 s; tests shorten it). */
  apiServiceCheckIntervalMs?: number;
  /**
   * The manifests directory (<data-dir>/server/manifests) and the packaged add-ons written into
   * it (docs/addons.md); false: neither (in-process test clusters that need no add-ons).
   */
  addons?: import('./addons.js').AddonOptions | false;
  /** kube-controller-manager's --cluster-signing-duration: the longest certificate csrsigning issues (default one year). */
  clusterSigningDurationMs?: number;
}

export interface ControlPlane {
  apiServer: ApiServer;
  store: Store;
  port: number;
  url: string;
  kubeconfigPath: string;
  adminToken: string;
  caPem: string;
  /** The cluster CA (it signs node and component certificates). */
  ca: KeyPair;
  /** The credentials of the components that run beside every node: service proxy, DNS, network controllers. */
  nodeServiceClients: { proxy: ClientConfig; dns: ClientConfig; controller: ClientConfig };
  /** A node's own credentials (and a sim agent's), as a joining agent gets them. */
  nodeCredentials: NodeCredentialIssuer;
  /**
   * On embedded etcd: marks this server's Node with its etcd member, so that deleting the Node
   * removes the member (k3s's rule); resolves once done (or failed, logged).
   */
  markEtcdMemberNode?(nodeName: string): Promise<void>;
  stop(): Promise<void>;
}

const COMPACTION_INTERVAL_MS = 5 * 60 * 1000;
const COMPACTION_KEEP_REVISIONS = 10_000;

/** Where pods and other hosts reach this server: the bind address, else the first non-loopback IPv4. */
function advertiseAddress(bind: string): string | undefined {
  if (bind !== '0.0.0.0' && bind !== '::' && !bind.startsWith('127.') && bind !== '::1') return bind;
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

/** The `kubernetes` service's address: the first of the service range. */
function apiServerServiceIP(serviceCidr: string): string {
  const [a, b, c, d] = serviceCidr.split('/')[0]!.split('.').map(Number) as [number, number, number, number];
  const n = (((a << 24) >>> 0) + (b << 16) + (c << 8) + d + 1) >>> 0;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function localAddresses(serviceCidr: string): string[] {
  const out = new Set(['127.0.0.1', '::1', apiServerServiceIP(serviceCidr)]);
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.add(a.address.replace(/%.*$/, ''));
  return [...out];
}

export function defaultDataDir(): string {
  if (process.getuid?.() === 0) return '/var/lib/k8ts';
  return join(process.env['HOME'] ?? '.', '.k8ts');
}

/**
 * The datastore, wrapped in the encryption configuration when there is one. Values an older key
 * (or no key) wrote are rewritten with the first provider before anything serves them, which is
 * how a rotation or turning encryption on reaches every existing Secret.
 */
async function openEncryptedStore(o: ControlPlaneOptions, kinds: readonly KindDefinition[]): Promise<{ store: Store; reload?: { stop(): Promise<void> } }> {
  const raw = await openStore(o.datastoreEndpoint ?? `sqlite://${join(o.dataDir, 'state.db')}`, process.cwd(), o.datastoreTls);
  const config = o.encryptionProviderConfig ?? (o.secretsEncryption ? ensureGeneratedEncryptionConfig(o.dataDir) : undefined);
  if (!config) return { store: raw };
  try {
    const store = encryptedStore(raw, config, kinds);
    const r = await store.rewriteStale();
    if (r.rewritten) {
      // The history still holds what the old key (or no key) wrote: compacted away, so the
      // datastore keeps no value readable without the keys that write now.
      await store.compact(store.currentRevision());
      o.log?.(`encryption at rest: rewrote ${r.rewritten} stored values with the first provider of ${config} (${r.current} were current)`);
    }
    recordEncryptionState(o.dataDir, config, r);
    const reload = o.encryptionConfigAutomaticReload || !o.encryptionProviderConfig ? reloadOnChange(config, store, kinds, o.dataDir, (line) => o.log?.(line)) : undefined;
    return { store, reload };
  } catch (err) {
    await raw.close();
    throw err;
  }
}

export async function startControlPlane(o: ControlPlaneOptions): Promise<ControlPlane> {
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  const bind = o.bindAddress ?? '0.0.0.0';
  const serviceNetwork = { ...DEFAULT_SERVICE_NETWORK, ...(o.serviceCidr ? { serviceCidr: o.serviceCidr } : {}) };
  const ips = localAddresses(serviceNetwork.serviceCidr);
  if (bind !== '0.0.0.0' && bind !== '::' && !ips.includes(bind)) ips.push(bind);
  const dns = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'localhost', hostname()];
  // A joining server takes the cluster's secrets first: its certificates come from the cluster's CA.
  const advertise = advertiseAddress(bind);
  let etcd: EmbeddedEtcd | undefined;
  if ((o.clusterInit || o.clusterReset) && o.datastoreEndpoint) throw new Error(`${o.clusterInit ? '--cluster-init' : '--cluster-reset'} is for the embedded etcd: it takes no --datastore-endpoint`);
  // As k3s: a data dir that holds an etcd member runs on it, with or without the flags.
  if (!o.datastoreEndpoint && (o.clusterInit || o.clusterReset || o.join || hasEtcdMember(o.dataDir))) {
    const newMember = !hasEtcdMember(o.dataDir);
    etcd = await startClusterEtcd(o.dataDir, { ip: advertise ?? '127.0.0.1', join: o.join, clientPort: o.etcdPorts?.client, peerPort: o.etcdPorts?.peer, apiPort: o.port, reset: o.clusterReset, log: o.log });
    if (o.join && newMember && !o.clusterReset) {
      if (sqliteToMigrate(o.dataDir, true)) o.log?.(`${sqliteStateFile(o.dataDir)} is not used: a server joining a cluster serves the cluster's state`);
    } else if (!o.clusterReset && sqliteToMigrate(o.dataDir, newMember)) {
      const client = localEtcdClient(o.dataDir);
      try {
        const m = await migrateSqliteToEtcd(o.dataDir, client, (line) => o.log?.(line));
        o.log?.(`migrated ${m.keys} keys (${(m.bytes / 1024 / 1024).toFixed(1)} MiB) from sqlite into the embedded etcd in ${m.seconds.toFixed(1)} s; the old database is kept as ${m.keptAs}. ` +
          'Objects keep their names, uids and content; their resourceVersions are new (etcd revisions), so clients relist');
      } catch (err) {
        await etcd.stop();
        throw new Error(`migrating ${sqliteStateFile(o.dataDir)} into the embedded etcd failed (the next start tries again): ${(err as Error).message}`);
      } finally {
        client.close();
      }
    }
    const files = etcd.pki;
    o = { ...o, datastoreEndpoint: etcd.endpoint, datastoreTls: { caFile: files.caFile, certFile: files.clientCertFile, keyFile: files.clientKeyFile } };
  } else if (o.join) {
    // Servers sharing an external datastore share the cluster's secrets too.
    await takeClusterSecrets(o.dataDir, o.join.server, o.join.token);
  }
  try {
    return await serve(o, { bind, serviceNetwork, ips, dns, advertise, etcd });
  } catch (err) {
    // The etcd child ends with this process anyway; a caller that carries on must not keep it.
    await etcd?.stop();
    throw err;
  }
}

interface Placement {
  bind: string;
  serviceNetwork: ServiceNetwork;
  ips: string[];
  dns: string[];
  advertise: string | undefined;
  etcd: EmbeddedEtcd | undefined;
}

async function serve(o: ControlPlaneOptions, { bind, serviceNetwork, ips, dns, advertise, etcd }: Placement): Promise<ControlPlane> {
  const pki = await ensureServerPki(o.dataDir, dns, ips);
  // Known before the server answers /readyz: tools that read it from the data dir find it there.
  const identity = serverIdentity(o.dataDir);
  const frontProxy = await ensureFrontProxyPki(o.dataDir);
  const token = adminToken(o.dataDir);
  const serverSecret = serverTokenSecret(o.dataDir, o.token);
  const agentSecret = agentTokenSecret(o.dataDir, o.agentToken);
  writeJoinTokens(o.dataDir, pki.ca.cert, serverSecret, agentSecret);

  // One key: the API server signs TokenRequests and verifies with it, the controller manager signs token Secrets.
  const serviceAccountKeyFile = join(o.dataDir, 'tls', 'service-account.key');
  const kinds = [...allKinds, ...(o.extraKinds ?? [])];
  // Read before anything opens: a policy that does not parse fails the start, as upstream.
  const auditPolicy = o.auditPolicyFile && o.auditLog ? parseAuditPolicy(readFileSync(o.auditPolicyFile, 'utf8'), o.auditPolicyFile) : undefined;
  const { store, reload: encryptionReload } = await openEncryptedStore(o, kinds);
  const authenticator = new StaticTokenAuthenticator();
  authenticator.add(token, { name: 'system:admin', groups: ['system:masters', 'system:authenticated'] });
  // The join tokens only trade themselves for a node's own credentials (/v1-k8ts/node-credentials).
  // The server token joins agents and servers; the agent token only agents.
  authenticator.add(serverSecret, { name: 'system:k8ts:server-token', groups: [SERVERS_GROUP, 'system:bootstrappers', 'system:authenticated'] });
  if (agentSecret) authenticator.add(agentSecret, { name: 'system:node-bootstrap', groups: ['system:bootstrappers', 'system:authenticated'] });
  const nodeCredentials: NodeCredentialIssuer = {
    // The node's name is the endpoint's to validate; the kubelet's own certificate comes through a CSR.
    async node(): Promise<NodeCredentials> {
      const [proxy, dns, controller] = await Promise.all([KUBE_PROXY, CLUSTER_DNS, K8TS_CONTROLLER].map((id) => issueClientCert(pki.ca, id)));
      return { ca: pki.ca.cert, proxy: proxy!, dns: dns!, controller: controller! };
    },
    simAgent: async () => ({ ca: pki.ca.cert, agent: await issueClientCert(pki.ca, SIM_AGENT) }),
  };
  if (o.tokenAuthFile) for (const { token: t, user } of parseTokenFile(readFileSync(o.tokenAuthFile, 'utf8'), o.tokenAuthFile)) authenticator.add(t, user);
  const auditor = auditPolicy && o.auditLog ? new Auditor(auditPolicy, openAuditLog(o.auditLog)) : undefined;
  const apiServer = new ApiServer({
    store,
    requestTimeoutMs: o.requestTimeoutMs,
    minRequestTimeoutSeconds: o.minRequestTimeoutSeconds,
    inFlightLimits: o.inFlightLimits,
    audit: auditor,
    kinds,
    preferredVersions: PREFERRED_VERSIONS,
    authenticator,
    tls: { key: pki.serving.key, cert: pki.serving.cert },
    clientCaPem: pki.ca.cert,
    caCertsPem: pki.ca.cert,
    nodeCredentials,
    serverBootstrap: async () => ({
      ca: pki.ca,
      serviceAccountKey: readFileSync(serviceAccountKeyFile, 'utf8'),
      etcdCa: etcd ? readEtcdCa(o.dataDir) : undefined,
      requestHeaderCa: frontProxy.ca,
      adminToken: token,
      etcdMembers: etcd ? await listMembers(etcd) : undefined,
    }),
    host: bind,
    port: o.port ?? 6443,
    advertiseAddress: advertise,
    defaultTolerationSeconds: o.defaultTolerationSeconds,
    serviceNetwork,
    kubeletClient: await ensureClientCert(join(o.dataDir, 'tls'), pki.ca, KUBELET_CLIENT),
    authorizationModes: o.authorizationModes,
    anonymousAuth: o.anonymousAuth,
    allowServiceExternalIPs: o.allowServiceExternalIPs,
    admissionPlugins: o.admissionPlugins,
    // Bound service-account tokens (TokenRequest), signed with a key kept beside the certificates.
    serviceAccountTokens: { signingKey: loadOrCreateSigningKey(serviceAccountKeyFile) },
    aggregator: { proxyClient: frontProxy.client, requestHeaderCaPem: frontProxy.ca.cert, checkIntervalMs: o.apiServiceCheckIntervalMs },
    log: o.accessLog ? o.log : (line) => (/^\w+ \S+ \d+ \d+ms$/.test(line) ? undefined : o.log?.(line)),
  });
  const port = await apiServer.start();
  const compactor = startCompactor(store, { intervalMs: COMPACTION_INTERVAL_MS, keepRevisions: COMPACTION_KEEP_REVISIONS });
  const snapshots = etcd && !o.etcdSnapshots?.disable ? startScheduledSnapshots(o.dataDir, o.etcdSnapshots ?? {}, (line) => o.log?.(line)) : undefined;
  const host = bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind.includes(':') ? `[${bind}]` : bind;
  const url = `https://${host}:${port}`;
  const kubeconfigPath = o.writeKubeconfig ?? join(o.dataDir, 'kubeconfig.yaml');
  writeKubeconfig(kubeconfigPath, { server: url, caPem: pki.ca.cert, token });
  let nodeMembers: { stop(): void; close(): void; name: string; client: RestClient } | undefined;
  if (etcd) {
    const member = readLocalMember(o.dataDir).name;
    const client = new RestClient({ server: url, caPem: pki.ca.cert, token }, 'k8ts-etcd-members');
    const etcdClient = localEtcdClient(o.dataDir);
    const controller = startNodeMemberController(client, etcdClient, member, (line) => o.log?.(line));
    nodeMembers = { ...controller, name: member, client, close: () => (client.close(), etcdClient.close()) };
  }
  // Each component under its own identity, so RBAC governs the cluster's own traffic too.
  const credential = (id: Parameters<typeof componentCredential>[2]) => componentCredential(o.dataDir, pki.ca, id, url);
  const nodeServiceClients = { proxy: await credential(KUBE_PROXY), dns: await credential(CLUSTER_DNS), controller: await credential(K8TS_CONTROLLER) };
  // Components are loaded only when they run: an API server on its own carries none of their code.
  // Several servers on one datastore each run them, but only while holding their Lease; the
  // identity is kept in the data dir, so a restarted server takes its own lease back at once.
  // Leases of 12 s (upstream's components default to 15) put a dead leader's successor in place
  // within 15 s: expiry plus one retry period.
  const timing = { leaseDurationSeconds: 12, renewDeadlineMs: 8_000, retryPeriodMs: 2_000 };
  // The in-process scheduler and controller manager have no listener of their own: their metrics
  // are served at the API server's /metrics, as k3s serves its embedded components' on the supervisor.
  const componentMetrics = newRegistry();
  apiServer.addMetricsRegistry(componentMetrics);
  const leaderMetrics = leaderElectionMetrics(componentMetrics, [...(o.disableControllers ? [] : ['kube-controller-manager']), ...(o.disableScheduler ? [] : ['kube-scheduler'])]);
  const elected = (lock: string, what: string, config: ClientConfig, start: () => Running) =>
    runWhileLeading(new RestClient(config, `${lock}-leader-election`), { namespace: 'kube-system', name: lock, identity, ...timing }, what, leaderMetrics.leading(lock, start), (line) => o.log?.(line));
  let controllers: { stop(): Promise<void> } | undefined;
  if (!o.disableControllers) {
    const { startControllerManager } = await import('../controllers/manager.js');
    const config = await credential(CONTROLLER_MANAGER);
    const options = { rootCaPem: pki.ca.cert, nodeLifecycle: o.nodeLifecycle, podGc: o.podGc, pvBinderSyncPeriodMs: o.pvBinderSyncPeriodMs, clusterCidr: o.clusterCidr, serviceAccountPrivateKeyFile: serviceAccountKeyFile, csrSigning: { ca: pki.ca, clusterSigningDurationMs: o.clusterSigningDurationMs }, disableServiceLB: o.disableServiceLB, useServiceAccountCredentials: o.useServiceAccountCredentials ?? true, horizontalPodAutoscaler: o.horizontalPodAutoscaler, workqueueMetrics: workqueueMetricsProvider(componentMetrics) };
    controllers = elected('kube-controller-manager', 'the controllers', config, () => startControllerManager(config, (line) => o.log?.(line), options));
  }
  let scheduler: { stop(): Promise<void> } | undefined;
  if (!o.disableScheduler) {
    const { startScheduler } = await import('../scheduler/run.js');
    const config = await credential(SCHEDULER);
    const { SchedulerMetrics } = await import('../scheduler/metrics.js');
    const metrics = new SchedulerMetrics(componentMetrics);
    scheduler = elected('kube-scheduler', 'the scheduler', config, () => startScheduler(config, { ...o.scheduler, metrics, log: (line) => o.log?.(line) }));
  }
  // The manifests directory, applied by one server at a time (the one holding its lease), as admin like k3s's.
  let addons: { stop(): Promise<void> } | undefined;
  if (o.addons !== false) {
    const { startAddons } = await import('./addons.js');
    const addonOptions = o.addons ?? {};
    const admin = { server: url, caPem: pki.ca.cert, token };
    addons = elected('k8ts-addons', 'the manifests directory', admin, () => {
      const client = new RestClient(admin, 'k8ts-addons');
      const started = startAddons(client, o.dataDir, addonOptions, (line) => o.log?.(line)).catch((err: Error) => {
        o.log?.(`addons: not running: ${err.message}`);
        return undefined;
      });
      return {
        async stop() {
          await (await started)?.stop();
          client.close();
        },
      };
    });
  }
  // The metrics server runs on every server (each its own scrapes); the Endpoints name the last to start.
  let metrics: { stop(): Promise<void> } | undefined;
  if (!o.disableMetricsServer && advertise) {
    const { startBuiltinMetricsServer } = await import('./metrics-server.js');
    const m = o.metricsServer ?? {};
    // Kubelets are reached as the API server reaches them, without verifying their serving
    // certificates: a node's is self-signed unless it came through a kubelet-serving CSR (as
    // metrics-server's --kubelet-insecure-tls, which k3s-like clusters set).
    // Like the node's ingress, it is not worth the API: a port taken (another server on this host) is logged, not fatal.
    metrics = await startBuiltinMetricsServer({ ca: pki.ca, client: await credential(METRICS_SERVER), admin: { server: url, caPem: pki.ca.cert, token }, advertiseAddress: advertise, port: m.port, resolutionMs: m.resolutionMs, kubeletInsecureTls: m.kubeletInsecureTls ?? true, log: (line) => o.log?.(line) }).catch((err: Error) => {
      o.log?.(`metrics-server: not running: ${err.message}`);
      return undefined;
    });
  }
  return {
    apiServer,
    store,
    port,
    url,
    kubeconfigPath,
    adminToken: token,
    caPem: pki.ca.cert,
    ca: pki.ca,
    nodeServiceClients,
    nodeCredentials,
    markEtcdMemberNode: nodeMembers
      ? (nodeName) => markNodeMember(nodeMembers!.client, nodeName, nodeMembers!.name, (line) => o.log?.(line)).catch((err: Error) => o.log?.(`etcd: ${err.message}`))
      : undefined,
    async stop() {
      compactor.stop();
      nodeMembers?.stop();
      snapshots?.stop();
      await metrics?.stop();
      await addons?.stop();
      await controllers?.stop();
      await scheduler?.stop();
      await encryptionReload?.stop();
      await apiServer.stop();
      auditor?.close();
      await store.close();
      nodeMembers?.close();
      await etcd?.stop();
    },
  };
}
