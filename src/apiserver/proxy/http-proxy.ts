// The relay behind pods/, services/ and nodes/ proxy, as upstream's UpgradeAwareHandler with its
// proxy transport: the client's request (method, path below `/proxy`, query, body) goes to the
// location without the client's credentials; status, headers and body come back as the backend
// sent them, except that CORS headers are dropped and a redirect to the backend's own paths, or
// a link in an HTML page, is rewritten to go through the proxy again. Upgrades (WebSocket, SPDY) are spliced through.
import type { ClientRequest, IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { posix } from 'node:path';
import type { Duplex } from 'node:stream';
import { deflateRawSync, gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import { ApiError } from '../errors.js';
import type { AnyRequest } from '../http/body.js';
import type { AnyResponse } from '../http/respond.js';
import { pipeResponse, responseHeaders, responseOf } from './http.js';
import { rewriteHtml } from './html-rewrite.js';
import type { ProxyLocation } from './proxy-location.js';
import { forwardedHeaders, proxyUpgrade } from './upgrade.js';

const CONNECT_TIMEOUT_MS = 30_000;

export interface ProxiedRequest {
  req: AnyRequest;
  res: AnyResponse;
  /** The path below `/proxy`, still percent-encoded; undefined when the URL ends at `/proxy`. */
  subpath?: string;
}

/** The request's path and raw query, as the client sent them. */
export function requestTarget(url: string | undefined): { pathname: string; rawQuery: string } {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  const beforeQuery = q < 0 ? raw : raw.slice(0, q);
  // An absolute-form request target (a proxy's) carries scheme and host first.
  const pathname = beforeQuery.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '') || '/';
  return { pathname, rawQuery: q < 0 ? '' : raw.slice(q + 1) };
}

/** What a path on the backend is reached under here: the request path up to `/proxy`. */
export function proxyPrefix(pathname: string, subpath: string | undefined): string {
  if (!subpath) return pathname;
  if (pathname.endsWith(subpath)) return pathname.slice(0, pathname.length - subpath.length);
  const at = pathname.lastIndexOf('/proxy/');
  return at < 0 ? pathname : pathname.slice(0, at + '/proxy'.length);
}

function hostPort(loc: ProxyLocation): string {
  const host = loc.host.includes(':') ? `[${loc.host}]` : loc.host;
  return loc.port ? `${host}:${loc.port}` : host;
}

function defaultPort(loc: ProxyLocation): number {
  return loc.scheme === 'https' ? 443 : 80;
}

interface UrlParts {
  scheme?: string;
  host?: string;
  path: string;
  rest: string;
}

/** RFC 3986 reference parts, as Go's url.Parse splits them. */
function parseReference(ref: string): UrlParts | undefined {
  const m = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(.*)$/.exec(ref);
  if (!m) return undefined;
  return { scheme: m[1], host: m[2], path: m[3]!, rest: m[4]! };
}

/**
 * proxy.Transport's rewriteURL for a Location header: a URL on the backend itself (or on the
 * host the client asked us by) with an absolute path gets the proxy prefix; others are left.
 */
export function rewriteLocation(location: string, backendHost: string, requestHost: string, prefix: string): string {
  const u = parseReference(location);
  if (!u) return location;
  const differentHost = !!u.host && u.host !== backendHost && u.host !== requestHost;
  if (differentHost || !u.path.startsWith('/')) return location;
  // The scheme and host go (the client reaches us by its own), unless it already names us.
  const keepOrigin = u.host === requestHost && u.host !== undefined;
  const origin = keepOrigin ? `${u.scheme ? `${u.scheme}:` : ''}//${u.host}` : '';
  if (u.path.startsWith(prefix)) return `${origin}${u.path}${u.rest}`;
  let path = posix.join(prefix, u.path);
  if (u.path.endsWith('/') && !path.endsWith('/')) path += '/';
  return `${origin}${path}${u.rest}`;
}

function serviceUnavailable(message: string): ApiError {
  return new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message, reason: 'ServiceUnavailable', code: 503 });
}

/** Go's dial error text, which upstream's proxy puts after "error trying to reach service: ". */
function dialError(where: string, err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${where}: connect: connection refused`;
    case 'EHOSTUNREACH':
      return `dial tcp ${where}: connect: no route to host`;
    case 'ENETUNREACH':
      return `dial tcp ${where}: connect: network is unreachable`;
    case 'ECONNRESET':
      return `read tcp ${where}: read: connection reset by peer`;
  }
  return e?.message === 'i/o timeout' ? `dial tcp ${where}: i/o timeout` : (e?.message ?? String(err));
}

function clientAddress(req: AnyRequest): string | undefined {
  const addr = (req.socket as { remoteAddress?: string } | undefined)?.remoteAddress;
  return addr?.replace(/^::ffff:/, '');
}

/** The headers the backend is sent: the client's, less its credentials and hop, plus httputil.ReverseProxy's and proxy.Transport's X-Forwarded-*. */
function backendHeaders(req: AnyRequest, subpath: string, prefix: string, keepUpgrade: boolean): Record<string, string | string[]> {
  const headers = forwardedHeaders(req.headers, keepUpgrade);
  const client = clientAddress(req);
  if (client) {
    const prior = headers['x-forwarded-for'];
    headers['x-forwarded-for'] = prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${client}` : client;
  }
  let uri = posix.join(prefix, subpath);
  if (subpath.endsWith('/') && !uri.endsWith('/')) uri += '/';
  headers['x-forwarded-uri'] = uri;
  // Upstream keeps the Host the client asked us by (ReverseProxy does not change it).
  const host = (req.headers[':authority'] as string | undefined) ?? req.headers.host;
  if (host) headers['host'] = host;
  return headers;
}

