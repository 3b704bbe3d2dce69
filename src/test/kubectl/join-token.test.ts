// Issue 12, joining: a k3s-shaped token (K10<CA hash>::…) is all an agent needs; the agent fetches
// the CA without trusting it and checks the hash first, so a token for another cluster (or a
// server in the middle) is refused before any credential is sent. `k8ts token create|list|delete`
// manage bootstrap tokens that join the same way, and `--agent-token` is one more join secret.
// The agents here are sim agents (`k8ts agent --runtime sim`), which join exactly as real ones do.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { caHash, parseJoinToken } from '../../cluster/join-token.js';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';

const MAIN = join(fileURLToPath(import.meta.url), '../../../cli/main.js');

describe('joining with a token: CA hash, bootstrap tokens, the agent token', () => {
  let c: TestCluster;
  const dirs: string[] = [];
  const agents: ChildProcess[] = [];

  const k8ts = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });

  /** A sim agent in a fresh data dir (nothing of the server's), with only --server and --token. */
  const join_ = (token: string, prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-join-'));
    dirs.push(dir);
    const child = spawn(process.execPath, [MAIN, 'agent', '--runtime', 'sim', '--server', c.cp.url, '--token', token, '--data-dir', dir, '--sim-node-prefix', prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
    agents.push(child);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
    return { child, exited, stderr: () => stderr };
  };
  const nodeReady = (name: string) =>
    eventually(async () => {
      const r = await c.http('GET', `/api/v1/nodes/${name}`);
      return r.status === 200 && r.json().status?.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'True');
    }, 20_000, 100);

  before(async () => {
    c = await startTestCluster({ controlPlane: { agentToken: 'only-for-agents-0123456789' } });
  });

  after(async () => {
    for (const a of agents) a.kill('SIGTERM');
    await Promise.all(agents.map((a) => new Promise((r) => (a.exitCode !== null || a.signalCode !== null ? r(undefined) : a.once('exit', r)))));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await c?.stop();
  });

  it('writes the full tokens, carrying the hash of the CA that /cacerts serves to anyone', async () => {
    const token = readFileSync(join(c.dataDir, 'token'), 'utf8').trim();
    const parsed = parseJoinToken(token);
    assert.equal(parsed.role, 'server');
    const r = await c.http('GET', '/cacerts', undefined, { Authorization: '' });
    assert.equal(r.status, 200);
    assert.equal(caHash(r.body), parsed.caHash);
    assert.equal(r.body, c.cp.caPem);
    assert.equal(parseJoinToken(readFileSync(join(c.dataDir, 'agent-token'), 'utf8')).role, 'node');
  });

  it('an agent joins with only --server and the server token', async () => {
    join_(readFileSync(join(c.dataDir, 'token'), 'utf8').trim(), 'srvtok-');
    assert.ok(await nodeReady('srvtok-0'));
  });

  it('the agent token joins too', async () => {
    join_(readFileSync(join(c.dataDir, 'agent-token'), 'utf8').trim(), 'agenttok-');
    assert.ok(await nodeReady('agenttok-0'));
  });

  it('a token whose CA hash is not this cluster\'s is refused before any credential is sent', async () => {
    const token = readFileSync(join(c.dataDir, 'token'), 'utf8').trim();
    const wrong = `K10${'ab'.repeat(32)}${token.slice(token.indexOf('::'))}`;
    const a = join_(wrong, 'wrong-');
    assert.equal(await a.exited, 1);
    assert.match(a.stderr(), /^error: token CA hash does not match the Cluster CA certificate hash: [0-9a-f]{64} != (ab){32}/m);
    assert.equal((await c.http('GET', '/api/v1/nodes/wrong-0')).status, 404);
  });

  it('k8ts token create prints a full token that joins; list shows it; delete revokes it', async () => {
    const created = await k8ts(['token', 'create', '--kubeconfig', c.kubeconfig, '--ttl', '2h', '--description', 'for the test']);
    assert.equal(created.code, 0, created.stderr);
    const token = created.stdout.trim();
    assert.match(token, /^K10[0-9a-f]{64}::[a-z0-9]{6}\.[a-z0-9]{16}$/);
    assert.equal(parseJoinToken(token).caHash, caHash(c.cp.caPem));
    const bare = parseJoinToken(token).bearer;
    const list = await k8ts(['token', 'list', '--kubeconfig', c.kubeconfig]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^TOKEN\s+TTL\s+EXPIRES\s+USAGES\s+DESCRIPTION\s+EXTRA GROUPS$/m);
    assert.match(list.stdout, new RegExp(`^${bare.replace('.', '\\.')}\\s+(1h|2h)\\s+\\S+Z\\s+authentication,signing\\s+for the test\\s+system:bootstrappers:k8ts:default-node-token$`, 'm'));
    join_(token, 'boot-');
    assert.ok(await nodeReady('boot-0'));
    const who = await c.kubectl(['auth', 'whoami', '--token', bare, '-o', 'jsonpath={.status.userInfo.username}']);
    assert.equal(who.stdout, `system:bootstrap:${bare.split('.')[0]}`);
    const del = await k8ts(['token', 'delete', bare.split('.')[0]!, '--kubeconfig', c.kubeconfig]);
    assert.equal(del.code, 0, del.stderr);
    assert.equal(del.stdout, `bootstrap token "${bare.split('.')[0]}" deleted\n`);
    assert.ok(await eventually(async () => /Unauthorized/.test((await c.kubectl(['auth', 'whoami', '--token', bare])).stderr), 5_000));
    const again = await k8ts(['token', 'delete', bare.split('.')[0]!, '--kubeconfig', c.kubeconfig]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^error: bootstrap token "[a-z0-9]{6}" not found$/m);
  });

  it('bad input is a one-line error that changes nothing', async () => {
    const bad = await k8ts(['token', 'create', 'Not-A-Token', '--kubeconfig', c.kubeconfig]);
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, 'error: the bootstrap token "Not-A-Token" was not of the form "[a-z0-9]{6}.[a-z0-9]{16}"\n');
    const ttl = await k8ts(['token', 'create', '--ttl', 'soon', '--kubeconfig', c.kubeconfig]);
    assert.equal(ttl.code, 1);
    assert.equal(ttl.stderr, 'error: invalid argument "soon" for "--ttl" flag: time: invalid duration "soon"\n');
    const noHash = join_('K10nothex::server:x', 'nohash-');
    assert.equal(await noHash.exited, 1);
    assert.match(noHash.stderr(), /error: the token's CA hash is not a sha256 in hex/);
  });
});
