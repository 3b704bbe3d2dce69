// ServiceLB: the placement rules as a pure function, then the controller in a cluster of
// simulated nodes: ingress = node addresses, a port already held leaves a Service Pending with
// a Warning Event while the others keep being served, and --disable=servicelb.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Node, Service } from '../../api/core/v1/types.js';
import { eventually, startTestCluster, type TestCluster } from '../../test/harness.js';
import { ENABLE_LB_LABEL, placeServices } from './placement.js';

const node = (name: string, ip: string, o: { ready?: boolean; labels?: Record<string, string>; externalIP?: string } = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: o.labels },
  status: {
    addresses: [{ type: 'InternalIP', address: ip }, ...(o.externalIP ? [{ type: 'ExternalIP' as const, address: o.externalIP }] : [])],
    conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
  },
});
const lb = (name: string, ports: number[], o: { created?: string; cls?: string; protocol?: 'TCP' | 'UDP' } = {}): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default', creationTimestamp: o.created ?? '2026-01-01T00:00:00Z' },
  spec: { type: 'LoadBalancer', loadBalancerClass: o.cls, ports: ports.map((port) => ({ port, protocol: o.protocol ?? 'TCP' })) },
});

describe('ServiceLB placement', () => {
  it('every ready node serves a Service whose ports are free; the older Service keeps a port, the newer one is blocked', () => {
    const nodes = [node('a', '192.0.2.1'), node('b', '192.0.2.2'), node('c', '192.0.2.3', { ready: false })];
    const p = placeServices([lb('new', [80], { created: '2026-01-02T00:00:00Z' }), lb('old', [80, 443]), lb('udp', [80], { protocol: 'UDP' })], nodes);
    assert.deepEqual(p.get('default/old')!.nodes, ['a', 'b']);
    assert.deepEqual(p.get('default/new')!.nodes, []);
    assert.deepEqual([...p.get('default/new')!.blockedBy], [['80/TCP', new Set(['default/old'])]]);
    assert.deepEqual(p.get('default/udp')!.nodes, ['a', 'b'], 'UDP 80 is another host port');
  });

  it('a running pod’s hostPort holds the port on its node; a finished one does not; tainted nodes are skipped unless k3s tolerates the taint', () => {
    const pod = (name: string, nodeName: string, phase: string) => ({
      apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
      spec: { nodeName, containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, hostPort: 80 }] }] }, status: { phase },
    });
    const nodes = [node('a', '192.0.2.1'), node('b', '192.0.2.2'), { ...node('c', '192.0.2.3'), spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' as const }] } }, { ...node('d', '192.0.2.4'), spec: { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' as const }] } }];
    const p = placeServices([lb('web', [80])], nodes, [pod('hp', 'a', 'Running'), pod('done', 'b', 'Succeeded')] as any);
    assert.deepEqual(p.get('default/web')!.nodes, ['b', 'd']);
    assert.deepEqual([...p.get('default/web')!.blockedBy], [['80/TCP', new Set(['pod default/hp'])]]);
  });

  it('honours k3s’s enablelb label and leaves other load balancer classes alone', () => {
    const nodes = [node('a', '192.0.2.1', { labels: { [ENABLE_LB_LABEL]: 'true' } }), node('b', '192.0.2.2'), node('c', '192.0.2.3', { labels: { [ENABLE_LB_LABEL]: 'false' } })];
    const p = placeServices([lb('mine', [80]), lb('theirs', [80], { cls: 'example.com/other' })], nodes);
    assert.deepEqual(p.get('default/mine')!.nodes, ['a']);
    assert.equal(p.has('default/theirs'), false);
    const unlabelled = placeServices([lb('mine', [80])], [node('b', '192.0.2.2'), node('c', '192.0.2.3', { labels: { [ENABLE_LB_LABEL]: 'false' } })]);
    assert.deepEqual(unlabelled.get('default/mine')!.nodes, ['b']);
  });
});

