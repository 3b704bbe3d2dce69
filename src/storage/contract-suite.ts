// The Store contract as a test suite, run against every backend (memory.test.ts, sqlite.test.ts).
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { CompactedError, ConflictError, KeyExistsError, KeyNotFoundError, type Store, type StoreEvent, type WatchOptions } from './store.js';
import { REPLAY_BATCH } from './watch-hub.js';

const b = (s: string): Buffer => Buffer.from(s);
const str = (v: Buffer | undefined): string | undefined => v?.toString('utf8');
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Records what a watcher receives, and lets a test wait for a revision. */
export class Recorder {
  readonly events: StoreEvent[] = [];
  readonly batches: number[] = [];
  error: Error | undefined;
  private waiters: { rev: number; done(): void }[] = [];

  readonly opts = (afterRevision: number): WatchOptions => ({
    afterRevision,
    onEvents: (events) => {
      this.batches.push(events.length);
      this.events.push(...events);
      const head = this.head();
      this.waiters = this.waiters.filter((w) => (w.rev <= head ? (w.done(), false) : true));
    },
    onError: (err) => {
      this.error = err;
      for (const w of this.waiters) w.done();
      this.waiters = [];
    },
  });

  head(): number {
    return this.events.length ? this.events[this.events.length - 1]!.kv.modRevision : 0;
  }

  revisions(): number[] {
    return this.events.map((e) => e.kv.modRevision);
  }

