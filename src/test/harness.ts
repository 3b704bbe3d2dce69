// An in-process control plane for integration tests: a temporary data dir, the chosen store,
// a random port, and helpers to drive it with the real kubectl or plain HTTPS.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { parseAuthorizationModes } from '../apiserver/authz/authorizer.js';
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from '../cluster/control-plane.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { startSimAgent, type SimAgent, type SimAgentOptions } from '../kubelet/sim/agent.js';
import { mountPointsUnder, unmount } from '../kubelet/volumes/host-mounts.js';
import { killProcessesUnder } from './leftovers.js';
import type { DatastoreTlsFiles } from '../storage/index.js';
import { startEtcd, type TestEtcd } from '../storage/etcd/testing/etcd-server.js';

export interface TestCluster {
  cp: ControlPlane;
  /** The in-process simulated nodes, when started with `simNodes`. */
  sim?: SimAgent;
  dataDir: string;
  kubeconfig: string;
  /**
   * Run kubectl; never rejects on a non-zero exit. Always asynchronous: the server shares this
   * process's event loop, so a synchronous spawn would keep it from answering.
   */
  kubectl(args: string[], opts?: KubectlOptions): Promise<KubectlResult>;
  /** Raw HTTPS request with the admin credential. */
  http(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  /** A file under the data dir holding the text (for -f). */
  file(name: string, text: string): string;
  stop(): Promise<void>;
}

export interface KubectlOptions {
  input?: string;
  env?: Record<string, string>;
  binary?: string;
  timeoutMs?: number;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json<T = any>(): T;
}

export const KUBECTL = process.env['KUBECTL'] ?? 'kubectl';

/** The directory the real kubectl lives in; the other versions are installed beside it. */
function kubectlDir(): string {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const p = join(dir, KUBECTL);
    if (existsSync(p)) return dirname(realpathSync(p));
  }
  return dirname(KUBECTL);
}

/** The kubectl under test, then the oldest and newest versions installed beside it. */
export const KUBECTL_VERSIONS: ReadonlyArray<[string, string]> = [
  ['1.32', KUBECTL],
  ['1.27', join(kubectlDir(), 'kubectl.1.27')],
  ['1.33', join(kubectlDir(), 'kubectl.1.33')],
];

export interface TestClusterOptions {
  /** 'etcd' starts a throwaway etcd that the cluster owns and stops (see datastoreEndpoint for a shared one). */
  store?: 'memory' | 'sqlite' | 'etcd';
  /** An external datastore (e.g. one etcd that outlives several clusters); overrides `store`. */
  datastoreEndpoint?: string;
  /** TLS files for an https:// etcd in datastoreEndpoint. */
  datastoreTls?: DatastoreTlsFiles;
  /** Start a sim agent with this many nodes (registered Ready before this resolves). */
  simNodes?: number;
  simOptions?: Partial<Omit<SimAgentOptions, 'client' | 'nodes'>>;
  /** DefaultTolerationSeconds admission settings (e.g. shortened for eviction tests). */
  defaultTolerationSeconds?: ControlPlaneOptions['defaultTolerationSeconds'];
  /** Node lifecycle controller timings (e.g. a 2 s grace period). */
  nodeLifecycle?: ControlPlaneOptions['nodeLifecycle'];
  clusterCidr?: string;
  /** Kinds served beside the built-in ones. */
  extraKinds?: ControlPlaneOptions['extraKinds'];
  serviceCidr?: string;
  /** The authorizers (default: the control plane's), one mode or upstream's comma list ('Node,RBAC'). */
  authorizationMode?: string;
  /** Static bearer tokens: the text of a --token-auth-file, written to the data dir. */
  tokenAuthFile?: string;
  /** Where the API server listens (default 127.0.0.1); 0.0.0.0 lets pods reach it through the `kubernetes` Service. */
  bindAddress?: string;
  /** Let Services set spec.externalIPs (denied by default, CVE-2020-8554). */
  allowServiceExternalIPs?: boolean;
  /** Run without the ServiceLB controller. */
  disableServiceLB?: boolean;
  /** Further control-plane settings (limits, encryption, audit, a log to read). */
  controlPlane?: Partial<Omit<ControlPlaneOptions, 'dataDir' | 'port'>>;
  /** Admission plugins that run (default: upstream's default-on set). */
  admissionPlugins?: ControlPlaneOptions['admissionPlugins'];
  /**
   * Run the built-in metrics server (off by default in tests: it scrapes every node); its port is
   * a free one, and sim nodes serve their synthetic stats to it.
   */
  metricsServer?: boolean | NonNullable<ControlPlaneOptions['metricsServer']>;
  /** The manifests directory and packaged add-ons (off by default in tests; on in the node harness, as on a server). */
  addons?: ControlPlaneOptions['addons'];
}

