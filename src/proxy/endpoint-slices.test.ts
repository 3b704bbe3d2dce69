import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeSlices } from './endpoint-slices.js';
import { endpoint, NODE, slice } from './testing/fixtures.js';

describe('merging EndpointSlices', () => {
  it('merges a service’s slices per port and counts an address listed twice once, preferring the local copy', () => {
    const a = slice('web', [endpoint('10.0.0.1'), endpoint('10.0.0.2')], { name: 'web-a' });
    const b = slice('web', [endpoint('10.0.0.2', { node: NODE }), endpoint('10.0.0.3')], { name: 'web-b' });
    const merged = mergeSlices([b, a], NODE);
    const eps = merged.get('ns1/web:p80/tcp')!;
    assert.deepEqual(eps.map((e) => `${e.ip}:${e.port}`), ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80']);
    assert.equal(eps.find((e) => e.ip === '10.0.0.2')!.isLocal, true);
  });

  it('reads the conditions as upstream: ready unless false, serving as ready when unset, not terminating when unset', () => {
    const eps = mergeSlices([slice('web', [endpoint('10.0.0.1'), endpoint('10.0.0.2', { ready: false, terminating: true }), endpoint('10.0.0.3', { ready: false, serving: true, terminating: true })])], NODE).get('ns1/web:p80/tcp')!;
    assert.deepEqual(eps.map((e) => [e.ready, e.serving, e.terminating]), [[true, true, false], [false, false, true], [false, true, true]]);
  });

  it('keys ports by name and protocol and skips slices of other address types', () => {
    const udp = slice('dns', [endpoint('10.0.0.9')], { portName: 'dns', port: 53, protocol: 'UDP' });
    const v6 = { ...slice('dns', [endpoint('fd00::1')], { name: 'dns-v6', portName: 'dns', port: 53, protocol: 'UDP' }), addressType: 'IPv6' };
    const merged = mergeSlices([udp, v6], NODE);
    assert.deepEqual([...merged.keys()], ['ns1/dns:dns/udp']);
    assert.equal(merged.get('ns1/dns:dns/udp')!.length, 1);
  });
});
