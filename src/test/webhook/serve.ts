// Runs the test webhook server (webhook-server.ts) as a child process on this host, with a
// serving certificate for the name it is reached by, for the in-process tests and the bench.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCa, issueCert } from '../../util/pki.js';

export interface TestWebhookServer {
  /** A non-loopback address of this host (Endpoints may not point at loopback). */
  ip: string;
  port: number;
  /** The CA's certificate, base64 as a caBundle. */
  caBundle: string;
  stop(): Promise<void>;
}

export const WEBHOOK_SERVER_JS = join(dirname(fileURLToPath(import.meta.url)), 'webhook-server.js');

export function hostAddress(): string {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  throw new Error('no non-loopback IPv4 address on this host for the webhook server');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

/** A CA and a serving certificate for `dnsNames` (and the host's address). */
export async function webhookCerts(dnsNames: string[], ips: string[] = []): Promise<{ ca: string; cert: string; key: string }> {
  const ca = await createCa('test-webhook-ca');
  const serving = await issueCert(ca, { commonName: dnsNames[0] ?? 'webhook', dnsNames, ips, usage: 'server' });
  return { ca: ca.cert, cert: serving.cert, key: serving.key };
}

export async function startWebhookServer(dnsNames: string[], env: Record<string, string> = {}): Promise<TestWebhookServer> {
  const ip = hostAddress();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-webhook-'));
  const certs = await webhookCerts(dnsNames, [ip, '127.0.0.1']);
  writeFileSync(join(dir, 'tls.crt'), certs.cert);
  writeFileSync(join(dir, 'tls.key'), certs.key);
  const child: ChildProcess = spawn(process.execPath, [WEBHOOK_SERVER_JS], {
    env: { ...process.env, TLS_CERT: join(dir, 'tls.crt'), TLS_KEY: join(dir, 'tls.key'), PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('listening')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`webhook server exited with ${code}`)));
  });
  return {
    ip,
    port,
    caBundle: Buffer.from(certs.ca).toString('base64'),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A Service without selector in `default` and its hand-made Endpoints at ip:port, as a pod's would be. */
export function serviceYaml(name: string, port: number, ip: string): string {
  return `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: default}\nspec: {ports: [{name: https, port: 443, targetPort: ${port}}]}\n---\napiVersion: v1\nkind: Endpoints\nmetadata: {name: ${name}, namespace: default}\nsubsets: [{addresses: [{ip: ${ip}}], ports: [{name: https, port: ${port}}]}]\n`;
}
