// Name and address arithmetic, and the flags that name addresses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseListen } from '../cli/dns.js';
import { addressFromDashed, addressFromReverse, canonicalAddress, labelsInZone, reverseName } from './names.js';
import { gatewayOf } from './run.js';

describe('dns names', () => {
  it('splits names under a zone', () => {
    assert.deepEqual(labelsInZone('a.b.cluster.local', 'cluster.local'), ['a', 'b']);
    assert.deepEqual(labelsInZone('cluster.local', 'cluster.local'), []);
    assert.equal(labelsInZone('xcluster.local', 'cluster.local'), undefined);
  });

  it('turns reverse names into addresses and back', () => {
    assert.equal(addressFromReverse('10.0.96.10.in-addr.arpa'), '10.96.0.10');
    assert.equal(addressFromReverse('0.96.10.in-addr.arpa'), undefined);
    assert.equal(addressFromReverse('300.0.96.10.in-addr.arpa'), undefined);
    assert.equal(reverseName('10.96.0.10'), '10.0.96.10.in-addr.arpa');
    const v6 = reverseName('fd00::a');
    assert.equal(v6, `a.${'0.'.repeat(27)}0.0.d.f.ip6.arpa`);
    assert.equal(addressFromReverse(v6), 'fd00::a');
  });

  it('reads dashed pod labels as CoreDNS does', () => {
    assert.equal(addressFromDashed('10-244-0-5'), '10.244.0.5');
    assert.equal(addressFromDashed('fd00--5'), 'fd00::5');
    assert.equal(addressFromDashed('10-244-0'), undefined);
    assert.equal(canonicalAddress('FD00:0:0::0A'), 'fd00::a');
  });

  it("listens by default on the first address of the node's podCIDR", () => {
    assert.equal(gatewayOf('10.244.3.0/24'), '10.244.3.1');
    assert.equal(gatewayOf('fd00:10:244:3::/64'), 'fd00:10:244:3::1');
  });

  it('parses --listen', () => {
    assert.deepEqual(parseListen('10.244.0.1'), { host: '10.244.0.1', port: 53 });
    assert.deepEqual(parseListen('127.0.0.1:5353'), { host: '127.0.0.1', port: 5353 });
    assert.deepEqual(parseListen('[fd00::1]:53'), { host: 'fd00::1', port: 53 });
    assert.deepEqual(parseListen('fd00::1'), { host: 'fd00::1', port: 53 });
    assert.equal(parseListen('localhost:53'), undefined);
    assert.equal(parseListen('1.2.3.4:99999'), undefined);
  });
});
