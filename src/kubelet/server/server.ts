// The kubelet's HTTPS API (port 10250): what the API server proxies to (logs, exec, attach,
// port-forward, node proxy) and what metrics read (/stats/summary). Every request passes the
// guard first (src/kubelet/server/auth): a client certificate or a reviewed bearer token, then a
// SubjectAccessReview for nodes/<subresource>, as upstream's kubelet with webhook authn/authz.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { Duplex } from 'node:stream';
import { SummaryProvider } from '../stats/summary.js';
import { KubeletHttpError, serveContainerLogs } from './container-logs.js';
import { KubeletGuard, type KubeletAuthenticator, type KubeletAuthorizer } from './auth/index.js';
import type { KubeletServerDeps } from './deps.js';
import { refuseUpgrade, sendBody, sendJson, sendText } from './respond.js';
import { parseStreamPath, serveStream } from './streaming-routes.js';
import { cadvisorFamilies, resourceFamilies, type CadvisorSources } from './metrics-endpoints.js';
import { cgroupParentFor } from '../container-config/index.js';
import { CONTAINER_NAME_LABEL, POD_NAME_LABEL, POD_NAMESPACE_LABEL } from '../runtime.js';
import { exposition, formatFamilies, PROMETHEUS_CONTENT_TYPE } from '../../util/prometheus.js';

export interface KubeletServerOptions {
  /** 10250 in production; 0 picks a free port. */
  port: number;
  host?: string;
  tls: { key: string; cert: string };
  /** The CA named to clients in the handshake; the authenticator checks the chain itself. */
  clientCaPem: string;
  /** Who may do what: src/kubelet/server/auth's apiBackedAuth in a node, fakes in unit tests. */
  auth: { authenticator: KubeletAuthenticator; authorizer: KubeletAuthorizer };
  deps: KubeletServerDeps;
  log?: (line: string) => void;
}

export interface KubeletServer {
  port: number;
  /** Serves with this certificate from the next handshake on (a rotated or newly issued one). */
  setCertificate(tls: { key: string; cert: string }): void;
  stop(): Promise<void>;
}

function splitUrl(raw: string | undefined): { path: string; query: URLSearchParams } | undefined {
  try {
    const u = new URL(raw ?? '/', 'https://kubelet');
    return { path: u.pathname, query: u.searchParams };
  } catch {
    return undefined;
  }
}

function segments(path: string): string[] {
  return path
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
}

class KubeletApi {
  private readonly stats: NonNullable<KubeletServerDeps['stats']>;

  constructor(
    private readonly deps: KubeletServerDeps,
    private readonly guard: KubeletGuard,
    private readonly log: (line: string) => void,
  ) {
    this.stats = deps.stats ?? new SummaryProvider({ nodeName: deps.nodeName ?? hostname(), runtime: deps.runtime, logsDir: deps.logsDir, rootFsPath: deps.logsDir });
  }

  async request(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = splitUrl(req.url);
    if (!url) return sendText(res, 400, 'malformed request URL');
    const verdict = await this.guard.check(req, url.path);
    if (!verdict.ok) return sendText(res, verdict.code, verdict.text);
    try {
      await this.route(req, res, url.path, url.query);
    } catch (err) {
      if (err instanceof KubeletHttpError) return sendText(res, err.code, err.message);
      this.log(`kubelet API ${req.method} ${url.path}: ${String(err)}`);
      sendText(res, 500, String(err instanceof Error ? err.message : err));
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    const method = req.method ?? 'GET';
    const parts = segments(path);
    const head = parts[0];
    if (head === 'exec' || head === 'attach' || head === 'portForward') {
      // Streams need the connection itself: upstream answers a plain request like this.
      return sendText(res, 400, 'Upgrade request required');
    }
    if (method !== 'GET' && method !== 'HEAD') return sendText(res, 405, 'Method Not Allowed');
    if (path === '/healthz' || path === '/healthz/ping' || path === '/healthz/syncloop') return sendText(res, 200, 'ok');
    if (path === '/pods' || path === '/pods/') {
      return sendJson(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: this.deps.listPods() });
    }
    if (head === 'containerLogs') {
      if (parts.length !== 4) {
        if (parts.length < 3) throw new KubeletHttpError(400, '{"message": "Missing podID."}');
        throw new KubeletHttpError(400, '{"message": "Missing container name."}');
      }
      return serveContainerLogs({ ...this.deps, log: this.log }, req, res, parts[1]!, parts[2]!, parts[3]!, query);
    }
    if (path === '/metrics' && this.deps.metrics) return sendBody(res, 200, await exposition([this.deps.metrics.registry]), PROMETHEUS_CONTENT_TYPE);
    if (path === '/metrics/resource') {
      // A summary that cannot be read is resource_scrape_error 1, not a failed scrape.
      const summary = await this.stats.summary(true).catch((err: unknown) => void this.log(`kubelet API /metrics/resource: ${String(err)}`));
      return sendBody(res, 200, formatFamilies(resourceFamilies(summary ?? undefined)), PROMETHEUS_CONTENT_TYPE);
    }
    if (path === '/metrics/cadvisor') {
      const [summary, sources] = await Promise.all([this.stats.summary(false), this.cadvisorSources()]);
      return sendBody(res, 200, formatFamilies(cadvisorFamilies(summary, sources)), PROMETHEUS_CONTENT_TYPE);
    }
    if (path === '/stats/summary' || path === '/stats/summary/') {
      const only = query.get('only_cpu_and_memory') === 'true';
      return sendJson(res, 200, await this.stats.summary(only));
    }
    sendText(res, 404, '404 page not found');
  }

