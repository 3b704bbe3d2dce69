// Ordinary (non-upgrade) requests to a kubelet (the pods/log stream), and the response copy every proxy uses. The
// client may be on HTTP/2, so only end-to-end headers cross over in either direction.
import type { ClientRequest, IncomingMessage } from 'node:http';
import { request } from 'node:https';
import type { Status } from '../../api/meta/types.js';
import { ApiError } from '../errors.js';
import type { AnyRequest } from '../http/body.js';
import type { AnyResponse } from '../http/respond.js';
import { hostPort, kubeletTls } from './kubelet-endpoint.js';
import type { UpgradeTarget } from './upgrade.js';

const CONNECT_TIMEOUT_MS = 30_000;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'http2-settings']);

/** Sends a request to the kubelet and resolves to its response (or rejects on a connection error). */
export function kubeletRequest(target: UpgradeTarget, method: string, headers: Record<string, string | string[]>, body?: AnyRequest): { req: ClientRequest; response: Promise<IncomingMessage> } {
  const req = request({
    host: target.endpoint.host,
    port: target.endpoint.port,
    method,
    path: target.path,
    headers: { ...headers, host: hostPort(target.endpoint) },
    agent: false,
    timeout: CONNECT_TIMEOUT_MS,
    ...kubeletTls(target.client),
  });
  const response = responseOf(req);
  if (body) (body as NodeJS.ReadableStream).pipe(req);
  else req.end();
  return { req, response };
}

/** The response to a request sent; rejects on a connection error or a connect timeout (`i/o timeout`). */
export function responseOf(req: ClientRequest): Promise<IncomingMessage> {
  return new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', (res) => {
      req.setTimeout(0);
      resolve(res);
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('i/o timeout')));
  });
}

/** Go's url.Error text for a failed request: `Get "https://…": dial tcp …: connect: connection refused`. */
export function transportError(method: string, target: UpgradeTarget, err: unknown): ApiError {
  const e = err as NodeJS.ErrnoException;
  const where = hostPort(target.endpoint);
  let why = e?.message ?? String(err);
  if (e?.code === 'ECONNREFUSED') why = `dial tcp ${where}: connect: connection refused`;
  else if (e?.code === 'EHOSTUNREACH') why = `dial tcp ${where}: connect: no route to host`;
  const verb = method.charAt(0) + method.slice(1).toLowerCase();
  const status: Status = { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: `${verb} "https://${where}${target.path}": ${why}`, code: 500 };
  return new ApiError(status);
}

export function responseHeaders(res: IncomingMessage): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && !HOP_BY_HOP.has(k.toLowerCase())) out[k] = v;
  return out;
}

/** Copies the kubelet's response to the client; resolves when either side is done. */
export function pipeResponse(backendReq: ClientRequest, backendRes: IncomingMessage, req: AnyRequest, res: AnyResponse, headers: Record<string, string | string[]>, code = backendRes.statusCode ?? 502): Promise<void> {
  return new Promise<void>((resolve) => {
    res.writeHead(code, headers);
    (res as { flushHeaders?: () => void }).flushHeaders?.();
    const done = () => {
      backendRes.off('data', onData);
      backendReq.destroy();
      if (!res.writableEnded) res.end();
      resolve();
    };
    // Written as it arrives: a followed log must reach the client line by line.
    const onData = (d: Buffer) => {
      if (!(res as { write(chunk: Buffer): boolean }).write(d)) {
        backendRes.pause();
        res.once('drain', () => backendRes.resume());
      }
    };
    backendRes.on('data', onData);
    backendRes.on('end', done);
    backendRes.on('error', done);
    backendRes.on('close', done);
    req.on('close', done);
    res.on('close', done);
  });
}
