import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkingKinds } from './kinds.js';
import { ref } from '../../schema/dsl.js';
import { findUnknownFields } from '../../schema/unknown-fields.js';
import '../../schema/meta.js';
import { formatFieldError, type FieldError } from '../../validation/field.js';
import type { KubeObject } from '../../meta/types.js';
import { isStrictSubset, parseCIDR } from './cidr.js';

const kind = (k: string) => networkingKinds.find((d) => d.kind === k)!;
const messages = (errs: FieldError[]) => errs.map(formatFieldError);
const clone = <T>(o: T): T => structuredClone(o);

function created(k: string, obj: KubeObject): FieldError[] {
  const def = kind(k);
  def.default?.(obj);
  def.prepareForCreate?.(obj);
  return def.validateCreate!(obj);
}

const ingress = (): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace: 'default', annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' } },
  spec: {
    ingressClassName: 'nginx',
    tls: [{ hosts: ['example.com', '*.example.com'], secretName: 'web-tls' }],
    rules: [
      {
        host: 'example.com',
        http: {
          paths: [
            { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
            { path: '/api', pathType: 'Exact', backend: { service: { name: 'api', port: { name: 'http' } } } },
          ],
        },
      },
      { host: '*.example.com', http: { paths: [{ pathType: 'ImplementationSpecific', backend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'static' } } }] } },
    ],
  },
});

const netpol = (): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'db', namespace: 'default' },
  spec: {
    podSelector: { matchLabels: { role: 'db' } },
    ingress: [
      {
        from: [
          { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
          { namespaceSelector: { matchLabels: { project: 'myproject' } }, podSelector: { matchLabels: { role: 'frontend' } } },
        ],
        ports: [{ port: 6379 }],
      },
    ],
    egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }] }],
  },
});

