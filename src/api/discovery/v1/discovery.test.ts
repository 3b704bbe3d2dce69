import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoveryKinds } from './kinds.js';
import { ref } from '../../schema/dsl.js';
import { findUnknownFields } from '../../schema/unknown-fields.js';
import { formatFieldError } from '../../validation/field.js';
import type { KubeObject } from '../../meta/types.js';

const def = discoveryKinds[0]!;
const messages = (o: KubeObject) => def.validateCreate!(o).map(formatFieldError);

const slice = (): KubeObject => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  endpoints: [
    {
      addresses: ['10.244.1.5'],
      conditions: { ready: true, serving: true, terminating: false },
      hostname: 'web-0',
      nodeName: 'node-1',
      zone: 'us-east-1a',
      targetRef: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'u1' },
      hints: { forZones: [{ name: 'us-east-1a' }] },
    },
  ],
  ports: [{ name: 'http', protocol: 'TCP', port: 80, appProtocol: 'http' }],
});

test('manifest has no unknown fields; a typo is caught', () => {
  assert.deepEqual(findUnknownFields(slice(), ref(def.schema)), []);
  const bad = slice() as any;
  bad.endpoints[0].conditions.healthy = true;
  assert.deepEqual(findUnknownFields(bad, ref(def.schema)), ['endpoints[0].conditions.healthy']);
});

test('ports default to name "" and protocol TCP', () => {
  const s: KubeObject = { metadata: { name: 's', namespace: 'd' }, addressType: 'IPv4', endpoints: [], ports: [{ port: 53 }] };
  def.default!(s);
  assert.deepEqual((s as any).ports, [{ name: '', protocol: 'TCP', port: 53 }]);
  assert.deepEqual(messages(s), []);
});

test('endpoint and port validation', () => {
  assert.deepEqual(messages(slice()), []);
  const s = slice() as any;
  s.endpoints.push({ addresses: [] }, { addresses: ['127.0.0.1', '169.254.1.1', 'fe80::1', '0.0.0.0'] });
  s.endpoints[0].hostname = 'Web_0';
  s.ports.push({ name: 'http', protocol: 'ICMP' }, { name: 'dns', protocol: 'UDP', appProtocol: 'bad proto' });
  assert.deepEqual(messages(s), [
    `endpoints[0].hostname: Invalid value: "Web_0": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    'endpoints[1].addresses: Required value: must contain at least 1 address',
    'endpoints[2].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'endpoints[2].addresses[1]: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
    'endpoints[2].addresses[2]: Invalid value: "fe80::1": must be a valid IPv4 address',
    'endpoints[2].addresses[3]: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)',
    'ports[1].name: Duplicate value: "http"',
    'ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    `ports[2].appProtocol: Invalid value: "bad proto": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
  ]);
});

test('address types, FQDN, limits and immutability', () => {
  const fq = { ...slice(), addressType: 'FQDN', endpoints: [{ addresses: ['db.example.com.', 'localhost'] }] };
  assert.deepEqual(messages(fq), ['endpoints[0].addresses[1]: Invalid value: "localhost": should be a domain with at least two segments separated by dots']);
  const v6 = { ...slice(), addressType: 'IPv6', endpoints: [{ addresses: ['2001:db8::1', 'ff02::1'] }] };
  assert.deepEqual(messages(v6), ['endpoints[0].addresses[1]: Invalid value: "ff02::1": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)']);
  const unknown = { ...slice(), addressType: 'MAC' };
  assert.deepEqual(messages(unknown), ['addressType: Unsupported value: "MAC": supported values: "FQDN", "IPv4", "IPv6"']);
  const big = { ...slice(), endpoints: Array.from({ length: 1001 }, (_, i) => ({ addresses: [`10.0.${i >> 8}.${i & 255}`] })) };
  assert.deepEqual(messages(big), ['endpoints: Too many: must have at most 1000 items']);
  const changed = { ...slice(), addressType: 'IPv6', endpoints: [] };
  assert.deepEqual(def.validateUpdate!(changed, slice()).map(formatFieldError), ['addressType: Invalid value: "IPv6": field is immutable']);
});
