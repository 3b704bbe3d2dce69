// The enforcer's ruleset as text: chain shapes for each kind of rule, what a pod or a policy
// change writes, and a malformed policy leaving the others intact. A full script is checked by
// `nft -c` (parsed and validated against the kernel, nothing applied).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NetworkPolicySpec } from '../api/networking/v1/types.js';
import { runWithInput } from '../util/netfilter/exec.js';
import { compilePolicy, policyDirections } from './compile.js';
import { NetworkPolicyEnforcer } from './enforcer.js';
import { diffScript, fullScript } from './render.js';
import { desiredRuleset, EGRESS_PODS, hashName, INGRESS_PODS, SELF } from './ruleset.js';
import { namespace, pod, policy } from './testing/fixtures.js';

function world() {
  const e = new NetworkPolicyEnforcer({ nodeName: 'n1' });
  e.setNamespace(namespace('a'));
  e.setNamespace(namespace('b', { team: 'b' }));
  e.setPod(pod('a', 'web', '10.1.0.2', { app: 'web' }, { ports: [{ name: 'http', containerPort: 80 }] }));
  e.setPod(pod('a', 'client', '10.1.0.3', { role: 'client' }));
  e.setPod(pod('b', 'remote', '10.1.1.4', { role: 'client' }, { node: 'n2' }));
  e.setPod(pod('b', 'stranger', '10.1.1.5', { role: 'other' }, { node: 'n2' }));
  return e;
}

const rules = (e: NetworkPolicyEnforcer) => desiredRuleset(e.state(), 'n1', (k) => compilePolicy(e.state().policies.get(k)!));
const set = (rs: ReturnType<typeof rules>, name: string) => [...(rs.sets.get(name)?.elements.keys() ?? [])].sort();
const chainOf = (rs: ReturnType<typeof rules>, dispatch: string, ip: string) => rs.chains.get(rs.sets.get(dispatch)!.elements.get(ip)!.replace('jump ', ''))!;
const setName = (key: string, rest: string) => `np-${hashName(key)}-${rest}`;