  /** Containers' ids, images and cgroups (cgroupfs: the pod's parent, then the container id), from the runtime and the pods. */
  private async cadvisorSources(): Promise<CadvisorSources> {
    const containers = await this.deps.runtime.listContainers({ state: 'CONTAINER_RUNNING' });
    const root = this.deps.cgroupRoot ?? '/k8ts';
    const podCgroup = (namespace: string, name: string) => {
      const pod = this.deps.getPod(namespace, name);
      return pod ? cgroupParentFor(pod, root) : undefined;
    };
    const byName = new Map(containers.map((c) => [`${c.labels[POD_NAMESPACE_LABEL]}/${c.labels[POD_NAME_LABEL]}/${c.labels[CONTAINER_NAME_LABEL] ?? c.metadata.name}`, c]));
    return {
      podCgroup,
      container: (namespace, pod, container) => {
        const c = byName.get(`${namespace}/${pod}/${container}`);
        const parent = podCgroup(namespace, pod);
        return c && parent ? { id: c.id, image: c.image, cgroup: `${parent}/${c.id}` } : undefined;
      },
    };
  }

  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const url = splitUrl(req.url);
    if (!url) return refuseUpgrade(socket, 400, 'malformed request URL');
    const verdict = await this.guard.check(req, url.path);
    if (!verdict.ok) return refuseUpgrade(socket, verdict.code, verdict.text);
    const route = parseStreamPath(url.path);
    if (!route) return refuseUpgrade(socket, 404, '404 page not found');
    try {
      await serveStream({ ...this.deps, log: this.log }, route, url.query, req, socket, head);
    } catch (err) {
      if (err instanceof KubeletHttpError) return refuseUpgrade(socket, err.code, err.message);
      this.log(`kubelet API ${route.kind} ${url.path}: ${String(err)}`);
      refuseUpgrade(socket, 500, String(err instanceof Error ? err.message : err));
    }
  }
}

export async function startKubeletServer(o: KubeletServerOptions): Promise<KubeletServer> {
  const log = o.log ?? (() => undefined);
  const guard = new KubeletGuard({ ...o.auth, nodeName: o.deps.nodeName ?? hostname(), log });
  const api = new KubeletApi(o.deps, guard, log);
  const server: Server = createServer({
    key: o.tls.key,
    cert: o.tls.cert,
    ca: o.clientCaPem,
    // Asked for, not required: clients without one may still bring a bearer token, and a bad
    // certificate is a 401 from the guard rather than a failed handshake, as upstream answers.
    requestCert: true,
    rejectUnauthorized: false,
    // Streams and followed logs stay open for as long as the user keeps them.
    requestTimeout: 0,
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => void api.request(req, res));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void api.upgrade(req, socket, head));
  server.on('tlsClientError', () => undefined);
  server.on('clientError', (_err, socket: Duplex) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    setCertificate: (tls) => server.setSecureContext({ key: tls.key, cert: tls.cert, ca: o.clientCaPem }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        setTimeout(resolve, 2000).unref();
      }),
  };
}
