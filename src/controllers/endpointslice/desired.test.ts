import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Service } from '../../api/core/v1/types.js';
import { desiredSlices, portsKey } from './desired.js';

const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'ns' }, spec: { selector: { a: 'b' }, ports: [{ name: 'p', port: 80, targetPort: 'http' }] } };

function pod(i: number, opts: { named?: boolean; ready?: boolean; ip?: boolean; terminating?: boolean } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p${i}`, namespace: 'ns', uid: `u${i}`, deletionTimestamp: opts.terminating ? '2026-01-01T00:00:00Z' : undefined },
    spec: { nodeName: 'n1', containers: [{ name: 'c', ports: opts.named === false ? [] : [{ name: 'http', containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: opts.ip === false ? undefined : `10.0.${Math.floor(i / 250)}.${i % 250}`, conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  } as Pod;
}

describe('desired EndpointSlices', () => {
  it('splits at the per-slice maximum, in IP order', () => {
    const pods = Array.from({ length: 250 }, (_, i) => pod(249 - i));
    const got = desiredSlices(svc, pods, () => 'z1');
    const [group] = [...got.values()];
    assert.deepEqual(group!.map((s) => s.endpoints.length), [100, 100, 50]);
    assert.equal(group![0]!.endpoints[0]!.addresses[0], '10.0.0.0');
    assert.equal(group![0]!.endpoints[0]!.zone, 'z1');
  });
  it('groups pods by the ports they expose and skips pods without IP', () => {
    const got = desiredSlices(svc, [pod(1), pod(2, { named: false }), pod(3, { ip: false })], () => undefined);
    // A pod whose named port does not resolve exposes no port: it lands in a slice of its own.
    assert.equal(got.size, 2);
    assert.deepEqual(got.get(portsKey([]))?.[0]?.endpoints.map((e) => e.targetRef?.name), ['p2']);
    const withPort = desiredSlices(svc, [pod(1), pod(4)], () => undefined).get(portsKey([{ name: 'p', port: 8080, protocol: 'TCP' }]));
    assert.equal(withPort?.[0]?.endpoints.length, 2);
  });
  it('marks terminating pods terminating and not ready, and gives a placeholder when empty', () => {
    const got = desiredSlices(svc, [pod(1, { terminating: true })], () => undefined);
    assert.deepEqual([...got.values()][0]![0]!.endpoints[0]!.conditions, { ready: false, serving: true, terminating: true });
    const empty = desiredSlices(svc, [], () => undefined);
    assert.deepEqual([...empty.values()], [[{ ports: undefined, endpoints: [] }]]);
  });
});
