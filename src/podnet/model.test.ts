import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Node } from '../api/core/v1/types.js';
import { vtepMac } from './kernel.js';
import { masqueradeScript } from './masquerade.js';
import { ANN_BACKEND_DATA, ANN_BACKEND_TYPE, ANN_PUBLIC_IP, cidrContains, networkAddress, plan } from './model.js';

function node(name: string, podCIDR: string | undefined, ip: string, ann: Record<string, string> = {}): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, annotations: ann }, spec: podCIDR ? { podCIDR } : {}, status: { addresses: [{ type: 'InternalIP', address: ip }] } } as Node;
}

const vx = (mac: string, ip: string) => ({ [ANN_BACKEND_TYPE]: 'vxlan', [ANN_BACKEND_DATA]: JSON.stringify({ VNI: 1, VtepMAC: mac }), [ANN_PUBLIC_IP]: ip });

describe('pod network plan', () => {
  it('routes every other node through its VTEP, with a neighbour and a forwarding entry', () => {
    const nodes = [node('a', '10.244.0.0/24', '192.168.5.10', vx('02:00:00:00:00:0a', '192.168.5.10')), node('b', '10.244.1.0/24', '192.168.5.11', vx('02:00:00:00:00:0B', '192.168.5.11'))];
    const p = plan({ backend: 'vxlan', self: 'a', nodes, device: 'flannel.1' });
    assert.deepEqual(p.routes, [{ dst: '10.244.1.0/24', via: '10.244.1.0', dev: 'flannel.1', onlink: true }]);
    assert.deepEqual(p.neighbours, [{ ip: '10.244.1.0', mac: '02:00:00:00:00:0b' }]);
    assert.deepEqual(p.fdb, [{ mac: '02:00:00:00:00:0b', dst: '192.168.5.11' }]);
  });

  it('skips nodes with no pod CIDR, no VTEP, another backend, or being deleted', () => {
    const gone = node('d', '10.244.3.0/24', '192.168.5.13', vx('02:00:00:00:00:0d', '192.168.5.13'));
    gone.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    const nodes = [node('a', '10.244.0.0/24', '192.168.5.10'), node('b', undefined, '192.168.5.11'), node('c', '10.244.2.0/24', '192.168.5.12', { [ANN_BACKEND_TYPE]: 'host-gw' }), gone, node('e', '10.244.4.0/24', '192.168.5.14', { [ANN_BACKEND_TYPE]: 'vxlan', [ANN_BACKEND_DATA]: '{not json' })];
    const p = plan({ backend: 'vxlan', self: 'a', nodes, device: 'flannel.1' });
    assert.deepEqual(p.routes, []);
    assert.deepEqual(p.skipped.map((s) => s.node), ['c', 'e']);
    assert.match(p.skipped[0]!.reason, /host-gw/);
  });

  it('host-gw routes via the peer address only when it is on the shared link', () => {
    const nodes = [node('a', '10.244.0.0/24', '192.168.5.10'), node('b', '10.244.1.0/24', '192.168.5.11'), node('c', '10.244.2.0/24', '172.16.0.9')];
    const p = plan({ backend: 'host-gw', self: 'a', nodes, device: 'eth0', linkSubnets: ['192.168.5.10/24'] });
    assert.deepEqual(p.routes, [{ dst: '10.244.1.0/24', via: '192.168.5.11', dev: 'eth0', onlink: false }]);
    assert.equal(p.skipped[0]?.node, 'c');
    assert.match(p.skipped[0]!.reason, /not on eth0's link/);
  });

  it('does CIDR arithmetic and derives a stable, local, unicast VTEP MAC', () => {
    assert.equal(networkAddress('10.244.7.9/24'), '10.244.7.0');
    assert.ok(cidrContains('10.244.0.0/16', '10.244.200.1'));
    assert.ok(!cidrContains('10.244.0.0/16', '10.245.0.1'));
    const mac = vtepMac('node-1');
    assert.equal(mac, vtepMac('node-1'));
    assert.notEqual(mac, vtepMac('node-2'));
    assert.equal(parseInt(mac.slice(0, 2), 16) & 0x03, 0x02);
  });

  it('masquerades pod → outside, never pod → pod, in one table of its own', () => {
    const s = masqueradeScript({ table: 't1', clusterCIDR: '10.244.0.0/16', podCIDR: '10.244.3.0/24' });
    assert.match(s, /^add table ip t1\ndelete table ip t1\ntable ip t1 \{/);
    assert.match(s, /ip saddr 10\.244\.3\.0\/24 ip daddr 10\.244\.0\.0\/16 return/);
    assert.match(s, /ip saddr 10\.244\.0\.0\/16 ip daddr != 224\.0\.0\.0\/4 masquerade fully-random/);
    assert.ok(s.indexOf('return comment "pod to pod"') < s.indexOf('masquerade fully-random'));
  });
});
