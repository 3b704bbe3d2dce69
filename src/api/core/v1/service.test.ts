import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../schema/meta.js';
import { serviceKind } from './service.js';
import { messages, stored } from './testing/validation.js';
import type { Service } from './types.js';

function svc(spec: Service['spec'], name = 'web'): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec };
}

/** What the store does on create: default, prepare, validate. */
function create(s: Service): string[] {
  serviceKind.default!(s);
  serviceKind.prepareForCreate!(s);
  return messages(serviceKind.validateCreate!(s));
}

test('service defaults: type, affinity, protocol, targetPort, traffic policies', () => {
  const s = svc({ selector: { app: 'web' }, ports: [{ port: 80 }, { port: 443, targetPort: 8443, name: 'https' }] });
  s.spec!.ports![0]!.name = 'http';
  assert.deepEqual(create(s), []);
  assert.equal(s.spec!.type, 'ClusterIP');
  assert.equal(s.spec!.sessionAffinity, 'None');
  assert.equal(s.spec!.internalTrafficPolicy, 'Cluster');
  assert.equal(s.spec!.externalTrafficPolicy, undefined);
  assert.equal(s.spec!.ports![0]!.protocol, 'TCP');
  assert.equal(s.spec!.ports![0]!.targetPort, 80);
  assert.equal(s.spec!.ports![1]!.targetPort, 8443);
  assert.deepEqual(s.status, {});
});

test('LoadBalancer and NodePort defaults', () => {
  const lb = svc({ type: 'LoadBalancer', ports: [{ port: 80 }] });
  assert.deepEqual(create(lb), []);
  assert.equal(lb.spec!.allocateLoadBalancerNodePorts, true);
  assert.equal(lb.spec!.externalTrafficPolicy, 'Cluster');
  const np = svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] });
  assert.deepEqual(create(np), []);
  assert.equal(np.spec!.externalTrafficPolicy, 'Cluster');
  assert.equal(np.spec!.allocateLoadBalancerNodePorts, undefined);
  const aff = svc({ sessionAffinity: 'ClientIP', ports: [{ port: 80 }] });
  assert.deepEqual(create(aff), []);
  assert.equal(aff.spec!.sessionAffinityConfig?.clientIP?.timeoutSeconds, 10800);
});

test('port names are required with several ports and must be unique', () => {
  assert.deepEqual(create(svc({ ports: [{ port: 80, name: 'http' }, { port: 81 }] })), ['spec.ports[1].name: Required value']);
  assert.deepEqual(create(svc({ ports: [{ port: 80, name: 'http' }, { port: 81, name: 'http' }] })), ['spec.ports[1].name: Duplicate value: "http"']);
});

