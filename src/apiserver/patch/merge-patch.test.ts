import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch } from './merge-patch.js';
import { applyPatch, PatchError } from './index.js';

// RFC 7386 appendix A, every row: [target, patch, result].
const rfcExamples: [unknown, unknown, unknown][] = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [['a', 'b'], ['c', 'd'], ['c', 'd']],
  [{ a: 'b' }, ['c'], ['c']],
  [{ a: 'foo' }, null, null],
  [{ a: 'foo' }, 'bar', 'bar'],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

test('merge patch: RFC 7386 appendix A examples', () => {
  for (const [target, patch, want] of rfcExamples) {
    assert.deepEqual(applyMergePatch(target, patch), want, `${JSON.stringify(target)} + ${JSON.stringify(patch)}`);
  }
});

test('merge patch: lists are replaced whole, maps merge deeply (kubectl label/annotate, scale)', () => {
  const deploy = {
    metadata: { name: 'web', labels: { app: 'web', tier: 'front' }, annotations: { a: '1' } },
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'web', image: 'nginx' }, { name: 'side', image: 'busybox' }] } } },
  };
  const labelled = applyPatch('application/merge-patch+json', deploy, { metadata: { labels: { tier: null, env: 'prod' } } }, undefined) as typeof deploy;
  assert.deepEqual(labelled.metadata.labels, { app: 'web', env: 'prod' });
  assert.deepEqual(labelled.metadata.annotations, { a: '1' });
  const scaled = applyPatch('application/merge-patch+json', deploy, { spec: { replicas: 5 } }, undefined) as typeof deploy;
  assert.equal(scaled.spec.replicas, 5);
  assert.equal(scaled.spec.template.spec.containers.length, 2);
  const replaced = applyPatch('application/merge-patch+json', deploy, { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } } } }, undefined) as typeof deploy;
  assert.deepEqual(replaced.spec.template.spec.containers, [{ name: 'web', image: 'nginx:2' }]);
});

test('merge patch: a result that is not an object is a 422, an undecodable body a 400', () => {
  assert.throws(
    () => applyPatch('application/merge-patch+json', { a: 1 }, ['x'], undefined),
    (e: unknown) => e instanceof PatchError && e.code === 422,
  );
  assert.throws(
    () => applyPatch('application/merge-patch+json', { a: 1 }, '{"a":', undefined),
    (e: unknown) => e instanceof PatchError && e.code === 400 && e.message === 'Invalid JSON Patch',
  );
  assert.deepEqual(applyPatch('application/merge-patch+json', { a: 1 }, '{"b":2}', undefined), { a: 1, b: 2 });
});
