// For tests only: the smallest API server the real kubectl needs for exec and port-forward (HTTPS,
// discovery, the GET of pod ns/p), with the exec/attach/portforward upgrades handed to the test, an
// echo server to forward to, and helpers that run kubectl against it.
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface PortForward {
  /** The local port kubectl listens on. */
  localPort: number;
  /** What kubectl printed so far, for assertion messages. */
  output(): string;
  stop(): void;
}

export interface KubectlApi {
  port: number;
  /** A TCP echo server on 127.0.0.1, the port-forward target. */
  echoPort: number;
  /** Runs kubectl -n ns against this server. */
  kubectl(args: string[], o?: { env?: Record<string, string>; input?: string }): Promise<KubectlResult>;
  /** Starts `kubectl port-forward pod/p :<echoPort>` and waits until it forwards. */
  portForward(env?: Record<string, string>): Promise<PortForward>;
  close(): Promise<void>;
}

export interface KubectlApiOptions {
  /** What GET /api/v1/namespaces/ns/pods/p answers. */
  pod: object;
  /** Upgrade requests (exec, attach, portforward); the socket is destroyed on error and at close. */
  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void;
}

const DISCOVERY: Record<string, object> = {
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] },
  '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [] },
  '/api/v1': { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'], shortNames: ['po'] }] },
};

export async function startKubectlApi(o: KubectlApiOptions): Promise<KubectlApi> {
  const dir = mkdtempSync(join(tmpdir(), 'k8tst-kubectl-api-'));
  const sockets = new Set<Duplex>();
  const echo = net.createServer((c) => c.pipe(c));
  let server: https.Server | undefined;
  const close = async (): Promise<void> => {
    for (const s of sockets) s.destroy();
    server?.close();
    echo.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    echo.listen(0, '127.0.0.1');
    await once(echo, 'listening');
    const echoPort = (echo.address() as net.AddressInfo).port;
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const bodies: Record<string, object> = { ...DISCOVERY, '/api/v1/namespaces/ns/pods/p': o.pod };
    server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
      const body = bodies[new URL(req.url ?? '/', 'https://x').pathname];
      res.setHeader('Content-Type', 'application/json');
      if (body) return res.end(JSON.stringify(body));
      res.statusCode = 404;
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      o.onUpgrade(req, socket, head, new URL(req.url ?? '/', 'https://x'));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as net.AddressInfo).port;
    const argv = (args: string[]): string[] => ['--server', `https://127.0.0.1:${port}`, '--insecure-skip-tls-verify', '--token', 'x', '-n', 'ns', ...args];
    const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ ...process.env, KUBECONFIG: '/dev/null', ...extra });

    const kubectl = (args: string[], k: { env?: Record<string, string>; input?: string } = {}): Promise<KubectlResult> =>
      new Promise((resolve) => {
        const child = spawn('kubectl', argv(['--request-timeout', '30s', ...args]), { env: env(k.env) });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c) => (stdout += c));
        child.stderr.on('data', (c) => (stderr += c));
        child.stdin.end(k.input ?? '');
        const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code: code ?? -1, stdout, stderr });
        });
      });

    const portForward = async (extra: Record<string, string> = {}): Promise<PortForward> => {
      const child = spawn('kubectl', argv(['port-forward', 'pod/p', `:${echoPort}`]), { env: env(extra) });
      let out = '';
      child.stderr.on('data', (c) => (out += c));
      try {
        const localPort = await new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`kubectl did not start forwarding: ${out}`)), 20_000);
          child.stdout.on('data', (c) => {
            out += c;
            const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
            if (m) {
              clearTimeout(timer);
              resolve(Number(m[1]));
            }
          });
        });
        return { localPort, output: () => out, stop: () => child.kill('SIGKILL') };
      } catch (err) {
        child.kill('SIGKILL');
        throw err;
      }
    };

    return { port, echoPort, kubectl, portForward, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Sends `payload` to 127.0.0.1:<port> and returns what came back within 15 s. */
export async function echoRoundTrip(port: number, payload: Buffer): Promise<Buffer> {
  const conn = net.connect(port, '127.0.0.1');
  const got: Buffer[] = [];
  let received = 0;
  conn.on('data', (c: Buffer) => {
    got.push(c);
    received += c.length;
  });
  conn.on('error', () => undefined);
  conn.write(payload);
  const deadline = Date.now() + 15_000;
  while (received < payload.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  conn.destroy();
  return Buffer.concat(got);
}
