// Starts a throwaway single-member etcd (Debian's etcd-server) on free loopback ports, for tests
// and benchmarks. stop() kills it and removes its data dir; callers put it in a finally/after.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EtcdTlsFiles {
  certFile: string;
  keyFile: string;
  /** With it etcd requires client certificates signed by this CA (--client-cert-auth). */
  clientCaFile?: string;
}

export interface TestEtcd {
  endpoint: string;
  dataDir: string;
  pid: number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function startEtcd(opts: { tls?: EtcdTlsFiles; extraArgs?: string[]; dataDir?: string } = {}): Promise<TestEtcd> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'k8ts-etcd-'));
  const ownsDir = !opts.dataDir;
  // A port found free can be taken before etcd binds it: try again with new ones.
  for (let attempt = 0; ; attempt++) {
    const [client, peer] = [await freePort(), await freePort()];
    const scheme = opts.tls ? 'https' : 'http';
    const endpoint = `${scheme}://127.0.0.1:${client}`;
    const peerUrl = `http://127.0.0.1:${peer}`;
    const args = [
      '--name', 'k8ts-test',
      '--data-dir', dataDir,
      '--listen-client-urls', endpoint,
      '--advertise-client-urls', endpoint,
      '--listen-peer-urls', peerUrl,
      '--initial-advertise-peer-urls', peerUrl,
      '--initial-cluster', `k8ts-test=${peerUrl}`,
      '--logger', 'zap',
      '--log-level', 'info',
      ...(opts.tls ? ['--cert-file', opts.tls.certFile, '--key-file', opts.tls.keyFile] : []),
      ...(opts.tls?.clientCaFile ? ['--client-cert-auth', '--trusted-ca-file', opts.tls.clientCaFile] : []),
      ...(opts.extraArgs ?? []),
    ];
    const child = spawn('etcd', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      await ready(child);
    } catch (err) {
      await kill(child);
      if (attempt < 3 && /address already in use/.test(String(err))) continue;
      if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
      throw err;
    }
    return {
      endpoint,
      dataDir,
      pid: child.pid!,
      stop: async () => {
        await kill(child);
        if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
}

/** etcd logs "ready to serve client requests" once its client listener accepts requests. */
function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => done(new Error(`etcd did not become ready in 20s: ${log.slice(-2000)}`)), 20_000);
    const done = (err?: Error): void => {
      clearTimeout(timer);
      child.stderr?.removeAllListeners('data');
      child.removeAllListeners('exit');
      // Keep draining stderr so a chatty etcd never blocks on a full pipe.
      child.stderr?.resume();
      if (err) reject(err);
      else resolve();
    };
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('ready to serve client requests') || log.includes('serving client traffic')) done();
    });
    child.on('exit', (code) => done(new Error(`etcd exited with ${code}: ${log.slice(-2000)}`)));
    child.on('error', (err) => done(err));
  });
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
