// The metrics server's HTTPS API, as an extension API server serves it behind the aggregation
// layer: a request is accepted only on a connection with a client certificate from the
// request-header CA whose CN is an allowed name (the API server's front proxy), and runs as the
// user the X-Remote-User header names. The API server has authorized that user for exactly this
// request before proxying it; the built-in server does not ask again (upstream's delegated
// SubjectAccessReview), which is why nothing but the front proxy is accepted.
import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface RequestHeaderConfig {
  caPem: string;
  allowedNames: string[];
  usernameHeaders: string[];
}

export interface ApiHandler {
  /** Path below the root, query, the user; resolves to status and JSON body. */
  (path: string, query: URLSearchParams, user: string): { code: number; body: unknown };
}

export interface MetricsHttpServer {
  port: number;
  setRequestHeader(config: RequestHeaderConfig): void;
  stop(): Promise<void>;
}

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The front proxy's user, or undefined when the connection is not the front proxy's. */
export function frontProxyUser(req: IncomingMessage, cas: readonly X509Certificate[], config: RequestHeaderConfig, now = Date.now()): string | undefined {
  const sock = req.socket as TLSSocket;
  const peer = typeof sock.getPeerX509Certificate === 'function' ? sock.getPeerX509Certificate() : undefined;
  if (!peer) return undefined;
  const issuedByUs = cas.some((ca) => peer.checkIssued(ca) && peer.verify(ca.publicKey));
  if (!issuedByUs || Date.parse(peer.validFrom) > now || Date.parse(peer.validTo) < now) return undefined;
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(peer.subject)?.[1] ?? '';
  if (config.allowedNames.length && !config.allowedNames.includes(cn)) return undefined;
  for (const h of config.usernameHeaders) {
    const v = req.headers[h.toLowerCase()];
    const user = Array.isArray(v) ? v[0] : v;
    if (user) return user;
  }
  return undefined;
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-cache, private' });
  res.end(text);
}

export async function startMetricsHttpServer(o: { host?: string; port: number; tls: { key: string; cert: string }; requestHeader: RequestHeaderConfig; handler: ApiHandler; log?: (line: string) => void }): Promise<MetricsHttpServer> {
  let config = o.requestHeader;
  let cas = (config.caPem.match(PEM) ?? []).map((p) => new X509Certificate(p));
  const server: Server = createServer({ key: o.tls.key, cert: o.tls.cert, requestCert: true, rejectUnauthorized: false }, (req: IncomingMessage, res: ServerResponse) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'https://metrics-server');
    } catch {
      return send(res, 400, 'malformed request URL');
    }
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (/^\/(healthz|livez|readyz)(\/.*)?$/.test(path)) return send(res, 200, 'ok');
    const user = frontProxyUser(req, cas, config);
    if (!user) return send(res, 401, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `the server does not allow this method on the requested resource`, reason: 'MethodNotAllowed', code: 405 });
    try {
      const a = o.handler(path, url.searchParams, user);
      send(res, a.code, a.body);
    } catch (err) {
      o.log?.(`metrics-server ${req.method} ${path}: ${err instanceof Error ? err.stack : String(err)}`);
      send(res, 500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'internal error', reason: 'InternalError', code: 500 });
    }
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    setRequestHeader(c) {
      config = c;
      cas = (c.caPem.match(PEM) ?? []).map((p) => new X509Certificate(p));
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
