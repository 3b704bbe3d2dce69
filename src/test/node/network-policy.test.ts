// Issue 10, acceptance 5 and the NetworkPolicy half of 6, on a real node: httpd pods in two
// namespaces, busybox wget clients, a Service in front of the server (the service proxy runs, in
// its own table), and a network namespace on the host side whose two addresses stand for the
// world outside the cluster. The enforcer writes its own nftables table; each
// step applies policies with kubectl and checks which connections pass, and deleting the
// policies passes everything again.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { addressInRange } from '../../cluster/node-services.js';
import { startClusterDns, type RunningClusterDns } from '../../dns/run.js';
import { cleanupNftables } from '../../proxy/nftables/proxier.js';
import { startServiceProxy, type RunningServiceProxy } from '../../proxy/service-proxy.js';
import { cleanupNetworkPolicy, startNetworkPolicy, type RunningNetworkPolicy } from '../../netpol/enforcer.js';
import { policy } from '../../netpol/testing/fixtures.js';
import { eventually } from '../harness.js';
import { podYaml, startNodeTestCluster, TEST_IMAGE, unusedClusterCidr, type NodeTestCluster } from '../node-harness.js';
import { get } from './service-fixtures.js';

const run = promisify(execFile);
const MAIN = join(fileURLToPath(import.meta.url), '../../../cli/main.js');

/** Serves on 80 (named "http") and 8080 (named "alt"); ready once port 80 answers. */
const web = {
  name: 'web',
  image: TEST_IMAGE,
  imagePullPolicy: 'IfNotPresent',
  command: ['sh', '-c', 'mkdir -p /www && hostname > /www/index.html && httpd -p 8080 -h /www && exec httpd -f -p 80 -h /www'],
  ports: [{ containerPort: 80, name: 'http' }, { containerPort: 8080, name: 'alt' }],
  readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1 },
};
const sleeper = { name: 'sh', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] };

interface Probe {
  from: string; // namespace/pod
  to: string; // a URL, or dns:<server> to look up the kubernetes Service there
}

