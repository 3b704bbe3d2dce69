// The HTTP/1.1 upgrade plumbing shared by exec, attach and port-forward: refusing an upgrade
// (and closing the connection, so a failed upgrade never leaves a usable half-upgraded socket:
// the CVE-2018-1002105 class), dialing the runtime's streaming server with a SPDY upgrade,
// answering the client's WebSocket handshake, and splicing two upgraded connections.
import http, { STATUS_CODES, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { STREAM_PROTOCOL_HEADER } from './protocols.js';

const BACKEND_DIAL_TIMEOUT_MS = 30_000;
const MAX_ERROR_BODY = 4096;
/** Largest WebSocket message we accept from a client (kubectl sends stdin in 32 KiB pieces). */
const MAX_WEBSOCKET_MESSAGE = 8 * 1024 * 1024;

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  403: 'Forbidden',
  404: 'NotFound',
  500: 'InternalError',
  502: 'InternalError',
  503: 'ServiceUnavailable',
};

/** Answers the upgrade request with an HTTP error (a metav1.Status body) and closes the connection. */
export function rejectUpgrade(socket: Duplex, code: number, message: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: REASONS[code] ?? 'InternalError',
    code,
  });
  const head =
    `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? 'Error'}\r\n` +
    'Content-Type: application/json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n';
  socket.on('error', () => undefined);
  socket.end(head + body, () => socket.destroy());
  // A peer that never reads must not keep the socket alive.
  setTimeout(() => socket.destroy(), 5000).unref();
}

export class BackendUpgradeError extends Error {
  constructor(message: string, readonly statusCode?: number) {
    super(message);
  }
}

export interface BackendConnection {
  socket: Duplex;
  /** Bytes the backend sent right after its 101 response. */
  head: Buffer;
  /** The protocol the backend chose (X-Stream-Protocol-Version). */
  protocol: string;
}

/** Opens a SPDY/3.1 upgrade to a runtime streaming URL (containerd's /exec/<token> etc.). */
export function dialSpdyBackend(backendUrl: string, protocols: string[], timeoutMs = BACKEND_DIAL_TIMEOUT_MS): Promise<BackendConnection> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(backendUrl);
    } catch {
      return reject(new BackendUpgradeError(`invalid backend URL`));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return reject(new BackendUpgradeError(`unsupported backend scheme ${url.protocol}`));
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      agent: false,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'SPDY/3.1',
        'X-Stream-Protocol-Version': protocols,
        'Content-Length': '0',
      },
    });
    const timer = setTimeout(() => request.destroy(new BackendUpgradeError('timed out upgrading the connection to the runtime')), timeoutMs);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      reject(err instanceof BackendUpgradeError ? err : new BackendUpgradeError(`error dialing backend: ${err.message}`));
    };
    request.on('error', fail);
    request.on('upgrade', (res: IncomingMessage, socket: Duplex, head: Buffer) => {
      clearTimeout(timer);
      const protocol = String(res.headers[STREAM_PROTOCOL_HEADER] ?? '');
      if (res.statusCode !== 101) {
        socket.destroy();
        return reject(new BackendUpgradeError(`runtime answered ${res.statusCode}`, res.statusCode));
      }
      resolve({ socket, head, protocol });
    });
    request.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < MAX_ERROR_BODY) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => fail(new BackendUpgradeError(`unable to upgrade connection: ${Buffer.concat(chunks).toString('utf8').slice(0, MAX_ERROR_BODY).trim() || STATUS_CODES[res.statusCode ?? 500]}`, res.statusCode)));
      res.on('error', fail);
    });
    request.end();
  });
}

/**
 * Completes the client's WebSocket handshake with the given subprotocol (false: none).
 * Rejects when the handshake fails; `ws` has then already answered 400 and closed the socket.
 */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string | false): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_WEBSOCKET_MESSAGE, handleProtocols: () => protocol });
    // The protocol is already chosen. `ws` would reject the offer list when a name is not an
    // RFC 7230 token, and kubectl's SPDY/3.1+portforward.k8s.io is not (the "/"), so it sees a
    // placeholder and answers with the real name through handleProtocols.
    if (protocol === false) delete req.headers['sec-websocket-protocol'];
    else req.headers['sec-websocket-protocol'] = 'chosen';
    let done = false;
    const onClose = (): void => {
      if (!done) {
        done = true;
        reject(new Error('WebSocket handshake failed'));
      }
    };
    socket.once('close', onClose);
    wss.handleUpgrade(req, socket, head, (ws) => {
      socket.off('close', onClose);
      if (done) return ws.terminate();
      done = true;
      resolve(ws);
    });
  });
}

/** The 101 we answer a SPDY client with once the runtime accepted the same protocol. */
export function switchingProtocolsSpdy(protocol: string): string {
  return 'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n' + (protocol ? `X-Stream-Protocol-Version: ${protocol}\r\n` : '') + '\r\n';
}

/** Forwards WebSocket binary messages and a byte stream to each other, with backpressure both ways. */
export function bridgeWebSocketToStream(ws: WebSocket, stream: Duplex): void {
  const HIGH_WATER = 8;
  let inFlight = 0;
  let closed = false;
  const finish = (): void => {
    if (closed) return;
    closed = true;
    if (ws.readyState === ws.OPEN) ws.close(1000);
    stream.destroy();
  };
  stream.on('data', (chunk: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    inFlight++;
    if (inFlight >= HIGH_WATER) stream.pause();
    ws.send(chunk, { binary: true }, () => {
      inFlight--;
      if (inFlight < HIGH_WATER && !closed) stream.resume();
    });
  });
  stream.on('end', finish);
  stream.on('close', finish);
  stream.on('error', finish);
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary || closed) return;
    if (!stream.write(data)) {
      ws.pause();
      stream.once('drain', () => ws.resume());
    }
  });
  ws.on('close', finish);
  ws.on('error', finish);
}
