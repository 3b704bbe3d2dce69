// `k8ts up` / `k8ts down` / `k8ts status`: one command to a local cluster, as minikube and kind
// give one. `up` starts `k8ts server` (with this machine's node when root) in the background,
// waits until each part answers as a user would reach it, prints how long that took, and merges
// the cluster into the user's kubeconfig as context "k8ts". `down` stops the server and the
// node's pods; `--purge` also removes the host's network state, the data dir and the context.
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync, writeFileSync, closeSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDataDir } from '../cluster/control-plane.js';
import { mergeKubeconfig, removeFromKubeconfig, userKubeconfigPath } from '../cluster/kubeconfig-merge.js';
import { adminKubeconfig, ClusterProbes, runningServerPid, serverLogFile, serverPidFile, type Probe } from '../cluster/local-cluster.js';
import { durationFlag, fail, parseFlags } from './flags.js';

export const CONTEXT = 'k8ts';
const NGINX = '/usr/sbin/nginx';

const UP_HELP = `Start a local k8ts cluster in the background and wait until it is usable.

Usage:
  k8ts up [flags] [-- server flags]

Flags:
      --data-dir DIR     The cluster's state (default ~/.k8ts, /var/lib/k8ts as root)
      --no-kubeconfig    Do not merge the cluster into ~/.kube/config (or the first file of $KUBECONFIG)
      --timeout D        How long to wait for it (default 2m)
  -h, --help             Show this help

Flags after -- go to \`k8ts server\` (see k8ts server --help), e.g. -- --https-listen-port 7443.
Without root only the control plane starts (a node running containers needs root).
`;

const DOWN_HELP = `Stop the local k8ts cluster: the server, then every pod of its node.

Usage:
  k8ts down [flags]

Flags:
      --data-dir DIR     The cluster's state (default ~/.k8ts, /var/lib/k8ts as root)
      --purge            Also remove the node's network (bridge, VXLAN device, nftables/iptables rules),
                         the data dir and the "k8ts" kubeconfig context
  -h, --help             Show this help
`;

const STATUS_HELP = `Show whether the local k8ts cluster runs, and what it serves.

Usage:
  k8ts status [--data-dir DIR]
`;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const say = (line: string) => process.stdout.write(`${line}\n`);

/** The value a `k8ts server` flag has in the pass-through arguments (--name V or --name=V). */
function passthrough(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`) return args[i + 1];
    if (args[i]!.startsWith(`--${name}=`)) return args[i]!.slice(name.length + 3);
  }
  return undefined;
}
const hasFlag = (args: string[], name: string) => args.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));

async function waitFor(probe: Probe, deadline: number, serverExited: () => string | undefined, t0: number): Promise<void> {
  const started = Date.now();
  let shown = false;
  for (;;) {
    const exited = serverExited();
    if (exited) throw new Error(exited);
    if (await probe.check().catch(() => false)) break;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${probe.what}${probe.detail ? ` (${probe.detail()})` : ''}`);
    if (!shown && Date.now() - started > 1000) {
      say(`  … waiting for ${probe.what}`);
      shown = true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  say(`  ✓ ${probe.what} (${seconds(Date.now() - t0)})`);
}