describe('the ServiceLB controller', () => {
  let c: TestCluster;
  let nodeIPs: string[] = [];
  const svc = async (name: string) => (await c.http('GET', `/api/v1/namespaces/default/services/${name}`)).json();
  const create = async (name: string, port: number, extra: Record<string, unknown> = {}) => {
    const r = await c.http('POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port }], ...extra } });
    assert.equal(r.status, 201, r.body);
  };
  const ingressOf = async (name: string) => ((await svc(name)).status?.loadBalancer?.ingress ?? []) as { ip: string; ipMode?: string }[];

  before(async () => {
    c = await startTestCluster({ simNodes: 2 });
    const nodes = (await c.http('GET', '/api/v1/nodes')).json().items;
    nodeIPs = nodes.map((n: any) => n.status.addresses.find((a: any) => a.type === 'InternalIP').address).sort();
    assert.equal(nodeIPs.length, 2);
  });
  after(async () => c?.stop());

  it('writes the nodes’ addresses as ingress (ipMode VIP), and kubectl shows them as EXTERNAL-IP', async () => {
    await create('first', 8080);
    const ingress = await eventually(async () => ((await ingressOf('first')).length === 2 ? ingressOf('first') : undefined), 10_000, 50);
    assert.deepEqual(ingress, nodeIPs.map((ip) => ({ ip, ipMode: 'VIP' })));
    const r = await c.kubectl(['get', 'svc', 'first']);
    assert.match(r.stdout, new RegExp(`^first\\s+LoadBalancer\\s+\\S+\\s+${nodeIPs.join(',').replace(/\./g, '\\.')}\\s+8080:3\\d{4}/TCP`, 'm'), r.stdout);
  });

  it('a Service on a port another LoadBalancer holds stays Pending with a Warning Event; the others are still served', async () => {
    await create('second', 8080);
    await create('third', 8081);
    await eventually(async () => (await ingressOf('third')).length === 2, 10_000, 50);
    const event = await eventually(async () => {
      const items = (await c.http('GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dsecond')).json().items;
      return items.find((e: any) => e.reason === 'SyncLoadBalancerFailed');
    }, 10_000, 100);
    assert.equal(event.type, 'Warning');
    assert.equal(event.involvedObject.kind, 'Service');
    assert.match(event.message, /0\/2 nodes are available: .*8080\/TCP held by default\/first/);
    assert.deepEqual(await ingressOf('second'), []);
    const r = await c.kubectl(['get', 'svc', 'second']);
    assert.match(r.stdout, /^second\s+LoadBalancer\s+\S+\s+<pending>\s+8080:/m, r.stdout);
    // The port is freed with the Service that held it.
    assert.equal((await c.http('DELETE', '/api/v1/namespaces/default/services/first')).status, 200);
    await eventually(async () => (await ingressOf('second')).length === 2, 10_000, 50);
  });

  it('a Service changed to ClusterIP loses its ingress at once (upstream’s update strategy)', async () => {
    await eventually(async () => (await ingressOf('third')).length === 2, 10_000, 50);
    const r = await c.http('PATCH', '/api/v1/namespaces/default/services/third', { spec: { type: 'ClusterIP', ports: [{ port: 8081, nodePort: null }] } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(r.json().status?.loadBalancer?.ingress, undefined);
  });

  it('leaves Services of another loadBalancerClass to their controller', async () => {
    await create('elsewhere', 8082, { loadBalancerClass: 'example.com/other' });
    await create('marker', 8083);
    await eventually(async () => (await ingressOf('marker')).length === 2, 10_000, 50);
    assert.deepEqual(await ingressOf('elsewhere'), []);
  });
});

describe('--disable=servicelb', () => {
  it('k8ts server refuses a component it does not know, in one line, before starting anything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-disable-'));
    try {
      const main = join(dirname(fileURLToPath(import.meta.url)), '../../cli/main.js');
      const r = spawnSync(process.execPath, [main, 'server', '--disable', 'servicelb,traefik', '--data-dir', dir], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stderr, 'error: invalid --disable "traefik": one of servicelb, local-storage, ingress-class, gateway-api\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('no controller writes ingress: LoadBalancer Services stay Pending', async () => {
    const c = await startTestCluster({ simNodes: 1, disableServiceLB: true });
    try {
      const r = await c.http('POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } });
      assert.equal(r.status, 201, r.body);
      // A marker the controller manager handles, so the wait below is not just a short sleep.
      const marker = await c.http('POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'sel' }, spec: { selector: { a: 'b' }, ports: [{ port: 80 }] } });
      assert.equal(marker.status, 201, marker.body);
      await eventually(async () => (await c.http('GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dsel')).json().items.length > 0, 10_000, 50);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal((await c.http('GET', '/api/v1/namespaces/default/services/lb')).json().status?.loadBalancer?.ingress, undefined);
    } finally {
      await c.stop();
    }
  });
});
