// The built-in metrics server (metrics-server's design): every --metric-resolution (15 s) it
// scrapes each node's kubelet, keeps the last two samples per node and container in memory, and
// serves metrics.k8s.io/v1beta1 over HTTPS to the API server's aggregation layer. It reaches the
// cluster only through the API client (nodes and pods from informers, the request-header
// configuration from kube-system/extension-apiserver-authentication) and the kubelets' own API.
import type { Node } from '../api/core/v1/types.js';
import type { Pod } from '../api/core/v1/pod/types.js';
import { SharedInformerFactory, type Informer } from '../client/informer.js';
import type { ClientConfig } from '../client/kubeconfig.js';
import { R, resourcePath } from '../client/resources.js';
import { RestClient } from '../client/rest.js';
import { RESOURCE_LIST, serveMetrics, type Objects } from './api.js';
import { DEFAULT_ADDRESS_TYPES, kubeletAddress, scrapeNode, type KubeletTls } from './scrape.js';
import { startMetricsHttpServer, type MetricsHttpServer, type RequestHeaderConfig } from './server.js';
import { MetricsStorage, type NodeScrape } from './storage.js';

export const DEFAULT_METRIC_RESOLUTION_MS = 15_000;
/** Scrapes in flight at once: enough to finish a round of thousands of nodes well within the resolution. */
const SCRAPE_CONCURRENCY = 32;
const AUTH_CONFIGMAP = resourcePath(R.configmaps, 'kube-system', 'extension-apiserver-authentication');

export interface MetricsServerOptions {
  client: ClientConfig;
  /** The serving certificate (for `<service>.<namespace>.svc`, what the APIService's caBundle verifies). */
  tls: { key: string; cert: string };
  host?: string;
  /** --secure-port; 0 picks a free one. */
  port: number;
  /** --metric-resolution (default 15 s). */
  resolutionMs?: number;
  /** --kubelet-insecure-tls: do not verify kubelets' serving certificates. */
  kubeletInsecureTls?: boolean;
  /** --kubelet-certificate-authority (default: the cluster CA of the client config). */
  kubeletCaPem?: string;
  /** --kubelet-preferred-address-types. */
  addressTypes?: readonly string[];
  log?: (line: string) => void;
}

export interface ScrapeRound {
  nodes: number;
  failed: number;
  ms: number;
}

export class MetricsServer {
  private readonly client: RestClient;
  private readonly factory: SharedInformerFactory;
  private readonly nodes: Informer<Node>;
  private readonly pods: Informer<Pod>;
  readonly storage = new MetricsStorage();
  private http?: MetricsHttpServer;
  private timer?: NodeJS.Timeout;
  private authTimer?: NodeJS.Timeout;
  private stopped = false;
  private round?: Promise<ScrapeRound>;
  /** The last completed round, for logs and benchmarks. */
  lastRound?: ScrapeRound;
  private readonly failing = new Set<string>();

  constructor(private readonly o: MetricsServerOptions) {
    this.client = new RestClient(o.client, 'k8ts-metrics-server');
    this.factory = new SharedInformerFactory(this.client);
    this.nodes = this.factory.informerFor<Node>(R.nodes);
    this.pods = this.factory.informerFor<Pod>(R.pods);
  }

  get port(): number {
    return this.http?.port ?? 0;
  }

  async start(): Promise<void> {
    this.factory.start();
    const requestHeader = await this.requestHeaderConfig();
    this.http = await startMetricsHttpServer({ host: this.o.host, port: this.o.port, tls: this.o.tls, requestHeader, handler: (p, q) => this.serve(p, q), log: this.o.log });
    // The API server may rotate its front-proxy CA: read the configuration again now and then.
    this.authTimer = setInterval(() => {
      void this.requestHeaderConfig()
        .then((c) => this.http?.setRequestHeader(c))
        .catch(() => undefined);
    }, 60_000);
    this.authTimer.unref();
    await this.factory.waitForSync();
    if (this.stopped) return;
    void this.scrape();
    this.timer = setInterval(() => void this.scrape(), this.o.resolutionMs ?? DEFAULT_METRIC_RESOLUTION_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.authTimer);
    await this.round?.catch(() => undefined);
    this.factory.stop();
    await this.http?.stop();
    this.client.close();
  }

