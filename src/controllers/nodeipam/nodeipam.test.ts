// Node IPAM: the CIDR set's arithmetic, then the controller against real API servers: the one
// the controller manager runs (default range), and a bare one driven by a controller with a
// tiny range, so reuse and exhaustion are reachable.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startControlPlane, type ControlPlane } from '../../cluster/control-plane.js';
import { SharedInformerFactory } from '../../client/informer.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { eventually, startTestCluster, type TestCluster } from '../../test/harness.js';
import { CidrRangeExhaustedError, CidrSet, formatIP } from './cidr-set.js';
import { cidrSetsFor, NodeIpamController } from './controller.js';

describe('CidrSet', () => {
  it('hands out distinct node CIDRs in order and rotates past released ones', () => {
    const s = new CidrSet('10.244.0.0/22', 24);
    assert.equal(s.maxCIDRs, 4);
    assert.deepEqual([s.allocateNext(), s.allocateNext()], ['10.244.0.0/24', '10.244.1.0/24']);
    assert.equal(s.release('10.244.0.0/24'), undefined);
    // As upstream: the search continues after the last one handed out.
    assert.equal(s.allocateNext(), '10.244.2.0/24');
    assert.equal(s.allocateNext(), '10.244.3.0/24');
    assert.equal(s.allocateNext(), '10.244.0.0/24');
    assert.throws(() => s.allocateNext(), CidrRangeExhaustedError);
    assert.equal(s.usedCount, 4);
  });

  it('occupies CIDRs inside the range, refuses those outside, and skips occupied ones', () => {
    const s = new CidrSet('10.244.0.0/16', 24);
    assert.equal(s.occupy('10.244.0.0/24'), undefined);
    assert.equal(s.occupy('10.244.1.7/24'), undefined, 'host bits are ignored');
    assert.ok(s.occupy('10.245.0.0/24') instanceof Error);
    assert.ok(s.occupy('fd00::/64') instanceof Error);
    assert.ok(s.occupy('garbage') instanceof Error);
    assert.equal(s.allocateNext(), '10.244.2.0/24');
    // A larger block covers several node CIDRs.
    assert.equal(s.occupy('10.244.4.0/23'), undefined);
    assert.ok(s.isUsed('10.244.4.0/24') && s.isUsed('10.244.5.0/24'));
    assert.equal(s.allocateNext(), '10.244.3.0/24');
    assert.equal(s.allocateNext(), '10.244.6.0/24');
  });

  it('works for IPv6 and formats addresses canonically', () => {
    const s = new CidrSet('fd00:10:244::/56', 64);
    assert.equal(s.allocateNext(), 'fd00:10:244::/64');
    assert.equal(s.allocateNext(), 'fd00:10:244:1::/64');
    assert.equal(formatIP(6, 1n), '::1');
    assert.equal(formatIP(6, 0x20010db8000000000001000000000001n), '2001:db8::1:0:0:1');
    assert.throws(() => new CidrSet('fd00::/32', 64), /too big/);
    assert.throws(() => new CidrSet('10.0.0.0/24', 16), /does not fit/);
  });

  it('builds dual-stack sets and filters the service range out', () => {
    const sets = cidrSetsFor({ clusterCidr: '10.0.0.0/8, fd00::/48', serviceCidr: '10.96.0.0/12' });
    assert.equal(sets.length, 2);
    assert.ok(sets[0]!.isUsed('10.96.0.0/24') && sets[0]!.isUsed('10.111.255.0/24'));
    assert.ok(!sets[0]!.isUsed('10.112.0.0/24'));
    assert.throws(() => cidrSetsFor({ clusterCidr: '10.0.0.0/8,10.1.0.0/16' }), /one IPv4 and one IPv6/);
  });
});

const node = (name: string, podCIDR?: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {} });

