// The ingress controller of a node: informers on Ingresses, IngressClasses, Services,
// EndpointSlices, Secrets, Nodes and the Gateway API's kinds; on any change one level-based sync
// recomputes the whole routing model (Ingresses and Gateway routes) from the caches, writes the
// certificates and the nginx configuration, applies it (a reload only when it changed), then
// brings every served Ingress's status.loadBalancer to the node addresses, records an Event for
// what it could not serve (a missing Service or Secret) and writes the Gateway API status.
import { join } from 'node:path';
import type { Namespace, Node, Secret, Service } from '../api/core/v1/types.js';
import type { EndpointSlice } from '../api/discovery/v1/types.js';
import type { Ingress, IngressClass } from '../api/networking/v1/types.js';
import { EventRecorder } from '../client/events.js';
import { Informer, labelIndex } from '../client/informer.js';
import type { ClientConfig } from '../client/kubeconfig.js';
import { gvr, R, resourcePath } from '../client/resources.js';
import { RestClient, type ApiClient } from '../client/rest.js';
import { createCa, issueCert } from '../util/pki.js';
import { CONTROLLER_NAME, DEFAULT_CLASS_ANNOTATION, buildModel, type Problem, type RoutingModel } from './model.js';
import { Nginx } from './nginx.js';
import { renderNginxConfig, type NginxLayout } from './nginx-config.js';
import { buildGatewayModel, GATEWAY_CONTROLLER_NAME, type GatewayModel } from './gateway/model.js';
import { GATEWAY_RESOURCES, writeGatewayStatus } from './gateway/status.js';
import type { Gateway, GatewayClass, GRPCRoute, HTTPRoute, ReferenceGrant } from './gateway/types.js';

export const DEFAULT_INGRESS_CLASS = 'k8ts';
export const DEFAULT_HTTP_PORT = 80;
export const DEFAULT_HTTPS_PORT = 443;
const INGRESSES = gvr('networking.k8s.io', 'v1', 'ingresses');
const INGRESS_CLASSES = gvr('networking.k8s.io', 'v1', 'ingressclasses');
const SERVICE_NAME = labelIndex('kubernetes.io/service-name');
/** Changes arriving together make one reload. */
const SYNC_DEBOUNCE_MS = 100;
const RETRY_MS = 2000;

export interface IngressControllerOptions {
  nodeName: string;
  /** The controller's folder (nginx prefix: configuration, certificates, logs). */
  dataDir: string;
  httpPort?: number;
  httpsPort?: number;
  /** Addresses nginx listens on (default: all). */
  listen?: string[];
  workers?: number | 'auto';
  nginxBinary?: string;
  log?: (line: string) => void;
}

/** The default IngressClass as the server's manifests directory installs it; users may edit or replace it. */
export function defaultIngressClass(): IngressClass {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name: DEFAULT_INGRESS_CLASS, annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' }, labels: { 'app.kubernetes.io/managed-by': 'k8ts' } },
    spec: { controller: CONTROLLER_NAME },
  };
}

/** status.loadBalancer.ingress: the InternalIP of every Ready node (each node's controller answers there). */
export function nodeAddresses(nodes: Node[]): { ip: string }[] {
  const ips = new Set<string>();
  for (const n of nodes) {
    const ready = n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    const ip = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    if (ready && ip) ips.add(ip);
  }
  return [...ips].sort().map((ip) => ({ ip }));
}

