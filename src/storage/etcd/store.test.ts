// The Store contract against a real etcd (Debian's etcd-server), one fresh etcd per store so that
// every test starts at etcd's empty revision; plus what only etcd has: reopening, shared state
// between two stores, and another client's compaction.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { storeContract, Recorder } from '../contract-suite.js';
import { CompactedError } from '../store.js';
import { openEtcdStore, type EtcdStore } from './store.js';
import { startEtcd, type TestEtcd } from './testing/etcd-server.js';

const running = new Set<TestEtcd>();
after(async () => {
  for (const e of running) await e.stop();
});

async function etcd(): Promise<TestEtcd> {
  const e = await startEtcd();
  running.add(e);
  return e;
}

storeContract({
  name: 'etcd',
  baseRevision: 1,
  open: async () => {
    const e = await etcd();
    const s = await openEtcdStore({ endpoints: [e.endpoint] });
    const close = s.close.bind(s);
    // The etcd belongs to this store: it goes when the store is closed.
    s.close = async () => {
      await close();
      await e.stop();
      running.delete(e);
    };
    return s;
  },
});

describe('etcd store', () => {
  it('a second store on the same etcd sees the data, the revision and the compaction point', async () => {
    const e = await etcd();
    let s: EtcdStore | undefined = await openEtcdStore({ endpoints: [e.endpoint] });
    try {
      const ra = await s.create('/registry/pods/default/a', Buffer.from('a1'));
      await s.update('/registry/pods/default/a', Buffer.from('a2'), ra);
      const rb = await s.create('/registry/pods/default/b', Buffer.from('b1'));
      const { revision } = await s.delete('/registry/pods/default/b', rb);
      await s.compact(revision - 1);
      await s.close();
      s = await openEtcdStore({ endpoints: [e.endpoint] });
      assert.equal(s.currentRevision(), revision);
      assert.equal(s.compactRevision(), revision - 1);
      assert.deepEqual(await s.get('/registry/pods/default/a'), { key: '/registry/pods/default/a', value: Buffer.from('a2'), createRevision: ra, modRevision: ra + 1 });
      assert.equal(await s.get('/registry/pods/default/b'), undefined);
      assert.throws(() => s!.watch('/registry/', { afterRevision: revision - 2, onEvents: () => {} }), CompactedError);
    } finally {
      await s?.close();
      await e.stop();
    }
  });

  it('two stores on one etcd share one revision counter and see each other through watches', async () => {
    const e = await etcd();
    const a = await openEtcdStore({ endpoints: [e.endpoint] });
    const b = await openEtcdStore({ endpoints: [e.endpoint], progressIntervalMs: 100 });
    try {
      // A watcher that came and went must not leave the stream without progress requests.
      const gone = b.watch('/gone/', { afterRevision: b.currentRevision(), onEvents: () => {} });
      await new Promise((r) => setTimeout(r, 50));
      gone.close();
      const rec = new Recorder();
      let progressed = 0;
      b.watch('/shared/', { ...rec.opts(b.currentRevision()), onProgress: (r) => (progressed = r) });
      const r1 = await a.create('/shared/x', Buffer.from('from a'));
      await rec.until(r1);
      assert.equal(rec.events[0]?.kv.key, '/shared/x');
      assert.ok(b.currentRevision() >= r1, 'b learns a revision it did not write');
      const r2 = await b.update('/shared/x', Buffer.from('from b'), r1);
      assert.equal(r2, r1 + 1);
      // A write outside b's watch reaches b's revision, and b's watcher, through progress notifications.
      const r3 = await a.create('/elsewhere', Buffer.from('x'));
      const deadline = Date.now() + 5000;
      while ((b.currentRevision() < r3 || progressed < r3) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(b.currentRevision(), r3);
      assert.equal(progressed, r3, 'the watcher is told nothing under its prefix changed up to r3');
      assert.deepEqual(rec.revisions(), [r1, r2]);
    } finally {
      await a.close();
      await b.close();
      await e.stop();
    }
  });

  it('a compaction by another client is learnt when etcd refuses an old revision', async () => {
    const e = await etcd();
    const a = await openEtcdStore({ endpoints: [e.endpoint] });
    const b = await openEtcdStore({ endpoints: [e.endpoint] });
    try {
      for (let i = 0; i < 5; i++) await a.create(`/c/${i}`, Buffer.from(String(i)));
      await a.compact(a.currentRevision() - 1);
      const target = a.currentRevision() - 1;
      assert.equal(b.compactRevision(), 0);
      await assert.rejects(b.list('/c/', { revision: 2 }), (err: unknown) => err instanceof CompactedError && err.compacted === target);
      assert.equal(b.compactRevision(), target);
      // The compactor's view: compacting to where someone else already did is not an error.
      await b.compact(target);
    } finally {
      await a.close();
      await b.close();
      await e.stop();
    }
  });

  it('hands watchers the Buffer this store wrote, and an equal copy of what others wrote', async () => {
    const e = await etcd();
    const a = await openEtcdStore({ endpoints: [e.endpoint] });
    const other = await openEtcdStore({ endpoints: [e.endpoint] });
    try {
      const rec = new Recorder();
      a.watch('/v/', rec.opts(a.currentRevision()));
      const mine = Buffer.from('{"kind":"Pod"}');
      const r1 = await a.create('/v/mine', mine);
      assert.equal(rec.events.at(-1)?.kv.value, mine, 'the same Buffer object, so the watch cache can adopt its hint');
      const theirs = Buffer.from('{"kind":"Pod"}');
      const r2 = await other.create('/v/theirs', theirs);
      await rec.until(r2);
      assert.notEqual(rec.events.at(-1)?.kv.value, theirs);
      assert.deepEqual(rec.events.at(-1)?.kv.value, theirs);
      assert.deepEqual(rec.revisions(), [r1, r2]);
    } finally {
      await a.close();
      await other.close();
      await e.stop();
    }
  });

  it('fails to open, with the endpoint in the message, when nothing listens', async () => {
    await assert.rejects(openEtcdStore({ endpoints: ['http://127.0.0.1:1'], callTimeoutMs: 2000 }), /etcd Status \(127\.0\.0\.1:1\)/);
  });
});