describe('node IPAM in the controller manager', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(async () => {
    await c.stop();
  });

  it('gives each new node its own /24 of 10.244.0.0/16 and leaves set CIDRs alone', async () => {
    for (const n of ['ipam-a', 'ipam-b', 'ipam-c']) assert.equal((await c.http('POST', '/api/v1/nodes', node(n))).status, 201);
    assert.equal((await c.http('POST', '/api/v1/nodes', node('ipam-own', '10.244.0.0/24'))).status, 201);
    assert.equal((await c.http('POST', '/api/v1/nodes', node('ipam-foreign', '192.168.7.0/24'))).status, 201);
    const cidrs = await eventually(async () => {
      const got = await Promise.all(['ipam-a', 'ipam-b', 'ipam-c'].map(async (n) => (await c.http('GET', `/api/v1/nodes/${n}`)).json().spec?.podCIDR as string | undefined));
      return got.every(Boolean) && got;
    }, 15_000);
    for (const n of ['ipam-a', 'ipam-b', 'ipam-c']) {
      const spec = (await c.http('GET', `/api/v1/nodes/${n}`)).json().spec;
      assert.deepEqual(spec.podCIDRs, [spec.podCIDR]);
    }
    assert.equal(new Set(cidrs).size, 3);
    for (const cidr of cidrs) assert.match(cidr!, /^10\.244\.\d{1,3}\.0\/24$/);
    assert.equal((await c.http('GET', '/api/v1/nodes/ipam-own')).json().spec.podCIDR, '10.244.0.0/24');
    assert.equal((await c.http('GET', '/api/v1/nodes/ipam-foreign')).json().spec.podCIDR, '192.168.7.0/24');
    // kubectl sees what the API holds.
    const r = await c.kubectl(['get', 'node', 'ipam-a', '-o', 'jsonpath={.spec.podCIDR}']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, cidrs[0]);
  });
});

describe('node IPAM controller with a /22 range', () => {
  let dataDir: string;
  let cp: ControlPlane;
  let client: RestClient;
  let factory: SharedInformerFactory;
  let ctl: NodeIpamController;
  const http = async (method: string, path: string, body?: unknown) => {
    try {
      return { status: 200, json: await client.request<any>(method, path, body === undefined ? {} : { body }) };
    } catch (err) {
      return { status: (err as { code?: number }).code ?? 0, json: undefined };
    }
  };
  const cidrOf = async (name: string): Promise<string | undefined> => (await http('GET', `/api/v1/nodes/${name}`)).json?.spec?.podCIDR;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'k8ts-nodeipam-'));
    cp = await startControlPlane({ disableMetricsServer: true, dataDir, port: 0, bindAddress: '127.0.0.1', datastoreEndpoint: 'memory://', disableControllers: true, disableScheduler: true, log: () => undefined });
    client = new RestClient(loadKubeconfig(cp.kubeconfigPath), 'nodeipam-test');
    // Created before the controller starts: its CIDR must be taken at start.
    assert.equal((await http('POST', '/api/v1/nodes', node('pre', '10.250.0.0/24'))).status, 200);
    factory = new SharedInformerFactory(client);
    ctl = new NodeIpamController(client, factory, { clusterCidr: '10.250.0.0/22', nodeCidrMaskSize: 24 });
    factory.start();
    void ctl.run();
  });
  after(async () => {
    ctl?.stop();
    factory?.stop();
    client?.close();
    await cp?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('never hands out a range a node already holds, reuses a deleted node range, and reports exhaustion', async () => {
    for (const n of ['x1', 'x2', 'x3']) assert.equal((await http('POST', '/api/v1/nodes', node(n))).status, 200);
    const got = await eventually(async () => {
      const all = await Promise.all(['x1', 'x2', 'x3'].map(cidrOf));
      return all.every(Boolean) && all;
    }, 15_000);
    assert.deepEqual([...got].sort(), ['10.250.1.0/24', '10.250.2.0/24', '10.250.3.0/24']);
    assert.equal(ctl.cidrSets[0]!.usedCount, 4);

    // The range is full: the fourth node waits with upstream's event.
    assert.equal((await http('POST', '/api/v1/nodes', node('x4'))).status, 200);
    const ev = await eventually(async () => {
      const list = (await http('GET', '/api/v1/namespaces/default/events')).json;
      return list?.items?.find((e: any) => e.involvedObject?.name === 'x4' && e.reason === 'CIDRNotAvailable');
    }, 15_000);
    assert.equal(ev.type, 'Normal');
    assert.equal(ev.message, 'Node x4 status is now: CIDRNotAvailable');
    assert.equal(ev.involvedObject.kind, 'Node');
    assert.equal(ev.source.component, 'cidrAllocator');
    assert.equal(await cidrOf('x4'), undefined);

    // Deleting a node frees its range, and the waiting node gets exactly that one.
    const freed = got[1]!;
    assert.equal((await http('DELETE', '/api/v1/nodes/x2')).status, 200);
    assert.equal(await eventually(() => cidrOf('x4'), 15_000), freed);
    assert.equal(ctl.cidrSets[0]!.usedCount, 4);
  });
});
