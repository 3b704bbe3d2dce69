// A `k8ts server` on its embedded etcd, as a process on loopback with ports free for this run,
// for the snapshot, restore and migration tests: kubectl and the k8ts CLI against its data dir.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../storage/etcd/testing/etcd-server.js';
import { startServer, type ServerProcess } from '../durability/server-process.js';
import { eventually, KUBECTL, runProcess } from '../harness.js';

const MAIN = join(fileURLToPath(import.meta.url), '../../../cli/main.js');


/** One pair of etcd ports for a data dir's whole life (a member keeps its peer URL). */
export async function etcdPorts(): Promise<string[]> {
  return ['--etcd-client-port', String(await freePort()), '--etcd-peer-port', String(await freePort())];
}

/** Starts the server and waits until kubectl can use its kubeconfig. */
export async function startEmbedded(dataDir: string, args: readonly string[], track: (s: ServerProcess) => void): Promise<ServerProcess> {
  const s = await startServer(dataDir, args);
  track(s);
  await eventually(() => existsSync(join(dataDir, 'kubeconfig.yaml')) && /kubeconfig written/.test(s.log()), 30_000, 100);
  return s;
}

/** SIGTERM, as a user stops it; resolves once it (and its etcd) are gone. */
export async function stopGracefully(s: ServerProcess): Promise<void> {
  if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
  await s.exited;
}

export function kubectl(dataDir: string, args: string[], input?: string) {
  return runProcess(KUBECTL, ['--kubeconfig', join(dataDir, 'kubeconfig.yaml'), ...args], { timeoutMs: 30_000, input });
}

export function k8ts(args: string[]) {
  return runProcess(process.execPath, [MAIN, ...args], { timeoutMs: 60_000 });
}

/** Runs `k8ts server` to its end (for starts that must refuse). */
export function serverRun(dataDir: string, args: readonly string[]) {
  return runProcess(process.execPath, [MAIN, 'server', '--data-dir', dataDir, '--https-listen-port', '0', '--bind-address', '127.0.0.1', '--disable-agent', ...args], { timeoutMs: 60_000 });
}