function send(loc: ProxyLocation, method: string, path: string, headers: Record<string, string | string[]>): ClientRequest {
  const options = {
    host: loc.host,
    port: loc.port ? Number(loc.port) : defaultPort(loc),
    method,
    path,
    headers,
    agent: false as const,
    timeout: CONNECT_TIMEOUT_MS,
  };
  if (loc.scheme === 'http') return httpRequest(options);
  return httpsRequest({ ...options, rejectUnauthorized: false, ...(loc.clientCert ? { cert: loc.clientCert.cert, key: loc.clientCert.key } : {}) });
}

function checkPort(loc: ProxyLocation): void {
  if (loc.port === undefined) return;
  const n = Number(loc.port);
  if (!/^\d+$/.test(loc.port) || n < 1 || n > 65535) throw serviceUnavailable(`error trying to reach service: dial tcp: address tcp/${loc.port}: unknown port`);
}

/** Relays a plain (non-upgrade) request to the location and streams the answer back. */
export async function relayHttp(p: ProxiedRequest, loc: ProxyLocation): Promise<void> {
  const { req, res } = p;
  const method = req.method ?? 'GET';
  const { pathname, rawQuery } = requestTarget(req.url);
  const query = rawQuery ? `?${rawQuery}` : '';
  // `…/proxy` itself: upstream redirects reads to `…/proxy/` so relative links resolve below it.
  if (p.subpath === undefined && (method === 'GET' || method === 'HEAD')) {
    res.writeHead(301, { Location: `${pathname}/${query}`, 'Content-Length': 0 });
    res.end();
    return;
  }
  checkPort(loc);
  const subpath = p.subpath ?? '/';
  const prefix = proxyPrefix(pathname, p.subpath);
  const hasBody = !['GET', 'HEAD', 'OPTIONS'].includes(method) || req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  const backendReq = send(loc, method, `${subpath}${query}`, backendHeaders(req, subpath, prefix, false));
  const response = responseOf(backendReq);
  if (hasBody) (req as NodeJS.ReadableStream).pipe(backendReq);
  else backendReq.end();
  let backendRes: IncomingMessage;
  try {
    backendRes = await response;
  } catch (err) {
    throw serviceUnavailable(`error trying to reach service: ${dialError(hostPort(loc), err)}`);
  }
  const headers = responseHeaders(backendRes);
  for (const k of Object.keys(headers)) if (k.toLowerCase().startsWith('access-control-')) delete headers[k];
  const requestHost = ((req.headers[':authority'] as string | undefined) ?? req.headers.host ?? '') as string;
  const rewrite = (url: string) => rewriteLocation(url, hostPort(loc), requestHost, prefix);
  const location = backendRes.headers.location;
  if (location) headers['location'] = rewrite(location);
  else if (method !== 'HEAD' && isHtml(backendRes) && HTML_CODECS[String(backendRes.headers['content-encoding'] ?? '')]) {
    return sendRewrittenHtml(backendReq, backendRes, res, headers, rewrite);
  }
  await pipeResponse(backendReq, backendRes, req, res, headers);
}

function isHtml(res: IncomingMessage): boolean {
  return (res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() === 'text/html';
}

/** The encodings a page's links can be rewritten under (Go's "deflate" is raw DEFLATE); others pass untouched. */
const HTML_CODECS: Record<string, { decode: (b: Buffer) => Buffer; encode: (b: Buffer) => Buffer }> = {
  '': { decode: (b) => b, encode: (b) => b },
  gzip: { decode: gunzipSync, encode: gzipSync },
  deflate: { decode: inflateRawSync, encode: deflateRawSync },
};

/** A page is read whole, its links rewritten (html-rewrite.ts) and sent with its new length. */
async function sendRewrittenHtml(backendReq: ClientRequest, backendRes: IncomingMessage, res: AnyResponse, headers: Record<string, string | string[]>, rewrite: (url: string) => string): Promise<void> {
  const codec = HTML_CODECS[String(backendRes.headers['content-encoding'] ?? '')]!;
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of backendRes as AsyncIterable<Buffer>) chunks.push(chunk);
  } finally {
    backendReq.destroy();
  }
  const page = codec.encode(Buffer.from(rewriteHtml(codec.decode(Buffer.concat(chunks)).toString('utf8'), rewrite)));
  for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-length') delete headers[k];
  res.writeHead(backendRes.statusCode ?? 502, { ...headers, 'content-length': page.length });
  res.end(page);
}

/** Relays an upgrade request to the location; a refusal is answered and the connection closed. */
export function relayUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, loc: ProxyLocation, subpath: string | undefined, log?: (line: string) => void): void {
  checkPort(loc);
  const { pathname, rawQuery } = requestTarget(req.url);
  const path = `${subpath ?? '/'}${rawQuery ? `?${rawQuery}` : ''}`;
  const extra = backendHeaders(req, subpath ?? '/', proxyPrefix(pathname, subpath), true);
  // proxyUpgrade sends the client's headers itself; the forwarding ones ride on the request.
  for (const k of ['x-forwarded-for', 'x-forwarded-uri']) if (extra[k] !== undefined) req.headers[k] = extra[k] as string;
  proxyUpgrade(req, socket, head, { endpoint: { host: loc.host, port: loc.port ? Number(loc.port) : defaultPort(loc) }, path, client: loc.clientCert, scheme: loc.scheme }, log);
}
