// A real `k8ts server` process for crash tests: started as a user starts it, on a data dir that
// outlives it, killed however the test likes, and talked to over HTTPS with the admin token.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = join(fileURLToPath(import.meta.url), '../../../cli/main.js');

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  ca: string;
  token: string;
  /** The process's log so far (tail). */
  log(): string;
  /** Resolves with the signal or exit code once the process is gone. */
  exited: Promise<NodeJS.Signals | number | null>;
}

/** Starts `k8ts server` on dataDir (a free port, no agent) and resolves once it listens. */
export function startServer(dataDir: string, extraArgs: readonly string[], timeoutMs = 60_000): Promise<ServerProcess> {
  const args = [MAIN, 'server', '--data-dir', dataDir, '--https-listen-port', '0', '--bind-address', '127.0.0.1', '--disable-agent', ...extraArgs];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const append = (d: Buffer): void => {
    log = (log + d.toString()).slice(-20_000);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`k8ts server not listening after ${timeoutMs} ms:\n${log}`));
    }, timeoutMs);
    const onData = (): void => {
      const m = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      if (!m) return;
      clearTimeout(timer);
      child.stderr!.off('data', onData);
      resolve({
        child,
        port: Number(m[1]),
        ca: readFileSync(join(dataDir, 'tls', 'server-ca.crt'), 'utf8'),
        token: readFileSync(join(dataDir, 'cred', 'admin.token'), 'utf8').trim(),
        log: () => log,
        exited,
      });
    };
    child.stderr!.on('data', onData);
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`k8ts server exited (${how}) before it listened:\n${log}`));
    });
  });
}

/** SIGKILLs the process if it still runs and waits until it is gone. */
export async function killServer(s: ServerProcess | undefined): Promise<void> {
  if (!s) return;
  if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  await s.exited;
}

export interface Response {
  status: number;
  body: any;
}

/**
 * One request. Rejects when no complete response arrived (refused, reset, timed out): what the
 * server did with the request is then unknown to the caller.
 */
export function call(s: ServerProcess, agent: Agent, method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<Response> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: s.port,
        method,
        path,
        agent,
        ca: s.ca,
        servername: 'localhost',
        timeout: timeoutMs,
        headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json', ...(payload ? { 'Content-Length': Buffer.byteLength(payload) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('error', reject);
        res.on('end', () => {
          if (!res.complete) return reject(new Error('response cut short'));
          const text = Buffer.concat(chunks).toString();
          try {
            resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
          } catch (err) {
            reject(new Error(`unparseable response (${res.statusCode}): ${String(err)}: ${text.slice(0, 200)}`));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}
