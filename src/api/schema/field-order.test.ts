import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../scheme/all.js';
import { allDefinitions, ref } from './dsl.js';
import { inGoFieldOrder, orderInPlace, withResourceVersion } from './field-order.js';
import { GO_FIELD_ORDER } from './go-field-order.js';

const POD = ref('io.k8s.api.core.v1.Pod');

test('every object definition has its Go order, naming each of its fields once', () => {
  for (const [name, s] of allDefinitions()) {
    if (s.type !== 'object') continue;
    const order = GO_FIELD_ORDER[name];
    assert.ok(order, `${name} has no Go field order`);
    assert.deepEqual([...order].sort(), Object.keys(s.properties).sort(), name);
  }
});

test('fields come in declared order at every level, map keys sorted, unknown keys last in their order', () => {
  const pod = {
    status: { phase: 'Running' },
    zz: 1,
    spec: { containers: [{ image: 'i', name: 'c', extra: true, ports: [{ protocol: 'TCP', containerPort: 80 }] }], nodeSelector: { b: '1', a: '2' } },
    metadata: { uid: 'u', name: 'n', labels: { z: '1', a: '2' } },
    apiVersion: 'v1',
    aa: 2,
    kind: 'Pod',
  };
  const out = inGoFieldOrder(pod, POD);
  assert.equal(
    JSON.stringify(out),
    '{"kind":"Pod","apiVersion":"v1","metadata":{"name":"n","uid":"u","labels":{"a":"2","z":"1"}},"spec":{"containers":[{"name":"c","image":"i","ports":[{"containerPort":80,"protocol":"TCP"}],"extra":true}],"nodeSelector":{"a":"2","b":"1"}},"status":{"phase":"Running"},"zz":1,"aa":2}',
  );
  assert.equal(JSON.stringify(pod.spec.nodeSelector), '{"b":"1","a":"2"}', 'the input is left alone');
});

test('an object already in order is returned as it is, with no copies', () => {
  const pod = { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'n', labels: { a: '1' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
  const out = inGoFieldOrder(pod, POD);
  assert.equal(out, pod);
  assert.equal(out.spec.containers, pod.spec.containers);
});

test('orderInPlace keeps the object; withResourceVersion puts a new resourceVersion in its place', () => {
  const pod: Record<string, unknown> = { metadata: { name: 'n' }, apiVersion: 'v1', kind: 'Pod' };
  const same = pod;
  orderInPlace(pod, POD);
  assert.equal(pod, same);
  assert.deepEqual(Object.keys(pod), ['kind', 'apiVersion', 'metadata']);
  const fresh: Record<string, unknown> = { name: 'n', uid: 'u', creationTimestamp: 't', labels: { a: 'b' } };
  const meta = withResourceVersion(fresh, '7');
  assert.deepEqual(Object.keys(meta), ['name', 'uid', 'resourceVersion', 'creationTimestamp', 'labels']);
  const existing: Record<string, string> = { name: 'n', resourceVersion: '', uid: 'u' };
  assert.equal(withResourceVersion(existing, '8'), existing);
  assert.equal(existing.resourceVersion, '8');
});