export async function startTestCluster(opts: TestClusterOptions = {}): Promise<TestCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-test-'));
  let tokenAuthFile: string | undefined;
  if (opts.tokenAuthFile !== undefined) writeFileSync((tokenAuthFile = join(dataDir, 'tokens.csv')), opts.tokenAuthFile);
  const etcd: TestEtcd | undefined = opts.store === 'etcd' && !opts.datastoreEndpoint ? await startEtcd() : undefined;
  const datastoreEndpoint = opts.datastoreEndpoint ?? etcd?.endpoint ?? (opts.store === 'sqlite' ? `sqlite://${join(dataDir, 'state.db')}` : 'memory://');
  const cp = await startControlPlane({
    authorizationModes: opts.authorizationMode ? parseAuthorizationModes(opts.authorizationMode) : undefined,
    tokenAuthFile,
    dataDir,
    port: 0,
    bindAddress: opts.bindAddress ?? '127.0.0.1',
    datastoreEndpoint,
    datastoreTls: opts.datastoreTls,
    log: () => undefined,
    defaultTolerationSeconds: opts.defaultTolerationSeconds,
    nodeLifecycle: opts.nodeLifecycle,
    clusterCidr: opts.clusterCidr,
    extraKinds: opts.extraKinds,
    serviceCidr: opts.serviceCidr,
    allowServiceExternalIPs: opts.allowServiceExternalIPs,
    disableServiceLB: opts.disableServiceLB,
    disableMetricsServer: !opts.metricsServer,
    addons: opts.addons ?? false,
    metricsServer: opts.metricsServer ? { port: 0, kubeletInsecureTls: !!opts.simNodes, ...(opts.metricsServer === true ? {} : opts.metricsServer) } : undefined,
    ...opts.controlPlane,
    admissionPlugins: opts.admissionPlugins,
  }).catch(async (err: unknown) => {
    await etcd?.stop();
    throw err;
  });
  const kubeconfig = cp.kubeconfigPath;
  const sim = opts.simNodes ? await startSimAgent({ ...(opts.metricsServer ? { serveKubelet: true } : {}), ...opts.simOptions, client: loadKubeconfig(kubeconfig), nodes: opts.simNodes }) : undefined;
  const env = (extra?: Record<string, string>) => ({ ...process.env, KUBECONFIG: kubeconfig, HOME: dataDir, KUBECACHEDIR: join(dataDir, 'cache'), ...extra });
  return {
    cp,
    sim,
    dataDir,
    kubeconfig,
    kubectl(args, o = {}) {
      return runProcess(o.binary ?? KUBECTL, args, { env: env(o.env), timeoutMs: o.timeoutMs, input: o.input });
    },
    http(method, path, body, headers = {}) {
      return new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
        const req = request(
          {
            host: '127.0.0.1',
            port: cp.port,
            method,
            path,
            ca: cp.caPem,
            servername: 'localhost',
            headers: { Authorization: `Bearer ${cp.adminToken}`, 'Content-Type': 'application/json', ...(payload ? { 'Content-Length': Buffer.byteLength(payload) } : {}), ...headers },
          },
          (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: text,
                json: () => JSON.parse(text),
              }),
            );
          },
        );
        req.on('error', reject);
        if (payload) req.write(payload);
        req.end();
      });
    },
    file(name, text) {
      const p = join(dataDir, name);
      writeFileSync(p, text);
      return p;
    },
    async stop() {
      await sim?.stop();
      await cp.stop();
      await etcd?.stop();
      // An agent stopped mid-teardown (SIGTERM, a failed test) can leave its containerd, shims
      // and volume mounts behind; removing the data dir must not fail on them, nor leave them.
      const leftover = await killProcessesUnder(realpathSync(dataDir));
      if (leftover.length) process.stderr.write(`test cluster ${dataDir}: killed ${leftover.length} leftover process(es)\n`);
      for (const m of await mountPointsUnder(dataDir).catch(() => [])) await unmount(m).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A loopback port nothing listens on (bound, read, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Run a program to completion without blocking the event loop the in-process server needs. */
export function runProcess(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => (stderr += String(err)));
    const timer = setTimeout(() => child.kill('SIGTERM'), opts.timeoutMs ?? 60_000);
    // A command that exits without reading its stdin (sqlite3 given its SQL) must not fail the test with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Poll until `check` returns a truthy value or the timeout passes. */
/** Resolves to the first truthy value `check` returns (so the result is never undefined). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 50): Promise<Exclude<T, undefined | null | false | '' | 0>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as Exclude<T, undefined | null | false | '' | 0>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
