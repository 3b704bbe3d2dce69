import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from './memory.js';
import { startCompactor } from './compactor.js';

describe('startCompactor', () => {
  it('compacts to the previous tick\'s head, keeping the newest revisions', async () => {
    const s = new MemoryStore();
    for (let i = 0; i < 10; i++) await s.create(`/c/${i}`, Buffer.from('v'));
    const c = startCompactor(s, { intervalMs: 60_000, keepRevisions: 3 });
    try {
      // Head when started was 10; now it is 20: the run compacts to min(10, 20 - 3) = 10.
      for (let i = 10; i < 20; i++) await s.create(`/c/${i}`, Buffer.from('v'));
      assert.equal(await c.runOnce(), 10);
      assert.equal(s.compactRevision(), 10);
      // Now the previous head is 20 and head - keep = 17.
      assert.equal(await c.runOnce(), 17);
      // Nothing new since: min(20, 17) is already compacted.
      assert.equal(await c.runOnce(), undefined);
      await s.create('/c/20', Buffer.from('v'));
      // The previous head is 20 but keepRevisions holds it at 21 - 3 = 18.
      assert.equal(await c.runOnce(), 18);
      assert.equal(await s.count('/c/'), 21);
    } finally {
      c.stop();
      await s.close();
    }
  });

  it('runs on its interval until stopped', async () => {
    const s = new MemoryStore();
    for (let i = 0; i < 5; i++) await s.create(`/t/${i}`, Buffer.from('v'));
    const errors: Error[] = [];
    const c = startCompactor(s, { intervalMs: 10, keepRevisions: 0, onError: (e) => errors.push(e) });
    const deadline = Date.now() + 3000;
    while (s.compactRevision() < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal(s.compactRevision(), 5);
    c.stop();
    for (let i = 5; i < 10; i++) await s.create(`/t/${i}`, Buffer.from('v'));
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(s.compactRevision(), 5, 'a stopped compactor does nothing');
    assert.deepEqual(errors, []);
    await s.close();
  });
});
