import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServicePortInfo } from './model.js';
import { iptablesEndpointChain, iptablesServiceChains, nftAffinitySet, nftEndpointChain, nftServiceChains } from './names.js';

const sp: ServicePortInfo = {
  namespace: 'ns1', name: 'svc1', portName: 'p80', protocol: 'tcp', clusterIP: '172.30.0.41', port: 80, nodePort: 0,
  externalIPs: [], loadBalancerIPs: [], loadBalancerSourceRanges: [], externalPolicyLocal: false, internalPolicyLocal: false, healthCheckNodePort: 0,
};
const ep = { ip: '10.180.0.1', port: 80 };

describe('chain names', () => {
  it('are the ones upstream nftables mode derives (its proxier_test examples)', () => {
    assert.deepEqual(nftServiceChains(sp), {
      cluster: 'service-ULMVA6XW-ns1/svc1/tcp/p80',
      local: 'local-ULMVA6XW-ns1/svc1/tcp/p80',
      external: 'external-ULMVA6XW-ns1/svc1/tcp/p80',
      firewall: 'firewall-ULMVA6XW-ns1/svc1/tcp/p80',
    });
    assert.equal(nftEndpointChain(sp, ep), 'endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80');
    assert.equal(nftAffinitySet(sp, ep), 'affinity-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80');
  });

  it('are the ones upstream iptables mode derives, 16 base32 characters of sha256', () => {
    assert.deepEqual(iptablesServiceChains('KUBE', sp), { svc: 'KUBE-SVC-XPGD46QRK7WJZT7O', svl: 'KUBE-SVL-XPGD46QRK7WJZT7O', ext: 'KUBE-EXT-XPGD46QRK7WJZT7O', fw: 'KUBE-FW-XPGD46QRK7WJZT7O' });
    assert.equal(iptablesEndpointChain('KUBE', sp, ep), 'KUBE-SEP-SXIVWICOYRO3J4NJ');
  });

  it('truncate very long nftables names to the kernel limit, keeping them unique by the hash', () => {
    const long = { ...sp, namespace: 'n'.repeat(63), name: 's'.repeat(63), portName: 'p'.repeat(63) };
    // Only an IPv6 endpoint makes the name long enough (upstream's comment: "theoretically possible").
    const a = nftEndpointChain(long, { ip: 'fd00:1111:2222:3333:4444:5555:6666:7777', port: 8080 });
    const b = nftEndpointChain(long, { ip: 'fd00:1111:2222:3333:4444:5555:6666:7778', port: 8080 });
    assert.ok(a.length <= 256 && a.endsWith('...'), a);
    assert.ok(!a.includes(':'), 'colons are not allowed in nft names');
    assert.notEqual(a, b);
  });
});