  /** Resolves once an event at or after rev arrived (or the watch ended); fails after 5s. */
  until(rev: number): Promise<void> {
    if (this.head() >= rev || this.error) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for revision ${rev}; have ${this.head()}`)), 5000);
      this.waiters.push({ rev, done: () => (clearTimeout(t), resolve()) });
    });
  }
}

function assertStrictlyIncreasing(revs: number[]): void {
  for (let i = 1; i < revs.length; i++) assert.ok(revs[i]! > revs[i - 1]!, `revision ${revs[i]} after ${revs[i - 1]} at ${i}`);
}

export interface Backend {
  name: string;
  open(): Promise<Store> | Store;
  /**
   * The revision of a fresh, empty store: 0 for the in-process stores, 1 for etcd (whose empty
   * keyspace is at revision 1). Every revision the suite expects is counted from it.
   */
  baseRevision?: number;
}

export function storeContract(backend: Backend): void {
  const base = backend.baseRevision ?? 0;
  /** The revision of the n-th write to a fresh store. */
  const R = (n: number): number => base + n;
  describe(`Store contract: ${backend.name}`, () => {
    const open: Store[] = [];
    const fresh = async (): Promise<Store> => {
      const s = await backend.open();
      open.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });

    it('creates, reads, updates and deletes with one revision per write', async () => {
      const s = await fresh();
      assert.equal(s.currentRevision(), R(0));
      const r1 = await s.create('/a', b('one'));
      assert.equal(r1, R(1));
      assert.deepEqual(await s.get('/a'), { key: '/a', value: b('one'), createRevision: R(1), modRevision: R(1) });
      const r2 = await s.update('/a', b('two'), r1);
      assert.equal(r2, R(2));
      const kv = await s.get('/a');
      assert.equal(str(kv?.value), 'two');
      assert.equal(kv?.createRevision, R(1));
      assert.equal(kv?.modRevision, R(2));
      const del = await s.delete('/a', r2);
      assert.equal(del.revision, R(3));
      assert.deepEqual(del.prev, { key: '/a', value: b('two'), createRevision: R(1), modRevision: R(2) });
      assert.equal(await s.get('/a'), undefined);
      assert.equal(s.currentRevision(), R(3));
      assert.equal(await s.get('/never'), undefined);
    });

    it('rejects a second create with KeyExistsError and allows re-creation after delete', async () => {
      const s = await fresh();
      await s.create('/k', b('v1'));
      await assert.rejects(s.create('/k', b('v2')), (e: unknown) => e instanceof KeyExistsError && e.key === '/k');
      assert.equal(s.currentRevision(), R(1), 'a failed write commits no revision');
      await s.delete('/k');
      const r = await s.create('/k', b('v3'));
      assert.equal(r, R(3));
      assert.deepEqual(await s.get('/k'), { key: '/k', value: b('v3'), createRevision: R(3), modRevision: R(3) });
    });

    it('update is compare-and-swap on modRevision', async () => {
      const s = await fresh();
      const r1 = await s.create('/k', b('v1'));
      const r2 = await s.update('/k', b('v2'), r1);
      await assert.rejects(s.update('/k', b('stale'), r1), (e: unknown) => {
        assert.ok(e instanceof ConflictError);
        assert.equal(e.key, '/k');
        assert.deepEqual(e.current, { key: '/k', value: b('v2'), createRevision: r1, modRevision: r2 });
        return true;
      });
      assert.equal(str((await s.get('/k'))?.value), 'v2');
      await assert.rejects(s.update('/missing', b('x'), R(1)), KeyNotFoundError);
      await s.delete('/k');
      await assert.rejects(s.update('/k', b('x'), r2), KeyNotFoundError);
    });

    it('delete honours the expected revision', async () => {
      const s = await fresh();
      const r1 = await s.create('/k', b('v1'));
      const r2 = await s.update('/k', b('v2'), r1);
      await assert.rejects(s.delete('/k', r1), (e: unknown) => e instanceof ConflictError && e.current?.modRevision === r2);
      assert.ok(await s.get('/k'), 'a conflicting delete leaves the key');
      const { revision, prev } = await s.delete('/k', r2);
      assert.equal(revision, r2 + 1);
      assert.equal(str(prev.value), 'v2');
      await assert.rejects(s.delete('/k'), KeyNotFoundError);
      await assert.rejects(s.delete('/k', revision), KeyNotFoundError);
    });

    it('lists exactly the keys under a prefix, in key order', async () => {
      const s = await fresh();
      for (const k of ['/registry/pods/ns/b', '/registry/podsecurity/x', '/registry/pods/ns/a', '/registry/pods', '/registry/podt/z', '/registry/pods/other/c']) {
        await s.create(k, b(k));
      }
      const pods = await s.list('/registry/pods/');
      assert.deepEqual(pods.kvs.map((kv) => kv.key), ['/registry/pods/ns/a', '/registry/pods/ns/b', '/registry/pods/other/c']);
      assert.equal(pods.revision, R(6));
      assert.equal(pods.more, false);
      assert.deepEqual((await s.list('/registry/pods/ns/')).kvs.map((kv) => kv.key), ['/registry/pods/ns/a', '/registry/pods/ns/b']);
      assert.equal((await s.list('/registry/')).kvs.length, 6);
      assert.equal((await s.list('')).kvs.length, 6);
      assert.equal((await s.list('/nothing/')).kvs.length, 0);
      assert.equal(await s.count('/registry/pods/'), 3);
      await s.delete('/registry/pods/ns/a');
      assert.equal(await s.count('/registry/pods/'), 2);
      assert.equal(await s.count('/registry/podsecurity/'), 1);
    });

    it('lists at an old revision', async () => {
      const s = await fresh();
      const ra = await s.create('/p/a', b('a1'));
      const rb = await s.create('/p/b', b('b1'));
      const snapshot = s.currentRevision();
      await s.update('/p/a', b('a2'), ra);
      await s.delete('/p/b', rb);
      await s.create('/p/c', b('c1'));
      const old = await s.list('/p/', { revision: snapshot });
      assert.equal(old.revision, snapshot);
      assert.deepEqual(old.kvs.map((kv) => [kv.key, str(kv.value), kv.modRevision]), [['/p/a', 'a1', ra], ['/p/b', 'b1', rb]]);
      const now = await s.list('/p/');
      assert.deepEqual(now.kvs.map((kv) => [kv.key, str(kv.value)]), [['/p/a', 'a2'], ['/p/c', 'c1']]);
      assert.deepEqual((await s.list('/p/', { revision: R(1) })).kvs.map((kv) => kv.key), ['/p/a']);
      await assert.rejects(s.list('/p/', { revision: s.currentRevision() + 1 }), /future revision/);
    });

    it('pages with startAfter and limit, reporting more and remaining', async () => {
      const s = await fresh();
      const keys = Array.from({ length: 25 }, (_, i) => `/page/${String(i).padStart(2, '0')}`);
      for (const k of keys) await s.create(k, b(k));
      await s.create('/pagez', b('outside'));
      await s.delete('/page/03');
      const live = keys.filter((k) => k !== '/page/03');
      const rev = s.currentRevision();
      const seen: string[] = [];
      let startAfter: string | undefined;
      for (let pages = 0; ; pages++) {
        assert.ok(pages < 10, 'paging terminates');
        const page = await s.list('/page/', { limit: 10, startAfter, revision: rev });
        seen.push(...page.kvs.map((kv) => kv.key));
        if (!page.more) {
          assert.equal(page.remaining ?? 0, 0);
          break;
        }
        assert.equal(page.kvs.length, 10);
        assert.equal(page.remaining, live.length - seen.length);
        startAfter = page.kvs[page.kvs.length - 1]!.key;
        await s.create(`/page/${startAfter.slice(-2)}x`, b('later'));
      }
      assert.deepEqual(seen, live, 'pages at a fixed revision ignore later writes');
      const exact = await s.list('/page/', { limit: live.length, revision: rev });
      assert.equal(exact.more, false);
    });

    it('watch from a revision replays history in order, then delivers live', async () => {
      const s = await fresh();
      const ra = await s.create('/w/a', b('a1'));
      await s.create('/other/x', b('x'));
      await s.update('/w/a', b('a2'), ra);
      const rec = new Recorder();
      const w = s.watch('/w/', rec.opts(R(0)));
      assert.equal(rec.events.length, 0, 'replay is not delivered inside watch()');
      await rec.until(R(3));
      assert.deepEqual(rec.revisions(), [R(1), R(3)]);
      const r4 = await s.create('/w/b', b('b1'));
      assert.deepEqual(rec.revisions(), [R(1), R(3), R(4)], 'a live event arrives by the time the write resolves');
      await s.create('/wx', b('outside prefix'));
      await s.delete('/w/b', r4);
      await rec.until(R(6));
      assert.deepEqual(rec.revisions(), [R(1), R(3), R(4), R(6)]);
      const [c1, u3, c4, d6] = rec.events;
      assert.equal(c1!.type, 'PUT');
      assert.equal(c1!.created, true);
      assert.equal(c1!.prevKv, undefined);
      assert.equal(u3!.created, false);
      assert.equal(str(u3!.prevKv?.value), 'a1');
      assert.equal(u3!.prevKv?.modRevision, R(1));
      assert.equal(c4!.created, true);
      assert.equal(d6!.type, 'DELETE');
      w.close();
      await s.create('/w/c', b('after close'));
      await tick();
      assert.equal(rec.events.length, 4, 'a closed watcher receives nothing');
      assert.equal(rec.error, undefined);
    });

    it('watch from the current revision sees only new events', async () => {
      const s = await fresh();
      await s.create('/n/a', b('a'));
      const rec = new Recorder();
      s.watch('/n/', rec.opts(s.currentRevision()));
      await s.create('/n/b', b('b'));
      assert.deepEqual(rec.revisions(), [R(2)]);
      const from1 = new Recorder();
      s.watch('/n/', from1.opts(R(1)));
      await from1.until(R(2));
      assert.deepEqual(from1.revisions(), [R(2)]);
    });

    it('DELETE events carry the deleting revision and the previous value', async () => {
      const s = await fresh();
      const rec = new Recorder();
      s.watch('/d/', rec.opts(R(0)));
      const r1 = await s.create('/d/k', b('v1'));
      const r2 = await s.update('/d/k', b('v2'), r1);
      const { revision } = await s.delete('/d/k');
      const live = rec.events.at(-1)!;
      const replay = new Recorder();
      s.watch('/d/', replay.opts(r2));
      await replay.until(revision);
      for (const e of [live, replay.events[0]!]) {
        assert.equal(e.type, 'DELETE');
        assert.equal(e.kv.key, '/d/k');
        assert.equal(e.kv.modRevision, revision);
        assert.equal(e.kv.createRevision, r1);
        assert.deepEqual(e.prevKv, { key: '/d/k', value: b('v2'), createRevision: r1, modRevision: r2 });
      }
    });

    it('delivers concurrent writes to every watcher exactly once, in revision order', async () => {
      const s = await fresh();
      const watchers = [new Recorder(), new Recorder(), new Recorder()];
      for (const w of watchers) s.watch('/c/', w.opts(R(0)));
      const writes: Promise<number>[] = [];
      for (let i = 0; i < 200; i++) writes.push(s.create(`/c/${i % 37}/${i}`, b(String(i))));
      const revs = await Promise.all(writes);
      const updates = revs.map((r, i) => s.update(`/c/${i % 37}/${i}`, b(`u${i}`), r));
      const urevs = await Promise.all(updates);
      const expected = [...revs, ...urevs].sort((x, y) => x - y);
      assert.equal(new Set(expected).size, 400, 'every write got its own revision');
      for (const w of watchers) {
        await w.until(expected.at(-1)!);
        assert.deepEqual(w.revisions(), expected);
      }
      // A late watcher replaying the same history agrees.
      const late = new Recorder();
      s.watch('/c/', late.opts(R(0)));
      await late.until(expected.at(-1)!);
      assert.deepEqual(late.revisions(), expected);
    });

    it('a long replay overlapping live writes is gap-free and duplicate-free', async () => {
      const s = await fresh();
      const n = REPLAY_BATCH * 2 + 50;
      const first: Promise<number>[] = [];
      for (let i = 0; i < n; i++) first.push(s.create(`/r/${i}`, b(String(i))));
      await Promise.all(first);
      const rec = new Recorder();
      s.watch('/r/', rec.opts(R(0)));
      // Keep writing while the watcher catches up batch by batch.
      for (let i = 0; i < 100; i++) {
        await s.create(`/r/live/${i}`, b(String(i)));
        if (i % 10 === 0) await tick();
      }
      const head = s.currentRevision();
      await rec.until(head);
      assert.deepEqual(rec.revisions(), Array.from({ length: head - base }, (_, i) => R(i + 1)));
      assert.ok(rec.batches.length > 2, 'replay arrived in bounded batches');
      assert.ok(Math.max(...rec.batches) <= REPLAY_BATCH);
    });

    it('a watcher that throws is ended without disturbing others or the writer', async () => {
      const s = await fresh();
      let failure: Error | undefined;
      s.watch('/t/', {
        afterRevision: R(0),
        onEvents: () => {
          throw new Error('consumer bug');
        },
        onError: (e) => (failure = e),
      });
      const good = new Recorder();
      s.watch('/t/', good.opts(R(0)));
      await s.create('/t/a', b('a'));
      await s.create('/t/b', b('b'));
      assert.equal(failure?.message, 'consumer bug');
      assert.deepEqual(good.revisions(), [R(1), R(2)]);
    });

    it('a watcher that writes from its callback keeps everyone in order', async () => {
      const s = await fresh();
      const echoed: Promise<number>[] = [];
      s.watch('/e/in/', {
        afterRevision: R(0),
        onEvents: (events) => {
          for (const e of events) echoed.push(s.create(`/e/out/${e.kv.modRevision}`, b('echo')));
        },
      });
      const all = new Recorder();
      s.watch('/e/', all.opts(R(0)));
      await s.create('/e/in/1', b('x'));
      await s.create('/e/in/2', b('y'));
      await Promise.all(echoed);
      await all.until(R(4));
      assert.equal(all.events.length, 4);
      assertStrictlyIncreasing(all.revisions());
    });

    it('compaction drops history: old watches and lists fail with CompactedError', async () => {
      const s = await fresh();
      const ra = await s.create('/x/a', b('a1'));
      await s.update('/x/a', b('a2'), ra);
      const rb = await s.create('/x/b', b('b1'));
      await s.delete('/x/b', rb);
      await s.create('/x/c', b('c1'));
      const compactAt = s.currentRevision() - 1; // 4: the delete of /x/b
      await s.compact(compactAt);
      assert.equal(s.compactRevision(), compactAt);
      assert.throws(() => s.watch('/x/', { afterRevision: compactAt - 1, onEvents: () => {} }), (e: unknown) => {
        assert.ok(e instanceof CompactedError);
        assert.equal(e.requested, compactAt - 1);
        assert.equal(e.compacted, compactAt);
        return true;
      });
      await assert.rejects(s.list('/x/', { revision: compactAt - 1 }), CompactedError);
      // The compacted revision itself is still readable, and so is everything after it.
      assert.deepEqual((await s.list('/x/', { revision: compactAt })).kvs.map((kv) => [kv.key, str(kv.value)]), [['/x/a', 'a2']]);
      assert.deepEqual((await s.list('/x/')).kvs.map((kv) => kv.key), ['/x/a', '/x/c']);
      const rec = new Recorder();
      s.watch('/x/', rec.opts(compactAt));
      await rec.until(R(5));
      assert.deepEqual(rec.revisions(), [R(5)]);
      await assert.rejects(s.compact(compactAt - 1), CompactedError);
      await assert.rejects(s.compact(s.currentRevision() + 1), /future revision/);
      // Compacting everything keeps the latest value of every live key.
      const rc = await s.update('/x/c', b('c2'), R(5));
      await s.compact(rc);
      assert.deepEqual((await s.list('/x/')).kvs.map((kv) => [kv.key, str(kv.value), kv.createRevision]), [['/x/a', 'a2', R(1)], ['/x/c', 'c2', R(5)]]);
      assert.equal(await s.count('/x/'), 2);
      // Writes continue from the same revision counter.
      assert.equal(await s.update('/x/a', b('a3'), R(2)), rc + 1);
    });

    it('a catching-up watcher overtaken by compaction ends with CompactedError', async () => {
      const s = await fresh();
      for (let i = 0; i < 10; i++) await s.create(`/o/${i}`, b(String(i)));
      const rec = new Recorder();
      s.watch('/o/', rec.opts(R(2)));
      const compaction = s.compact(R(5)); // runs before the watcher's first replay step
      await rec.until(R(10));
      await compaction;
      assert.ok(rec.error instanceof CompactedError, `got ${rec.error}`);
      assert.equal(rec.events.length, 0);
    });

    it('closing ends watches and refuses further use', async () => {
      const s = await backend.open();
      const rec = new Recorder();
      s.watch('/', rec.opts(R(0)));
      const pending = s.create('/z', b('accepted before close'));
      await s.close();
      assert.equal(await pending, R(1), 'a write accepted before close is committed');
      assert.ok(rec.error, 'watchers are told the store closed');
      await assert.rejects(s.create('/y', b('late')));
      await assert.rejects(s.get('/z'));
      await s.close();
    });
  });
}
