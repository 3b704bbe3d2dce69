// The cluster DNS against a real control plane: objects made with the real kubectl, queries
// from node's resolver over UDP and a TCP client, the kube-dns Service and this node's
// EndpointSlice as kubectl shows them, and changes reaching the answers within a second.
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { after, before, describe, it } from 'node:test';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { eventually, startTestCluster, type TestCluster } from '../test/harness.js';
import { startClusterDns, type RunningClusterDns } from './run.js';
import { encodeQuery, fakeUpstream, tcpQuery, type FakeUpstream } from './testing/fakes.js';

const NODE = 'node-dns-a';

const headless = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'db', namespace: 'default' },
  spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] },
};
const dbSlice = {
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'db-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'db' } },
  addressType: 'IPv4',
  ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
  endpoints: [
    { addresses: ['10.244.1.20'], hostname: 'db-0', conditions: { ready: true } },
    { addresses: ['10.244.2.21'], hostname: 'db-1', conditions: { ready: true } },
    { addresses: ['10.244.2.22'], hostname: 'db-2', conditions: { ready: false } },
  ],
};

describe('cluster DNS against a control plane', () => {
  let c: TestCluster;
  let up: FakeUpstream;
  let dns: RunningClusterDns | undefined;
  let resolver: Resolver;
  const ok = async (args: string[], input?: string) => {
    const r = await c.kubectl(args, { input });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    c = await startTestCluster();
    up = await fakeUpstream((q) => ({ answers: [{ type: 'A', name: q.name, ttl: 60, class: 'IN', data: '192.0.2.80' }] }));
    await ok(['create', 'service', 'clusterip', 'web', '--tcp=80:8080']);
    await ok(['create', 'service', 'externalname', 'ext', '--external-name', 'www.example.com']);
    await ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [headless, dbSlice] }));
    dns = await startClusterDns({
      client: loadKubeconfig(c.kubeconfig),
      nodeName: NODE,
      listen: { host: '127.0.0.1', port: 0 },
      // The slice may not name a loopback address; a documentation address stands in for the node's.
      advertiseAddress: '192.0.2.53',
      // The second is the cluster DNS itself: it must be dropped, not looped to.
      upstreams: [{ host: '127.0.0.1', port: up.port }, { host: '10.96.0.10', port: 53 }],
    });
    resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${dns.address.port}`]);
  });
  after(async () => {
    await dns?.stop();
    await up?.close();
    await c?.stop();
  });

  it('forwards only to upstreams that do not lead back to the cluster DNS', () => {
    assert.deepEqual(dns!.upstreams, [{ host: '127.0.0.1', port: up.port }]);
  });

  it('resolves a cluster IP service, its named port, and its PTR', async () => {
    const ip = JSON.parse(await ok(['get', 'svc', 'web', '-o', 'json'])).spec.clusterIP as string;
    assert.deepEqual(await resolver.resolve4('web.default.svc.cluster.local'), [ip]);
    assert.deepEqual(await resolver.resolveSrv('_80-8080._tcp.web.default.svc.cluster.local'), [{ name: 'web.default.svc.cluster.local', port: 80, priority: 0, weight: 100 }]);
    assert.deepEqual(await resolver.reverse(ip), ['web.default.svc.cluster.local']);
  });

  it('resolves a headless service to its ready endpoints and their hostnames', async () => {
    assert.deepEqual((await resolver.resolve4('db.default.svc.cluster.local')).sort(), ['10.244.1.20', '10.244.2.21']);
    assert.deepEqual(await resolver.resolve4('db-1.db.default.svc.cluster.local'), ['10.244.2.21']);
    await assert.rejects(resolver.resolve4('db-2.db.default.svc.cluster.local'), { code: 'ENOTFOUND' });
    const srv = (await resolver.resolveSrv('_pg._tcp.db.default.svc.cluster.local')).map((s) => s.name).sort();
    assert.deepEqual(srv, ['db-0.db.default.svc.cluster.local', 'db-1.db.default.svc.cluster.local']);
  });

  it('answers an ExternalName with its CNAME, completed by the upstream', async () => {
    assert.deepEqual(await resolver.resolveCname('ext.default.svc.cluster.local'), ['www.example.com']);
    assert.deepEqual(await resolver.resolve4('ext.default.svc.cluster.local'), ['192.0.2.80']);
  });

  it('answers over TCP too', async () => {
    const r = await tcpQuery('127.0.0.1', dns!.address.port, encodeQuery('kubernetes.default.svc.cluster.local', 'A'));
    assert.deepEqual(r.answers!.map((a) => (a as { data: string }).data), ['10.96.0.1']);
  });

  it('applies the kube-dns Service and its own EndpointSlice, which kubectl cluster-info lists', async () => {
    const svc = JSON.parse(await ok(['get', 'svc', '-n', 'kube-system', 'kube-dns', '-o', 'json', '--show-managed-fields']));
    assert.equal(svc.spec.clusterIP, '10.96.0.10');
    assert.equal(svc.spec.selector, undefined);
    assert.equal(svc.spec.internalTrafficPolicy, 'Local');
    assert.deepEqual(
      svc.spec.ports.map((p: { name: string; port: number; protocol: string }) => `${p.name} ${p.port}/${p.protocol}`),
      ['dns 53/UDP', 'dns-tcp 53/TCP'],
    );
    assert.deepEqual(svc.metadata.labels, { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'KubeDNS' });
    assert.ok(svc.metadata.managedFields.some((m: { manager: string; operation: string }) => m.manager === 'k8ts-dns' && m.operation === 'Apply'));
    const slice = JSON.parse(await ok(['get', 'endpointslice', '-n', 'kube-system', `kube-dns-${NODE}`, '-o', 'json']));
    assert.equal(slice.metadata.labels['kubernetes.io/service-name'], 'kube-dns');
    assert.equal(slice.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'dns.k8ts.io');
    assert.deepEqual(slice.endpoints, [{ addresses: ['192.0.2.53'], conditions: { ready: true, serving: true, terminating: false }, nodeName: NODE }]);
    assert.deepEqual(
      slice.ports.map((p: { name: string; port: number; protocol: string }) => `${p.name} ${p.port}/${p.protocol}`),
      [`dns ${dns!.address.port}/UDP`, `dns-tcp ${dns!.address.port}/TCP`],
    );
    assert.deepEqual(await resolver.resolve4('kube-dns.kube-system.svc.cluster.local'), ['10.96.0.10']);
    const info = await ok(['cluster-info']);
    assert.match(info, /KubeDNS is running at https:\/\/[^\s]+\/api\/v1\/namespaces\/kube-system\/services\/kube-dns:dns\/proxy/);
  });

  it('leaves the selector-less kube-dns to its publisher: no controller slices or endpoints appear', async () => {
    await new Promise((r) => setTimeout(r, 500));
    const slices = JSON.parse(await ok(['get', 'endpointslice', '-n', 'kube-system', '-l', 'kubernetes.io/service-name=kube-dns', '-o', 'json']));
    assert.deepEqual(slices.items.map((s: { metadata: { name: string } }) => s.metadata.name), [`kube-dns-${NODE}`]);
    const ep = await c.kubectl(['get', 'endpoints', '-n', 'kube-system', 'kube-dns']);
    assert.notEqual(ep.code, 0);
    assert.match(ep.stderr, /NotFound/);
  });

  it('puts back its EndpointSlice when someone deletes it', async () => {
    await ok(['delete', 'endpointslice', '-n', 'kube-system', `kube-dns-${NODE}`]);
    await eventually(async () => (await c.kubectl(['get', 'endpointslice', '-n', 'kube-system', `kube-dns-${NODE}`])).code === 0, 10_000);
  });

  it('shows a deleted Service as NXDOMAIN within a second', async () => {
    assert.ok((await resolver.resolve4('web.default.svc.cluster.local')).length);
    await ok(['delete', 'svc', 'web', '--wait=false']);
    const deleted = Date.now();
    await eventually(() => resolver.resolve4('web.default.svc.cluster.local').then(() => false, (err: { code?: string }) => err.code === 'ENOTFOUND'), 1000, 20);
    assert.ok(Date.now() - deleted <= 1000);
  });

  it('removes its EndpointSlice on a clean stop', async () => {
    await dns!.stop();
    dns = undefined;
    const r = await c.kubectl(['get', 'endpointslice', '-n', 'kube-system', `kube-dns-${NODE}`]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /NotFound/);
  });
});
