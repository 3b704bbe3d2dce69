// Several `k8ts server` processes on one machine, each in a network namespace of its own joined to
// a bridge the harness creates, so each has its own address and the ports a server takes (6443,
// etcd's 2379 and 2380) as on a machine of its own; the host reaches them all on the bridge. The
// first runs --cluster-init, the others join it with --server and the server token, as the seeds'
// three masters are built. stop() ends every server (its etcd dies with it), then removes the
// namespaces, the bridge and the data dirs, also after a failure.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { ClientConfig } from '../client/kubeconfig.js';
import { RestClient } from '../client/rest.js';
import { eventually } from './harness.js';
import { claimSubnet, ip, killQuietly, mustIp, run } from './host-network.js';
import { killProcessesUnder } from './leftovers.js';

const MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../cli/main.js');

export interface HaServer {
  name: string;
  ip: string;
  netns: string;
  dataDir: string;
  logFile: string;
  /** https://<ip>:6443 */
  url: string;
  readonly running: boolean;
  readonly pid: number | undefined;
  /** Starts the server (again); resolves once it answers /readyz. */
  start(): Promise<void>;
  /** SIGKILL: a crash (its etcd member dies with it). */
  kill(): Promise<void>;
  /** This server's leader-election identity (<host>_<uuid>). */
  identity(): string;
}

export interface HaCluster {
  servers: HaServer[];
  bridge: string;
  hostIP: string;
  /** The server token (full, with the CA hash) of the first server. */
  token: string;
  caPem: string;
  adminToken: string;
  /** An admin client of one server. */
  client(server: HaServer): RestClient;
  config(server: HaServer): ClientConfig;
  stop(): Promise<void>;
}

export async function startHaCluster(opts: { servers: number; serverArgs?: string[] }): Promise<HaCluster> {
  const tag = randomInt(0x10000, 0xfffff).toString(16);
  const bridge = `k8hb${tag}`;
  const root = mkdtempSync(join(tmpdir(), 'k8ts-ha-'));
  const netnses: string[] = [];
  const children = new Map<string, ChildProcess>();
  const servers: HaServer[] = [];
  let hostIP = '';
  const clients: RestClient[] = [];
  let first: { token: string; caPem: string; adminToken: string } | undefined;

  const stop = async () => {
    for (const c of clients) c.close();
    for (const s of servers) await s.kill().catch(() => undefined);
    for (const s of servers) await killProcessesUnder(s.dataDir).catch(() => undefined);
    for (const ns of netnses) {
      for (const pid of (await ip(['netns', 'pids', ns])).stdout.split('\n').map(Number).filter((p) => p > 1)) {
        killQuietly(pid);
      }
      await ip(['netns', 'del', ns]);
    }
    await ip(['link', 'del', bridge]);
    rmSync(root, { recursive: true, force: true });
  };

  try {
    await mustIp(['link', 'add', bridge, 'type', 'bridge']);
    const n = await claimSubnet(bridge);
    hostIP = `192.168.${n}.1`;
    await mustIp(['link', 'set', bridge, 'up']);
    for (let i = 0; i < opts.servers; i++) {
      const name = `ha-${tag}-${i}`;
      const netns = `k8ts-ha-${tag}-${i}`;
      const ip = `192.168.${n}.${10 + i}`;
      const veth = `k8hv${tag}${i}`;
      await mustIp(['netns', 'add', netns]);
      netnses.push(netns);
      await mustIp(['link', 'add', veth, 'type', 'veth', 'peer', 'name', `k8hp${tag}${i}`]);
      await mustIp(['link', 'set', `k8hp${tag}${i}`, 'netns', netns]);
      await mustIp(['link', 'set', veth, 'master', bridge, 'up']);
      await mustIp(['-n', netns, 'link', 'set', `k8hp${tag}${i}`, 'name', 'eth0']);
      await mustIp(['-n', netns, 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
      await mustIp(['-n', netns, 'link', 'set', 'eth0', 'up']);
      await mustIp(['-n', netns, 'link', 'set', 'lo', 'up']);
      const dataDir = join(root, name);
      const logFile = join(root, `${name}.log`);
      const url = `https://${ip}:6443`;
      const server: HaServer = {
        name,
        ip,
        netns,
        dataDir,
        logFile,
        url,
        get running() {
          const c = children.get(name);
          return !!c && c.exitCode === null && c.signalCode === null;
        },
        get pid() {
          return children.get(name)?.pid;
        },
        async start() {
          const joinArgs = i === 0 ? ['--cluster-init'] : ['--server', servers[0]!.url, '--token', first!.token];
          const args = ['netns', 'exec', netns, process.execPath, MAIN, 'server', '--data-dir', dataDir, '--disable-agent', ...joinArgs, ...(opts.serverArgs ?? [])];
          const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
          const log = createWriteStream(logFile, { flags: 'a' });
          child.stdout!.pipe(log);
          child.stderr!.pipe(log);
          children.set(name, child);
          const exited = new Promise<void>((r) => child.once('exit', () => r()));
          // Its CA is the cluster's once it has joined; until then, the first server's (or none yet).
          const ready = async () => {
            if (!server.running) throw new Error(`server ${name} exited: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
            const caPem = readFileSync(join(dataDir, 'tls', 'server-ca.crt'), 'utf8');
            const probe = new RestClient({ server: url, caPem, insecureSkipTlsVerify: false }, 'k8ts-ha-probe');
            try {
              return (await probe.request<string>('GET', '/readyz', { timeoutMs: 2000 })) === 'ok';
            } finally {
              probe.close();
            }
          };
          await Promise.race([eventually(() => ready().catch((err: Error) => (/exited/.test(err.message) ? Promise.reject(err) : false)), 90_000, 200), exited.then(() => Promise.reject(new Error(`server ${name} exited: ${readFileSync(logFile, 'utf8').slice(-2000)}`)))]);
        },
        async kill() {
          const c = children.get(name);
          if (!c || c.exitCode !== null || c.signalCode !== null) return;
          const gone = new Promise<void>((r) => c.once('exit', () => r()));
          c.kill('SIGKILL');
          await gone;
          // `ip netns exec` execs the server, so the child is the server itself; its etcd follows it (pdeathsig).
          await eventually(async () => !(await run('pgrep', ['-f', `--data-dir ${dataDir}/db/etcd`])).stdout.trim(), 10_000, 50);
        },
        identity() {
          return `${hostname()}_${readFileSync(join(dataDir, 'cred', 'server-id'), 'utf8').trim()}`;
        },
      };
      servers.push(server);
      await server.start();
      if (i === 0) {
        first = {
          token: readFileSync(join(dataDir, 'token'), 'utf8').trim(),
          caPem: readFileSync(join(dataDir, 'tls', 'server-ca.crt'), 'utf8'),
          adminToken: readFileSync(join(dataDir, 'cred', 'admin.token'), 'utf8').trim(),
        };
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const f = first!;
  const config = (s: HaServer): ClientConfig => ({ server: s.url, caPem: f.caPem, token: f.adminToken });
  return {
    servers,
    bridge,
    hostIP,
    ...f,
    config,
    client(s) {
      const c = new RestClient(config(s), 'k8ts-ha-test');
      clients.push(c);
      return c;
    },
    stop,
  };
}
