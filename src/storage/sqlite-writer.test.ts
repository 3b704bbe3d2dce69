// The sqlite store's writer thread: what this thread reads, what a failed transaction does, and
// what the death of the thread does to the writes it had (they fail, clearly, instead of hanging).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { WriterFailedError } from './log-batch.js';
import { openSqliteStore, type SqliteStore } from './sqlite.js';
import { SqliteCommitError } from './sqlite-writer.js';
import { Recorder } from './contract-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-sqlite-writer-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let seq = 0;
const freshPath = (): string => join(dir, `db-${seq++}`, 'state.db');
const b = (s: string): Buffer => Buffer.from(s);

/** Rejects if the promise has not settled within ms: a hang is the failure these tests look for. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

async function assertWriterDeath(s: SqliteStore, kill: () => void): Promise<void> {
  await s.create('/d/before', b('committed'));
  const rec = new Recorder();
  s.watch('/d/', rec.opts(s.currentRevision()));
  const pending = Array.from({ length: 100 }, (_, i) => s.create(`/d/${i}`, b(String(i))));
  kill();
  const settled = await within(Promise.allSettled(pending), 5000, 'writes pending when the writer died');
  // Some may have committed before the thread went; every one that did not must say why.
  for (const r of settled) {
    if (r.status === 'rejected') {
      assert.ok(r.reason instanceof WriterFailedError, `rejected with ${r.reason}`);
      assert.match(r.reason.message, /sqlite writer thread .*outcome of \d+ pending request/);
    }
  }
  assert.ok(settled.some((r) => r.status === 'rejected'), 'the writer died with writes in flight');
  await assert.rejects(s.create('/d/after', b('refused')), WriterFailedError);
  await assert.rejects(s.update('/d/before', b('refused'), 1), WriterFailedError);
  await assert.rejects(s.compact(1), WriterFailedError);
  assert.ok(rec.error instanceof WriterFailedError, 'watchers are ended rather than left waiting');
  // Reads still come from this thread's own connection.
  assert.equal((await s.get('/d/before'))?.value.toString(), 'committed');
  await within(s.close(), 5000, 'close after the writer died');
}

describe('sqlite writer thread', () => {
  it('reads on this thread see every write as soon as it resolves', async () => {
    const path = freshPath();
    const s = openSqliteStore(path);
    try {
      const writes = Array.from({ length: 300 }, (_, i) => s.create(`/r/${i}`, b(`v${i}`)).then(async (rev) => {
        const kv = await s.get(`/r/${i}`);
        assert.equal(kv?.modRevision, rev);
        assert.equal(kv.value.toString(), `v${i}`);
      }));
      await Promise.all(writes);
      assert.equal(await s.count('/r/'), 300);
      // Watchers get the writer's own Buffer back (the API server's watch cache relies on it to
      // adopt the object it encoded), not the copy that travelled to the writer thread.
      const value = b('mine');
      let seen: Buffer | undefined;
      s.watch('/r/', { afterRevision: s.currentRevision(), onEvents: (events) => (seen = events[0]!.kv.value) });
      await s.create('/r/own', value);
      assert.equal(seen, value);
    } finally {
      await s.close();
    }
  });

  it('a failed transaction fails only its batch and the store carries on', async () => {
    const path = freshPath();
    const s = openSqliteStore(path);
    try {
      const r1 = await s.create('/t/a', b('a'));
      // Another connection makes one key's insert abort inside the writer's transaction.
      const db = new Database(path);
      db.exec(`CREATE TRIGGER boom BEFORE INSERT ON log WHEN NEW.name = '/t/boom' BEGIN SELECT RAISE(ABORT, 'boom'); END`);
      db.close();
      const batch = await Promise.allSettled([s.create('/t/b', b('b')), s.create('/t/boom', b('x')), s.update('/t/a', b('a2'), r1)]);
      for (const r of batch) {
        assert.equal(r.status, 'rejected');
        assert.ok(r.reason instanceof SqliteCommitError, `rejected with ${r.reason}`);
        assert.match(r.reason.message, /boom/);
      }
      assert.equal(s.currentRevision(), r1, 'the rolled-back batch took no revision');
      assert.equal(await s.get('/t/b'), undefined);
      assert.equal(await s.create('/t/c', b('c')), r1 + 1);
      assert.equal(await s.update('/t/a', b('a2'), r1), r1 + 2);
    } finally {
      await s.close();
    }
  });

  it('the thread terminated with writes in flight fails them clearly, not by hanging', async () => {
    const s = openSqliteStore(freshPath());
    await assertWriterDeath(s, () => void s.writerThread.worker.terminate());
  });

  it('the thread dying of an uncaught error fails what is pending', async () => {
    const s = openSqliteStore(freshPath());
    // A request the thread does not understand is a bug it dies of, loudly.
    await assertWriterDeath(s, () => s.writerThread.worker.postMessage({ type: 'nonsense', id: -1 }));
  });

  it('close waits for every accepted write, then lets the process exit', async () => {
    const path = freshPath();
    let s = openSqliteStore(path);
    const writes = Array.from({ length: 500 }, (_, i) => s.create(`/c/${i}`, b(String(i))));
    await s.close();
    assert.equal((await Promise.all(writes)).at(-1), 500);
    s = openSqliteStore(path);
    try {
      assert.equal(s.currentRevision(), 500);
      assert.equal(await s.count('/c/'), 500);
    } finally {
      await s.close();
    }
  });
});
