// Talking to an extension API server: the proxied request (the client's, less its credentials,
// plus the front-proxy user headers) and the availability controller's discovery check.
import type { IncomingMessage } from 'node:http';
import { Agent, request, type RequestOptions } from 'node:https';
import type { KeyPair } from '../../util/key-pair.js';
import type { UserInfo } from '../auth/token.js';
import { ApiError } from '../errors.js';
import type { AnyRequest } from '../http/body.js';
import type { AnyResponse } from '../http/respond.js';
import { pipeResponse, responseHeaders, responseOf } from '../proxy/http.js';
import { forwardedHeaders } from '../proxy/upgrade.js';
import { AGGREGATOR_USER, isRequestHeaderAuth, userHeaders } from './front-proxy.js';
import { hostPort } from './resolve.js';

/** Upstream's discovery check gives a backend 5 s. */
const CHECK_TIMEOUT_MS = 5_000;
const CONNECT_TIMEOUT_MS = 30_000;

export interface Backend {
  host: string;
  port: number;
  /** `<service>.<namespace>.svc`: the name the serving certificate must carry. */
  serverName: string;
  /** The APIService's caBundle (PEM); without it and without `insecure` the system roots apply. */
  ca?: string;
  insecure: boolean;
  clientCert: KeyPair;
}

/**
 * One keep-alive pool per backend and TLS setting: an HPA or `kubectl top` request then costs no
 * new handshake (with a new connection each, 1,000 HPAs' metric reads took 22 s instead of a few).
 */
const agents = new Map<string, Agent>();
const MAX_AGENTS = 256;

function agentFor(b: Backend): Agent {
  const key = JSON.stringify([b.host, b.port, b.serverName, b.ca ?? '', b.insecure, b.clientCert.cert]);
  let a = agents.get(key);
  if (!a) {
    // Backends come and go (endpoints move): the pools are bounded, the oldest closed first.
    if (agents.size >= MAX_AGENTS) {
      const [oldKey, old] = agents.entries().next().value as [string, Agent];
      old.destroy();
      agents.delete(oldKey);
    }
    a = new Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 8, timeout: 60_000 });
    agents.set(key, a);
  }
  return a;
}

function tlsOptions(b: Backend): RequestOptions {
  return {
    host: b.host,
    port: b.port,
    servername: b.serverName,
    ca: b.ca,
    cert: b.clientCert.cert,
    key: b.clientCert.key,
    rejectUnauthorized: !b.insecure,
    agent: agentFor(b),
  };
}

function url(b: Backend, path: string): string {
  return `https://${hostPort(b.host, b.port)}${path}`;
}

/** Proxies the request to the backend and streams its answer back. */
export async function proxyToBackend(b: Backend, req: AnyRequest, res: AnyResponse, user: UserInfo): Promise<void> {
  const method = req.method ?? 'GET';
  const headers = forwardedHeaders(req.headers, false);
  for (const k of Object.keys(headers)) if (isRequestHeaderAuth(k)) delete headers[k];
  Object.assign(headers, userHeaders(user));
  headers['host'] = hostPort(b.host, b.port);
  const backendReq = request({ ...tlsOptions(b), method, path: req.url ?? '/', headers, timeout: CONNECT_TIMEOUT_MS });
  const response = responseOf(backendReq);
  const hasBody = !['GET', 'HEAD', 'OPTIONS'].includes(method) || req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  if (hasBody) (req as NodeJS.ReadableStream).pipe(backendReq);
  else backendReq.end();
  let backendRes: IncomingMessage;
  try {
    backendRes = await response;
  } catch (err) {
    throw new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: `error trying to reach service: ${(err as Error).message}`, reason: 'ServiceUnavailable', code: 503 });
  }
  await pipeResponse(backendReq, backendRes, req, res, responseHeaders(backendRes));
}

export type CheckResult = { ok: true; resources: Record<string, unknown>[] } | { ok: false; message: string };

/** GET /apis/<group>/<version> as the aggregator itself: a 2xx APIResourceList passes. */
export function checkAvailability(b: Backend, group: string, version: string): Promise<CheckResult> {
  const path = `/apis/${group}/${version}`;
  const where = url(b, path);
  return new Promise((resolve) => {
    const req = request({ ...tlsOptions(b), method: 'GET', path, headers: { accept: 'application/json', ...userHeaders(AGGREGATOR_USER) }, timeout: CHECK_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('error', (err) => resolve({ ok: false, message: `failing or missing response from ${where}: ${err.message}` }));
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        if (code < 200 || code >= 300) return resolve({ ok: false, message: `failing or missing response from ${where}: bad status from ${where}: ${code}` });
        try {
          const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resources?: Record<string, unknown>[] };
          resolve({ ok: true, resources: Array.isArray(doc.resources) ? doc.resources : [] });
        } catch {
          resolve({ ok: true, resources: [] });
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('context deadline exceeded')));
    req.on('error', (err) => resolve({ ok: false, message: `failing or missing response from ${where}: ${err.message}` }));
    req.end();
  });
}
