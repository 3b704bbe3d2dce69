// A bench client for the API server: one HTTPS request with a bearer token over a keep-alive agent.
import { Agent, request } from 'node:https';

export interface Conn {
  port: number;
  ca: string;
  agent: Agent;
}

export function call(c: Conn, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: c.port, method, path, agent: c.agent, ca: c.ca, servername: 'localhost', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...(payload ? { 'Content-Length': Buffer.byteLength(payload) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** A call that must succeed (2xx). */
export async function must(c: Conn, token: string, method: string, path: string, body?: unknown): Promise<void> {
  const r = await call(c, token, method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
}