test('ports: required, in range, protocol supported, unique by port and protocol', () => {
  assert.deepEqual(create(svc({})), ['spec.ports: Required value']);
  // targetPort defaults to port, so it is out of range too, as upstream reports.
  assert.deepEqual(create(svc({ ports: [{ port: 70000 }] })), [
    'spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
  ]);
  assert.deepEqual(create(svc({ ports: [{ port: 53, protocol: 'ICMP' as 'TCP' }] })), ['spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"']);
  const dup = create(svc({ ports: [{ port: 53, name: 'a' }, { port: 53, name: 'b' }] }));
  assert.equal(dup.length, 1);
  assert.match(dup[0]!, /^spec\.ports\[1\]: Duplicate value/);
  assert.deepEqual(create(svc({ ports: [{ port: 53, name: 'a' }, { port: 53, name: 'b', protocol: 'UDP' }] })), []);
  assert.deepEqual(create(svc({ ports: [{ port: 80, nodePort: 30001 }] })), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
});

test('name must be a DNS-1035 label and selector labels valid', () => {
  const errs = create(svc({ ports: [{ port: 80 }] }, '1web'));
  assert.equal(errs.length, 1);
  assert.match(errs[0]!, /^metadata\.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character/);
  const sel = create(svc({ ports: [{ port: 80 }], selector: { app: 'bad value!' } }));
  assert.equal(sel.length, 1);
  assert.match(sel[0]!, /^spec\.selector: Invalid value: "bad value!"/);
});

test('ExternalName requires externalName and forbids cluster IPs', () => {
  assert.deepEqual(create(svc({ type: 'ExternalName' })), ['spec.externalName: Required value']);
  assert.deepEqual(create(svc({ type: 'ExternalName', externalName: 'db.example.com.' })), []);
  const withIP = svc({ type: 'ExternalName', externalName: 'db.example.com', clusterIP: '10.96.0.5' });
  assert.deepEqual(create(withIP), ['spec.clusterIPs: Forbidden: may not be set for ExternalName services']);
});

test('cluster IPs: normalized from clusterIP, validated, headless not allowed for NodePort', () => {
  const s = svc({ clusterIP: '10.96.0.10', ports: [{ port: 53 }] });
  assert.deepEqual(create(s), []);
  assert.deepEqual(s.spec!.clusterIPs, ['10.96.0.10']);
  assert.deepEqual(create(svc({ clusterIP: '10.96.0.300', ports: [{ port: 53 }] })), ['spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
  assert.deepEqual(create(svc({ clusterIP: 'None' })), []);
  assert.deepEqual(create(svc({ type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] })), ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"]);
  assert.deepEqual(create(svc({ clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1', '10.96.0.2'], ports: [{ port: 80 }] })), ['spec.clusterIPs: Invalid value: []string{"10.96.0.1", "10.96.0.2"}: may specify no more than one IP for each IP family']);
});

test('update keeps allocated clusterIP and nodePorts a client left out', () => {
  const old = stored(svc({ type: 'NodePort', ports: [{ port: 80 }] }));
  create(old);
  old.spec!.clusterIP = '10.96.0.20';
  old.spec!.clusterIPs = ['10.96.0.20'];
  old.spec!.ipFamilies = ['IPv4'];
  old.spec!.ipFamilyPolicy = 'SingleStack';
  old.spec!.ports![0]!.nodePort = 31000;
  const next = stored(svc({ type: 'NodePort', ports: [{ port: 80 }], selector: { app: 'v2' } }));
  serviceKind.default!(next);
  serviceKind.prepareForUpdate!(next, old);
  assert.equal(next.spec!.clusterIP, '10.96.0.20');
  assert.deepEqual(next.spec!.clusterIPs, ['10.96.0.20']);
  assert.equal(next.spec!.ports![0]!.nodePort, 31000);
  assert.deepEqual(messages(serviceKind.validateUpdate!(next, old)), []);
});

test('changing an allocated clusterIP is rejected', () => {
  const old = stored(svc({ clusterIP: '10.96.0.20', ports: [{ port: 80 }] }));
  create(old);
  const next = stored(svc({ clusterIP: '10.96.0.21', ports: [{ port: 80 }] }));
  serviceKind.default!(next);
  serviceKind.prepareForUpdate!(next, old);
  assert.deepEqual(messages(serviceKind.validateUpdate!(next, old)), ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.21"}: may not change once set']);
});

test('switching NodePort to ClusterIP drops the node ports it had', () => {
  const old = stored(svc({ type: 'NodePort', clusterIP: '10.96.0.20', ports: [{ port: 80, nodePort: 31000 }] }));
  create(old);
  const next = structuredClone(old);
  next.spec!.type = 'ClusterIP';
  serviceKind.default!(next);
  serviceKind.prepareForUpdate!(next, old);
  assert.equal(next.spec!.ports![0]!.nodePort, undefined);
  assert.equal(next.spec!.externalTrafficPolicy, undefined);
  assert.deepEqual(messages(serviceKind.validateUpdate!(next, old)), []);
});

test('status: load balancer ingress gets ipMode VIP and hostnames may not be IPs', () => {
  const old = stored(svc({ type: 'LoadBalancer', ports: [{ port: 80 }] }));
  create(old);
  const next = structuredClone(old);
  next.status = { loadBalancer: { ingress: [{ ip: '192.0.2.10' }, { hostname: '192.0.2.11' }] } };
  serviceKind.default!(next);
  assert.equal(next.status.loadBalancer!.ingress![0]!.ipMode, 'VIP');
  assert.deepEqual(messages(serviceKind.validateStatusUpdate!(next, old)), ['status.loadBalancer.ingress[1].hostname: Invalid value: "192.0.2.11": must be a DNS name, not an IP address']);
});

test('field selectors', () => {
  const s = svc({ type: 'NodePort', clusterIP: '10.96.0.9', ports: [{ port: 80 }] });
  assert.equal(serviceKind.fieldSelectors!['spec.type']!(s), 'NodePort');
  assert.equal(serviceKind.fieldSelectors!['spec.clusterIP']!(s), '10.96.0.9');
});
