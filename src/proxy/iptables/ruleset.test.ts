import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_PROXY_CONFIG, type ProxyConfig, type ServicePortInfo } from '../model.js';
import { iptablesEndpointChain, iptablesServiceChains } from '../names.js';
import { endpoint, NODE, NODE_IP, service, slice, stateOf } from '../testing/fixtures.js';
import { splitArgs } from './proxier.js';
import { desiredIptablesRules, restoreScript } from './ruleset.js';

const cfg: ProxyConfig = { ...DEFAULT_PROXY_CONFIG, clusterCIDR: '10.244.0.0/16' };
const port = (name: string): ServicePortInfo => ({
  namespace: 'ns1', name, portName: 'p80', protocol: 'tcp', clusterIP: '', port: 80, nodePort: 0,
  externalIPs: [], loadBalancerIPs: [], loadBalancerSourceRanges: [], externalPolicyLocal: false, internalPolicyLocal: false, healthCheckNodePort: 0,
});

describe('iptables ruleset', () => {
  it('a ClusterIP service: KUBE-SERVICES → KUBE-SVC with statistic probabilities → KUBE-SEP that DNATs', () => {
    const rs = desiredIptablesRules(stateOf([service('web', '10.96.0.41')], [slice('web', [endpoint('10.244.1.2'), endpoint('10.244.1.3'), endpoint('10.244.1.4')])]), cfg, 'KUBE');
    const { svc } = iptablesServiceChains('KUBE', port('web'));
    const sep = (ip: string) => iptablesEndpointChain('KUBE', port('web'), { ip, port: 80 });
    assert.ok(rs.nat.get('KUBE-SERVICES')!.includes(`-m comment --comment "ns1/web:p80 cluster IP" -m tcp -p tcp -d 10.96.0.41 --dport 80 -j ${svc}`));
    assert.deepEqual(rs.nat.get(svc), [
      '-m comment --comment "ns1/web:p80 cluster IP" -m tcp -p tcp -d 10.96.0.41 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ',
      `-m comment --comment "ns1/web:p80 -> 10.244.1.2:80" -m statistic --mode random --probability 0.3333333333 -j ${sep('10.244.1.2')}`,
      `-m comment --comment "ns1/web:p80 -> 10.244.1.3:80" -m statistic --mode random --probability 0.5000000000 -j ${sep('10.244.1.3')}`,
      `-m comment --comment "ns1/web:p80 -> 10.244.1.4:80" -j ${sep('10.244.1.4')}`,
    ]);
    assert.deepEqual(rs.nat.get(sep('10.244.1.2')), ['-m comment --comment ns1/web:p80 -s 10.244.1.2 -j KUBE-MARK-MASQ', '-m comment --comment ns1/web:p80 -m tcp -p tcp -j DNAT --to-destination 10.244.1.2:80']);
    assert.deepEqual(rs.nat.get('KUBE-POSTROUTING'), ['-m mark ! --mark 0x004000/0x004000 -j RETURN', '-j MARK --xor-mark 0x004000', '-m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully']);
    assert.equal(rs.nat.get('KUBE-SERVICES')!.at(-1), `-m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -d ${NODE_IP} -j KUBE-NODEPORTS`);
  });

  it('NodePort, externalIPs, Local policy and affinity as upstream', () => {
    const svc = service('np', '10.96.0.42', { type: 'NodePort', externalTrafficPolicy: 'Local', externalIPs: ['198.51.100.7'], sessionAffinity: 'ClientIP', ports: [{ name: 'p80', port: 80, nodePort: 30080 }] });
    const rs = desiredIptablesRules(stateOf([svc], [slice('np', [endpoint('10.244.1.2', { node: NODE }), endpoint('10.244.2.2')])]), cfg, 'KT1');
    const n = iptablesServiceChains('KT1', port('np'));
    const local = iptablesEndpointChain('KT1', port('np'), { ip: '10.244.1.2', port: 80 });
    assert.ok(rs.nat.get('KT1-NODEPORTS')!.includes(`-m comment --comment ns1/np:p80 -m tcp -p tcp --dport 30080 -j ${n.ext}`));
    assert.ok(rs.nat.get('KT1-SERVICES')!.includes(`-m comment --comment "ns1/np:p80 external IP" -m tcp -p tcp -d 198.51.100.7 --dport 80 -j ${n.ext}`));
    assert.deepEqual(rs.nat.get(n.ext), [
      `-m comment --comment "pod traffic for ns1/np:p80 external destinations" -s 10.244.0.0/16 -j ${n.svc}`,
      '-m comment --comment "masquerade LOCAL traffic for ns1/np:p80 external destinations" -m addrtype --src-type LOCAL -j KT1-MARK-MASQ',
      `-m comment --comment "route LOCAL traffic for ns1/np:p80 external destinations" -m addrtype --src-type LOCAL -j ${n.svc}`,
      `-j ${n.svl}`,
    ]);
    assert.deepEqual(rs.nat.get(n.svl), [
      `-m comment --comment "ns1/np:p80 -> 10.244.1.2:80" -m recent --name ${local} --mask 255.255.255.255 --rsource --rcheck --seconds 10800 --reap -j ${local}`,
      `-m comment --comment "ns1/np:p80 -> 10.244.1.2:80" -j ${local}`,
    ]);
    assert.equal(rs.nat.get(local)![1], `-m comment --comment ns1/np:p80 -m recent --name ${local} --mask 255.255.255.255 --rsource --set -m tcp -p tcp -j DNAT --to-destination 10.244.1.2:80`);
  });

  it('load balancer ingress IPs jump to the external chain; with no endpoints they are rejected in KUBE-EXTERNAL-SERVICES', () => {
    const lb = (name: string, ip: string, port: number, nodePort: number) => ({
      ...service(name, ip, { type: 'LoadBalancer', ports: [{ name: 'p80', port, nodePort }] }),
      status: { loadBalancer: { ingress: [{ ip: '192.0.2.10', ipMode: 'VIP' as const }] } },
    });
    const rs = desiredIptablesRules(stateOf([lb('lb', '10.96.0.44', 8080, 30090), lb('lb-empty', '10.96.0.45', 8081, 30091)], [slice('lb', [endpoint('10.244.1.2')])]), cfg, 'KT1');
    const n = iptablesServiceChains('KT1', port('lb'));
    assert.ok(rs.nat.get('KT1-SERVICES')!.includes(`-m comment --comment "ns1/lb:p80 loadbalancer IP" -m tcp -p tcp -d 192.0.2.10 --dport 8080 -j ${n.ext}`));
    assert.ok(rs.filter.get('KT1-EXTERNAL-SERVICES')!.includes('-m comment --comment "ns1/lb-empty:p80 has no endpoints" -m tcp -p tcp -d 192.0.2.10 --dport 8081 -j REJECT'));
  });

  it('loadBalancerSourceRanges: KUBE-SERVICES → KUBE-FW, which lets the ranges on to KUBE-EXT; KUBE-PROXY-FIREWALL drops the rest', () => {
    const svc = { ...service('fw', '10.96.0.48', { type: 'LoadBalancer', loadBalancerSourceRanges: ['198.51.100.0/24'], ports: [{ name: 'p80', port: 80, nodePort: 30093 }] }), status: { loadBalancer: { ingress: [{ ip: '203.0.113.5' }] } } };
    const rs = desiredIptablesRules(stateOf([svc], [slice('fw', [endpoint('10.244.1.2')])]), cfg, 'KT1');
    const n = iptablesServiceChains('KT1', port('fw'));
    assert.ok(rs.nat.get('KT1-SERVICES')!.includes(`-m comment --comment "ns1/fw:p80 loadbalancer IP" -m tcp -p tcp -d 203.0.113.5 --dport 80 -j ${n.fw}`));
    assert.deepEqual(rs.nat.get(n.fw), [
      `-m comment --comment "ns1/fw:p80 loadbalancer IP" -s 198.51.100.0/24 -j ${n.ext}`,
      '-m comment --comment "other traffic to ns1/fw:p80 will be dropped by KUBE-PROXY-FIREWALL"',
    ]);
    assert.deepEqual(rs.filter.get('KT1-PROXY-FIREWALL'), [`-m comment --comment "ns1/fw:p80 traffic not accepted by ${n.fw}" -m tcp -p tcp -d 203.0.113.5 --dport 80 -j DROP`]);
  });

  it('no endpoints: REJECT in the filter table for the ClusterIP and the node port', () => {
    const rs = desiredIptablesRules(stateOf([service('empty', '10.96.0.47', { type: 'NodePort', ports: [{ name: 'p80', port: 80, nodePort: 30082 }] })], []), cfg, 'KUBE');
    assert.deepEqual(rs.filter.get('KUBE-SERVICES'), ['-m comment --comment "ns1/empty:p80 has no endpoints" -m tcp -p tcp -d 10.96.0.47 --dport 80 -j REJECT']);
    assert.deepEqual(rs.filter.get('KUBE-EXTERNAL-SERVICES'), ['-m comment --comment "ns1/empty:p80 has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30082 -j REJECT']);
    assert.ok(![...rs.nat.keys()].some((c) => c.startsWith('KUBE-SVC-')));
  });

  it('the restore input declares (flushes) every chain, then deletes the stale ones', () => {
    const rs = desiredIptablesRules(stateOf([], []), cfg, 'KUBE');
    const text = restoreScript(rs, { nat: ['KUBE-SVC-OLD'], filter: [] });
    assert.match(text, /^\*filter\n:KUBE-SERVICES - \[0:0\]\n/);
    assert.match(text, /\*nat\n(:KUBE-[A-Z-]+ - \[0:0\]\n)+:KUBE-SVC-OLD - \[0:0\]\n[\s\S]*-X KUBE-SVC-OLD\nCOMMIT\n$/);
  });

  it('splits rule text into arguments as a shell would for quoted comments', () => {
    assert.deepEqual(splitArgs('-m comment --comment "a b \\"c\\"" -j X'), ['-m', 'comment', '--comment', 'a b "c"', '-j', 'X']);
  });
});
