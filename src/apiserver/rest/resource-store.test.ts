// Generic registry semantics, on a test-only kind over the memory store.
import assert from 'node:assert/strict';
import { describe, it, beforeEach } from 'node:test';
import type { KubeObject } from '../../api/meta/types.js';
import { define, obj, str, int32, strMap } from '../../api/schema/dsl.js';
import { objectMeta } from '../../api/schema/meta.js';
import type { KindDefinition } from '../../api/scheme/kind.js';
import { MemoryStore } from '../../storage/memory.js';
import { ApiError } from '../errors.js';
import { Registry } from '../registry/registry.js';
import { WatchCache } from '../watchcache/watch-cache.js';
import { listObjects } from './list.js';
import { ResourceStore } from './resource-store.js';
import { startWatch } from './watch.js';
import { buildPredicate } from './filters.js';

define('test.k8ts.v1.Widget', obj({ apiVersion: str(), kind: str(), metadata: objectMeta(), spec: obj({ size: int32(), color: str(), tags: strMap() }), status: obj({ phase: str() }) }));

const widgets: KindDefinition = {
  group: 'test.k8ts.io',
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  singular: 'widget',
  namespaced: true,
  schema: 'test.k8ts.v1.Widget',
  hasStatus: true,
  default(o) {
    const spec = ((o as KubeObject)['spec'] ??= {}) as { size?: number };
    spec.size ??= 1;
  },
  validateCreate(o) {
    return (o as { spec?: { size?: number } }).spec!.size! < 0 ? [{ type: 'FieldValueInvalid', field: 'spec.size', badValue: -1, detail: 'must be non-negative' }] : [];
  },
  deletionGracePeriod: (o, requested) => (((o as KubeObject)['spec'] as { color?: string }).color === 'slow' ? (requested ?? 30) : 0),
  fieldSelectors: { 'spec.color': (o) => ((o as KubeObject)['spec'] as { color?: string }).color },
};

function widget(name: string, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'test.k8ts.io/v1', kind: 'Widget', metadata: { name, namespace: 'ns' }, spec: { color: 'red', ...extra } };
}