function logTail(dataDir: string, lines = 15): string {
  const file = serverLogFile(dataDir);
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

export async function runUp(args: string[]): Promise<number> {
  const dash = args.indexOf('--');
  const own = dash < 0 ? args : args.slice(0, dash);
  const serverArgs = dash < 0 ? [] : args.slice(dash + 1);
  const values = parseFlags(own, { 'data-dir': { type: 'string' }, 'no-kubeconfig': { type: 'boolean' }, timeout: { type: 'string' } }, UP_HELP);
  if (typeof values === 'number') return values;
  let timeoutMs: number;
  try {
    timeoutMs = durationFlag('timeout', values.timeout) ?? 120_000;
  } catch (err) {
    return fail((err as Error).message);
  }
  if (hasFlag(serverArgs, 'data-dir')) return fail('give --data-dir to k8ts up, not after --');
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const t0 = Date.now();
  const root = process.getuid?.() === 0;
  const withNode = root && !hasFlag(serverArgs, 'disable-agent');
  if (!root && !hasFlag(serverArgs, 'disable-agent')) {
    say('not root: starting the control plane only (a node running containers needs root)');
    serverArgs.push('--disable-agent');
  }
  let pid = runningServerPid(dataDir);
  let exitedWith: string | undefined;
  if (pid) say(`k8ts server already running (pid ${pid}); waiting until it is ready`);
  else {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const log = openSync(serverLogFile(dataDir), 'a');
    const main = fileURLToPath(new URL('./main.js', import.meta.url));
    const child = spawn(process.execPath, [main, 'server', '--data-dir', dataDir, ...serverArgs], { detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    pid = child.pid!;
    writeFileSync(serverPidFile(dataDir), `${pid}\n`);
    child.once('exit', (code, signal) => (exitedWith = `k8ts server exited (${signal ?? `code ${code}`}) before it was ready`));
    child.unref();
    say(`starting k8ts server (pid ${pid}, data ${dataDir}, log ${serverLogFile(dataDir)})`);
  }
  const probes = new ClusterProbes(dataDir);
  const deadline = t0 + timeoutMs;
  try {
    await waitFor(probes.apiServer(), deadline, () => exitedWith, t0);
    if (withNode) {
      await waitFor(probes.nodeReady(), deadline, () => exitedWith, t0);
      if (!hasFlag(serverArgs, 'disable-dns') && !hasFlag(serverArgs, 'disable-kube-proxy')) await waitFor(probes.clusterDns(passthrough(serverArgs, 'cluster-domain') ?? 'cluster.local'), deadline, () => exitedWith, t0);
      if (!hasFlag(serverArgs, 'disable-ingress')) {
        if (existsSync(NGINX)) await waitFor(probes.ingress(Number(passthrough(serverArgs, 'ingress-http-port') ?? 80)), deadline, () => exitedWith, t0);
        else say(`  - ingress not started: ${NGINX} is not installed (apt-get install nginx)`);
      }
    }
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\nlast lines of ${serverLogFile(dataDir)}:\n${logTail(dataDir)}\n`);
    return 1;
  } finally {
    probes.close();
  }
  say(`k8ts is up in ${seconds(Date.now() - t0)}: ${withNode ? `node ${(passthrough(serverArgs, 'node-name') ?? hostname()).toLowerCase()}, ` : ''}API ${apiUrl(dataDir)}`);
  if (values['no-kubeconfig']) say(`  export KUBECONFIG=${adminKubeconfig(dataDir)}`);
  else {
    const target = userKubeconfigPath();
    try {
      mergeKubeconfig(target, adminKubeconfig(dataDir), CONTEXT);
    } catch (err) {
      return fail(`the cluster runs, but ${target} could not be updated: ${(err as Error).message} (use --no-kubeconfig and KUBECONFIG=${adminKubeconfig(dataDir)})`);
    }
    say(`  kubectl context "${CONTEXT}" set in ${target}: kubectl get nodes`);
  }
  return 0;
}

function apiUrl(dataDir: string): string {
  const m = /server: (\S+)/.exec(readFileSync(adminKubeconfig(dataDir), 'utf8'));
  return m?.[1] ?? '?';
}

async function stopServer(dataDir: string): Promise<boolean> {
  const pid = runningServerPid(dataDir);
  if (!pid) return false;
  say(`stopping k8ts server (pid ${pid})`);
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (runningServerPid(dataDir) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (runningServerPid(dataDir)) {
    say('  it did not stop in 30 s: killing it');
    process.kill(pid, 'SIGKILL');
    while (runningServerPid(dataDir)) await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

export async function runDown(args: string[]): Promise<number> {
  const values = parseFlags(args, { 'data-dir': { type: 'string' }, purge: { type: 'boolean' } }, DOWN_HELP);
  if (typeof values === 'number') return values;
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const t0 = Date.now();
  if (!(await stopServer(dataDir))) say('k8ts server is not running');
  rmSync(serverPidFile(dataDir), { force: true });
  const agentDir = join(dataDir, 'agent');
  if (existsSync(agentDir)) {
    const { removeNodePods } = await import('../kubelet/node/teardown.js');
    const { sandboxes, unmounted } = await removeNodePods(agentDir);
    say(`  ✓ pods stopped and removed (${sandboxes} sandboxes, ${unmounted} mounts)`);
  }
  if (values.purge) {
    const { purgeNode } = await import('../cluster/purge.js');
    for (const line of await purgeNode(dataDir)) say(`  ✓ ${line}`);
    if (removeFromKubeconfig(userKubeconfigPath(), CONTEXT)) say(`  ✓ context "${CONTEXT}" removed from ${userKubeconfigPath()}`);
  }
  say(`k8ts is down (${seconds(Date.now() - t0)})`);
  return 0;
}

export async function runStatus(args: string[]): Promise<number> {
  const values = parseFlags(args, { 'data-dir': { type: 'string' } }, STATUS_HELP);
  if (typeof values === 'number') return values;
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const pid = runningServerPid(dataDir);
  if (!pid) {
    say(`k8ts server: not running (data ${dataDir})`);
    return 3;
  }
  say(`k8ts server: running (pid ${pid}, data ${dataDir}, log ${serverLogFile(dataDir)})`);
  const probes = new ClusterProbes(dataDir);
  try {
    say(`  API ${apiUrl(dataDir)}: ${(await probes.apiServer().check().catch(() => false)) ? 'ready' : 'not ready'}`);
    const node = probes.nodeReady();
    const ready = await node.check().catch(() => false);
    say(`  nodes: ${node.detail?.() || (ready ? 'Ready' : 'unknown')}`);
  } finally {
    probes.close();
  }
  return 0;
}
