import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, MemoryStore, SqliteStore } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-openstore-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('openStore', () => {
  it('opens memory://', async () => {
    const s = openStore('memory://');
    assert.ok(s instanceof MemoryStore);
    await s.close();
  });

  it('opens sqlite:///absolute and sqlite://relative paths', async () => {
    const abs = join(dir, 'abs', 'state.db');
    const s1 = openStore(`sqlite://${abs}`);
    assert.ok(s1 instanceof SqliteStore);
    assert.equal(s1.path, abs);
    await s1.create('/x', Buffer.from('1'));
    await s1.close();
    assert.ok(existsSync(abs));

    const s2 = openStore('sqlite://rel/state.db', dir);
    assert.ok(s2 instanceof SqliteStore);
    assert.equal(s2.path, join(dir, 'rel', 'state.db'));
    await s2.close();
  });

  it('rejects unknown or incomplete endpoints with a clear error', () => {
    assert.throws(() => openStore('https://127.0.0.1:2379'), /etcd is not supported yet/);
    assert.throws(() => openStore('mysql://db'), /unsupported datastore endpoint "mysql:\/\/db"/);
    assert.throws(() => openStore('/var/lib/state.db'), /unsupported datastore endpoint/);
    assert.throws(() => openStore('sqlite://'), /no database path/);
  });
});