export class IngressController {
  readonly nginx: Nginx;
  readonly ingresses: Informer<Ingress>;
  private readonly classes: Informer<IngressClass>;
  private readonly services: Informer<Service>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly secrets: Informer<Secret>;
  private readonly nodes: Informer<Node>;
  private readonly namespaces: Informer<Namespace>;
  // The Gateway API's kinds are CRDs (an add-on): until they are served these informers retry, and the model sees none.
  private readonly gatewayClasses: Informer<GatewayClass>;
  private readonly gateways: Informer<Gateway>;
  private readonly httpRoutes: Informer<HTTPRoute>;
  private readonly grpcRoutes: Informer<GRPCRoute>;
  private readonly grants: Informer<ReferenceGrant>;
  private readonly recorder: EventRecorder;
  private readonly log: (line: string) => void;
  private readonly written = new Map<string, string>();
  /** What was last reported per Ingress (uid + problems), so a steady state records no new Events. */
  private readonly reported = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private defaultCert?: { cert: string; key: string };
  model?: RoutingModel;
  gatewayModel?: GatewayModel;
  syncs = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly client: ApiClient,
    private readonly o: IngressControllerOptions,
  ) {
    this.log = o.log ?? (() => undefined);
    this.nginx = new Nginx(o.dataDir, this.log, o.nginxBinary, () => this.request());
    this.recorder = new EventRecorder(client, 'k8ts-ingress-controller', o.nodeName);
    const c = client;
    this.ingresses = new Informer<Ingress>(c, INGRESSES);
    this.classes = new Informer<IngressClass>(c, INGRESS_CLASSES);
    this.services = new Informer<Service>(c, R.services);
    this.slices = new Informer<EndpointSlice>(c, R.endpointslices);
    this.slices.addIndex(SERVICE_NAME);
    this.secrets = new Informer<Secret>(c, R.secrets);
    this.nodes = new Informer<Node>(c, R.nodes);
    this.namespaces = new Informer<Namespace>(c, R.namespaces);
    const quiet = { log: (line: string) => this.log(`ingress: ${line}`) };
    this.gatewayClasses = new Informer<GatewayClass>(c, GATEWAY_RESOURCES.gatewayclasses, quiet);
    this.gateways = new Informer<Gateway>(c, GATEWAY_RESOURCES.gateways, quiet);
    this.httpRoutes = new Informer<HTTPRoute>(c, GATEWAY_RESOURCES.httproutes, quiet);
    this.grpcRoutes = new Informer<GRPCRoute>(c, GATEWAY_RESOURCES.grpcroutes, quiet);
    this.grants = new Informer<ReferenceGrant>(c, GATEWAY_RESOURCES.referencegrants, quiet);
    for (const i of [...this.informers(), ...this.gatewayInformers()]) i.addHandlers({ add: () => this.request(), update: () => this.request(), delete: () => this.request() });
  }

  private informers(): Informer<any>[] {
    return [this.ingresses, this.classes, this.services, this.slices, this.secrets, this.nodes, this.namespaces];
  }

  private gatewayInformers(): Informer<any>[] {
    return [this.gatewayClasses, this.gateways, this.httpRoutes, this.grpcRoutes, this.grants];
  }

  async start(): Promise<void> {
    const layout = await this.layout();
    await this.nginx.prepare(layout.user);
    this.defaultCert = await this.loadDefaultCert();
    for (const i of [...this.informers(), ...this.gatewayInformers()]) i.start();
    await Promise.all(this.informers().map((i) => i.waitForSync()));
    // The first sync starts nginx; a port that is taken fails here, loudly, rather than later.
    await this.syncNow();
    if (!this.nginx.running) throw new Error(`nginx is not serving (see ${join(this.o.dataDir, 'error.log')})`);
  }

  /** A self-signed certificate for hosts without their own (ingress-nginx's "fake certificate"), kept across restarts. */
  private async loadDefaultCert(): Promise<{ cert: string; key: string }> {
    const { readFile } = await import('node:fs/promises');
    const p = this.certPath('');
    try {
      return { cert: await readFile(p.cert, 'utf8'), key: await readFile(p.key, 'utf8') };
    } catch {
      const ca = await createCa('k8ts ingress default CA');
      const leaf = await issueCert(ca, { commonName: 'Kubernetes Ingress Controller Fake Certificate', dnsNames: ['ingress.local'], usage: 'server', days: 3650 });
      await this.nginx.writePrivate(p.cert, leaf.cert);
      await this.nginx.writePrivate(p.key, leaf.key);
      return leaf;
    }
  }

  private certPath(id: string): { cert: string; key: string } {
    const base = join(this.o.dataDir, 'certs', id === '' ? '_default' : id);
    return { cert: `${base}.crt`, key: `${base}.key` };
  }

  private layoutCache?: NginxLayout;
  private async layout(): Promise<NginxLayout> {
    this.layoutCache ??= {
      prefix: this.o.dataDir,
      listen: this.o.listen?.length ? this.o.listen : ['*'],
      httpPort: this.o.httpPort ?? DEFAULT_HTTP_PORT,
      httpsPort: this.o.httpsPort ?? DEFAULT_HTTPS_PORT,
      workers: this.o.workers ?? 'auto',
      user: await this.nginx.workerUser(),
      certPath: (id) => this.certPath(id),
    };
    return this.layoutCache;
  }

  /** Something changed: sync soon (changes within the debounce window share one sync). */
  request(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.syncNow().catch((err: Error) => {
        this.log(`ingress: sync failed, retrying: ${err.message}`);
        if (!this.stopped) this.timer = setTimeout(() => ((this.timer = undefined), this.request()), RETRY_MS);
      });
    }, SYNC_DEBOUNCE_MS);
  }

  /** Resolves after a sync that started after this call (tests, and callers that changed something). */
  synced(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.request();
    });
  }

  /** One sync at a time; a request during a sync runs another after it. */
  async syncNow(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const waiters = this.waiters.splice(0);
    this.running = this.sync().finally(() => (this.running = undefined));
    await this.running;
    for (const w of waiters) w();
    if (this.again) {
      this.again = false;
      this.request();
    }
  }

  private async sync(): Promise<void> {
    const model = buildModel({
      ingresses: this.ingresses.list(),
      classes: this.classes.list(),
      service: (ns, name) => this.services.get(`${ns}/${name}`),
      slices: (ns, svc) => this.slices.byIndex(SERVICE_NAME, svc).filter((s) => s.metadata.namespace === ns),
      secret: (ns, name) => this.secrets.get(`${ns}/${name}`),
    });
    const gatewaysKnown = this.gatewayInformers().every((i) => i.hasSynced());
    const gw = buildGatewayModel({
      classes: this.gatewayClasses.list(),
      gateways: this.gateways.list(),
      httpRoutes: this.httpRoutes.list(),
      grpcRoutes: this.grpcRoutes.list(),
      grants: this.grants.list(),
      namespaceLabels: (name) => this.namespaces.get(name)?.metadata.labels,
      service: (ns, name) => this.services.get(`${ns}/${name}`),
      slices: (ns, svc) => this.slices.byIndex(SERVICE_NAME, svc).filter((s) => s.metadata.namespace === ns),
      addresses: nodeAddresses(this.nodes.list()).map((a) => a.ip),
    });
    for (const [id, pair] of model.certs) await this.writeCert(id, pair);
    const conf = renderNginxConfig(model, await this.layout(), gw);
    const applied = await this.nginx.apply(conf);
    this.model = model;
    this.gatewayModel = gw;
    this.syncs++;
    if (!applied) return;
    await this.updateStatuses(model);
    this.recordProblems(model);
    // Status only from complete caches: a half-listed cluster would report routes as unattached.
    if (gatewaysKnown) {
      await writeGatewayStatus(
        this.client,
        gw,
        { classes: this.gatewayClasses.list(), gateways: this.gateways.list(), httpRoutes: this.httpRoutes.list(), grpcRoutes: this.grpcRoutes.list() },
        GATEWAY_CONTROLLER_NAME,
        this.log,
      );
    }
  }

  private async writeCert(id: string, pair: { cert: string; key: string }): Promise<void> {
    const text = pair.cert + '\n' + pair.key;
    if (this.written.get(id) === text) return;
    const p = this.certPath(id);
    await this.nginx.writePrivate(p.cert, pair.cert);
    await this.nginx.writePrivate(p.key, pair.key);
    this.written.set(id, text);
  }

  private async updateStatuses(model: RoutingModel): Promise<void> {
    const want = nodeAddresses(this.nodes.list());
    for (const key of model.served) {
      const ing = this.ingresses.get(key);
      if (!ing) continue;
      const have = ing.status?.loadBalancer?.ingress ?? [];
      if (JSON.stringify(have) === JSON.stringify(want)) continue;
      await this.client.patch(resourcePath(INGRESSES, ing.metadata.namespace, ing.metadata.name, 'status'), { status: { loadBalancer: { ingress: want } } }).catch((err: Error) => {
        this.log(`ingress: status of ${key} not updated: ${err.message}`);
      });
    }
  }

  private recordProblems(model: RoutingModel): void {
    for (const key of model.served) {
      const ing = this.ingresses.get(key);
      if (!ing) continue;
      const problems: Problem[] = model.problems.get(key) ?? [];
      const stamp = JSON.stringify([ing.metadata.uid, ing.metadata.generation, problems]);
      if (this.reported.get(key) === stamp) continue;
      this.reported.set(key, stamp);
      for (const p of problems) this.recorder.event(ing, p.type, p.reason, p.message);
      if (!problems.length) this.recorder.event(ing, 'Normal', 'Sync', 'Scheduled for sync');
    }
    for (const key of [...this.reported.keys()]) if (!model.served.includes(key)) this.reported.delete(key);
  }

  /** Events written so far (tests). */
  flushEvents(): Promise<unknown> {
    return this.recorder.flush();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const i of [...this.informers(), ...this.gatewayInformers()]) i.stop();
    await this.running?.catch(() => undefined);
    await this.nginx.stop();
  }
}

export interface RunningIngressController {
  controller: IngressController;
  stop(): Promise<void>;
}

/** A controller with its own API connection, serving once its caches have synced and nginx runs. */
export async function startIngressController(config: ClientConfig, opts: IngressControllerOptions): Promise<RunningIngressController> {
  const client = new RestClient(config, 'k8ts-ingress-controller');
  const controller = new IngressController(client, opts);
  try {
    await controller.start();
  } catch (err) {
    await controller.stop();
    client.close();
    throw err;
  }
  return {
    controller,
    async stop() {
      await controller.stop();
      client.close();
    },
  };
}
