import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { storeContract } from './contract-suite.js';
import { openSqliteStore, SQLITE_PRAGMAS, applySqlitePragmas } from './sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-sqlite-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let seq = 0;
const freshPath = (): string => join(dir, `db-${process.pid}-${seq++}`, 'state.db');

storeContract({ name: 'sqlite', open: () => openSqliteStore(freshPath()) });

describe('sqlite store on disk', () => {
  it('uses WAL with synchronous=FULL', () => {
    const db = new Database(join(dir, 'pragmas.db'));
    applySqlitePragmas(db);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('synchronous', { simple: true }), 2, 'FULL');
    db.close();
    assert.ok(SQLITE_PRAGMAS.includes('synchronous = FULL'));
  });

  it('keeps data, revision and compaction point across close and reopen', async () => {
    const path = freshPath();
    let s = openSqliteStore(path);
    const ra = await s.create('/k/a', Buffer.from('a1'));
    await s.update('/k/a', Buffer.from('a2'), ra);
    const rb = await s.create('/k/b', Buffer.from('b1'));
    // The newest row is a tombstone that compaction removes: the counter must not go back.
    const { revision: rdel } = await s.delete('/k/b', rb);
    await s.compact(rdel);
    await s.close();

    s = openSqliteStore(path);
    assert.equal(s.currentRevision(), rdel);
    assert.equal(s.compactRevision(), rdel);
    assert.deepEqual(await s.get('/k/a'), { key: '/k/a', value: Buffer.from('a2'), createRevision: 1, modRevision: 2 });
    assert.equal(await s.get('/k/b'), undefined);
    assert.throws(() => s.watch('/k/', { afterRevision: rdel - 1, onEvents: () => {} }), /compacted/);
    assert.equal(await s.create('/k/c', Buffer.from('c1')), rdel + 1);
    await s.close();

    s = openSqliteStore(path);
    assert.equal(s.currentRevision(), rdel + 1);
    assert.deepEqual((await s.list('/k/')).kvs.map((kv) => kv.key), ['/k/a', '/k/c']);
    await s.close();
  });

  it('compaction leaves one row per live key at or below the compact revision', async () => {
    const path = freshPath();
    const s = openSqliteStore(path);
    const r1 = await s.create('/h/a', Buffer.from('a1'));
    await s.update('/h/a', Buffer.from('a2'), r1);
    const rb = await s.create('/h/b', Buffer.from('b1'));
    await s.delete('/h/b', rb);
    const rc = await s.create('/h/c', Buffer.from('c1'));
    const keep = await s.update('/h/c', Buffer.from('c2'), rc); // above the compaction: stays history
    await s.compact(rc);
    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT id, name, deleted FROM log ORDER BY id').all();
    db.close();
    assert.deepEqual(rows, [
      { id: 2, name: '/h/a', deleted: 0 },
      { id: rc, name: '/h/c', deleted: 0 },
      { id: keep, name: '/h/c', deleted: 0 },
    ]);
    await s.close();
  });

  it('groups concurrent writes into shared commits without mixing their outcomes', async () => {
    const s = openSqliteStore(freshPath());
    await s.create('/g/taken', Buffer.from('x'));
    const results = await Promise.allSettled([
      s.create('/g/1', Buffer.from('1')),
      s.create('/g/taken', Buffer.from('dup')),
      s.create('/g/2', Buffer.from('2')),
      s.update('/g/1', Buffer.from('1b'), 2),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? r.value : undefined)), [2, undefined, 3, 4]);
    assert.equal(s.currentRevision(), 4);
    assert.equal((await s.get('/g/1'))?.value.toString(), '1b');
    await s.close();
  });

  it('every acknowledged write survives kill -9 of the writing process', async () => {
    const path = freshPath();
    // Create the file (and its directory) before the child starts writing.
    await openSqliteStore(path).close();
    const script = fileURLToPath(new URL('./crash-writer.js', import.meta.url));
    const child = spawn(process.execPath, [script, path, '8'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: { rev: number; key: string; value: string }[] = [];
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child acknowledged only ${acked.length} writes; stderr: ${stderr}`)), 20000);
      child.stdout.on('data', (d: Buffer) => {
        buffered += d.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          const [rev, key, value] = line.split(' ');
          acked.push({ rev: Number(rev), key: key!, value: value! });
        }
        if (acked.length >= 300) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    assert.equal(await exited, 'SIGKILL');
    assert.ok(existsSync(`${path}-wal`), 'the child died with a live WAL, not after a clean close');

    const s = openSqliteStore(path);
    try {
      for (const a of acked) {
        const kv = await s.get(a.key);
        assert.ok(kv, `acknowledged write ${a.key} at ${a.rev} lost`);
        assert.equal(kv.modRevision, a.rev);
        assert.equal(kv.value.toString(), a.value);
      }
      const maxAcked = Math.max(...acked.map((a) => a.rev));
      assert.ok(s.currentRevision() >= maxAcked);
      // Whatever committed is a gap-free prefix of revisions.
      const all = await s.list('/crash/');
      const revs = all.kvs.map((kv) => kv.modRevision).sort((x, y) => x - y);
      assert.deepEqual(revs, Array.from({ length: revs.length }, (_, i) => i + 1));
      assert.equal(await s.create('/after/crash', Buffer.from('ok')), s.currentRevision());
    } finally {
      await s.close();
    }
  });
});
