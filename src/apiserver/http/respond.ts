// Writing responses: JSON (or YAML when asked) with the content types kubectl expects.
import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import { stringify as toYaml } from 'yaml';
import type { Status } from '../../api/meta/types.js';

export type AnyResponse = ServerResponse | Http2ServerResponse;

export function sendJson(res: AnyResponse, code: number, body: unknown, contentType = 'application/json'): void {
  sendText(res, code, typeof body === 'string' ? body : JSON.stringify(body), contentType);
}

export function sendText(res: AnyResponse, code: number, text: string, contentType: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  // The string goes to the socket as it is: a copy into a Buffer first would double a large
  // list's transient memory.
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

export function sendEncoded(res: AnyResponse, code: number, json: string, yaml: boolean): void {
  if (yaml) sendText(res, code, toYaml(JSON.parse(json)), 'application/yaml');
  else sendText(res, code, json, 'application/json');
}

// Pieces of a streamed body stay below V8's large-object size (128 KiB), so each one dies young
// in a scavenge once written instead of waiting in large-object space for a full collection.
const PIECE_CHARS = 64 * 1024;
/** Bytes a streamed body may have queued on the socket before the writer waits for it to drain. */
const QUEUED_BYTES = 1024 * 1024;

/**
 * Sends `head`, the parts joined by commas, then `tail` as one JSON body with its exact
 * Content-Length, a piece at a time, waiting for the socket to drain between pieces. A LIST body
 * of tens of MB built as one string stays in the heap as garbage until the next full collection;
 * streamed with back-pressure, only a piece or two is alive at any moment.
 */
/** Bodies up to this size go out in one write. */
const ONE_WRITE_BYTES = 2 * 1024 * 1024;

export async function sendJsonParts(res: AnyResponse, code: number, head: string, parts: readonly string[], tail: string): Promise<void> {
  if (res.headersSent) {
    res.end();
    return;
  }
  let length = Buffer.byteLength(head) + Buffer.byteLength(tail) + Math.max(0, parts.length - 1);
  for (const p of parts) length += Buffer.byteLength(p);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': length, 'Cache-Control': 'no-cache, private' });
  // A page of a paged list is small: one write is fastest, and its garbage goes in a minor GC.
  if (length <= ONE_WRITE_BYTES) {
    res.end(head + parts.join(',') + tail);
    return;
  }
  let piece = head;
  for (let i = 0; i < parts.length; i++) {
    piece += i === 0 ? parts[i] : `,${parts[i]}`;
    if (piece.length < PIECE_CHARS) continue;
    if (!(await writePiece(res, piece))) return;
    piece = '';
  }
  res.end(piece + tail);
}

/** Writes one piece; resolves false when the client has gone and the rest need not be written. */
function writePiece(res: AnyResponse, piece: string): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  // Both response kinds take a string chunk; the union's overloads do not unify.
  // A short queue is not worth a round trip through the event loop: keep writing until about
  // QUEUED_BYTES wait on the socket (http2 responses do not report theirs, so they wait each time).
  const r = res as ServerResponse;
  if (r.write(piece) || (r.writableLength ?? Infinity) < QUEUED_BYTES) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

export function sendStatus(res: AnyResponse, status: Status): void {
  // As upstream's response writer: a Status that asks the client to wait says so in the header clients honour.
  if (status.details?.retryAfterSeconds && !res.headersSent) res.setHeader('Retry-After', String(status.details.retryAfterSeconds));
  sendJson(res, status.code, status);
}
