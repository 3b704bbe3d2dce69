// Relaying an HTTP/1.1 upgrade (exec, attach, port-forward, node proxy) to a kubelet. The
// request goes to the kubelet with the client's upgrade headers; only a 101 from the kubelet
// joins the two connections. Any other answer is passed back with `Connection: close` and the
// client connection is closed: a failed upgrade never leaves a usable channel to the kubelet
// (CVE-2018-1002105).
import { request as httpRequest, STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Status } from '../../api/meta/types.js';
import { hostPort, kubeletTls, type KubeletClientCert, type KubeletEndpoint } from './kubelet-endpoint.js';
import { splice } from '../../util/splice.js';

const MAX_ERROR_BODY = 64 * 1024;
const ERROR_BODY_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 30_000;

/** Headers that describe the client's hop or identity with us, not the request to the kubelet. */
const DROPPED = new Set(['host', 'authorization', 'proxy-authorization', 'proxy-connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding']);

/** The client's headers as sent to the kubelet: its credentials and impersonation stay here. */
export function forwardedHeaders(headers: IncomingHttpHeaders, keepUpgrade: boolean): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    const key = k.toLowerCase();
    if (v === undefined || key.startsWith(':') || DROPPED.has(key) || key.startsWith('impersonate-')) continue;
    if (!keepUpgrade && (key === 'connection' || key === 'upgrade')) continue;
    out[key] = v;
  }
  return out;
}

/** Writes a Status as an HTTP/1.1 response on a raw connection and closes it. */
export function writeStatusAndClose(socket: Duplex, status: Status): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(status);
  socket.end(`HTTP/1.1 ${status.code} ${STATUS_CODES[status.code] ?? 'Error'}\r\nContent-Type: application/json\r\nCache-Control: no-cache, private\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  setTimeout(() => socket.destroy(), 1000).unref();
}

function headerLines(raw: string[], skip: (name: string) => boolean): string {
  let out = '';
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (skip(name.toLowerCase())) continue;
    // A header value cannot carry a line break into our response.
    out += `${name}: ${raw[i + 1]!.replace(/[\r\n]/g, ' ')}\r\n`;
  }
  return out;
}

export interface UpgradeTarget {
  endpoint: KubeletEndpoint;
  /** Path and query on the kubelet. */
  path: string;
  client?: KubeletClientCert;
  /** https (a kubelet) unless said otherwise: the pods/ and services/ proxy may dial plain http. */
  scheme?: 'http' | 'https';
}

export function proxyUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: UpgradeTarget, log?: (line: string) => void): void {
  socket.on('error', () => socket.destroy());
  const backend = (target.scheme === 'http' ? httpRequest : request)({
    host: target.endpoint.host,
    port: target.endpoint.port,
    method: req.method,
    path: target.path,
    headers: { ...forwardedHeaders(req.headers, true), host: hostPort(target.endpoint) },
    agent: false,
    timeout: CONNECT_TIMEOUT_MS,
    ...kubeletTls(target.client),
  });
  let settled = false;
  const fail = (message: string) => {
    if (settled) return;
    settled = true;
    writeStatusAndClose(socket, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 });
  };
  backend.on('timeout', () => backend.destroy(new Error('i/o timeout')));
  backend.on('error', (err) => fail(`error dialing backend: ${err.message}`));
  socket.on('close', () => {
    if (!settled) backend.destroy();
  });

  backend.on('upgrade', (res: IncomingMessage, upstream: Socket, upstreamHead: Buffer) => {
    if (settled || socket.destroyed) {
      upstream.destroy();
      return;
    }
    settled = true;
    backend.setTimeout(0);
    upstream.setTimeout(0);
    socket.write(`HTTP/1.1 101 ${res.statusMessage || 'Switching Protocols'}\r\n${headerLines(res.rawHeaders, () => false)}\r\n`);
    if (upstreamHead.length) socket.write(upstreamHead);
    if (head.length) upstream.write(head);
    // What the backend sent last may still sit in the client socket's buffer when it closes (an
    // exec's final output, under load): the other side is ended, flushing it, not destroyed.
    splice(upstream, socket);
  });

  backend.on('response', (res: IncomingMessage) => {
    // Not upgraded: hand the kubelet's answer to the client and close, whatever it says.
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const body = Buffer.concat(chunks);
      const skip = (n: string) => ['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade'].includes(n);
      const code = res.statusCode ?? 502;
      socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${code} ${res.statusMessage || STATUS_CODES[code] || ''}\r\n${headerLines(res.rawHeaders, skip)}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`), body]));
      setTimeout(() => socket.destroy(), 1000).unref();
      res.destroy();
    };
    const timer = setTimeout(finish, ERROR_BODY_TIMEOUT_MS);
    res.on('data', (d: Buffer) => {
      if (size >= MAX_ERROR_BODY) return;
      chunks.push(d.subarray(0, MAX_ERROR_BODY - size));
      size += d.length;
      if (size >= MAX_ERROR_BODY) finish();
    });
    res.on('end', finish);
    res.on('error', finish);
    log?.(`upgrade to kubelet ${hostPort(target.endpoint)} refused: ${res.statusCode}`);
  });
  backend.end();
}
