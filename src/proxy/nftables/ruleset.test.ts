import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_PROXY_CONFIG, type ProxyConfig, type ServicePortInfo } from '../model.js';
import { nftAffinitySet, nftEndpointChain, nftServiceChains } from '../names.js';
import { endpoint, NODE, NODE_IP, service, slice, stateOf, trackerWith } from '../testing/fixtures.js';
import { diffParts, diffScript, fullSyncScript, staleChainsScript } from './render.js';
import { changedParts, desiredNftParts, desiredNftRuleset, type NftRulesetMemo } from './ruleset.js';
import { WrittenParts } from './written.js';

const cfg: ProxyConfig = { ...DEFAULT_PROXY_CONFIG, clusterCIDR: '10.244.0.0/16' };
const port = (name: string, o: Partial<ServicePortInfo> = {}): ServicePortInfo => ({
  namespace: 'ns1', name, portName: 'p80', protocol: 'tcp', clusterIP: '', port: 80, nodePort: 0,
  externalIPs: [], loadBalancerIPs: [], loadBalancerSourceRanges: [], externalPolicyLocal: false, internalPolicyLocal: false, healthCheckNodePort: 0, ...o,
});
const ep = (ip: string) => ({ ip, port: 80 });

describe('nftables ruleset', () => {
  it('a ClusterIP service: its IP in service-ips, a numgen spread over endpoint chains that DNAT, masquerade from outside the pod network and for hairpin', () => {
    const rs = desiredNftRuleset(stateOf([service('web', '10.96.0.41')], [slice('web', [endpoint('10.244.1.2'), endpoint('10.244.1.3')])]), cfg);
    const n = nftServiceChains(port('web'));
    const e1 = nftEndpointChain(port('web'), ep('10.244.1.2'));
    const e2 = nftEndpointChain(port('web'), ep('10.244.1.3'));
    assert.equal(rs.elements['service-ips'].get('10.96.0.41 . tcp . 80'), `goto ${n.cluster}`);
    assert.ok(rs.elements['cluster-ips'].has('10.96.0.41'));
    assert.deepEqual(rs.chains.get(n.cluster), [
      'ip daddr 10.96.0.41 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade',
      `numgen random mod 2 vmap { 0 : goto ${e1} , 1 : goto ${e2} }`,
    ]);
    assert.deepEqual(rs.chains.get(e1), ['ip saddr 10.244.1.2 jump mark-for-masquerade', 'meta l4proto tcp dnat to 10.244.1.2:80']);
    assert.equal(rs.chains.has(n.external), false);
    assert.deepEqual([...rs.elements['nodeport-ips'].keys()], [NODE_IP]);
  });

  it('the skeleton hooks the chains as upstream and takes NodePorts only on node addresses (no 127.0.0.1)', () => {
    const text = fullSyncScript('kube-proxy', cfg, desiredNftRuleset(stateOf([], []), cfg));
    assert.match(text, /^add table ip kube-proxy\ndelete table ip kube-proxy\nadd table ip kube-proxy \{ comment "rules for kube-proxy" ; \}$/m);
    for (const line of [
      'add chain ip kube-proxy nat-prerouting { type nat hook prerouting priority -100 ; policy accept ; }',
      'add chain ip kube-proxy filter-output-post-dnat { type filter hook output priority -90 ; policy accept ; }',
      'add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips',
      'add rule ip kube-proxy services ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports',
      'add rule ip kube-proxy service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services',
      'add rule ip kube-proxy nodeport-endpoints-check ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports',
      'add rule ip kube-proxy mark-for-masquerade mark set mark or 0x004000',
      'add rule ip kube-proxy masquerading mark and 0x004000 == 0 return',
      'add rule ip kube-proxy masquerading masquerade fully-random',
      'add rule ip kube-proxy filter-input ct state new jump service-endpoints-check',
      `add element ip kube-proxy nodeport-ips { ${NODE_IP} }`,
    ]) assert.ok(text.includes(`${line}\n`), `missing: ${line}`);
    assert.doesNotMatch(text, /fib daddr type local|127\.0\.0/);
  });

  it('a NodePort service: the node port in service-nodeports through an external chain that masquerades (Cluster policy)', () => {
    const rs = desiredNftRuleset(stateOf([service('np', '10.96.0.42', { type: 'NodePort', ports: [{ name: 'p80', port: 80, nodePort: 30080 }] })], [slice('np', [endpoint('10.244.1.2')])]), cfg);
    const n = nftServiceChains(port('np'));
    assert.equal(rs.elements['service-nodeports'].get('tcp . 30080'), `goto ${n.external}`);
    assert.deepEqual(rs.chains.get(n.external), ['jump mark-for-masquerade', `goto ${n.cluster}`]);
  });

  it('externalIPs go to the external chain too; ExternalName and headless services get no rules at all', () => {
    const rs = desiredNftRuleset(stateOf([
      service('ext', '10.96.0.43', { externalIPs: ['198.51.100.7'] }),
      service('name', '', { type: 'ExternalName', externalName: 'example.com' }),
      service('headless', 'None'),
    ], [slice('ext', [endpoint('10.244.1.2')]), slice('headless', [endpoint('10.244.1.9')])]), cfg);
    const n = nftServiceChains(port('ext'));
    assert.equal(rs.elements['service-ips'].get('198.51.100.7 . tcp . 80'), `goto ${n.external}`);
    assert.deepEqual([...rs.elements['service-ips'].keys()], ['10.96.0.43 . tcp . 80', '198.51.100.7 . tcp . 80']);
    assert.ok(![...rs.chains.keys()].some((c) => c.includes('/name/') || c.includes('/headless/')));
  });

  it('load balancer ingress IPs (ServiceLB: node addresses, ipMode VIP) go to the external chain; ipMode Proxy ones and non-LoadBalancer services get none', () => {
    const lb = (name: string, ip: string, ingress: { ip: string; ipMode?: 'VIP' | 'Proxy' }[], spec: Record<string, unknown> = {}) => ({
      ...service(name, ip, { type: 'LoadBalancer', ports: [{ name: 'p80', port: 80, nodePort: 30090 }], ...spec }),
      status: { loadBalancer: { ingress } },
    });
    const rs = desiredNftRuleset(stateOf([
      lb('lb', '10.96.0.44', [{ ip: NODE_IP, ipMode: 'VIP' }, { ip: '192.0.2.11' }]),
      lb('proxied', '10.96.0.45', [{ ip: '192.0.2.12', ipMode: 'Proxy' }], { ports: [{ name: 'p80', port: 80, nodePort: 30092 }] }),
      { ...service('was-lb', '10.96.0.46'), status: { loadBalancer: { ingress: [{ ip: '192.0.2.13' }] } } },
      lb('lb-empty', '10.96.0.47', [{ ip: NODE_IP }], { ports: [{ name: 'p80', port: 81, nodePort: 30091 }] }),
    ], [slice('lb', [endpoint('10.244.1.2')]), slice('proxied', [endpoint('10.244.1.3')]), slice('was-lb', [endpoint('10.244.1.4')])]), cfg);
    const n = nftServiceChains(port('lb'));
    assert.equal(rs.elements['service-ips'].get(`${NODE_IP} . tcp . 80`), `goto ${n.external}`);
    assert.equal(rs.elements['service-ips'].get('192.0.2.11 . tcp . 80'), `goto ${n.external}`);
    assert.equal(rs.elements['service-nodeports'].get('tcp . 30090'), `goto ${n.external}`);
    assert.deepEqual(rs.chains.get(n.external), ['jump mark-for-masquerade', `goto ${n.cluster}`]);
    assert.ok(![...rs.elements['service-ips'].keys()].some((k) => k.startsWith('192.0.2.12 ') || k.startsWith('192.0.2.13 ')));
    // No endpoints: the load balancer address is refused like the ClusterIP.
    assert.equal(rs.elements['no-endpoint-services'].get(`${NODE_IP} . tcp . 81`), 'goto reject-chain');
  });

  it('loadBalancerSourceRanges: the load balancer IPs go through a firewall chain that drops other sources (the VIPs allowed too when a range holds the node)', () => {
    const fw = (name: string, ip: string, ranges: string[]) => ({
      ...service(name, ip, { type: 'LoadBalancer', loadBalancerSourceRanges: ranges, ports: [{ name: 'p80', port: 80, nodePort: 30093 }] }),
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.5', ipMode: 'VIP' as const }] } },
    });
    const rs = desiredNftRuleset(stateOf([fw('fw', '10.96.0.48', [' 198.51.100.0/24', '192.0.2.0/24'])], [slice('fw', [endpoint('10.244.1.2')])]), cfg);
    const n = nftServiceChains(port('fw'));
    assert.equal(rs.elements['firewall-ips'].get('203.0.113.5 . tcp . 80'), `goto ${n.firewall}`);
    // 192.0.2.0/24 holds the node (192.0.2.10): its own requests to the VIP come from the VIP.
    assert.deepEqual(rs.chains.get(n.firewall), ['ip saddr != { 198.51.100.0/24, 192.0.2.0/24, 203.0.113.5 } drop']);
    assert.equal(rs.elements['service-ips'].get('203.0.113.5 . tcp . 80'), `goto ${n.external}`);
    const away = desiredNftRuleset(stateOf([fw('fw', '10.96.0.48', ['198.51.100.0/24'])], [slice('fw', [endpoint('10.244.1.2')])]), cfg);
    assert.deepEqual(away.chains.get(n.firewall), ['ip saddr != { 198.51.100.0/24 } drop']);
    // No load balancer IP yet, or no ranges: no firewall.
    const pending = desiredNftRuleset(stateOf([{ ...fw('fw', '10.96.0.48', ['198.51.100.0/24']), status: {} }], [slice('fw', [endpoint('10.244.1.2')])]), cfg);
    assert.equal(pending.chains.has(n.firewall), false);
    assert.equal(pending.elements['firewall-ips'].size, 0);
    const text = fullSyncScript('kube-proxy', cfg, rs);
    for (const line of ['add rule ip kube-proxy filter-prerouting ct state new jump firewall-check', 'add rule ip kube-proxy filter-output ct state new jump firewall-check', 'add rule ip kube-proxy firewall-check ip daddr . meta l4proto . th dport vmap @firewall-ips']) {
      assert.ok(text.includes(`${line}\n`), `missing: ${line}`);
    }
  });

  it('sessionAffinity ClientIP: a timed affinity set per endpoint, checked before the spread and updated on DNAT', () => {
    const svc = service('sticky', '10.96.0.44', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } } });
    const rs = desiredNftRuleset(stateOf([svc], [slice('sticky', [endpoint('10.244.1.2')])]), cfg);
    const p = port('sticky');
    const set = nftAffinitySet(p, ep('10.244.1.2'));
    const chain = nftEndpointChain(p, ep('10.244.1.2'));
    assert.equal(rs.affinitySets.get(set), 600);
    assert.equal(rs.chains.get(nftServiceChains(p).cluster)![1], `ip saddr @${set} goto ${chain}`);
    assert.deepEqual(rs.chains.get(chain), ['ip saddr 10.244.1.2 jump mark-for-masquerade', `update @${set} { ip saddr }`, 'meta l4proto tcp dnat to 10.244.1.2:80']);
    assert.match(fullSyncScript('t', cfg, rs), new RegExp(`add set ip t ${set.replaceAll('.', '\\.').replaceAll('/', '\\/')} \\{ type ipv4_addr ; flags dynamic,timeout ; timeout 600s ; \\}`));
    const dflt = desiredNftRuleset(stateOf([service('sticky', '10.96.0.44', { sessionAffinity: 'ClientIP' })], [slice('sticky', [endpoint('10.244.1.2')])]), cfg);
    assert.equal(dflt.affinitySets.get(set), 10_800);
  });

  it('externalTrafficPolicy Local: pods and the node short-circuit to all endpoints, others reach only local ones', () => {
    const svc = service('loc', '10.96.0.45', { type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'p80', port: 80, nodePort: 30081 }] });
    const rs = desiredNftRuleset(stateOf([svc], [slice('loc', [endpoint('10.244.1.2', { node: NODE }), endpoint('10.244.2.2')])]), cfg);
    const n = nftServiceChains(port('loc'));
    assert.deepEqual(rs.chains.get(n.external), [
      `ip saddr 10.244.0.0/16 goto ${n.cluster} comment "short-circuit pod traffic"`,
      `fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"`,
      `fib saddr type local goto ${n.cluster} comment "short-circuit local traffic"`,
      `goto ${n.local}`,
    ]);
    assert.deepEqual(rs.chains.get(n.local), [`numgen random mod 1 vmap { 0 : goto ${nftEndpointChain(port('loc'), ep('10.244.1.2'))} }`]);
    // No local endpoint: outside traffic to the node port is dropped, pods still short-circuit.
    const none = desiredNftRuleset(stateOf([svc], [slice('loc', [endpoint('10.244.2.2')])]), cfg);
    assert.equal(none.elements['no-endpoint-nodeports'].get('tcp . 30081'), 'drop');
    assert.equal(none.elements['service-nodeports'].get('tcp . 30081'), `goto ${n.external}`);
    assert.equal(none.chains.has(n.local), false);
  });

  it('internalTrafficPolicy Local: the ClusterIP goes to the local chain; with no local endpoint it is dropped', () => {
    const svc = service('itp', '10.96.0.46', { internalTrafficPolicy: 'Local' });
    const n = nftServiceChains(port('itp'));
    const rs = desiredNftRuleset(stateOf([svc], [slice('itp', [endpoint('10.244.1.2', { node: NODE }), endpoint('10.244.2.2')])]), cfg);
    assert.equal(rs.elements['service-ips'].get('10.96.0.46 . tcp . 80'), `goto ${n.local}`);
    assert.equal(rs.chains.get(n.local)![0], 'ip daddr 10.96.0.46 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade');
    assert.equal(rs.chains.has(nftEndpointChain(port('itp'), ep('10.244.2.2'))), false);
    const none = desiredNftRuleset(stateOf([svc], [slice('itp', [endpoint('10.244.2.2')])]), cfg);
    assert.equal(none.elements['no-endpoint-services'].get('10.96.0.46 . tcp . 80'), 'drop');
  });

  it('a service with no ready endpoint is rejected (ICMP), on its ClusterIP and its node port, and gets no chains', () => {
    const svc = service('empty', '10.96.0.47', { type: 'NodePort', ports: [{ name: 'p80', port: 80, nodePort: 30082 }] });
    const rs = desiredNftRuleset(stateOf([svc], [slice('empty', [endpoint('10.244.1.2', { ready: false, serving: false })])]), cfg);
    assert.equal(rs.elements['no-endpoint-services'].get('10.96.0.47 . tcp . 80'), 'goto reject-chain');
    assert.equal(rs.elements['no-endpoint-nodeports'].get('tcp . 30082'), 'goto reject-chain');
    assert.equal(rs.elements['service-ips'].size, 0);
    assert.equal(rs.chains.size, 0);
    assert.ok(rs.elements['cluster-ips'].has('10.96.0.47'));
  });

  it('UDP and SCTP ports are programmed with their protocol', () => {
    const svc = service('dns', '10.96.0.10', { ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'sctp', port: 9999, protocol: 'SCTP' }] });
    const rs = desiredNftRuleset(stateOf([svc], [slice('dns', [endpoint('10.244.1.5')], { portName: 'dns', port: 53, protocol: 'UDP' }), slice('dns', [endpoint('10.244.1.5')], { name: 'dns-sctp', portName: 'sctp', port: 9999, protocol: 'SCTP' })]), cfg);
    const udp = port('dns', { portName: 'dns', protocol: 'udp' });
    assert.ok(rs.elements['service-ips'].has('10.96.0.10 . udp . 53'));
    assert.ok(rs.elements['service-ips'].has('10.96.0.10 . sctp . 9999'));
    assert.deepEqual(rs.chains.get(nftEndpointChain(udp, { ip: '10.244.1.5', port: 53 }))!.at(-1), 'meta l4proto udp dnat to 10.244.1.5:53');
  });

  it('masquerade-all masquerades every ClusterIP packet; without a cluster CIDR nothing is masqueraded there', () => {
    const state = stateOf([service('web', '10.96.0.41')], [slice('web', [endpoint('10.244.1.2')])]);
    const chain = nftServiceChains(port('web')).cluster;
    assert.equal(desiredNftRuleset(state, { ...cfg, masqueradeAll: true }).chains.get(chain)![0], 'ip daddr 10.96.0.41 tcp dport 80 jump mark-for-masquerade');
    assert.match(desiredNftRuleset(state, DEFAULT_PROXY_CONFIG).chains.get(chain)![0]!, /^numgen/);
  });
});

