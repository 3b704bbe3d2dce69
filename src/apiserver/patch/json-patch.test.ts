import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch.js';
import { applyPatch, JSON_PATCH_REJECTED, PatchError } from './index.js';

const rejected = (detail?: RegExp) => (e: unknown) =>
  e instanceof PatchError && e.code === 422 && e.message === JSON_PATCH_REJECTED && (!detail || detail.test(e.detail ?? ''));

test('json patch: RFC 6902 appendix A examples that apply', () => {
  assert.deepEqual(applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }]), { foo: 'bar', baz: 'qux' });
  assert.deepEqual(applyJsonPatch({ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }]), { foo: ['bar', 'qux', 'baz'] });
  assert.deepEqual(applyJsonPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }]), { foo: 'bar' });
  assert.deepEqual(applyJsonPatch({ foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }]), { foo: ['bar', 'baz'] });
  assert.deepEqual(applyJsonPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }]), { baz: 'boo', foo: 'bar' });
  assert.deepEqual(
    applyJsonPatch({ foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } }, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }]),
    { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
  );
  assert.deepEqual(applyJsonPatch({ foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }]), { foo: ['all', 'cows', 'eat', 'grass'] });
  const doc = { baz: 'qux', foo: ['a', 2, 'c'] };
  assert.deepEqual(applyJsonPatch(doc, [{ op: 'test', path: '/baz', value: 'qux' }, { op: 'test', path: '/foo/1', value: 2 }]), doc);
  assert.deepEqual(applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }]), { foo: 'bar', child: { grandchild: {} } });
  assert.deepEqual(applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }]), { foo: 'bar', baz: 'qux' });
  assert.deepEqual(applyJsonPatch({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }]), { '/': 9, '~1': 10 });
  assert.deepEqual(applyJsonPatch({ foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }]), { foo: ['bar', ['abc', 'def']] });
  assert.deepEqual(applyJsonPatch({ a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }]), { a: { b: 1 }, c: { b: 1 } });
  // A test op compares structure, not key order.
  assert.doesNotThrow(() => applyJsonPatch({ a: { x: 1, y: [1, { z: 2 }] } }, [{ op: 'test', path: '/a', value: { y: [1, { z: 2 }], x: 1 } }]));
});

test('json patch: RFC 6902 appendix A failures are 422 with the apiserver message', () => {
  assert.throws(() => applyJsonPatch({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]), rejected(/testing value \/baz failed/));
  assert.throws(() => applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]), rejected(/doc is missing path: "\/baz\/bat"/));
  assert.throws(() => applyJsonPatch({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }]), rejected());
  assert.throws(() => applyJsonPatch({ a: 1 }, [{ op: 'remove', path: '/x' }]), rejected(/nonexistent key: x/));
  assert.throws(() => applyJsonPatch({ a: [1] }, [{ op: 'replace', path: '/a/5', value: 2 }]), rejected(/invalid index/));
  assert.throws(() => applyJsonPatch({ a: [1] }, [{ op: 'add', path: '/a/3', value: 2 }]), rejected());
  assert.throws(() => applyJsonPatch({ a: 1 }, [{ op: 'frobnicate', path: '/a' }]), rejected(/Unexpected kind: frobnicate/));
  assert.throws(() => applyJsonPatch({ a: 1 }, [{ op: 'add', value: 2 }]), rejected());
  assert.throws(() => applyJsonPatch({ a: 1 }, [{ op: 'move', from: '/nope', path: '/b' }]), rejected());
  // The whole document cannot be targeted, as with the apiserver.
  assert.throws(() => applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: {} }]), rejected());
});

test('json patch: the operations apply in order and a failure leaves nothing half-applied', () => {
  const original = { metadata: { labels: { a: '1' } } };
  assert.throws(
    () => applyJsonPatch(original, [{ op: 'add', path: '/metadata/labels/b', value: '2' }, { op: 'test', path: '/metadata/labels/a', value: 'x' }]),
    rejected(),
  );
  assert.deepEqual(original, { metadata: { labels: { a: '1' } } });
});

test('json patch: evanphx v4 leniencies the apiserver exposes', () => {
  // replace of an absent object member adds it.
  assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '/b', value: 2 }]), { a: 1, b: 2 });
  // negative indexes count from the end for add and remove.
  assert.deepEqual(applyJsonPatch({ a: [1, 2, 3] }, [{ op: 'remove', path: '/a/-1' }]), { a: [1, 2] });
  assert.deepEqual(applyJsonPatch({ a: [1, 2] }, [{ op: 'add', path: '/a/-1', value: 9 }]), { a: [1, 2, 9] });
  assert.deepEqual(applyJsonPatch({ a: [1, 2] }, [{ op: 'add', path: '/a/-3', value: 9 }]), { a: [9, 1, 2] });
  // test of an absent member against null passes.
  assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/b', value: null }]), { a: 1 });
});

test('json patch: malformed bodies are 400s, oversized ones 413', () => {
  const is = (code: number, text?: string) => (e: unknown) => e instanceof PatchError && e.code === code && (!text || e.message === text);
  assert.throws(() => applyJsonPatch({}, { op: 'add' }), is(400, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'));
  assert.throws(() => applyJsonPatch({}, [1]), is(400, 'json: cannot unmarshal number into Go value of type jsonpatch.Operation'));
  const many = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/a', value: 1 }));
  assert.throws(() => applyJsonPatch({ a: 1 }, many), is(413));
  assert.throws(() => applyPatch('application/json-patch+json', {}, '[{"op":', undefined), is(400));
});

test('json patch through applyPatch: label via kubectl patch --type json', () => {
  const pod = { metadata: { name: 'p', labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
  const out = applyPatch(
    'application/json-patch+json',
    pod,
    [
      { op: 'add', path: '/metadata/labels/tier', value: 'web' },
      { op: 'replace', path: '/spec/containers/0/image', value: 'i:2' },
    ],
    undefined,
  );
  assert.deepEqual(out, { metadata: { name: 'p', labels: { app: 'x', tier: 'web' } }, spec: { containers: [{ name: 'c', image: 'i:2' }] } });
  assert.equal(pod.spec.containers[0]!.image, 'i');
  assert.throws(
    () => applyPatch('application/json-patch+json', pod, [{ op: 'remove', path: '/spec/affinity' }], undefined),
    rejected(),
  );
});