  private async requestHeaderConfig(): Promise<RequestHeaderConfig> {
    for (let attempt = 0; ; attempt++) {
      try {
        const cm = await this.client.get<{ data?: Record<string, string> }>(AUTH_CONFIGMAP);
        const list = (k: string, d: string[]) => (cm.data?.[k] ? (JSON.parse(cm.data[k]!) as string[]) : d);
        const caPem = cm.data?.['requestheader-client-ca-file'];
        if (!caPem) throw new Error('no requestheader-client-ca-file in kube-system/extension-apiserver-authentication');
        return { caPem, allowedNames: list('requestheader-allowed-names', []), usernameHeaders: list('requestheader-username-headers', ['X-Remote-User']) };
      } catch (err) {
        if (this.stopped || attempt >= 30) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private objects(): Objects {
    return {
      nodes: () => this.nodes.list(),
      node: (name) => this.nodes.get(name),
      pods: (ns) => this.pods.list(ns),
      pod: (ns, name) => this.pods.get(`${ns}/${name}`),
    };
  }

  private serve(path: string, q: URLSearchParams): { code: number; body: unknown } {
    const notFound = { code: 404, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 } };
    if (path === '/apis/metrics.k8s.io/v1beta1') return { code: 200, body: RESOURCE_LIST };
    if (path === '/apis/metrics.k8s.io') {
      const v = { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' };
      return { code: 200, body: { kind: 'APIGroup', apiVersion: 'v1', name: 'metrics.k8s.io', versions: [v], preferredVersion: v } };
    }
    const prefix = '/apis/metrics.k8s.io/v1beta1/';
    if (!path.startsWith(prefix)) return notFound;
    const parts = path.slice(prefix.length).split('/').map(decodeURIComponent);
    return serveMetrics(parts, q, this.objects(), this.storage) ?? notFound;
  }

  /** One round: every node scraped (bounded concurrency), then the storage replaced at once. */
  scrape(): Promise<ScrapeRound> {
    if (this.round) return this.round;
    const run = this.scrapeRound().finally(() => {
      this.round = undefined;
    });
    this.round = run;
    return run;
  }

  private async scrapeRound(): Promise<ScrapeRound> {
    const started = Date.now();
    const cfg = this.o.client;
    const tls: KubeletTls = { cert: cfg.certSource?.().certPem ?? cfg.certPem, key: cfg.certSource?.().keyPem ?? cfg.keyPem, token: cfg.tokenSource?.() ?? cfg.token, ca: this.o.kubeletCaPem ?? cfg.caPem, insecure: !!this.o.kubeletInsecureTls };
    const resolution = this.o.resolutionMs ?? DEFAULT_METRIC_RESOLUTION_MS;
    const timeoutMs = Math.max(1000, Math.min(10_000, resolution * 0.9));
    const nodes = this.nodes.list();
    const results = new Map<string, NodeScrape>();
    let failed = 0;
    let i = 0;
    const worker = async () => {
      while (i < nodes.length && !this.stopped) {
        const node = nodes[i++]!;
        const name = node.metadata.name!;
        const addr = kubeletAddress(node, this.o.addressTypes ?? DEFAULT_ADDRESS_TYPES);
        if (!addr) continue;
        try {
          results.set(name, await scrapeNode(addr.host, addr.port, tls, timeoutMs));
          this.failing.delete(name);
        } catch (err) {
          failed++;
          // Logged when a node starts failing, not every round.
          if (!this.failing.has(name)) this.o.log?.(`metrics-server: failed to scrape node ${name} (${addr.host}:${addr.port}): ${err instanceof Error ? err.message : String(err)}`);
          this.failing.add(name);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(SCRAPE_CONCURRENCY, nodes.length) }, worker));
    if (!this.stopped) this.storage.store(results);
    const round = { nodes: nodes.length, failed, ms: Date.now() - started };
    this.lastRound = round;
    return round;
  }
}

export async function startMetricsServer(o: MetricsServerOptions): Promise<MetricsServer> {
  const m = new MetricsServer(o);
  try {
    await m.start();
  } catch (err) {
    // Its informers already run: a listener that failed (a port taken) must not leave them behind.
    await m.stop();
    throw err;
  }
  return m;
}
