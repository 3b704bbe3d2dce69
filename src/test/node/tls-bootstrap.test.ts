// A real node joining with nothing but the join token: its kubelet's client certificate comes
// through a kube-apiserver-client-kubelet CSR that the controllers approve and issue (the key
// stays on the node), its serving certificate through a kubelet-serving CSR made as the node,
// and the identity it ends up with is its own: the Node authorizer and NodeRestriction hold it
// to its own Node. A restart keeps the certificates instead of asking again.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';
import { cleanupHost } from '../node-harness.js';

const MAIN = join(fileURLToPath(import.meta.url), '../../../cli/main.js');

describe('a real node: TLS bootstrap through CertificateSigningRequests', () => {
  let c: TestCluster;
  let agent: ChildProcess | undefined;
  let agentLog = '';
  const tag = randomInt(0x10000, 0xfffff).toString(16);
  const nodeName = `node-${tag}`;
  const agentDir = () => join(c.dataDir, 'agent-data');
  const kubeletKubeconfig = () => join(agentDir(), 'agent', 'cred', 'kubelet.kubeconfig');

  const startAgent = () => {
    const token = readFileSync(join(c.dataDir, 'token'), 'utf8').trim();
    const podCIDR = `10.${randomInt(100, 250)}.${randomInt(0, 250)}.0/24`;
    const child = spawn(process.execPath, [MAIN, 'agent', '--server', c.cp.url, '--token', token, '--ca-file', join(c.dataDir, 'tls', 'server-ca.crt'), '--data-dir', agentDir(), '--node-name', nodeName, '--kubelet-port', '0', '--pod-cidr', podCIDR, '--cni-bridge', `k8ts${tag}`, '--cgroup-root', `/k8ts-test-${tag}`, '--disable-kube-proxy', '--disable-dns', '--disable-network-policy', '--disable-ingress', '--flannel-backend', 'none'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (agentLog += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (agentLog += d.toString()));
    return child;
  };
  const stopAgent = async () => {
    const a = agent;
    if (!a || a.exitCode !== null || a.signalCode !== null) return;
    a.kill('SIGTERM');
    const killer = setTimeout(() => a.kill('SIGKILL'), 15_000);
    await new Promise((r) => a.once('exit', r));
    clearTimeout(killer);
  };
  const nodeReady = async () => {
    const r = await c.http('GET', `/api/v1/nodes/${nodeName}`);
    return r.status === 200 && r.json().status?.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'True');
  };
  const csrs = async () => (await c.http('GET', '/apis/certificates.k8s.io/v1/certificatesigningrequests')).json().items as any[];
  const issuedFor = (list: any[], signer: string) => list.filter((x) => x.spec.signerName === signer && x.status?.certificate);

  before(async () => {
    c = await startTestCluster({ authorizationMode: 'Node,RBAC' });
    agent = startAgent();
    await eventually(nodeReady, 90_000, 200).catch((err) => {
      throw new Error(`${err}\n${agentLog}`);
    });
  });
  after(async () => {
    await stopAgent();
    await cleanupHost(`k8ts${tag}`, `/k8ts-test-${tag}`);
    await c?.stop();
  });

  it("gets the kubelet's client certificate from an Approved,Issued kube-apiserver-client-kubelet CSR", async () => {
    const [csr, ...more] = issuedFor(await csrs(), 'kubernetes.io/kube-apiserver-client-kubelet');
    assert.ok(csr, agentLog);
    assert.equal(more.length, 0);
    assert.equal(csr.spec.username, 'system:k8ts:server-token', 'asked with the (server) join token');
    assert.ok(csr.spec.groups.includes('system:bootstrappers'));
    assert.deepEqual(csr.status.conditions.map((x: any) => [x.type, x.reason]), [['Approved', 'AutoApproved']]);
    const listed = await c.kubectl(['get', 'csr', csr.metadata.name, '--no-headers']);
    assert.match(listed.stdout, /kubernetes.io\/kube-apiserver-client-kubelet\s+system:k8ts:server-token\s+<none>\s+Approved,Issued/);
    // What the node runs with is that certificate, for a key the request only ever carried the public half of.
    const kept = loadKubeconfig(kubeletKubeconfig());
    assert.equal(kept.certPem!.trim(), Buffer.from(csr.status.certificate, 'base64').toString().trim());
    assert.doesNotMatch(JSON.stringify(csr), /PRIVATE KEY/);
  });

  it('serves the kubelet API with a kubelet-serving certificate asked for as the node', async () => {
    const serving = await eventually(async () => issuedFor(await csrs(), 'kubernetes.io/kubelet-serving')[0], 30_000, 200);
    assert.equal(serving.spec.username, `system:node:${nodeName}`);
    const port = (await c.http('GET', `/api/v1/nodes/${nodeName}`)).json().status.daemonEndpoints.kubeletEndpoint.Port as number;
    // The running server switched to it: the handshake shows the issued certificate, which the cluster CA verifies.
    const peer = await eventually(async () => {
      const cert = await new Promise<{ subject: { CN: string }; raw: Buffer; authorized: boolean }>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port, ca: c.cp.caPem, checkServerIdentity: () => undefined }, () => {
          resolve({ ...(s.getPeerCertificate() as any), authorized: s.authorized });
          s.end();
        });
        s.on('error', reject);
      });
      return cert.authorized ? cert : undefined;
    }, 30_000, 500);
    assert.equal(peer.subject.CN, `system:node:${nodeName}`);
  });

  it("holds the node to its own identity: another node's Node object is forbidden", async () => {
    assert.equal((await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: `other-${tag}` } }) })).code, 0);
    const asNode = (args: string[]) => c.kubectl([...args, '--kubeconfig', kubeletKubeconfig()]);
    const who = await asNode(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
    assert.equal(who.stdout, `system:node:${nodeName}`, who.stderr);
    const other = await asNode(['label', 'node', `other-${tag}`, 'x=y']);
    assert.match(other.stderr, /Error from server \(Forbidden\): nodes "other-[0-9a-f]+" is forbidden: node "node-[0-9a-f]+" is not allowed to modify node "other-[0-9a-f]+"/);
    const del = await asNode(['delete', 'node', `other-${tag}`]);
    assert.match(del.stderr, /Error from server \(Forbidden\).*cannot delete resource "nodes"/);
    const mine = await asNode(['label', 'node', nodeName, 'tls-bootstrap=ok']);
    assert.equal(mine.code, 0, mine.stderr);
  });

  it('keeps its certificates across a restart instead of asking again', async () => {
    const before = (await csrs()).length;
    await stopAgent();
    agentLog = '';
    agent = startAgent();
    await eventually(async () => /registered against/.test(agentLog), 90_000, 200).catch((err) => {
      throw new Error(`${err}\n${agentLog}`);
    });
    await eventually(nodeReady, 30_000, 200);
    assert.equal((await csrs()).length, before, agentLog);
  });
});