describe('a real node: NetworkPolicy', () => {
  let c: NodeTestCluster;
  let np: RunningNetworkPolicy | undefined;
  let listener: ChildProcess | undefined;
  let www = '';
  const tag = randomInt(0x10000, 0xfffff).toString(16);
  const table = `k8ts-test-np-${tag}`;
  const netns = `k8ts-np-${tag}`;
  const veth = `npv${tag}`;
  let outside = ''; // the host-side network, a /29
  let allowedIP = '';
  let blockedIP = '';
  let webIP = '';
  /** A server of the node's own, on the pod bridge's gateway address. */
  let nodeServer: Server | undefined;
  let nodeURL = '';
  let dns: RunningClusterDns | undefined;
  let clusterDNS = '';
  /** The service proxy, so that policies are seen to apply after its DNAT. */
  let proxy: RunningServiceProxy | undefined;
  const proxyTable = `k8ts-test-npx-${tag}`;
  let serviceIP = '';
  let gateway = '';

  const at = (prefix: string, n: number) => prefix.replace(/\.0$/, `.${n}`);

  /** Whether `p.from` gets an answer from `p.to`; what wget said when it did not. */
  async function reach(p: Probe): Promise<true | string> {
    const [ns, pod] = p.from.split('/');
    // busybox wget's own -T crashes this busybox build: timeout(1) bounds a blocked connection.
    const cmd = p.to.startsWith('dns:') ? ['nslookup', 'kubernetes.default.svc.cluster.local', p.to.slice(4)] : ['wget', '-q', '-O', '/dev/null', p.to];
    const r = await c.kubectl(['exec', '-n', ns!, pod!, '--', 'timeout', '2', ...cmd]);
    return r.code === 0 || (r.stderr.trim() || `exit ${r.code}`);
  }

  /** Waits until every probe gives its expected answer (policies take a moment to arrive), then reports any that does not. */
  async function expect(matrix: [Probe, boolean][]): Promise<void> {
    let last: string[] = [];
    await eventually(async () => {
      const got = await Promise.all(matrix.map(([p]) => reach(p)));
      last = matrix.flatMap(([p, want], i) => ((got[i] === true) === want ? [] : [`${p.from} → ${p.to}: wanted ${want ? `open (${got[i]})` : 'blocked'}`]));
      return last.length === 0;
    }, 30_000, 200).catch(() => assert.fail(last.join('\n')));
  }

  const apply = (obj: unknown) => c.apply(JSON.stringify(obj));
  const url = (ip: string, port: number) => `http://${ip}:${port}/`;
  const webAt = (port: number) => url(webIP, port);

  /** Everything the tests probe, all open: what holds before any policy and after they are deleted. */
  const allOpen = (): [Probe, boolean][] => [
    [{ from: 'alpha/client', to: webAt(80) }, true],
    [{ from: 'alpha/other', to: webAt(80) }, true],
    [{ from: 'beta/remote', to: webAt(80) }, true],
    [{ from: 'alpha/client', to: webAt(8080) }, true],
    [{ from: 'beta/remote', to: webAt(8080) }, true],
    [{ from: 'beta/stranger', to: webAt(8080) }, true],
    [{ from: 'alpha/client', to: url(allowedIP, 8080) }, true],
    [{ from: 'alpha/client', to: url(blockedIP, 8080) }, true],
  ];

  before(async () => {
    const clusterCidr = await unusedClusterCidr();
    let serviceCidr: string;
    do serviceCidr = await unusedClusterCidr();
    while (serviceCidr === clusterCidr);
    c = await startNodeTestCluster({ clusterCidr, serviceCidr });
    let range: string;
    do range = await unusedClusterCidr();
    while (range === clusterCidr || range === serviceCidr);
    outside = range.replace(/\/16$/, '');
    const gw = at(outside, 1);
    allowedIP = at(outside, 2);
    blockedIP = at(outside, 3);
    // The world outside: a network namespace behind a veth, its two addresses routed through this host.
    await run('ip', ['netns', 'add', netns]);
    await run('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
    await run('ip', ['addr', 'add', `${gw}/29`, 'dev', veth]);
    await run('ip', ['link', 'set', veth, 'up']);
    for (const ip of [allowedIP, blockedIP]) await run('ip', ['-n', netns, 'addr', 'add', `${ip}/29`, 'dev', 'eth0']);
    await run('ip', ['-n', netns, 'link', 'set', 'eth0', 'up']);
    await run('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    await run('ip', ['-n', netns, 'route', 'add', clusterCidr, 'via', gw]);
    www = await mkdtemp(join(tmpdir(), 'k8ts-np-'));
    await writeFile(join(www, 'index.html'), 'outside\n');
    listener = spawn('ip', ['netns', 'exec', netns, 'busybox', 'httpd', '-f', '-p', '8080', '-h', www], { stdio: 'ignore' });

    proxy = await startServiceProxy(loadKubeconfig(c.kubeconfig), { nodeName: c.nodeName, clusterCIDR: clusterCidr, table: proxyTable, runner: { minIntervalMs: 50 } });
    np = await startNetworkPolicy(loadKubeconfig(c.kubeconfig), { nodeName: c.nodeName, table, runner: { minIntervalMs: 50 }, log: process.env['K8TS_TEST_LOG'] ? (l) => process.stderr.write(`[netpol] ${l}\n`) : undefined });
    await apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'alpha' } });
    await apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'beta', labels: { team: 'b' } } });
    const pods: [string, string, Record<string, string>, object][] = [
      ['alpha', 'web', { app: 'web' }, web],
      ['alpha', 'client', { role: 'client' }, sleeper],
      ['alpha', 'other', { role: 'other' }, sleeper],
      ['beta', 'remote', { role: 'client' }, sleeper],
      ['beta', 'stranger', { role: 'other' }, sleeper],
    ];
    for (const [ns, name, labels, container] of pods) await c.apply(podYaml(name, { containers: [container] }, { namespace: ns, labels }));
    for (const [ns, name] of pods) await c.waitPod(name, (p) => p.status?.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'True'), 60_000, ns);
    webIP = (await c.http('GET', '/api/v1/namespaces/alpha/pods/web')).json().status.podIP;
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'alpha' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] } });
    serviceIP = (await c.http('GET', '/api/v1/namespaces/alpha/services/web')).json().spec.clusterIP;
    gateway = c.podCIDR.replace(/\.0\/\d+$/, '.1');
    // The node's cluster DNS, as node services run it: on the bridge gateway, port 53.
    // kube-dns gets the 10th address of the test's service range; the proxy sends it to the gateway.
    clusterDNS = addressInRange(serviceCidr, 10);
    dns = await startClusterDns({ client: loadKubeconfig(c.kubeconfig), nodeName: c.nodeName, clusterDNS: [clusterDNS], upstreams: [] });
    nodeServer = createServer((_req, res) => res.end('node\n'));
    await new Promise<void>((resolve) => nodeServer!.listen(0, gateway, resolve));
    nodeURL = url(gateway, (nodeServer.address() as AddressInfo).port);
  });

  after(async () => {
    // Whatever happened above, the host keeps none of our rules, namespaces or links.
    await np?.stop({ cleanup: true }).catch(() => undefined);
    await cleanupNetworkPolicy(table).catch(() => undefined);
    await proxy?.stop({ cleanup: true }).catch(() => undefined);
    await cleanupNftables(proxyTable).catch(() => undefined);
    listener?.kill();
    nodeServer?.close();
    await dns?.stop().catch(() => undefined);
    await run('ip', ['netns', 'del', netns]).catch(() => undefined);
    await run('ip', ['link', 'del', veth]).catch(() => undefined);
    if (www) await rm(www, { recursive: true, force: true });
    await c?.stop();
    const tables = (await run('nft', ['list', 'tables'])).stdout;
    assert.ok(!tables.includes(table) && !tables.includes(proxyTable), 'nft table left behind');
    assert.ok(!(await run('ip', ['netns', 'list'])).stdout.includes(netns), 'network namespace left behind');
  });

  const svc = () => url(serviceIP, 80);

  it('passes everything while no policy exists', async () => {
    await expect([
      ...allOpen(),
      [{ from: 'alpha/client', to: `dns:${gateway}` }, true],
      [{ from: 'alpha/client', to: `dns:${clusterDNS}` }, true],
      [{ from: 'alpha/client', to: svc() }, true],
      [{ from: 'alpha/web', to: svc() }, true],
    ]);
  });

  it('deny-all ingress blocks every pod of the namespace; the node still reaches it (probes)', async () => {
    await apply(policy('alpha', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] }));
    await expect([
      [{ from: 'alpha/client', to: webAt(80) }, false],
      [{ from: 'alpha/other', to: webAt(80) }, false],
      [{ from: 'beta/remote', to: webAt(80) }, false],
      [{ from: 'beta/remote', to: webAt(8080) }, false],
      // Through the Service too: the policy sees the endpoint the proxy chose, after its DNAT.
      [{ from: 'alpha/client', to: svc() }, false],
      // A pod cannot block access to itself, also through its own Service (hairpin).
      [{ from: 'alpha/web', to: svc() }, true],
      // Egress is not isolated by an Ingress policy.
      [{ from: 'alpha/client', to: url(allowedIP, 8080) }, true],
    ]);
    assert.equal(await get(webAt(80)), 'web', 'the node reaches its pod');
    // The readiness probe (from the node) keeps passing.
    await new Promise((r) => setTimeout(r, 3000));
    const pod = (await c.http('GET', '/api/v1/namespaces/alpha/pods/web')).json();
    assert.equal(pod.status.conditions.find((x: any) => x.type === 'Ready').status, 'True');
  });

  it('an allow rule opens exactly its peers and its (named) port', async () => {
    await apply(policy('alpha', 'allow-clients', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ port: 'http' }] }],
    }));
    await expect([
      [{ from: 'alpha/client', to: webAt(80) }, true],
      [{ from: 'alpha/client', to: svc() }, true],
      [{ from: 'alpha/client', to: webAt(8080) }, false],
      [{ from: 'alpha/other', to: webAt(80) }, false],
      [{ from: 'alpha/other', to: svc() }, false],
      // A podSelector alone means the policy's own namespace.
      [{ from: 'beta/remote', to: webAt(80) }, false],
    ]);
  });

  it('namespaceSelector and podSelector together, with a port range (endPort)', async () => {
    await apply(policy('alpha', 'allow-beta', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'b' } }, podSelector: { matchLabels: { role: 'client' } } }], ports: [{ port: 8000, endPort: 8090 }] }],
    }));
    await expect([
      [{ from: 'beta/remote', to: webAt(8080) }, true],
      [{ from: 'beta/remote', to: webAt(80) }, false],
      [{ from: 'beta/stranger', to: webAt(8080) }, false],
      [{ from: 'alpha/client', to: webAt(8080) }, false],
      [{ from: 'alpha/client', to: webAt(80) }, true],
    ]);
  });

  it('keeps enforcing the other policies when one cannot be read', async () => {
    // As if stored by a server that validated less: handed to the enforcer directly.
    const near = 'Near' as 'In'; // no such operator
    const bad = policy('alpha', 'malformed', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }, { podSelector: { matchExpressions: [{ key: 'a', operator: near }] } }] }] });
    const badSelector = policy('alpha', 'malformed-selector', { podSelector: { matchExpressions: [{ key: 'a', operator: near }] } });
    np!.enforcer.setPolicy(bad);
    np!.enforcer.setPolicy(badSelector);
    await np!.enforcer.flushed();
    await expect([
      [{ from: 'beta/remote', to: webAt(8080) }, true],
      [{ from: 'alpha/client', to: webAt(80) }, true],
      [{ from: 'alpha/other', to: webAt(80) }, false],
    ]);
    np!.enforcer.deletePolicy(bad);
    np!.enforcer.deletePolicy(badSelector);
  });

  it('egress to an ipBlock with except: the block passes, the exception and everything else do not', async () => {
    await apply(policy('alpha', 'client-egress', {
      podSelector: { matchLabels: { role: 'client' } },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ ipBlock: { cidr: `${outside}/29`, except: [`${blockedIP}/32`] } }], ports: [{ protocol: 'TCP', port: 8080 }] },
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
      ],
    }));
    await expect([
      [{ from: 'alpha/client', to: url(allowedIP, 8080) }, true],
      [{ from: 'alpha/client', to: url(blockedIP, 8080) }, false],
      // Egress isolation covers pods too.
      [{ from: 'alpha/client', to: webAt(80) }, false],
      // A pod the policy does not select is not isolated.
      [{ from: 'alpha/other', to: url(blockedIP, 8080) }, true],
      // The pod's own node is always reachable, and so is the node's DNS there.
      [{ from: 'alpha/client', to: nodeURL }, true],
      [{ from: 'alpha/client', to: `dns:${gateway}` }, true],
      // And through the kube-dns ClusterIP, which the proxy DNATs to the node's DNS.
      [{ from: 'alpha/client', to: `dns:${clusterDNS}` }, true],
    ]);
  });

  it('an invalid CIDR is refused with upstream’s message, and nothing is stored', async () => {
    const bad = policy('alpha', 'bad-cidr', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] });
    const r = await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify(bad) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The NetworkPolicy "bad-cidr" is invalid: spec\.ingress\[0\]\.from\[0\]\.ipBlock\.cidr: Invalid value: "10\.0\.0\.0\/33": must be a valid CIDR value, \(e\.g\. 10\.9\.8\.0\/24 or 2001:db8::\/64\)/);
    const post = await c.http('POST', '/apis/networking.k8s.io/v1/namespaces/alpha/networkpolicies', bad);
    assert.equal(post.status, 422, post.body);
    assert.equal((await c.http('GET', '/apis/networking.k8s.io/v1/namespaces/alpha/networkpolicies/bad-cidr')).status, 404);
  });

  it('passes everything again once the policies are deleted', async () => {
    const r = await c.kubectl(['delete', 'networkpolicy', '-n', 'alpha', '--all']);
    assert.equal(r.code, 0, r.stderr);
    await expect(allOpen());
  });

  it('k8ts agent --cleanup removes the table (run in a network namespace of its own: the host’s default tables stay untouched)', async () => {
    const ns = `k8ts-npc-${tag}`;
    await run('ip', ['netns', 'add', ns]);
    try {
      await run('ip', ['netns', 'exec', ns, 'nft', 'add', 'table', 'ip', 'k8ts-network-policy']);
      await run('ip', ['netns', 'exec', ns, 'nft', 'add', 'table', 'ip', 'kube-proxy']);
      await run('ip', ['netns', 'exec', ns, process.execPath, MAIN, 'agent', '--cleanup']);
      const { stdout } = await run('ip', ['netns', 'exec', ns, 'nft', 'list', 'tables']);
      assert.doesNotMatch(stdout, /k8ts-network-policy|kube-proxy/);
    } finally {
      await run('ip', ['netns', 'del', ns]);
    }
  });
});
