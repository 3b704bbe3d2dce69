// A bench client for the API server: one HTTPS request with a bearer token over a keep-alive agent.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { cpuSeconds, percentile } from './processes.js';

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

/**
 * `count` creates at `path` from `clients` concurrent clients (each takes the next index), each
 * expected to answer 201: the wall time and every create's latency.
 */
export async function timedCreates(c: Conn, token: string, path: string, clients: number, count: number, body: (i: number) => unknown): Promise<{ seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        const t = performance.now();
        const r = await call(c, token, 'POST', path, body(i));
        if (r.status !== 201) throw new Error(`create: ${r.status} ${r.text}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latencies };
}

/** As timedCreates: the rate and the p99 latency. */
export async function createMany(c: Conn, token: string, path: string, clients: number, count: number, body: (i: number) => unknown): Promise<{ rate: number; p99: number }> {
  const { seconds, latencies } = await timedCreates(c, token, path, clients, count, body);
  return { rate: count / seconds, p99: percentile(latencies, 99) };
}

export interface Round {
  rate: number;
  p99: number;
  /** Server CPU per operation: what is measured, far less disturbed than wall time by other load on the machine. */
  cpuMs: number;
}

/** Runs `work` once to warm up, then again measured: its rate and p99 with the server's CPU per operation. */
export async function measureRound(serverPid: number, operations: number, work: (prefix: string) => Promise<{ rate: number; p99: number }>): Promise<Round> {
  await work('warm');
  const before = cpuSeconds(serverPid);
  const r = await work('run');
  return { ...r, cpuMs: ((cpuSeconds(serverPid) - before) * 1000) / operations };
}

export const bestRound = (rs: Round[]): Round => rs.reduce((a, b) => (b.rate > a.rate ? b : a));
export const leastCpu = (rs: Round[]): number => Math.min(...rs.map((r) => r.cpuMs));

/** A connection to a server started with `--data-dir dir`, and its admin token. */
export function connect(dir: string, port: number, agent: Agent): { c: Conn; admin: string } {
  return { c: { port, ca: readFileSync(join(dir, 'tls', 'server-ca.crt'), 'utf8'), agent }, admin: readFileSync(join(dir, 'cred', 'admin.token'), 'utf8').trim() };
}
