// The built-in metrics server of `k8ts server` (k3s ships metrics-server as an add-on pod; k8ts
// has no registry to pull its image from, so the same job runs in the server process as its own
// component, src/metrics, under its own identity). It listens on the server's address and is
// registered as upstream's manifest registers metrics-server: Service kube-system/metrics-server
// (without selector: its Endpoints are this server's address), APIService v1beta1.metrics.k8s.io
// with the cluster CA as caBundle. The aggregation layer proxies to it like to any other.
import type { ClientConfig } from '../client/kubeconfig.js';
import { R, resourcePath } from '../client/resources.js';
import { ApiStatusError, RestClient } from '../client/rest.js';
import type { MetricsServer, MetricsServerOptions } from '../metrics/run.js';
import type { KeyPair } from '../util/key-pair.js';
import { issueCert } from '../util/pki.js';
import type { KubeObject } from '../api/meta/types.js';

export const METRICS_SERVER_PORT = 4443;
const NAMESPACE = 'kube-system';
const NAME = 'metrics-server';
const LABELS = { 'k8s-app': 'metrics-server' };

export interface BuiltinMetricsServerOptions {
  ca: KeyPair;
  /** The metrics server's own credential (ServiceAccount kube-system/metrics-server's rights). */
  client: ClientConfig;
  /** Writes the registration (Service, Endpoints, APIService). */
  admin: ClientConfig;
  /** The address the API server reaches it at (the Endpoints' address; never loopback). */
  advertiseAddress: string;
  port?: number;
  resolutionMs?: number;
  kubeletInsecureTls?: boolean;
  log?: (line: string) => void;
}

async function upsert(client: RestClient, collection: string, obj: KubeObject, same: (cur: KubeObject) => boolean): Promise<void> {
  try {
    await client.create(collection, obj);
  } catch (err) {
    if (!(err instanceof ApiStatusError && err.code === 409)) throw err;
    const path = `${collection}/${obj.metadata.name}`;
    const cur = await client.get<KubeObject>(path);
    if (same(cur)) return;
    await client.update(path, { ...cur, ...obj, metadata: { ...cur.metadata, labels: { ...cur.metadata.labels, ...obj.metadata.labels } } });
  }
}

export async function startBuiltinMetricsServer(o: BuiltinMetricsServerOptions): Promise<MetricsServer> {
  const { startMetricsServer } = await import('../metrics/run.js');
  const serving = await issueCert(o.ca, { commonName: NAME, dnsNames: [NAME, `${NAME}.${NAMESPACE}`, `${NAME}.${NAMESPACE}.svc`, `${NAME}.${NAMESPACE}.svc.cluster.local`], ips: [o.advertiseAddress], usage: 'server' });
  const opts: MetricsServerOptions = { client: o.client, tls: serving, port: o.port ?? METRICS_SERVER_PORT, resolutionMs: o.resolutionMs, kubeletInsecureTls: o.kubeletInsecureTls, log: o.log };
  const server = await startMetricsServer(opts);
  const admin = new RestClient(o.admin, 'k8ts-server');
  try {
    const port = server.port;
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: NAME, namespace: NAMESPACE, labels: LABELS }, spec: { ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }] } };
    await upsert(admin, resourcePath(R.services, NAMESPACE), svc, () => true);
    const subsets = [{ addresses: [{ ip: o.advertiseAddress }], ports: [{ name: 'https', port, protocol: 'TCP' }] }];
    const eps = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: NAME, namespace: NAMESPACE, labels: LABELS }, subsets };
    await upsert(admin, resourcePath(R.endpoints, NAMESPACE), eps, (cur) => JSON.stringify((cur as { subsets?: unknown }).subsets) === JSON.stringify(subsets));
    const spec = {
      service: { namespace: NAMESPACE, name: NAME, port: 443 },
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      insecureSkipTLSVerify: false,
      caBundle: Buffer.from(o.ca.cert).toString('base64'),
      groupPriorityMinimum: 100,
      versionPriority: 100,
    };
    const apiService = { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: 'v1beta1.metrics.k8s.io', labels: LABELS }, spec };
    await upsert(admin, '/apis/apiregistration.k8s.io/v1/apiservices', apiService, (cur) => JSON.stringify((cur as { spec?: unknown }).spec) === JSON.stringify(spec));
  } catch (err) {
    await server.stop();
    throw err;
  } finally {
    admin.close();
  }
  return server;
}
