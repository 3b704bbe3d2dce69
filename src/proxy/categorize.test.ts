import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { categorizeEndpoints, planServicePort } from './categorize.js';
import type { EndpointInfo, ServicePortInfo } from './model.js';

const sp = (o: Partial<ServicePortInfo> = {}): ServicePortInfo => ({
  namespace: 'ns', name: 's', portName: '', protocol: 'tcp', clusterIP: '10.96.0.5', port: 80, nodePort: 0,
  externalIPs: [], loadBalancerIPs: [], loadBalancerSourceRanges: [], externalPolicyLocal: false, internalPolicyLocal: false, healthCheckNodePort: 0, ...o,
});
const ep = (ip: string, o: Partial<EndpointInfo> = {}): EndpointInfo => ({ ip, port: 80, ready: true, serving: true, terminating: false, isLocal: false, ...o });
const ips = (eps: EndpointInfo[]) => eps.map((e) => e.ip);

describe('endpoint selection', () => {
  it('Cluster policy uses only the ready endpoints', () => {
    const c = categorizeEndpoints([ep('10.0.0.1'), ep('10.0.0.2', { ready: false, serving: false }), ep('10.0.0.3', { ready: false, serving: true, terminating: true })], sp());
    assert.deepEqual(ips(c.clusterEndpoints), ['10.0.0.1']);
    assert.deepEqual(ips(c.allReachable), ['10.0.0.1']);
    assert.equal(c.hasAnyEndpoints, true);
  });

  it('falls back to serving, terminating endpoints when none is ready (never to unready ones)', () => {
    const c = categorizeEndpoints([ep('10.0.0.2', { ready: false, serving: false, terminating: true }), ep('10.0.0.3', { ready: false, serving: true, terminating: true })], sp());
    assert.deepEqual(ips(c.clusterEndpoints), ['10.0.0.3']);
  });

  it('Local policy uses this node’s ready endpoints, else its serving and terminating ones', () => {
    const local = sp({ internalPolicyLocal: true });
    const ready = categorizeEndpoints([ep('10.0.0.1', { isLocal: true }), ep('10.0.0.2'), ep('10.0.0.3', { isLocal: true, ready: false, terminating: true })], local);
    assert.deepEqual(ips(ready.localEndpoints), ['10.0.0.1']);
    assert.deepEqual(ips(ready.clusterEndpoints), [], 'ClusterIP-only Local service needs no cluster endpoints');
    const terminating = categorizeEndpoints([ep('10.0.0.2'), ep('10.0.0.3', { isLocal: true, ready: false, terminating: true })], local);
    assert.deepEqual(ips(terminating.localEndpoints), ['10.0.0.3']);
    const none = categorizeEndpoints([ep('10.0.0.2')], local);
    assert.deepEqual(ips(none.localEndpoints), []);
    assert.equal(none.hasAnyEndpoints, true, 'endpoints elsewhere still count: the verdict is drop, not reject');
  });

  it('externalTrafficPolicy Local keeps Cluster endpoints for pods and the node (short-circuit)', () => {
    const c = categorizeEndpoints([ep('10.0.0.1', { isLocal: true }), ep('10.0.0.2')], sp({ nodePort: 30001, externalPolicyLocal: true }));
    assert.deepEqual(ips(c.clusterEndpoints), ['10.0.0.1', '10.0.0.2']);
    assert.deepEqual(ips(c.localEndpoints), ['10.0.0.1']);
    assert.deepEqual(ips(c.allReachable), ['10.0.0.1', '10.0.0.2']);
  });

  it('no usable endpoint anywhere: rejected; only none on this node for Local: dropped', () => {
    assert.equal(planServicePort(sp(), []).noEndpointsVerdict, 'reject');
    assert.equal(planServicePort(sp(), [ep('10.0.0.1', { ready: false, serving: false })]).noEndpointsVerdict, 'reject');
    const p = planServicePort(sp({ internalPolicyLocal: true }), [ep('10.0.0.1')]);
    assert.equal(p.hasInternal, false);
    assert.equal(p.noEndpointsVerdict, 'drop');
  });
});