describe('network policy ruleset', () => {
  it('isolates nothing without policies', () => {
    const rs = rules(world());
    assert.equal(rs.chains.size, 0);
    assert.deepEqual(set(rs, INGRESS_PODS), []);
    assert.deepEqual(set(rs, EGRESS_PODS), []);
  });

  it('deny-all: every local pod of the namespace jumps to a chain that only drops', () => {
    const e = world();
    e.setPolicy(policy('a', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }));
    const rs = rules(e);
    assert.deepEqual(set(rs, INGRESS_PODS), ['10.1.0.2', '10.1.0.3']);
    assert.deepEqual(set(rs, EGRESS_PODS), []);
    assert.deepEqual(chainOf(rs, INGRESS_PODS, '10.1.0.2'), ['drop comment "ingress not allowed by a policy"']);
    // A pod cannot block access to itself (hairpin through its Service reaches the forward hook).
    assert.deepEqual(set(rs, SELF), ['10.1.0.2 . 10.1.0.2', '10.1.0.3 . 10.1.0.3']);
  });

  it('podSelector peers, namespaceSelector AND podSelector, named ports and port ranges', () => {
    const e = world();
    e.setPolicy(policy('a', 'allow', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [
        { from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ port: 'http', protocol: 'TCP' }] },
        { from: [{ namespaceSelector: { matchLabels: { team: 'b' } }, podSelector: { matchLabels: { role: 'client' } } }], ports: [{ port: 8000, endPort: 8090, protocol: 'TCP' }, { protocol: 'UDP' }] },
      ],
    }));
    const rs = rules(e);
    const k = 'a/allow';
    // Same namespace only for a podSelector alone; both selectors must hold together.
    assert.deepEqual(set(rs, setName(k, 'ingress-0')), ['10.1.0.3']);
    assert.deepEqual(set(rs, setName(k, 'ingress-1')), ['10.1.1.4']);
    assert.deepEqual(set(rs, setName(k, 'ingress-0-port-0')), ['10.1.0.2 . tcp . 80']);
    assert.deepEqual(chainOf(rs, INGRESS_PODS, '10.1.0.2'), [
      `ip saddr @${setName(k, 'ingress-0')} ip daddr . meta l4proto . th dport @${setName(k, 'ingress-0-port-0')} return comment "a/allow ingress[0]"`,
      `ip saddr @${setName(k, 'ingress-1')} tcp dport 8000-8090 return comment "a/allow ingress[1]"`,
      `ip saddr @${setName(k, 'ingress-1')} meta l4proto udp return comment "a/allow ingress[1]"`,
      'drop comment "ingress not allowed by a policy"',
    ]);
    assert.ok(!rs.sets.get(INGRESS_PODS)!.elements.has('10.1.0.3'), 'the client is not selected');
    // A namespace losing its label takes its pods out of the peer set: an element update only.
    e.setNamespace(namespace('b'));
    const relabelled = diffScript('t', rs, rules(e));
    assert.equal(relabelled, `delete element ip t ${setName(k, 'ingress-1')} { 10.1.1.4 }\n`);
  });

  it('egress: ipBlock with except, an empty rule allows everything, policyTypes from the egress section', () => {
    const e = world();
    const spec: NetworkPolicySpec = { podSelector: { matchLabels: { role: 'client' } }, egress: [{ to: [{ ipBlock: { cidr: '192.168.7.1/29', except: ['192.168.7.3/32', '2001:db8::/64'] } }, { ipBlock: { cidr: '2001:db8::/32' } }], ports: [{ port: 8080, protocol: 'TCP' }] }] };
    e.setPolicy(policy('a', 'out', spec));
    assert.deepEqual(policyDirections(policy('a', 'out', spec)), ['ingress', 'egress']);
    const rs = rules(e);
    assert.deepEqual(chainOf(rs, EGRESS_PODS, '10.1.0.3'), [
      'ip daddr 192.168.7.0/29 ip daddr != { 192.168.7.3/32 } tcp dport 8080 return comment "a/out egress[0]"',
      'drop comment "egress not allowed by a policy"',
    ]);
    e.setPolicy(policy('a', 'any', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] }));
    assert.deepEqual(chainOf(rules(e), EGRESS_PODS, '10.1.0.2'), ['return comment "a/any egress[0]"', 'drop comment "egress not allowed by a policy"']);
  });

  it('a pod coming or changing labels is an element update; only a policy change rewrites a chain', () => {
    const e = world();
    e.setPolicy(policy('a', 'allow', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }] }] }));
    e.setPolicy(policy('a', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }));
    const before = rules(e);
    e.setPod(pod('a', 'client2', '10.1.0.6', { role: 'client' }));
    const after = rules(e);
    const diff = diffScript('t', before, after);
    assert.deepEqual(diff.trim().split('\n'), [
      `add element ip t ${setName('a/allow', 'ingress-0')} { 10.1.0.6 }`,
      `add element ip t ${SELF} { 10.1.0.6 . 10.1.0.6 }`,
      `add element ip t ${INGRESS_PODS} { 10.1.0.6 : jump ${before.sets.get(INGRESS_PODS)!.elements.get('10.1.0.3')!.slice(5)} }`,
    ]);
    assert.equal(diffScript('t', after, rules(e)), '', 'nothing changed: nothing written');
    e.setPolicy(policy('a', 'allow', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ port: 80, protocol: 'TCP' }] }] }));
    const changed = diffScript('t', after, rules(e));
    assert.match(changed, /^flush chain ip t ingress-/m);
    assert.doesNotMatch(changed, /element/, 'no pod moved');
    e.deletePolicy(policy('a', 'allow', {}));
    e.deletePolicy(policy('a', 'deny', {}));
    const gone = diffScript('t', rules(e), rules(new NetworkPolicyEnforcer({ nodeName: 'n1' })));
    assert.equal(gone, '', 'the same empty state');
    const cleared = diffScript('t', after, rules(e));
    assert.match(cleared, /^delete element ip t ingress-pods/m);
    assert.match(cleared, /^delete chain ip t ingress-/m);
    assert.match(cleared, /^delete set ip t np-/m);
    assert.ok(cleared.indexOf('delete element') < cleared.indexOf('delete chain'), 'elements naming a chain go before it');
  });

  it('a malformed policy allows nothing where it cannot be read; every other policy is intact', async () => {
    const e = world();
    const near = 'Near' as 'In';
    e.setPolicy(policy('a', 'good', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }] }] }));
    e.setPolicy(policy('a', 'bad-cidr', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }, { podSelector: { matchExpressions: [{ key: 'x', operator: near }] } }] }] }));
    e.setPolicy(policy('a', 'bad-selector', { podSelector: { matchExpressions: [{ key: 'x', operator: near }] } }));
    const compiled = compilePolicy(e.state().policies.get('a/bad-cidr')!)!;
    assert.deepEqual(compiled.errors, [
      'spec.ingress[0].from[0]: ipBlock.cidr "10.0.0.0/33" is not a CIDR',
      'spec.ingress[0].from[1]: "Near" is not a valid label selector operator',
    ]);
    assert.equal(compilePolicy(e.state().policies.get('a/bad-selector')!), undefined);
    const rs = rules(e);
    assert.deepEqual(chainOf(rs, INGRESS_PODS, '10.1.0.2'), [`ip saddr @${setName('a/good', 'ingress-0')} return comment "a/good ingress[0]"`, 'drop comment "ingress not allowed by a policy"']);
    assert.deepEqual(set(rs, INGRESS_PODS), ['10.1.0.2'], 'the unreadable podSelector selects nothing');
    // Ports nft could not parse are left out, never widened to every port; the good ones stay.
    e.setPolicy(policy('a', 'bad-ports', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 70000, protocol: 'TCP' }, { port: 80, protocol: 'ICMP' }, { port: 90, endPort: 85, protocol: 'TCP' }, { port: 81, protocol: 'TCP' }] }, { ports: [{ port: 0, protocol: 'UDP' }] }] }));
    assert.deepEqual(compilePolicy(e.state().policies.get('a/bad-ports')!)!.errors, [
      'spec.ingress[0].ports[0]: port 70000 is not a valid port or range',
      'spec.ingress[0].ports[1]: protocol "ICMP" is not TCP, UDP or SCTP',
      'spec.ingress[0].ports[2]: port 90-85 is not a valid port or range',
      'spec.ingress[1].ports[0]: port 0 is not a valid port or range',
    ]);
    const lines = chainOf(rules(e), INGRESS_PODS, '10.1.0.2').filter((r) => r.includes('a/bad-ports'));
    assert.deepEqual(lines, ['tcp dport 81 return comment "a/bad-ports ingress[0]"']);
    await runWithInput('nft', ['-c', '-f', '-'], fullScript(`k8ts-unit-${process.pid}`, rules(e)));
  });

  it('ignores pods without an IPv4 address, finished ones and host-network ones', () => {
    const e = world();
    e.setPolicy(policy('a', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }));
    const done = pod('a', 'done', '10.1.0.9', {});
    done.status!.phase = 'Succeeded';
    const host = pod('a', 'host', '192.168.0.10', {});
    host.spec!.hostNetwork = true;
    e.setPod(done);
    e.setPod(host);
    e.setPod(pod('a', 'pending', '', {}));
    assert.deepEqual(set(rules(e), INGRESS_PODS), ['10.1.0.2', '10.1.0.3']);
  });

  it('full scripts are accepted by nft (checked, not applied)', async () => {
    const e = world();
    e.setPolicy(policy('a', 'allow', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }, { ipBlock: { cidr: '10.9.0.0/16', except: ['10.9.1.0/24'] } }], ports: [{ port: 'http', protocol: 'TCP' }, { port: 53, protocol: 'UDP' }, { protocol: 'SCTP', port: 9 }] }] }));
    e.setPolicy(policy('a', 'out', { podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }));
    const rs = rules(e);
    await runWithInput('nft', ['-c', '-f', '-'], fullScript(`k8ts-unit-${process.pid}`, rs));
  });
});
