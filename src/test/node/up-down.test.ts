// Issue 12, acceptance 1: `k8ts up` brings a usable single-node cluster (node Ready, DNS through
// the service proxy, ingress), merges it into the user's kubeconfig as context "k8ts" beside what
// was there, and `k8ts down --purge` leaves no process, mount, interface or rule behind. The
// cluster gets ports and ranges free for this run (other test files run beside it); everything
// else is k8ts up's default, as a user gets it.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { DEFAULT_NFT_TABLE } from '../../proxy/nftables/proxier.js';
import { DEFAULT_NETPOL_TABLE } from '../../netpol/enforcer.js';
import { DEFAULT_MASQ_TABLE } from '../../podnet/masquerade.js';
import { mountPointsUnder } from '../../kubelet/volumes/host-mounts.js';
import { killProcessesUnder, processesUnder } from '../leftovers.js';
import { freePort } from '../harness.js';
import { unusedClusterCidr } from '../node-harness.js';

const run = promisify(execFile);
const MAIN = join(fileURLToPath(import.meta.url), '../../../cli/main.js');

/** Runs `k8ts …` to its end, as a user's shell does. */
function k8ts(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

const OTHER = `apiVersion: v1
kind: Config
clusters:
- name: elsewhere
  cluster:
    server: https://192.0.2.10:6443
contexts:
- name: elsewhere
  context:
    cluster: elsewhere
    user: someone
users:
- name: someone
  user:
    token: not-ours
current-context: elsewhere
`;

describe('k8ts up / down --purge', () => {
  const home = mkdtempSync(join(tmpdir(), 'k8ts-up-home-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-up-data-'));
  const env = { ...process.env, HOME: home, KUBECONFIG: '' };
  const kubeconfig = join(home, '.kube', 'config');
  let up = { code: 1, stdout: '', stderr: '' };
  let apiPort = 0;
  let httpPort = 0;
  const kubectl = (args: string[]) => run('kubectl', ['--kubeconfig', kubeconfig, ...args]).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (err: { code?: number; stdout?: string; stderr?: string }) => ({ code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' }),
  );

  before(async () => {
    mkdirSync(join(home, '.kube'), { recursive: true });
    writeFileSync(kubeconfig, OTHER);
    apiPort = await freePort();
    httpPort = await freePort();
    const clusterCidr = await unusedClusterCidr();
    let serviceCidr: string;
    do serviceCidr = await unusedClusterCidr();
    while (serviceCidr === clusterCidr);
    const server = ['--https-listen-port', String(apiPort), '--kubelet-port', String(await freePort()), '--ingress-http-port', String(httpPort), '--ingress-https-port', String(await freePort()), '--cluster-cidr', clusterCidr, '--service-cidr', serviceCidr];
    up = await k8ts(['up', '--data-dir', dataDir, '--', ...server], env);
  });

  after(async () => {
    // A failed test still ends what it started: down --purge, then anything left under the data dir.
    if (existsSync(dataDir)) await k8ts(['down', '--data-dir', dataDir, '--purge'], env);
    await killProcessesUnder(dataDir);
    rmSync(home, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('up waits for the API, the node, DNS through the proxy and the ingress, and says how long it took', () => {
    assert.equal(up.code, 0, up.stdout + up.stderr);
    for (const step of ['API server ready', 'node Ready', 'cluster DNS answering through the service proxy', `ingress answering on port ${httpPort}`]) {
      assert.match(up.stdout, new RegExp(`✓ ${step} \\(\\d+\\.\\ds\\)`), up.stdout);
    }
    assert.match(up.stdout, /^k8ts is up in \d+\.\ds: node \S+, API https:\/\/127\.0\.0\.1:\d+$/m);
  });

  it('merges context k8ts into the user\'s kubeconfig and keeps the contexts that were there', async () => {
    const doc = parse(readFileSync(kubeconfig, 'utf8'));
    assert.equal(doc['current-context'], 'k8ts');
    assert.deepEqual(doc.contexts.map((c: { name: string }) => c.name).sort(), ['elsewhere', 'k8ts']);
    assert.deepEqual(doc.users.find((u: { name: string }) => u.name === 'someone').user, { token: 'not-ours' });
    const nodes = await kubectl(['--context', 'k8ts', 'get', 'nodes']);
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.match(nodes.stdout, /^\S+\s+Ready\s/m);
  });

  it('runs a pod, and status says what runs', async () => {
    const r = await kubectl(['--context', 'k8ts', 'run', 'web', '--image=busybox', '--', 'httpd', '-f', '-p', '80']);
    assert.equal(r.code, 0, r.stderr);
    const wait = await kubectl(['--context', 'k8ts', 'wait', '--for=condition=Ready', 'pod/web', '--timeout=60s']);
    assert.equal(wait.code, 0, wait.stderr);
    const status = await k8ts(['status', '--data-dir', dataDir], env);
    assert.equal(status.code, 0);
    assert.match(status.stdout, /^k8ts server: running \(pid \d+/m);
    assert.match(status.stdout, new RegExp(`API https://127\\.0\\.0\\.1:${apiPort}: ready`));
  });

  it('down --purge leaves no process, mount, interface or rule, and takes its context away', async () => {
    const down = await k8ts(['down', '--data-dir', dataDir, '--purge'], env);
    assert.equal(down.code, 0, down.stdout + down.stderr);
    assert.match(down.stdout, /pods stopped and removed \(1 sandboxes/);
    assert.deepEqual(processesUnder(dataDir), []);
    assert.deepEqual(await mountPointsUnder(dataDir), []);
    assert.equal(existsSync(dataDir), false);
    const links = (await run('ip', ['-o', 'link', 'show'])).stdout;
    assert.doesNotMatch(links, /: (cni0|flannel\.1)[:@]/);
    const tables = (await run('nft', ['list', 'tables'])).stdout.split('\n');
    for (const t of [DEFAULT_NFT_TABLE, DEFAULT_NETPOL_TABLE, DEFAULT_MASQ_TABLE]) assert.ok(!tables.includes(`table ip ${t}`), `nft table ${t} left: ${tables.join(', ')}`);
    assert.doesNotMatch((await run('iptables-save')).stdout, /^:KUBE-SERVICES /m);
    const status = await k8ts(['status', '--data-dir', dataDir], env);
    assert.equal(status.code, 3);
    const doc = parse(readFileSync(kubeconfig, 'utf8'));
    assert.deepEqual(doc.contexts.map((c: { name: string }) => c.name), ['elsewhere']);
    assert.equal(doc['current-context'], undefined);
  });
});
