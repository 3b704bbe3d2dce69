// kube-apiserver: HTTPS (HTTP/2 and HTTP/1.1) in front of the registry, the generic resource
// store and the watch cache.
import { DEFAULT_CIPHERS as tlsDefaultCiphers } from 'node:tls';
import { constants as http2Constants, createSecureServer, type Http2SecureServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { KindDefinition } from '../api/scheme/kind.js';
import type { Store } from '../storage/store.js';
import type { DefaultTolerationOptions } from './admission/default-tolerations.js';
import { admissionChain } from './admission/plugins.js';
import { cachedServiceLookup } from './aggregator/resolve.js';
import { WebhookClient } from './webhook/client.js';
import type { ServiceAllocator, ServiceNetwork } from './admission/service-allocation.js';
import type { Authenticator, TokenAuthenticator } from './auth/token.js';
import { asTokenAuthenticator, UnionAuthenticator, withAuthenticatedGroup } from './auth/union.js';
import { aggregatedDiscovery, AGGREGATED_CONTENT_TYPE, apiGroup, apiGroupList, apiResourceList, apiVersions, type RemoteGroup } from './discovery/discovery.js';
import { Aggregator, type AggregatorOptions } from './aggregator/aggregator.js';
import { bootstrapKubernetesService, bootstrapNamespaces, bootstrapPriorityClasses } from './bootstrap.js';
import { bootstrapRbac } from './bootstrap-rbac.js';
import { ANONYMOUS_USER } from './auth/anonymous.js';
import { BootstrapTokenAuthenticator } from './auth/bootstrap-token.js';
import { watchCacheGetter } from './auth/cache-getter.js';
import { bearerToken, type UserInfo } from './auth/token.js';
import { tlsSocketOf, X509Authenticator } from './auth/x509.js';
import { attributesFor, authorizationInfo } from './authz/attributes.js';
import { DEFAULT_AUTHORIZATION_MODES, type AuthorizationMode } from './authz/authorizer.js';
import { escalationCheck } from './authz/escalation.js';
import { forbidden } from './authz/forbidden.js';
import { impersonate } from './authz/impersonation.js';
import { buildAuthorization, type Authorization } from './authz/modes.js';
import { setRequestAnnotator, setRequestUser } from './authz/request-user.js';
import { ApiError, errors, toApiError } from './errors.js';
import { negotiate } from './http/negotiate.js';
import { parseRequestInfo, type RequestInfo } from './http/request-info.js';
import type { ApiContext } from './handlers/context.js';
import { handleResource } from './handlers/resources.js';
import { sendJson, sendStatus, sendText } from './http/respond.js';
import { serveOpenApi } from './openapi/serve.js';
import { KubeletProxy } from './proxy/kubelet-proxy.js';
import { writeStatusAndClose } from './proxy/upgrade.js';
import { Registry } from './registry/registry.js';
import { ResourceStore } from './rest/resource-store.js';
import { ServiceAccountTokens, type ServiceAccountTokenOptions } from './handlers/service-account-tokens.js';
import { servingProvider } from './handlers/serving.js';
import { CACERTS_PATH } from './handlers/cacerts.js';
import { SERVER_BOOTSTRAP_PATH, serveServerBootstrap, type ServerBootstrapSource } from './handlers/server-bootstrap.js';
import { EndpointReconciler } from './endpoint-reconciler.js';
import { CrdServing } from './crd/crd-serving.js';
import { NODE_CREDENTIALS_PATH, serveNodeCredentials, type NodeCredentialIssuer } from './handlers/node-credentials.js';
import { WatchCache } from './watchcache/watch-cache.js';
import type { Auditor, RequestAudit } from './audit/event.js';
import { tapResponse } from './audit/response-tap.js';
import { keepRequestObjects } from './http/request-body.js';
import { deadlineExceeded, DEFAULT_REQUEST_TIMEOUT_MS, requestDeadlineMs } from './filters/deadline.js';
import { MaxInFlight, type InFlightLimits } from './filters/inflight.js';
import { isLongRunning } from './filters/long-running.js';
import { KUBERNETES_VERSION } from './version.js';
import { ApiServerMetrics, requestLabels } from './metrics/apiserver-metrics.js';
import { MeteredStore } from './metrics/metered-store.js';
import { exposition, PROMETHEUS_CONTENT_TYPE } from '../util/prometheus.js';
import type { Registry as MetricsRegistry } from 'prom-client';

/**
 * Node's default suites, with OpenSSL's security level lowered for one thing: a TLS 1.2 client
 * that sends no signature_algorithms (busybox's wget, what pods reach the API with) implies SHA-1
 * for the handshake signature, which OpenSSL 3 refuses above level 0 and Go's crypto/tls (so
 * kube-apiserver) accepts. Clients that list algorithms still get what they list; the suites
 * themselves stay Node's strong defaults.
 */
const SERVING_CIPHERS = `${tlsDefaultCiphers}:@SECLEVEL=0`;

export interface ApiServerOptions {
  store: Store;
  kinds: readonly KindDefinition[];
  authenticator: Authenticator;
  /** The serving certificate; several (ECDSA and RSA) are offered per client hello. */
  tls: { key: string | string[]; cert: string | string[] };
  host?: string;
  port?: number;
  /** Preferred version per group where several are served. */
  preferredVersions?: Record<string, string>;
  serviceNetwork?: ServiceNetwork;
  /** The address other components reach this server at (the `kubernetes` service endpoint). */
  advertiseAddress?: string;
  /** Deadline for requests that are not long-running (kube-apiserver's --request-timeout, 60 s). */
  requestTimeoutMs?: number;
  /** kube-apiserver's --max-requests-inflight / --max-mutating-requests-inflight (400 / 200). */
  inFlightLimits?: InFlightLimits;
  /** kube-apiserver's --min-request-timeout (1800 s): watches without timeoutSeconds end after this times 1–2. */
  minRequestTimeoutSeconds?: number;
  /** The audit policy and log (--audit-policy-file, --audit-log-path); no events without it. */
  audit?: Auditor;
  /** DefaultTolerationSeconds admission: the not-ready/unreachable tolerations given to new pods. */
  defaultTolerationSeconds?: DefaultTolerationOptions;
  /** Service-account tokens: the TokenRequest API and the authentication of its tokens. */
  serviceAccountTokens?: ServiceAccountTokenOptions;
  /** kube-apiserver's --client-ca-file: client certificates it issued authenticate their CN (user) and O (groups). */
  clientCaPem?: string;
  /** The certificate presented to kubelets (kube-apiserver's --kubelet-client-certificate/-key). */
  kubeletClient?: { key: string; cert: string };
  /** kube-apiserver's --authorization-mode, in order (default Node,RBAC, as kubeadm and k3s set it). */
  authorizationModes?: readonly AuthorizationMode[];
  /**
   * Requests without credentials run as system:anonymous (kube-apiserver's --anonymous-auth).
   * Never with AlwaysAllow among the modes, as upstream resets it there.
   */
  anonymousAuth?: boolean;
  /** Let Services set spec.externalIPs: no DenyServiceExternalIPs admission (CVE-2020-8554). */
  allowServiceExternalIPs?: boolean;
  /** Admission plugins that run (kube-apiserver's --enable/--disable-admission-plugins); default: upstream's default-on set. */
  admissionPlugins?: ReadonlySet<string>;
  /**
   * The CA bundle served at GET /cacerts to anyone, as k3s serves it: a joiner checks it against
   * the hash in its token before it trusts the server with a credential.
   */
  caCertsPem?: string;
  /** The cluster's secrets for a joining server (served at /v1-k8ts/server-bootstrap to the server token's holders). */
  serverBootstrap?: ServerBootstrapSource;
  /** Issues a joining node's own certificates (served at /v1-k8ts/node-credentials to the join token's holders). */
  nodeCredentials?: NodeCredentialIssuer;
  /**
   * The aggregation layer's front-proxy credentials (--proxy-client-cert-file, --requestheader-client-ca-file).
   * Without them APIServices are stored and local ones kept, but none is proxied to.
   */
  aggregator?: Pick<AggregatorOptions, 'proxyClient' | 'requestHeaderCaPem' | 'checkIntervalMs'>;
  clock?: () => number;
  log?: (line: string) => void;
}


const OPEN_PATHS = [/^\/(healthz|livez|readyz)(\/.*)?$/, /^\/version\/?$/];
const HEALTH_ENDPOINTS = ['healthz', 'livez', 'readyz'];

/** A path served outside the resource URL grammar. */
interface RootRoute {
  /** The paths `GET /` lists for it. */
  paths(): readonly string[];
  /** Whether the (trailing-slash-trimmed) path is this route's. */
  matches(path: string): boolean;
  /** Health and version answer every method; the rest only GET and HEAD. */
  anyMethod?: boolean;
  serve(path: string, req: Http2ServerRequest, res: Http2ServerResponse, url: URL): void | Promise<void>;
}

export class ApiServer {
  readonly registry: Registry;
  readonly cache: WatchCache;
  readonly resources: ResourceStore;
  private server?: Http2SecureServer;
  private ready = false;
  private readonly ctx: ApiContext;
  private readonly kubelet: KubeletProxy;
  private endpoints?: EndpointReconciler;
  private readonly connections = new Set<Duplex>();
  /** Serves CustomResourceDefinitions: their conditions, their resources' entries, their cleanup. */
  private readonly crds: CrdServing;
  private readonly allocator?: ServiceAllocator;
  /** The configured authenticator and, when enabled, the service-account token one. */
  private readonly authenticator: TokenAuthenticator;
  readonly serviceAccountTokens?: ServiceAccountTokens;
  readonly authorization: Authorization;
  /** Only AlwaysAllow: nothing to ask per request. */
  private readonly allowAll: boolean;
  private readonly anonymous: boolean;
  private readonly x509?: X509Authenticator;
  private port = 0;
  private readonly inflight: MaxInFlight;
  /** Calls admission and conversion webhooks. */
  private readonly webhooks: WebhookClient;
  /** The aggregation layer, once started. */
  aggregator?: Aggregator;
  /** kube-apiserver's metrics; `/metrics` serves them with those of the components added to it. */
  readonly metrics: ApiServerMetrics;
  private readonly metricsRegistries: MetricsRegistry[] = [];
  private readonly store: Store;

  constructor(private readonly opts: ApiServerOptions) {
    this.registry = new Registry(opts.kinds, opts.preferredVersions);
    this.inflight = new MaxInFlight(opts.inFlightLimits);
    if (opts.audit) keepRequestObjects();
    this.metrics = new ApiServerMetrics();
    this.metricsRegistries.push(this.metrics.registry);
    // A key's first segment is a group when it has a dot (every CRD's group does) or names a
    // built-in group; those are all known now, so the storage hot path never walks the registry.
    const builtinGroups = new Set(this.registry.groups().map((g) => g.group));
    const isGroup = (segment: string) => segment.includes('.') || builtinGroups.has(segment);
    this.store = new MeteredStore(opts.store, (op, type, seconds) => this.metrics.observeStorage(op, type, seconds), isGroup);
    this.cache = new WatchCache(this.store, this.registry.storedResources().map((e) => e.keyPrefix));
    const clock = opts.clock ?? Date.now;
    this.resources = new ResourceStore(this.store, this.cache, clock);
    this.metrics.setSources({
      inflight: () => this.inflight.inUse(),
      storedObjects: () => this.registry.storedResources().map((e) => [e.group ? `${e.resource}.${e.group}` : e.resource, this.cache.resource(e.keyPrefix).items.size] as [string, number]),
    });
    this.webhooks = new WebhookClient(cachedServiceLookup(this.registry, this.cache));
    const admission = admissionChain(this.registry, this.cache, { webhookClient: this.webhooks, defaultTolerationSeconds: opts.defaultTolerationSeconds, serviceAccountTokens: !!opts.serviceAccountTokens, serviceNetwork: opts.serviceNetwork, allowServiceExternalIPs: opts.allowServiceExternalIPs, enabledPlugins: opts.admissionPlugins });
    for (const check of admission.checks) this.resources.addAdmission(check);
    const modes = opts.authorizationModes ?? DEFAULT_AUTHORIZATION_MODES;
    this.authorization = buildAuthorization(modes, this.cache, this.registry);
    this.allowAll = modes.length > 0 && modes[0] === 'AlwaysAllow';
    this.anonymous = (opts.anonymousAuth ?? true) && !modes.includes('AlwaysAllow');
    if (opts.clientCaPem) this.x509 = new X509Authenticator(opts.clientCaPem, clock);
    this.resources.addAdmission(escalationCheck(this.authorization.authorizer, this.authorization.resolver));
    this.allocator = admission.allocator;
    this.kubelet = new KubeletProxy({ registry: this.registry, resources: this.resources }, opts.kubeletClient, opts.log);
    this.ctx = { registry: this.registry, resources: this.resources, clock, kubelet: this.kubelet, minRequestTimeoutSeconds: opts.minRequestTimeoutSeconds, watchEvents: (g, v, r) => this.metrics.watchEventsFor(g, v, r) };
    const given = asTokenAuthenticator(opts.authenticator);
    if (opts.serviceAccountTokens) this.serviceAccountTokens = new ServiceAccountTokens(opts.serviceAccountTokens, this.registry, this.cache, clock);
    // Bootstrap tokens are on, as kubeadm and k3s turn on --enable-bootstrap-token-auth.
    const bootstrapTokens = new BootstrapTokenAuthenticator(watchCacheGetter(this.registry, this.cache).secret, clock);
    this.authenticator = new UnionAuthenticator(this.serviceAccountTokens ? [given, bootstrapTokens, this.serviceAccountTokens.authenticator] : [given, bootstrapTokens]);
    this.crds = new CrdServing(this.registry, this.resources, opts.log, this.webhooks);
    this.registry.serve(
      servingProvider(this.ctx, {
        tokenRequests: this.serviceAccountTokens?.requestPolicy,
        authenticator: this.authenticator,
        apiAudiences: this.serviceAccountTokens?.apiAudiences ?? [],
        authorization: this.authorization,
        admissionPlugins: opts.admissionPlugins,
      }),
    );
  }

  /** Start the cache, create the system namespaces, and listen. Resolves to the bound port. */
  async start(): Promise<number> {
    await this.cache.start();
    await bootstrapNamespaces(this.registry, this.resources);
    await bootstrapPriorityClasses(this.registry, this.resources);
    if (this.authorization.modes.includes('RBAC')) await bootstrapRbac(this.registry, this.resources);
    // Stored CRDs are served before the server listens, so their resources answer from the first request.
    await this.crds.start();
    if (this.opts.aggregator && this.registry.lookup('apiregistration.k8s.io', 'v1', 'apiservices')) {
      this.aggregator = new Aggregator(this.registry, this.cache, this.resources, { ...this.opts.aggregator, clientCaPem: this.opts.clientCaPem, clock: this.opts.clock, log: this.opts.log });
      await this.aggregator.start();
    }
    // A client certificate is asked for, never required: it is checked per request (x509.ts).
    const clientCerts = this.opts.clientCaPem ? { requestCert: true, rejectUnauthorized: false, ca: this.opts.clientCaPem } : {};
    const server = createSecureServer({ key: this.opts.tls.key, cert: this.opts.tls.cert, ciphers: SERVING_CIPHERS, allowHTTP1: true, ...clientCerts });
    server.on('request', (req: Http2ServerRequest, res: Http2ServerResponse) => void this.handle(req, res));
    // HTTP/1.1 upgrades (kubectl's exec, attach, port-forward) come as 'upgrade', not as requests.
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.handleUpgrade(req, socket, head));
    // A client that speaks nonsense on the socket gets the connection closed, nothing more.
    server.on('sessionError', () => undefined);
    server.on('tlsClientError', () => undefined);
    // Connections are tracked so that stop() can end those still open after the grace period:
    // an HTTP/2 server's close() waits for its sessions, and one idle client would keep it (and its process) alive.
    server.on('connection', (socket: Duplex) => {
      this.connections.add(socket);
      socket.once('close', () => this.connections.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 6443, this.opts.host ?? '0.0.0.0', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    try {
      if (this.allocator) await bootstrapKubernetesService(this.registry, this.resources, { clusterIP: this.allocator.apiServerServiceIP, port: this.port });
      // Endpoints may not point at loopback: without a routable address the service has none.
      if (this.allocator && this.opts.advertiseAddress) {
        this.endpoints = new EndpointReconciler(this.registry, this.resources, { ip: this.opts.advertiseAddress, port: this.port, log: this.opts.log });
        await this.endpoints.start();
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.ready = true;
    return this.port;
  }

  async stop(): Promise<void> {
    this.ready = false;
    this.crds.stop();
    this.webhooks.close();
    this.aggregator?.stop();
    await this.endpoints?.stop();
    this.cache.stop();
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Long-running watches would hold close() open forever.
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      setTimeout(resolve, 2000).unref();
    });
    for (const socket of this.connections) socket.destroy();
    this.connections.clear();
  }

  private async handle(req: Http2ServerRequest, res: Http2ServerResponse): Promise<void> {
    const started = Date.now();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'https://localhost');
    } catch {
      sendStatus(res, errors.badRequest('malformed request URL').status);
      return;
    }
    const info = this.requestInfo(req.method ?? 'GET', url.pathname, url);
    const longRunning = isLongRunning(info, url.searchParams);
    const audit = this.opts.audit && this.beginAudit(this.opts.audit, req, res, url, info, longRunning, started);
    const labels = requestLabels(info, req.method ?? 'GET', url.searchParams, req.headers['content-type']);
    const endLongRunning = longRunning ? this.metrics.trackLongRunning(labels) : undefined;
    const startedPrecise = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      if (!longRunning) {
        const deadline = requestDeadlineMs(url.searchParams, this.opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
        timer = setTimeout(() => {
          if (res.headersSent) return;
          sendStatus(res, deadlineExceeded().status);
          // Upstream cancels the handler's context; here a body still awaited is cut off once the
          // 504 is out, or the handler (and its in-flight slot) would wait for it forever. HTTP/2
          // ends the stream with RST_STREAM NO_ERROR after the response, as RFC 9113 8.1 allows.
          if (req.complete) return;
          const stream = (req as Partial<Http2ServerRequest>).stream;
          if (stream) setImmediate(() => stream.close(http2Constants.NGHTTP2_NO_ERROR));
          else res.once('finish', () => req.destroy());
        }, deadline);
      }
      await this.route(req, res, url, info, longRunning, audit);
    } catch (err) {
      const e = toApiError(err);
      const unexpected = err instanceof Error && !(err instanceof ApiError);
      if (e.code >= 500) this.opts.log?.(`${req.method} ${url.pathname}: ${e.message}${unexpected ? `\n${err.stack}` : ''}`);
      if (unexpected && e.code >= 500) audit?.panic(e.message);
      if (!res.headersSent) sendStatus(res, e.status);
      else if (!res.writableEnded) res.end();
    } finally {
      if (timer) clearTimeout(timer);
      endLongRunning?.();
      this.metrics.observeRequest(labels, res.statusCode, (performance.now() - startedPrecise) / 1000, longRunning);
      this.opts.log?.(`${req.method} ${url.pathname}${url.search} ${res.statusCode} ${Date.now() - started}ms`);
    }
  }

  /**
   * Authentication, impersonation and authorization, as upstream's filter chain: the user the
   * request runs as, or undefined for an open path (health, version) served without one.
   */
  private admit(req: Http2ServerRequest | IncomingMessage, url: URL, open: boolean, parsed: RequestInfo, audit?: RequestAudit): UserInfo | undefined {
    const method = req.method ?? 'GET';
    const headers = req.headers as Http2ServerRequest['headers'];
    const authorization = headers['authorization'];
    // As upstream's union: a client certificate first, then bearer tokens.
    const cert = this.x509?.authenticate(tlsSocketOf(req as Parameters<typeof tlsSocketOf>[0]));
    if (cert && !cert.ok) throw errors.unauthorized();
    let user = cert?.ok ? withAuthenticatedGroup(cert.user) : this.authenticator.authenticate(authorization);
    if (!user) {
      // Only a bearer token that fails is refused (an empty or malformed one too, as upstream's
      // bearer authenticator); a request without one may be anonymous.
      const credentials = bearerToken(authorization) !== undefined || /^bearer /i.test(authorization ?? '');
      if (credentials || !this.anonymous) {
        audit?.authenticated(undefined);
        if (open && !credentials) return undefined;
        throw errors.unauthorized();
      }
      user = ANONYMOUS_USER;
    }
    audit?.authenticated(user);
    const authenticated = user;
    user = impersonate(user, headers, this.authorization.authorizer);
    if (user !== authenticated) audit?.impersonated(user);
    if (this.allowAll) {
      audit?.authorized({ decision: 'allow', reason: '' });
      return user;
    }
    const info = authorizationInfo(parsed, method, url.pathname, url.searchParams, (part) => this.registry.isNamespaceSubresource(part));
    const attrs = attributesFor(user, method, url.pathname, info);
    const r = this.authorization.authorizer.authorize(attrs);
    audit?.authorized(r);
    if (r.decision !== 'allow') throw forbidden(attrs, r.reason);
    return user;
  }

  /** `info` is read from the path as sent: below a connect subresource (`…/proxy/`) a trailing slash is meaningful. */
  private async route(req: Http2ServerRequest, res: Http2ServerResponse, url: URL, info: RequestInfo, longRunning: boolean, audit?: RequestAudit): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    // Before authentication: a joiner has nothing to authenticate with that it would send unverified.
    if (path === CACERTS_PATH && this.opts.caCertsPem && (req.method === 'GET' || req.method === 'HEAD')) return sendText(res, 200, this.opts.caCertsPem, 'text/plain; charset=utf-8');
    const open = this.allowAll && OPEN_PATHS.some((re) => re.test(path));
    const user = this.admit(req, url, open, info, audit);
    if (user) setRequestUser(req, user);
    if (audit) setRequestAnnotator(req, (key, value) => audit.annotate(key, value));
    // Upstream's max-in-flight filter sits after authentication and impersonation: the exempt group is the user's.
    const release = longRunning ? undefined : this.inflight.acquire(user, req.method ?? 'GET');
    try {
      return await this.serve(req, res, url, path, info, user);
    } finally {
      release?.();
    }
  }

  /** The audit of one request, its level decided once admit knows the user; bound to the response it ends with. */
  private beginAudit(auditor: Auditor, req: Http2ServerRequest, res: Http2ServerResponse, url: URL, info: RequestInfo, longRunning: boolean, received: number): RequestAudit {
    const audit = this.auditOf(auditor, req, url, info, longRunning, received);
    if (!res.headersSent) res.setHeader('Audit-ID', audit.auditID);
    tapResponse(audit, res);
    return audit;
  }

  private auditOf(auditor: Auditor, req: Http2ServerRequest | IncomingMessage, url: URL, info: RequestInfo, longRunning: boolean, received: number, upgrade = false): RequestAudit {
    const method = req.method ?? 'GET';
    const authz = authorizationInfo(info, method, url.pathname, url.searchParams, (part) => this.registry.isNamespaceSubresource(part));
    const { user: _none, ...attributes } = attributesFor(ANONYMOUS_USER, method, url.pathname, authz);
    return auditor.begin({ req, requestURI: req.url ?? url.pathname, attributes, longRunning, received, upgrade });
  }

  private requestInfo(method: string, path: string, url: URL): RequestInfo {
    return parseRequestInfo(method, path, url.searchParams, (part) => this.registry.isNamespaceSubresource(part));
  }

  private async serve(req: Http2ServerRequest, res: Http2ServerResponse, url: URL, path: string, info: RequestInfo, user: UserInfo | undefined): Promise<void> {
    // A group version an APIService names a service for is the extension server's, discovery included.
    const gv = /^\/apis\/([^/]+)\/([^/]+)(\/|$)/.exec(url.pathname);
    const remote = gv && user ? this.aggregator?.remoteFor(gv[1]!, gv[2]!) : undefined;
    if (remote && user) return this.aggregator!.proxy(remote, req, res, user);
    if (info.kind === 'resource') return handleResource(this.ctx, info, url.searchParams, req, res);
    const route = this.rootRoutes.find((r) => r.matches(path));
    if (!route) throw errors.notFoundPath();
    if (!route.anyMethod && req.method !== 'GET' && req.method !== 'HEAD') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
    return route.serve(path, req, res, url);
  }

  /**
   * Every path this server answers outside the resource URL grammar, in the order tried. `GET /`
   * lists what they list, so the index can never name a path that is not served.
   */
  private readonly rootRoutes: readonly RootRoute[] = [
    {
      paths: () => HEALTH_ENDPOINTS.flatMap((kind) => [`/${kind}`, ...this.healthChecks().map(([name]) => `/${kind}/${name}`)]),
      matches: (path) => /^\/(healthz|livez|readyz)(\/.*)?$/.test(path),
      anyMethod: true,
      serve: (path, _req, res, url) => this.health(res, path, url),
    },
    { paths: () => ['/version'], matches: (path) => path === '/version', anyMethod: true, serve: (_p, _req, res) => sendJson(res, 200, this.version()) },
    {
      paths: () => this.serviceAccountTokens?.discoveryPaths ?? [],
      matches: (path) => this.serviceAccountTokens?.discoveryPaths.includes(path) ?? false,
      serve: (path, _req, res) => void this.serviceAccountTokens?.serveDiscovery(path, res),
    },
    {
      paths: () => ['/api', ...this.coreVersions().map((v) => `/api/${v}`)],
      matches: (path) => /^\/api(\/[^/]+)?$/.test(path),
      serve: (path, req, res) => {
        if (path === '/api') {
          if (negotiate(req.headers['accept']).representation === 'discovery-v2') return sendJson(res, 200, aggregatedDiscovery(this.registry, true), AGGREGATED_CONTENT_TYPE);
          return sendJson(res, 200, apiVersions(req.headers[':authority'] ?? req.headers.host ?? ''));
        }
        sendOr404(res, apiResourceList(this.registry, '', path.split('/')[2]!));
      },
    },
    {
      paths: () => ['/apis', '/apis/', ...this.registry.groups().filter((g) => g.group).flatMap((g) => [`/apis/${g.group}`, ...g.versions.map((v) => `/apis/${g.group}/${v}`)])],
      matches: (path) => /^\/apis(\/[^/]+){0,2}$/.test(path),
      serve: (path, req, res) => {
        const [, , group, version] = path.split('/');
        if (!group) {
          if (negotiate(req.headers['accept']).representation === 'discovery-v2') return sendJson(res, 200, aggregatedDiscovery(this.registry, false, this.remoteGroups()), AGGREGATED_CONTENT_TYPE);
          return sendJson(res, 200, apiGroupList(this.registry, this.remoteGroups()));
        }
        sendOr404(res, version ? apiResourceList(this.registry, group, version) : apiGroup(this.registry, group, this.remoteGroups()));
      },
    },
    {
      // POST only, and k8ts's own: not in the index, whose paths all answer GET.
      paths: () => [],
      matches: (path) => !!this.opts.nodeCredentials && path === NODE_CREDENTIALS_PATH,
      anyMethod: true,
      serve: (_p, req, res) => serveNodeCredentials(this.opts.nodeCredentials!, req, res),
    },
    {
      paths: () => [],
      matches: (path) => !!this.opts.serverBootstrap && path === SERVER_BOOTSTRAP_PATH,
      anyMethod: true,
      serve: (_p, req, res) => serveServerBootstrap(this.opts.serverBootstrap!, req, res),
    },
    { paths: () => ['/metrics'], matches: (path) => path === '/metrics', serve: (_p, _req, res) => this.serveMetrics(res) },
    { paths: () => ['/openapi/v2', '/openapi/v3'], matches: (path) => path.startsWith('/openapi/'), serve: (path, req, res) => serveOpenApi(this.registry, path, req, res) },
    { paths: () => [], matches: (path) => path === '/', serve: (_p, _req, res) => sendJson(res, 200, { paths: this.rootPaths() }) },
  ];

  /** Relays upgrades to what serves them (the kubelet's streams, a proxy subresource) after authentication; other upgrade requests are served as plain requests. */
  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'https://localhost');
    } catch {
      return writeStatusAndClose(socket, errors.badRequest('malformed request URL').status);
    }
    const relay = this.upgradeRelay(req, socket, head, url);
    if (!relay) return this.serveUpgradeAsRequest(req, socket);
    const info = this.requestInfo(req.method ?? 'GET', url.pathname, url);
    // Streams are long-running: ResponseStarted once relayed, ResponseComplete when the socket closes.
    const audit = this.opts.audit && this.auditOf(this.opts.audit, req, url, info, true, Date.now(), true);
    try {
      this.admit(req, url, false, info, audit);
    } catch (err) {
      const status = toApiError(err).status;
      audit?.complete(status.code, status);
      return writeStatusAndClose(socket, status);
    }
    if (audit) {
      audit.responseStarted();
      socket.once('close', () => audit.complete(101));
    }
    this.opts.log?.(`${req.method} ${url.pathname} upgrade`);
    await relay();
  }

  /** What relays this upgrade, or undefined when nothing here takes one at this path. */
  private upgradeRelay(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): (() => Promise<void>) | undefined {
    if (KubeletProxy.handlesUpgrade(url.pathname)) return () => this.kubelet.upgrade(req, socket, head, url);
    const info = parseRequestInfo(req.method ?? 'GET', url.pathname, url.searchParams, (part) => this.registry.isNamespaceSubresource(part));
    if (info.kind !== 'resource' || !info.subresource || !info.name) return undefined;
    const entry = this.registry.lookup(info.group, info.version, info.resource);
    const upgrade = entry?.subresources.find((s) => s.name === info.subresource)?.upgrade;
    if (!entry || !upgrade || (!entry.namespaced && info.namespace !== undefined)) return undefined;
    const namespace = entry.namespaced ? info.namespace : undefined;
    return () => upgrade({ entry, namespace, name: info.name!, subpath: info.subpath, query: url.searchParams, req, socket, head });
  }

  /** An upgrade this server does not offer: answered as the ordinary request it also is, then closed. */
  private serveUpgradeAsRequest(req: IncomingMessage, socket: Duplex): void {
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.on('finish', () => {
      res.detachSocket(socket as Socket);
      socket.end();
    });
    void this.handle(req as unknown as Http2ServerRequest, res as unknown as Http2ServerResponse);
  }

  private healthChecks(): [string, boolean][] {
    return [
      ['ping', true],
      ['etcd', this.cache.healthy()],
      ['informer-sync', this.ready],
    ];
  }

  private health(res: Http2ServerResponse, path: string, url: URL): void {
    const checks = this.healthChecks();
    const sub = path.split('/')[2];
    const relevant = sub ? checks.filter(([n]) => n === sub) : checks;
    if (sub && !relevant.length) throw errors.notFoundPath();
    const ok = relevant.every(([, v]) => v);
    if (url.searchParams.has('verbose')) {
      const lines = relevant.map(([n, v]) => `[${v ? '+' : '-'}]${n} ${v ? 'ok' : 'failed'}`);
      const kind = path.split('/')[1];
      lines.push(ok ? `${kind} check passed` : `${kind} check failed`);
      return sendText(res, ok ? 200 : 500, `${lines.join('\n')}\n`, 'text/plain; charset=utf-8');
    }
    sendText(res, ok ? 200 : 500, ok ? 'ok' : 'not ready', 'text/plain; charset=utf-8');
  }

  private version(): Record<string, string> {
    return {
      ...KUBERNETES_VERSION,
      gitCommit: 'k8ts',
      gitTreeState: 'clean',
      buildDate: '2026-01-01T00:00:00Z',
      goVersion: `node${process.versions.node}`,
      compiler: 'tsc',
      platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
    };
  }

  /** The group versions extension servers serve, with what their discovery listed. */
  private remoteGroups(): RemoteGroup[] {
    const a = this.aggregator;
    if (!a) return [];
    return a.remoteGroups().map((g) => ({
      group: g.group,
      versions: g.versions.map((version) => {
        const d = a.discovery(g.group, version);
        return { version, resources: d?.resources, stale: !d?.available };
      }),
    }));
  }

  /**
   * Serve a component's registry at this server's /metrics too: the scheduler and controller
   * manager of `k8ts server` run in this process with no listener of their own (k3s's way).
   * Its metric names must differ from those already served.
   */
  addMetricsRegistry(registry: MetricsRegistry): () => void {
    this.metricsRegistries.push(registry);
    return () => {
      const i = this.metricsRegistries.indexOf(registry);
      if (i >= 0) this.metricsRegistries.splice(i, 1);
    };
  }

  private async serveMetrics(res: Http2ServerResponse): Promise<void> {
    sendText(res, 200, await exposition(this.metricsRegistries), PROMETHEUS_CONTENT_TYPE);
  }

  /** The versions of the legacy group (`/api/{version}`). */
  private coreVersions(): readonly string[] {
    return this.registry.groups().find((g) => g.group === '')?.versions ?? [];
  }

  /** `GET /`: every path the root routes serve, sorted as upstream's index is. */
  rootPaths(): string[] {
    return [...new Set(this.rootRoutes.flatMap((r) => r.paths()))].sort();
  }
}

function sendOr404(res: Http2ServerResponse, doc: Record<string, unknown> | undefined): void {
  if (!doc) throw errors.notFoundPath();
  sendJson(res, 200, doc);
}
