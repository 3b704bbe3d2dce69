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

export function sendStatus(res: AnyResponse, status: Status): void {
  sendJson(res, status.code, status);
}
