// Plain responses of the kubelet API: text errors as go-restful writes them, JSON documents, and
// refusals written straight onto the socket of an upgrade request that will not be upgraded.
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export function sendText(res: ServerResponse, code: number, text: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  sendBody(res, code, text, 'text/plain; charset=utf-8');
}

export function sendBody(res: ServerResponse, code: number, text: string, contentType: string): void {
  const body = Buffer.from(text);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': body.length });
  res.end(body);
}

export function sendJson(res: ServerResponse, code: number, doc: unknown): void {
  const body = Buffer.from(JSON.stringify(doc));
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': body.length });
  res.end(body);
}

/** Answers an upgrade request with an error and closes the connection: nothing else may follow. */
export function refuseUpgrade(socket: Duplex, code: number, text: string): void {
  if (socket.destroyed) return;
  const body = Buffer.from(text);
  socket.end(`HTTP/1.1 ${code} ${STATUS_CODES[code] ?? 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${text}`);
  setTimeout(() => socket.destroy(), 1000).unref();
}