describe('generic resource store', () => {
  let store: MemoryStore;
  let cache: WatchCache;
  let rs: ResourceStore;
  let registry: Registry;
  const entry = () => registry.lookup('test.k8ts.io', 'v1', 'widgets')!;
  const opts = { fieldManager: 'test' };

  beforeEach(async () => {
    store = new MemoryStore();
    registry = new Registry([widgets]);
    cache = new WatchCache(store, registry.storedResources().map((e) => e.keyPrefix));
    await cache.start();
    rs = new ResourceStore(store, cache);
  });

  it('create fills system metadata and defaults, and refuses duplicates with AlreadyExists', async () => {
    const w = await rs.create(entry(), widget('a'), opts);
    assert.match(w.metadata.uid!, /^[0-9a-f-]{36}$/);
    assert.match(w.metadata.creationTimestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(w.metadata.generation, 1);
    assert.equal((w['spec'] as { size: number }).size, 1);
    assert.equal(w.metadata.managedFields?.[0]?.manager, 'test');
    await assert.rejects(rs.create(entry(), widget('a'), opts), (e: ApiError) => e.code === 409 && e.status.reason === 'AlreadyExists' && e.message === 'widgets.test.k8ts.io "a" already exists');
  });

  it('generateName appends five characters from the upstream alphabet', async () => {
    const w = await rs.create(entry(), { ...widget(''), metadata: { generateName: 'gen-', namespace: 'ns' } }, opts);
    assert.match(w.metadata.name!, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('validation failures are 422 Invalid with causes and store nothing', async () => {
    await assert.rejects(rs.create(entry(), widget('bad', { size: -1 }), opts), (e: ApiError) => e.code === 422 && e.status.details?.causes?.[0]?.field === 'spec.size');
    assert.equal(await store.get('/registry/test.k8ts.io/widgets/ns/bad'), undefined);
  });

  it('updates bump generation only on spec changes, keep status, and detect stale resourceVersions', async () => {
    const w = await rs.create(entry(), widget('a'), opts);
    const labelled = await rs.update(entry(), 'ns', 'a', (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { x: 'y' } } }), opts);
    assert.equal(labelled.object.metadata.generation, 1);
    const resized = await rs.update(entry(), 'ns', 'a', (cur) => ({ ...cur, spec: { ...(cur['spec'] as object), size: 3 }, status: { phase: 'ignored' } }), opts);
    assert.equal(resized.object.metadata.generation, 2);
    assert.equal(resized.object['status'], undefined);
    const stale = { ...w, spec: { size: 9 } };
    await assert.rejects(rs.update(entry(), 'ns', 'a', () => structuredClone(stale), opts), (e: ApiError) => e.code === 409 && /the object has been modified/.test(e.message));
    const st = await rs.update(entry(), 'ns', 'a', (cur) => ({ ...cur, spec: { size: 100 }, status: { phase: 'Ready' } }), { ...opts, subresource: 'status' });
    assert.deepEqual(st.object['status'], { phase: 'Ready' });
    assert.equal((st.object['spec'] as { size: number }).size, 3);
  });

  it('a write that loses a race is asked again: a patch goes through, a stale resourceVersion does not', async () => {
    await rs.create(entry(), widget('a'), opts);
    // Another writer gets in between this update's read and its write, once.
    let raced = false;
    let races = 0;
    const raceOnce = async (): Promise<void> => {
      if (raced) return;
      raced = true;
      races++;
      await rs.update(entry(), 'ns', 'a', (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { other: `writer-${races}` } } }), opts);
    };
    let calls = 0;
    // As a patch does: applied to the object read, so it carries that object's resourceVersion.
    const patched = await rs.update(entry(), 'ns', 'a', async (cur) => {
      calls++;
      await raceOnce();
      return { ...cur, spec: { size: 7 } };
    }, opts);
    assert.equal(calls, 2, 'applied again to the object the other writer left');
    assert.equal((patched.object['spec'] as { size: number }).size, 7);
    assert.deepEqual(patched.object.metadata.labels, { other: 'writer-1' });
    // As a PUT does: the body's resourceVersion stays what the client read.
    raced = false;
    const read = (await rs.get(entry(), 'ns', 'a'));
    await assert.rejects(
      rs.update(entry(), 'ns', 'a', async () => {
        await raceOnce();
        return { ...structuredClone(read), spec: { size: 8 } };
      }, opts),
      (e: ApiError) => e.code === 409 && /the object has been modified/.test(e.message),
    );
  });

  it('a no-op update writes nothing', async () => {
    await rs.create(entry(), widget('a'), opts);
    const before = store.currentRevision();
    const r = await rs.update(entry(), 'ns', 'a', (cur) => cur, opts);
    assert.equal(r.changed, false);
    assert.equal(store.currentRevision(), before);
  });

  it('finalizers hold deletion until removed; grace periods keep the object terminating', async () => {
    await rs.create(entry(), { ...widget('f'), metadata: { name: 'f', namespace: 'ns', finalizers: ['example.com/hold'] } }, opts);
    const d = await rs.delete(entry(), 'ns', 'f', {});
    assert.equal(d.deleted, false);
    assert.ok(d.object.metadata.deletionTimestamp);
    await rs.update(entry(), 'ns', 'f', (cur) => ({ ...cur, metadata: { ...cur.metadata, finalizers: [] } }), opts);
    assert.equal(await store.get('/registry/test.k8ts.io/widgets/ns/f'), undefined);

    await rs.create(entry(), widget('slow', { color: 'slow' }), opts);
    const g = await rs.delete(entry(), 'ns', 'slow', {});
    assert.equal(g.deleted, false);
    assert.equal(g.object.metadata.deletionGracePeriodSeconds, 30);
    assert.equal((await rs.delete(entry(), 'ns', 'slow', {})).deleted, false);
    assert.equal((await rs.delete(entry(), 'ns', 'slow', { gracePeriodSeconds: 0 })).deleted, true);
  });

  it('orphan and foreground propagation add their finalizers', async () => {
    await rs.create(entry(), widget('o'), opts);
    const d = await rs.delete(entry(), 'ns', 'o', { propagationPolicy: 'Orphan' });
    assert.deepEqual(d.object.metadata.finalizers, ['orphan']);
    await rs.create(entry(), widget('fg'), opts);
    assert.deepEqual((await rs.delete(entry(), 'ns', 'fg', { propagationPolicy: 'Foreground' })).object.metadata.finalizers, ['foregroundDeletion']);
  });

  it('delete preconditions are checked', async () => {
    await rs.create(entry(), widget('p'), opts);
    await assert.rejects(rs.delete(entry(), 'ns', 'p', { preconditions: { uid: 'nope' } }), (e: ApiError) => e.code === 409 && /Precondition failed: UID in precondition: nope/.test(e.message));
  });

  it('lists page consistently, also when the data changed between pages', async () => {
    for (let i = 0; i < 10; i++) await rs.create(entry(), widget(`w${i}`), opts);
    const p1 = await listObjects(store, cache, entry(), { namespace: 'ns', limit: 4 });
    assert.deepEqual(p1.items.map((c) => c.obj.metadata.name), ['w0', 'w1', 'w2', 'w3']);
    assert.equal(p1.remainingItemCount, 6);
    // A change after the first page: the next page still reads the first page's snapshot.
    await rs.create(entry(), widget('w35'), opts);
    await rs.delete(entry(), 'ns', 'w5', {});
    const p2 = await listObjects(store, cache, entry(), { namespace: 'ns', limit: 4, continueToken: p1.continue });
    assert.deepEqual(p2.items.map((c) => c.obj.metadata.name), ['w4', 'w5', 'w6', 'w7']);
    assert.equal(p2.resourceVersion, p1.resourceVersion);
    const p3 = await listObjects(store, cache, entry(), { namespace: 'ns', limit: 4, continueToken: p2.continue });
    assert.deepEqual(p3.items.map((c) => c.obj.metadata.name), ['w8', 'w9']);
    assert.equal(p3.continue, undefined);
  });

  it('field selectors filter lists; unknown fields are refused', async () => {
    await rs.create(entry(), widget('r'), opts);
    await rs.create(entry(), widget('b', { color: 'blue' }), opts);
    const page = await listObjects(store, cache, entry(), { namespace: 'ns', predicate: buildPredicate(entry(), undefined, 'spec.color=blue') });
    assert.deepEqual(page.items.map((c) => c.obj.metadata.name), ['b']);
    assert.throws(() => buildPredicate(entry(), undefined, 'spec.shape=round'), (e: ApiError) => e.code === 400 && e.message === 'field label not supported: spec.shape');
  });

  it('watches replay from a revision, then follow live with selector transitions', async () => {
    await rs.create(entry(), widget('x', { color: 'red' }), opts);
    const from = cache.currentRevision();
    await rs.update(entry(), 'ns', 'x', (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { sel: 'yes' } } }), opts);
    const events: string[] = [];
    const w = await startWatch(cache, entry(), { namespace: 'ns', resourceVersion: String(from), predicate: buildPredicate(entry(), 'sel=yes') }, {
      event: (type, c) => {
        events.push(`${type}:${c.obj.metadata.name}:${c.obj.metadata.labels?.['sel'] ?? ''}`);
        return true;
      },
      bookmark: () => true,
      error: (s) => events.push(`ERROR:${s.code}`),
    });
    await rs.update(entry(), 'ns', 'x', (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { sel: 'no' } } }), opts);
    await rs.create(entry(), { ...widget('y'), metadata: { name: 'y', namespace: 'ns', labels: { sel: 'yes' } } }, opts);
    await rs.delete(entry(), 'ns', 'y', {});
    w.stop();
    assert.deepEqual(events, ['ADDED:x:yes', 'DELETED:x:yes', 'ADDED:y:yes', 'DELETED:y:yes']);
  });

  it('a watch from a revision older than the history is answered with 410 Expired', async () => {
    await rs.create(entry(), widget('first'), opts);
    const small = new WatchCache(store, registry.storedResources().map((e) => e.keyPrefix), { historyCapacity: 2 });
    await small.start();
    const start = small.currentRevision();
    for (let i = 0; i < 5; i++) await rs.create(entry(), widget(`h${i}`), opts);
    const errorsSeen: number[] = [];
    await startWatch(small, entry(), { resourceVersion: String(start) }, { event: () => true, bookmark: () => true, error: (s) => errorsSeen.push(s.code) });
    assert.deepEqual(errorsSeen, [410]);
    small.stop();
  });
});
