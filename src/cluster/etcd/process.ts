// The embedded etcd, as `k8ts server --cluster-init` runs it: Debian's etcd binary as a child of
// the server, with the certificates of pki.ts, its data under <data-dir>/db/etcd (k3s's layout).
// It runs under `setpriv --pdeathsig`, so it ends when its server ends, however that ends: k3s
// runs etcd inside its own process, and a server killed with -9 must take its member down with it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { ensureEtcdPki, type EtcdPkiFiles } from './pki.js';

export const ETCD_CLIENT_PORT = 2379;
export const ETCD_PEER_PORT = 2380;
const READY_TIMEOUT_MS = 60_000;

export interface EmbeddedEtcdOptions {
  /** The server's data dir. */
  dataDir: string;
  /** The member's name (unique in the cluster). */
  name: string;
  /** The address other members and servers reach this one at. */
  ip: string;
  clientPort?: number;
  peerPort?: number;
  /** Joining: the members as `name=peerURL,…` including this one; default: this member alone. */
  initialCluster?: string;
  /**
   * Start once with etcd's --force-new-cluster: the member forgets its peers and becomes a
   * cluster of one, keeping its data (k3s's --cluster-reset).
   */
  forceNewCluster?: boolean;
  binary?: string;
  log?: (line: string) => void;
}

export interface EmbeddedEtcd {
  /** What this server's API server talks to (loopback). */
  endpoint: string;
  /** What other servers reach this member's clients and peers at. */
  clientURL: string;
  peerURL: string;
  pki: EtcdPkiFiles;
  readonly pid: number;
  stop(): Promise<void>;
}

export const etcdDataDir = (dataDir: string): string => join(dataDir, 'db', 'etcd');
export const url = (ip: string, port: number): string => `https://${ip.includes(':') ? `[${ip}]` : ip}:${port}`;

/** Whether this data dir already holds an etcd member (it restarts from its own state, flags aside). */
export function hasEtcdMember(dataDir: string): boolean {
  return existsSync(join(etcdDataDir(dataDir), 'member'));
}

export async function startEmbeddedEtcd(o: EmbeddedEtcdOptions): Promise<EmbeddedEtcd> {
  const log = o.log ?? (() => undefined);
  const clientPort = o.clientPort ?? ETCD_CLIENT_PORT;
  const peerPort = o.peerPort ?? ETCD_PEER_PORT;
  const pki = await ensureEtcdPki(o.dataDir, o.name, [o.ip]);
  const dir = etcdDataDir(o.dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const clientURL = url(o.ip, clientPort);
  const peerURL = url(o.ip, peerPort);
  const local = url('127.0.0.1', clientPort);
  const joining = o.initialCluster !== undefined;
  const args = [
    '--name', o.name,
    '--data-dir', dir,
    '--listen-client-urls', o.ip === '127.0.0.1' ? local : `${local},${clientURL}`,
    '--advertise-client-urls', clientURL,
    '--listen-peer-urls', peerURL,
    '--initial-advertise-peer-urls', peerURL,
    '--initial-cluster', o.initialCluster ?? `${o.name}=${peerURL}`,
    '--initial-cluster-state', joining ? 'existing' : 'new',
    '--client-cert-auth', '--trusted-ca-file', pki.caFile, '--cert-file', pki.serverCertFile, '--key-file', pki.serverKeyFile,
    '--peer-client-cert-auth', '--peer-trusted-ca-file', pki.caFile, '--peer-cert-file', pki.peerCertFile, '--peer-key-file', pki.peerKeyFile,
    // Two cores under test load: a longer election timeout than etcd's 1 s keeps a busy leader.
    '--heartbeat-interval', '200', '--election-timeout', '2000',
    '--logger', 'zap', '--log-outputs', 'stderr',
    ...(o.forceNewCluster ? ['--force-new-cluster'] : []),
  ];
  const logFile = join(o.dataDir, 'db', 'etcd.log');
  // The log is appended across starts: what this start wrote begins here.
  const logStart = existsSync(logFile) ? statSync(logFile).size : 0;
  const out = createWriteStream(logFile, { flags: 'a' });
  const child: ChildProcess = spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', o.binary ?? 'etcd', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.pipe(out);
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    exited = `etcd exited (${signal ?? `code ${code}`}); see ${logFile}`;
    resolve();
  }));
  log(`etcd: member ${o.name} starting (${joining ? 'joining' : 'new cluster'}; client ${clientURL}, peer ${peerURL})`);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const hard = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(hard);
    }
    out.end();
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      await stop();
      // A member removed from its cluster (k8ts etcd member remove) is refused by its peers.
      if (/permanently removed from the cluster|member has already been removed/.test(readFileSync(logFile).subarray(logStart).toString())) throw new Error(`this server's etcd member ${o.name} was removed from the cluster; to rejoin, remove ${join(o.dataDir, 'db')} and start again with --server and --token`);
      throw new Error(`${exited}: ${tail(logFile)}`);
    }
    if (await healthy(local, pki)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`etcd did not become healthy in ${READY_TIMEOUT_MS / 1000} s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`etcd: member ${o.name} healthy`);
  writeLocalMember(o.dataDir, { name: o.name, endpoint: local, clientURL, peerURL });
  return { endpoint: local, clientURL, peerURL, pki, get pid() { return child.pid!; }, stop };
}

/** What `k8ts etcd-snapshot` and `k8ts etcd member` need to reach this server's member: written at each start. */
export interface LocalMember {
  name: string;
  /** The loopback client URL. */
  endpoint: string;
  clientURL: string;
  peerURL: string;
}

export const localMemberFile = (dataDir: string): string => join(dataDir, 'db', 'etcd-member.json');

function writeLocalMember(dataDir: string, m: LocalMember): void {
  writeFileSync(localMemberFile(dataDir), `${JSON.stringify(m, null, 2)}\n`, { mode: 0o600 });
}

function tail(file: string, lines = 3): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join(' | ');
  } catch {
    return '';
  }
}

/** etcd's /health, asked with the client certificate (the member requires one). */
export function healthy(endpoint: string, pki: EtcdPkiFiles): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${endpoint}/health`, { ca: readFileSync(pki.caFile), cert: readFileSync(pki.clientCertFile), key: readFileSync(pki.clientKeyFile), timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(res.statusCode === 200 && /"health":\s*"true"/.test(body)));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