test('realistic manifests have no unknown fields, and a typo is caught', () => {
  for (const [k, obj] of [
    ['Ingress', ingress()],
    ['NetworkPolicy', netpol()],
    ['IngressClass', { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb', scope: 'Namespace', namespace: 'ing' } } }],
  ] as const) {
    assert.deepEqual(findUnknownFields(obj, ref(kind(k).schema)), [], k);
  }
  const bad = ingress() as any;
  bad.spec.rules[0].http.paths[0].backend.service.prot = 80;
  assert.deepEqual(findUnknownFields(bad, ref(kind('Ingress').schema)), ['spec.rules[0].http.paths[0].backend.service.prot']);
  const status = { ...ingress(), status: { loadBalancer: { ingress: [{ ip: '10.0.0.1', ports: [{ port: 443, protocol: 'TCP' }] }] } } };
  assert.deepEqual(findUnknownFields(status, ref('io.k8s.api.networking.v1.Ingress')), []);
  assert.deepEqual(findUnknownFields({ metadata: {}, items: [] }, ref('io.k8s.api.networking.v1.NetworkPolicyList')), []);
});

test('NetworkPolicy defaults: protocol TCP, policyTypes from egress presence', () => {
  const np = netpol();
  kind('NetworkPolicy').default!(np);
  const spec = np.spec as any;
  assert.equal(spec.ingress[0].ports[0].protocol, 'TCP');
  assert.deepEqual(spec.policyTypes, ['Ingress', 'Egress']);
  const ingressOnly: KubeObject = { metadata: { name: 'x', namespace: 'd' }, spec: { podSelector: {} } };
  kind('NetworkPolicy').default!(ingressOnly);
  assert.deepEqual((ingressOnly.spec as any).policyTypes, ['Ingress']);
  const explicit: KubeObject = { metadata: { name: 'x', namespace: 'd' }, spec: { podSelector: {}, policyTypes: ['Egress'], ingress: [{}] } };
  kind('NetworkPolicy').default!(explicit);
  assert.deepEqual((explicit.spec as any).policyTypes, ['Egress']);
});

test('valid objects pass; Ingress create resets status', () => {
  const ing = ingress();
  (ing as any).status = { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } };
  assert.deepEqual(messages(created('Ingress', ing)), []);
  assert.deepEqual(ing.status, { loadBalancer: {} });
  assert.deepEqual(messages(created('NetworkPolicy', netpol())), []);
});

test('Ingress validation messages', () => {
  const noRules = ingress();
  (noRules.spec as any) = {};
  assert.deepEqual(messages(created('Ingress', noRules)), ['spec: Invalid value: null: either `defaultBackend` or `rules` must be specified']);

  const bad = ingress() as any;
  bad.spec.rules[0].host = '1.2.3.4';
  bad.spec.rules[0].http.paths[0].pathType = undefined;
  bad.spec.rules[0].http.paths[1].path = 'api';
  bad.spec.rules[1].http.paths[0].pathType = 'Regex';
  bad.spec.defaultBackend = { service: { name: 'web', port: { name: 'http', number: 80 } } };
  bad.spec.tls[0].secretName = 'Bad_Secret';
  assert.deepEqual(messages(created('Ingress', bad)), [
    'spec.defaultBackend: Invalid value: "": cannot set both port name & port number',
    'spec.rules[0].host: Invalid value: "1.2.3.4": must be a DNS name, not an IP address',
    'spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
    'spec.rules[0].http.paths[1].path: Invalid value: "api": must be an absolute path',
    'spec.rules[1].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"',
    `spec.tls[0].secretName: Invalid value: "Bad_Secret": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
  ]);

  const seq = ingress() as any;
  seq.spec.rules[0].http.paths[0].path = '/a/../b/.';
  seq.spec.rules[0].http.paths[1].backend = {};
  assert.deepEqual(messages(created('Ingress', seq)), [
    "spec.rules[0].http.paths[0].path: Invalid value: \"/a/../b/.\": must not contain '/../'",
    "spec.rules[0].http.paths[0].path: Invalid value: \"/a/../b/.\": cannot end with '/.'",
    'spec.rules[0].http.paths[1].backend: Invalid value: "": resource or service backend is required',
  ]);

  const mismatch = ingress();
  mismatch.metadata.annotations = { 'kubernetes.io/ingress.class': 'traefik' };
  assert.deepEqual(messages(created('Ingress', mismatch)), [
    'annotations.kubernetes.io/ingress.class: Invalid value: "traefik": must match `ingressClassName` when both are specified',
  ]);
});

test('Ingress update keeps status and tolerates what the old object already had', () => {
  const def = kind('Ingress');
  const old = ingress() as any;
  old.status = { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } };
  old.spec.tls[0].secretName = 'Legacy_Name';
  const next = clone(old);
  next.status = {};
  next.spec.rules[0].http.paths[0].path = '/v2';
  def.prepareForUpdate!(next, old);
  assert.deepEqual(next.status, old.status);
  assert.deepEqual(messages(def.validateUpdate!(next, old)), []);
  const statusNext = clone(old);
  statusNext.status.loadBalancer.ingress = [{ hostname: '10.0.0.2' }, { ip: 'nope' }];
  assert.deepEqual(messages(def.validateStatusUpdate!(statusNext, old)), [
    'status.loadBalancer.ingress[0].hostname: Invalid value: "10.0.0.2": must be a DNS name, not an IP address',
    'status.loadBalancer.ingress[1].ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
  ]);
});

test('IngressClass: defaults scope, validates controller and parameters, controller immutable', () => {
  const def = kind('IngressClass');
  const ic: KubeObject = { metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx', parameters: { kind: 'Params', name: 'p' } } };
  def.default!(ic);
  assert.equal((ic.spec as any).parameters.scope, 'Cluster');
  assert.deepEqual(messages(def.validateCreate!(ic)), []);

  const bad: KubeObject = { metadata: { name: 'x' }, spec: { controller: 'nginx', parameters: { kind: 'P', name: 'p', scope: 'Namespace' } } };
  assert.deepEqual(messages(def.validateCreate!(bad)), [
    'spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")',
    "spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'",
  ]);
  const clusterNs: KubeObject = { metadata: { name: 'x' }, spec: { controller: 'a.io/b', parameters: { kind: 'P', name: 'p', scope: 'Cluster', namespace: 'n' } } };
  assert.deepEqual(messages(def.validateCreate!(clusterNs)), ["spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'"]);

  const changed = clone(ic);
  (changed.spec as any).controller = 'example.com/other';
  assert.deepEqual(messages(def.validateUpdate!(changed, ic)), ['spec.controller: Invalid value: "example.com/other": field is immutable']);
});

test('NetworkPolicy validation messages', () => {
  const np = netpol() as any;
  np.spec.ingress[0].from.push({});
  np.spec.ingress[0].from.push({ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} });
  np.spec.ingress[0].from[0].ipBlock.except = ['172.16.0.0/24', '172.17.0.0/16', 'garbage'];
  np.spec.ingress[0].ports = [{ port: 'http', endPort: 90 }, { protocol: 'ICMP', port: 70000 }, { port: 100, endPort: 90 }];
  np.spec.policyTypes = ['Ingress', 'Sideways'];
  assert.deepEqual(messages(created('NetworkPolicy', np)), [
    'spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric',
    'spec.ingress[0].ports[1].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
    'spec.ingress[0].ports[1].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.ingress[0].ports[2].endPort: Invalid value: 100: must be greater than or equal to `port`',
    'spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "172.16.0.0/24": must be a strict subset of `cidr`',
    'spec.ingress[0].from[0].ipBlock.except[1]: Invalid value: "172.17.0.0/16": must be a strict subset of `cidr`',
    'spec.ingress[0].from[0].ipBlock.except[2]: Invalid value: "garbage": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    'spec.ingress[0].from[2]: Required value: must specify a peer',
    'spec.ingress[0].from[3]: Forbidden: may not specify both ipBlock and another peer',
    'spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"',
  ]);
  // Egress rules are checked ports first, then peers, as upstream's ValidateNetworkPolicySpec.
  const egress = netpol() as any;
  egress.spec.egress = [{ to: [{ ipBlock: { cidr: '10.0.0.0/33' } }], ports: [{ port: 0 }] }];
  assert.deepEqual(messages(created('NetworkPolicy', egress)), [
    'spec.egress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.egress[0].to[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
  ]);
});

test('CIDR subset arithmetic covers IPv4 and IPv6', () => {
  const outer = parseCIDR('2001:db8::/32')!;
  assert.equal(isStrictSubset(parseCIDR('2001:db8:1::/48')!, outer), true);
  assert.equal(isStrictSubset(parseCIDR('2001:db9::/48')!, outer), false);
  assert.equal(isStrictSubset(parseCIDR('2001:db8::/32')!, outer), false);
  assert.equal(isStrictSubset(parseCIDR('10.1.2.3/32')!, parseCIDR('10.1.0.0/16')!), true);
  assert.equal(isStrictSubset(parseCIDR('10.1.2.3/32')!, outer), false);
  assert.equal(parseCIDR('::ffff:10.0.0.1/128')!.base, (0xffffn << 32n) | 0x0a000001n);
  assert.equal(parseCIDR('10.0.0.0/33'), undefined);
});
