// Issue 10, the service proxy on a real node: a Deployment of three httpd pods behind Services,
// reached through the proxy's rules in the kernel (its own nftables table, its own service
// range) from the host and from pods, in nftables mode and again in iptables mode.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { cleanupIptables } from '../../proxy/iptables/proxier.js';
import { cleanupNftables } from '../../proxy/nftables/proxier.js';
import type { ProxyMode } from '../../proxy/proxier.js';
import { startServiceProxy, type RunningServiceProxy } from '../../proxy/service-proxy.js';
import { eventually } from '../harness.js';
import { podYaml, startNodeTestCluster, TEST_IMAGE, unusedClusterCidr, type NodeTestCluster } from '../node-harness.js';
import { assertBalanced, assertLeavesRotation, get, httpd, proxyHasEndpoints, runningPods, unusedPort } from './service-fixtures.js';

const run = promisify(execFile);

function service(name: string, selector: Record<string, string>, spec: Record<string, unknown> = {}): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector, ports: [{ port: 80, targetPort: 80 }], ...spec } });
}

describe('a real node: the service proxy', () => {
  let c: NodeTestCluster;
  let clusterCidr = '';
  let serviceCidr = '';
  let nodeIP = '';
  const ips: Record<string, string> = {};
  let nodePort = 0;
  let lbPort = 0;
  let fwPorts: [number, number] = [0, 0];
  const tag = randomInt(0x10000, 0xfffff).toString(16);
  const table = `k8ts-test-${tag}`;
  const prefix = `KT${tag.toUpperCase()}`;

  const webPods = () => runningPods(c, 'app=web');
  const readyEndpoints = async (svc: string): Promise<string[]> => {
    const r = await c.http('GET', `/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3D${svc}`);
    return r.json().items.flatMap((s: any) => (s.endpoints ?? []).filter((e: any) => e.conditions?.ready !== false).map((e: any) => e.addresses[0]));
  };

  before(async () => {
    clusterCidr = await unusedClusterCidr();
    // A service range of our own: ClusterIPs of test clusters running side by side never collide.
    do serviceCidr = await unusedClusterCidr();
    while (serviceCidr === clusterCidr);
    c = await startNodeTestCluster({ clusterCidr, serviceCidr });
    const node = (await c.http('GET', `/api/v1/nodes/${c.nodeName}`)).json();
    nodeIP = node.status.addresses.find((a: any) => a.type === 'InternalIP').address;
    await c.apply(JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { terminationGracePeriodSeconds: 2, containers: [httpd] } } },
    }));
    await c.apply(service('web', { app: 'web' }));
    await c.apply(service('web-np', { app: 'web' }, { type: 'NodePort' }));
    // ServiceLB (in the test's controller manager) gives it this node's address.
    lbPort = await unusedPort();
    await c.apply(service('web-lb', { app: 'web' }, { type: 'LoadBalancer', ports: [{ port: lbPort, targetPort: 80 }] }));
    fwPorts = [await unusedPort(), await unusedPort()];
    await c.apply(service('sticky', { app: 'web' }, { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 300 } } }));
    await c.apply(service('empty', { app: 'nothing-has-this-label' }));
    await c.apply(podYaml('solo', { containers: [httpd] }, { labels: { app: 'solo' } }));
    await c.apply(service('solo', { app: 'solo' }));
    const node0 = (await c.http('GET', `/api/v1/nodes/${c.nodeName}`)).json().status.addresses.find((a: any) => a.type === 'InternalIP').address;
    await c.apply(service('fw-node', { app: 'web' }, { type: 'LoadBalancer', loadBalancerSourceRanges: [`${node0}/32`], ports: [{ port: fwPorts[0], targetPort: 80 }] }));
    await c.apply(service('fw-other', { app: 'web' }, { type: 'LoadBalancer', loadBalancerSourceRanges: ['198.51.100.0/24'], ports: [{ port: fwPorts[1], targetPort: 80 }] }));
    for (const name of ['web', 'web-np', 'sticky', 'empty', 'solo']) {
      const svc = (await c.http('GET', `/api/v1/namespaces/default/services/${name}`)).json();
      ips[name] = svc.spec.clusterIP;
      if (name === 'web-np') nodePort = svc.spec.ports[0].nodePort;
    }
    await eventually(async () => (await readyEndpoints('web')).length === 3 && (await readyEndpoints('solo')).length === 1, 60_000, 200);
  });

  after(async () => {
    // Whatever happened above, the host keeps none of our rules.
    await cleanupNftables(table).catch(() => undefined);
    await cleanupIptables(prefix).catch(() => undefined);
    await c?.stop();
    const { stdout } = await run('nft', ['list', 'tables']);
    assert.ok(!stdout.includes(table), stdout);
    const saved = (await run('iptables-save', [])).stdout;
    assert.ok(!saved.includes(`${prefix}-`), 'iptables chains left behind');
  });

  it('allocates ClusterIPs from the test’s own service range', () => {
    const prefix16 = serviceCidr.split('.').slice(0, 2).join('.');
    for (const ip of Object.values(ips)) assert.ok(ip.startsWith(`${prefix16}.`), `${ip} not in ${serviceCidr}`);
  });

  for (const mode of ['nftables', 'iptables'] as ProxyMode[]) {
    describe(`${mode} mode`, () => {
      let proxy: RunningServiceProxy;
      before(async () => {
        proxy = await startServiceProxy(loadKubeconfig(c.kubeconfig), { mode, nodeName: c.nodeName, clusterCIDR: clusterCidr, table, chainPrefix: prefix });
        await eventually(() => proxy.proxy.syncs > 0, 10_000, 50);
      });
      after(async () => {
        await proxy?.stop({ cleanup: true });
        if (mode === 'nftables') assert.ok(!(await run('nft', ['list', 'tables'])).stdout.includes(table), 'table removed on cleanup');
        else assert.ok(!(await run('iptables-save', [])).stdout.includes(`${prefix}-`), 'chains removed on cleanup');
      });

      it('the host reaches the ClusterIP, and 300 requests reach each endpoint at least 20% of the time', async () => {
        const pods = await webPods();
        assert.equal(pods.length, 3, pods.join(','));
        await proxyHasEndpoints(proxy.proxy, 'default/web', 3);
        await eventually(() => get(`http://${ips['web']}/`).then((b) => pods.includes(b), () => false), 10_000, 100);
        await assertBalanced(`http://${ips['web']}/`, pods);
      });

      it('a pod reaches the ClusterIP', async () => {
        const name = `client-${mode}`;
        await c.apply(podYaml(name, { restartPolicy: 'Never', containers: [{ name: 'wget', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['timeout', '5', 'wget', '-qO-', `http://${ips['web']}/`] }] }));
        const pod = await c.waitPod(name, (p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed');
        const logs = await c.kubectl(['logs', name]);
        assert.equal(pod.status.phase, 'Succeeded', logs.stdout + logs.stderr);
        assert.ok((await webPods()).includes(logs.stdout.trim()), logs.stdout);
      });

      it('a pod reaches itself through its own Service (hairpin)', async () => {
        const r = await eventually(async () => {
          const out = await c.kubectl(['exec', 'solo', '--', 'timeout', '5', 'wget', '-qO-', `http://${ips['solo']}/`]);
          return out.code === 0 ? out : undefined;
        }, 15_000, 500);
        assert.equal(r.stdout.trim(), 'solo');
      });

      it('a NodePort answers on the node address, not on 127.0.0.1', async () => {
        const pods = await webPods();
        const body = await eventually(() => get(`http://${nodeIP}:${nodePort}/`).catch(() => undefined), 10_000, 100);
        assert.ok(pods.includes(body), body);
        await assert.rejects(get(`http://127.0.0.1:${nodePort}/`, 1500));
      });

      it('a LoadBalancer answers on its ingress IP (the node address ServiceLB wrote)', async () => {
        const ingress = await eventually(async () => (await c.http('GET', '/api/v1/namespaces/default/services/web-lb')).json().status?.loadBalancer?.ingress, 10_000, 100);
        assert.deepEqual(ingress, [{ ip: nodeIP, ipMode: 'VIP' }]);
        const body = await eventually(() => get(`http://${nodeIP}:${lbPort}/`).catch(() => undefined), 10_000, 100);
        assert.ok((await webPods()).includes(body), body);
      });

      it('loadBalancerSourceRanges: a range holding the node lets the node through; another range drops it', async () => {
        for (const name of ['fw-node', 'fw-other']) await eventually(async () => (await c.http('GET', `/api/v1/namespaces/default/services/${name}`)).json().status?.loadBalancer?.ingress, 10_000, 100);
        const body = await eventually(() => get(`http://${nodeIP}:${fwPorts[0]}/`).catch(() => undefined), 10_000, 100);
        assert.ok((await webPods()).includes(body), body);
        await assert.rejects(get(`http://${nodeIP}:${fwPorts[1]}/`, 1500));
      });

      it('sessionAffinity ClientIP sends one client to one endpoint', async () => {
        const first = await eventually(() => get(`http://${ips['sticky']}/`).catch(() => undefined), 10_000, 100);
        for (let i = 0; i < 30; i++) assert.equal(await get(`http://${ips['sticky']}/`), first);
      });

      it('a Service with no endpoints is refused at once, not left to time out', async () => {
        const started = Date.now();
        await assert.rejects(get(`http://${ips['empty']}/`, 5000), (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED');
        assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
      });

      it('a deleted pod leaves the rotation within 2 s', async () => {
        await assertLeavesRotation(c, `http://${ips['web']}/`, (await webPods())[0]!);
        // The Deployment replaces it: wait so the next mode starts with three again.
        await eventually(async () => (await readyEndpoints('web')).length === 3 && (await webPods()).length === 3, 60_000, 200);
      });

      if (mode === 'nftables') {
        it('a chain a change emptied is deleted once changes pause, and none stays empty', async () => {
          // The replaced pod's endpoint chain was flushed by the change and is deleted by a
          // transaction of its own a second later (upstream's staleChains).
          const emptyChains = async () => {
            const listed = (await run('nft', ['list', 'table', 'ip', table])).stdout;
            return [...listed.matchAll(/chain (\S+) \{\n((?:\t\t.*\n)*)\t\}/g)].filter(([, name, body]) => /^(service|endpoint|external|local)-/.test(name!) && !body!.trim()).map(([, name]) => name);
          };
          await eventually(async () => (await emptyChains()).length === 0, 10_000, 200);
          const endpointChains = (await run('nft', ['list', 'table', 'ip', table])).stdout.match(/chain endpoint-\S+-default\/web\/tcp\//g) ?? [];
          assert.equal(endpointChains.length, (await readyEndpoints('web')).length, endpointChains.join(' '));
        });
      }
    });
  }
});
