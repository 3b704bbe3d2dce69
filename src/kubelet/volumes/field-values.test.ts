import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/core/v1/pod/types.js';
import { expandSubPathExpr, expandVars } from './expand.js';
import { fieldRefValue, formatMap, goQuote, resourceFieldValue } from './field-values.js';

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', uid: 'u-1', labels: { zone: 'a', app: 'web' }, annotations: { note: 'say "hi"\n', 'x/y': 'z' } },
  spec: {
    nodeName: 'n1',
    serviceAccountName: 'sa',
    containers: [{ name: 'c', resources: { limits: { cpu: '1250m', memory: '64Mi' }, requests: { cpu: '250m', memory: '32Mi' } } }, { name: 'nolimits' }],
  },
};

test('goQuote matches Go %q', () => {
  assert.equal(goQuote('plain'), '"plain"');
  assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(goQuote('\n\t\x01\x7f'), '"\\n\\t\\x01\\x7f"');
  assert.equal(goQuote('héllo ☃'), '"héllo ☃"');
  assert.equal(goQuote('\u00ad'), '"\\u00ad"');
});

test('labels and annotations are key="value" lines in key order', () => {
  assert.equal(formatMap({ zone: 'a', app: 'web' }), 'app="web"\nzone="a"');
  assert.equal(fieldRefValue(pod, 'metadata.annotations'), 'note="say \\"hi\\"\\n"\nx/y="z"');
  assert.equal(formatMap(undefined), '');
});

test('fieldRef paths, subscripts and kubelet-known fields', () => {
  assert.equal(fieldRefValue(pod, 'metadata.name'), 'p');
  assert.equal(fieldRefValue(pod, 'metadata.namespace'), 'ns');
  assert.equal(fieldRefValue(pod, 'metadata.uid'), 'u-1');
  assert.equal(fieldRefValue(pod, "metadata.labels['app']"), 'web');
  assert.equal(fieldRefValue(pod, "metadata.annotations['x/y']"), 'z');
  assert.equal(fieldRefValue(pod, "metadata.labels['missing']"), '');
  assert.equal(fieldRefValue(pod, 'spec.nodeName'), 'n1');
  assert.equal(fieldRefValue(pod, 'spec.serviceAccountName'), 'sa');
  assert.equal(fieldRefValue(pod, 'status.podIP', { podIP: '10.244.0.5' }), '10.244.0.5');
  assert.equal(fieldRefValue(pod, 'status.hostIP', { hostIP: '192.168.1.2' }), '192.168.1.2');
  assert.throws(() => fieldRefValue(pod, 'spec.hostname'), /^Error: unsupported fieldPath: spec.hostname$/);
  assert.throws(() => fieldRefValue(pod, "metadata.name['x']"), /does not support subscript/);
});

test('resourceFieldRef: cpu rounds up to the divisor, memory in divisor units, unset limits are node allocatable', () => {
  const c = (resource: string, divisor?: string, containerName = 'c') => resourceFieldValue(pod, { containerName, resource, divisor }, undefined, { nodeAllocatable: { cpu: '4', memory: '8Gi' } });
  assert.equal(c('limits.cpu'), '2');
  assert.equal(c('limits.cpu', '1m'), '1250');
  assert.equal(c('requests.cpu'), '1');
  assert.equal(c('limits.memory'), String(64 * 1024 * 1024));
  assert.equal(c('limits.memory', '1Mi'), '64');
  assert.equal(c('requests.memory', '1Mi'), '32');
  assert.equal(c('limits.cpu', undefined, 'nolimits'), '4');
  assert.equal(c('limits.memory', '1Gi', 'nolimits'), '8');
  assert.equal(c('requests.memory', undefined, 'nolimits'), '0');
  assert.throws(() => c('limits.gpu'), /unsupported container resource : limits.gpu/);
  assert.throws(() => c('limits.cpu', undefined, 'nope'), /container nope not found/);
});

test('$(VAR) expansion and subPathExpr', () => {
  const env: Record<string, string> = { POD: 'p1', EMPTY: '' };
  assert.equal(expandVars('logs/$(POD)/x', (k) => env[k] ?? ''), 'logs/p1/x');
  assert.equal(expandVars('$$(POD) $(POD', (k) => env[k] ?? ''), '$(POD) $(POD');
  assert.equal(expandSubPathExpr('$(POD)', env), 'p1');
  assert.throws(() => expandSubPathExpr('$(EMPTY)/$(NOPE)', env), /missing value for EMPTY, NOPE/);
});