describe('nftables incremental sync', () => {
  const services = [service('a', '10.96.0.1'), service('b', '10.96.0.2'), service('c', '10.96.0.3', { type: 'NodePort', ports: [{ name: 'p80', port: 80, nodePort: 30000 }] })];
  const slices = [slice('a', [endpoint('10.244.0.1')]), slice('b', [endpoint('10.244.0.2'), endpoint('10.244.0.3')]), slice('c', [endpoint('10.244.0.4')])];

  it('writes nothing when nothing changed', () => {
    const rs = desiredNftRuleset(stateOf(services, slices), cfg);
    assert.deepEqual(diffScript('t', rs, desiredNftRuleset(stateOf(services, slices), cfg)), { script: '', staleChains: [] });
  });

  it('one endpoint change touches only that service’s chains, in forms that need no chain dump', () => {
    const t = trackerWith(services, slices);
    const before = desiredNftRuleset(t.current(), cfg);
    t.setSlice(slice('b', [endpoint('10.244.0.2'), endpoint('10.244.0.9')]));
    const { script, staleChains } = diffScript('t', before, desiredNftRuleset(t.current(), cfg));
    const b = port('b');
    const gone = nftEndpointChain(b, ep('10.244.0.3'));
    const added = nftEndpointChain(b, ep('10.244.0.9'));
    assert.deepEqual(script.trim().split('\n'), [
      `add chain ip t ${added}`,
      `flush chain ip t ${nftServiceChains(b).cluster}`,
      `flush chain ip t ${gone}`,
      `add chain ip t ${added} { ip saddr 10.244.0.9 jump mark-for-masquerade ; meta l4proto tcp dnat to 10.244.0.9:80 ; }`,
      `add chain ip t ${nftServiceChains(b).cluster} { ip daddr 10.96.0.2 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade ; numgen random mod 2 vmap { 0 : goto ${nftEndpointChain(b, ep('10.244.0.2'))} , 1 : goto ${added} } ; }`,
    ]);
    // Emptied now, deleted by a later transaction.
    assert.deepEqual(staleChains, [gone]);
    assert.equal(staleChainsScript('t', staleChains), `add chain ip t ${gone}\ndelete chain ip t ${gone}\n`);
  });

  it('losing the last endpoint moves the service between maps and empties its chains, to be deleted later', () => {
    const t = trackerWith(services, slices);
    const before = desiredNftRuleset(t.current(), cfg);
    t.setSlice(slice('c', []));
    const { script, staleChains } = diffScript('t', before, desiredNftRuleset(t.current(), cfg));
    const lines = script.trim().split('\n');
    const c = nftServiceChains(port('c'));
    const idx = (l: string) => lines.indexOf(l);
    assert.ok(idx(`delete element ip t service-ips { 10.96.0.3 . tcp . 80 }`) >= 0, lines.join('\n'));
    assert.ok(idx(`delete element ip t service-nodeports { tcp . 30000 }`) >= 0);
    assert.ok(lines.some((l) => l.startsWith('add map ip t no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ;') && l.endsWith(' elements = { 10.96.0.3 . tcp . 80 : goto reject-chain } ; }')), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('add map ip t no-endpoint-nodeports {') && l.endsWith(' elements = { tcp . 30000 : goto reject-chain } ; }')));
    const emptied = [c.cluster, c.external, nftEndpointChain(port('c'), ep('10.244.0.4'))];
    for (const chain of emptied) assert.ok(idx(`flush chain ip t ${chain}`) >= 0, chain);
    assert.deepEqual([...staleChains].sort(), [...emptied].sort());
    assert.ok(!lines.some((l) => l.startsWith('delete chain')), 'no chain deleted in the change itself');
    assert.ok(!lines.some((l) => /\/ns1\/(a|b)\//.test(l) || l.includes('ns1/a/') || l.includes('ns1/b/')), 'other services untouched');
  });

  it('a changed map value is deleted and re-added (nft refuses to overwrite one)', () => {
    const t = trackerWith([service('itp', '10.96.0.9', { internalTrafficPolicy: 'Local' })], [slice('itp', [endpoint('10.244.0.1')])]);
    const before = desiredNftRuleset(t.current(), cfg);
    t.setSlice(slice('itp', []));
    const lines = diffScript('t', before, desiredNftRuleset(t.current(), cfg)).script.trim().split('\n');
    const readded = lines.findIndex((l) => l.startsWith('add map ip t no-endpoint-services') && l.includes('elements = { 10.96.0.9 . tcp . 80 : goto reject-chain }'));
    assert.ok(readded >= 0 && lines.indexOf('delete element ip t no-endpoint-services { 10.96.0.9 . tcp . 80 }') < readded, lines.join('\n'));
  });

  it('a new affinity timeout recreates the set and rewrites the chains that name it', () => {
    const sticky = (timeoutSeconds: number) => service('s', '10.96.0.8', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds } } });
    const sl = [slice('s', [endpoint('10.244.0.1')])];
    const before = desiredNftRuleset(stateOf([sticky(60)], sl), cfg);
    const lines = diffScript('t', before, desiredNftRuleset(stateOf([sticky(120)], sl), cfg)).script.trim().split('\n');
    const set = nftAffinitySet(port('s'), ep('10.244.0.1'));
    const flushAt = lines.indexOf(`flush chain ip t ${nftEndpointChain(port('s'), ep('10.244.0.1'))}`);
    assert.ok(flushAt >= 0 && flushAt < lines.indexOf(`delete set ip t ${set}`), lines.join('\n'));
    assert.ok(lines.includes(`add set ip t ${set} { type ipv4_addr ; flags dynamic,timeout ; timeout 120s ; }`));
  });

  it('part by part: only the changed service port is looked at, and its commands are the same as a whole diff', () => {
    const memo: NftRulesetMemo = new WeakMap();
    const t = trackerWith(services, slices);
    const written = new WrittenParts(desiredNftParts(t.current(), cfg, memo));
    const flatBefore = desiredNftRuleset(t.current(), cfg);
    t.setSlice(slice('b', [endpoint('10.244.0.2'), endpoint('10.244.0.9')]));
    const delta = changedParts(t.current(), cfg, written.parts, memo);
    assert.deepEqual([...delta.changed.keys()], ['ns1/b:p80/tcp']);
    assert.deepEqual(diffParts('t', written, delta), diffScript('t', flatBefore, desiredNftRuleset(t.current(), cfg)));
    written.apply(delta);
    const none = changedParts(t.current(), cfg, written.parts, memo);
    assert.equal(none.changed.size, 0);
    assert.deepEqual(diffParts('t', written, none), { script: '', staleChains: [] });
  });

  it('keeps a ClusterIP in cluster-ips while another port of its service still uses it', () => {
    const two = service('m', '10.96.0.20', { ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] });
    const one = service('m', '10.96.0.20', { ports: [{ name: 'http', port: 80 }] });
    const memo: NftRulesetMemo = new WeakMap();
    const written = new WrittenParts(desiredNftParts(stateOf([two], []), cfg, memo));
    const toOne = changedParts(stateOf([one], []), cfg, written.parts, memo);
    const { script } = diffParts('t', written, toOne);
    assert.ok(script.includes('delete element ip t no-endpoint-services { 10.96.0.20 . tcp . 443 }'), script);
    assert.ok(!script.includes('cluster-ips'), script);
    written.apply(toOne);
    const { script: gone } = diffParts('t', written, changedParts(stateOf([], []), cfg, written.parts, memo));
    assert.ok(gone.includes('delete element ip t cluster-ips { 10.96.0.20 }'), gone);
  });

  it('adds a ClusterIP to cluster-ips once, when the first port using it appears', () => {
    const two = service('m', '10.96.0.21', { ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] });
    const memo: NftRulesetMemo = new WeakMap();
    const written = new WrittenParts(desiredNftParts(stateOf([], []), cfg, memo));
    const { script } = diffParts('t', written, changedParts(stateOf([two], []), cfg, written.parts, memo));
    assert.equal(script.split('\n').filter((l) => l.startsWith('add set ip t cluster-ips')).length, 1, script);
    assert.ok(script.includes('elements = { 10.96.0.21 }'), script);
  });
});
