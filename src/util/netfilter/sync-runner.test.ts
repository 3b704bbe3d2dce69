import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { SyncedGenerations, SyncRunner } from './sync-runner.js';

describe('sync runner', () => {
  it('folds a burst of requests into one sync, soon', async () => {
    const runs: number[] = [];
    const start = Date.now();
    const r = new SyncRunner(async () => void runs.push(Date.now() - start), { minIntervalMs: 1000, burst: 2, coalesceMs: 5, periodMs: 0, retryMs: 50 });
    for (let i = 0; i < 50; i++) r.request();
    await sleep(100);
    r.stop();
    assert.equal(runs.length, 1);
    assert.ok(runs[0]! < 80, `ran after ${runs[0]} ms`);
  });

  it('allows the burst back to back, then one per minimum interval; a request during a sync gets one more', async () => {
    const runs: number[] = [];
    const start = Date.now();
    let r!: SyncRunner;
    r = new SyncRunner(async () => {
      runs.push(Date.now() - start);
      await sleep(20);
    }, { minIntervalMs: 300, burst: 2, coalesceMs: 1, periodMs: 0, retryMs: 50 });
    r.request();
    await sleep(5);
    r.request(); // during the first sync
    await sleep(60);
    r.request(); // the bucket is empty now: waits for a token
    await sleep(500);
    r.stop();
    assert.equal(runs.length, 3, runs.join(','));
    assert.ok(runs[1]! < 60, `second sync at ${runs[1]} ms`);
    assert.ok(runs[2]! >= 250, `third sync at ${runs[2]} ms, before the interval allowed it`);
  });

  it('retries a failed sync', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const r = new SyncRunner(async () => {
      calls++;
      if (calls === 1) throw new Error('nft failed');
    }, { minIntervalMs: 10, burst: 2, coalesceMs: 1, periodMs: 0, retryMs: 30 }, (e) => errors.push(e));
    r.request();
    await sleep(120);
    r.stop();
    assert.equal(calls, 2);
    assert.equal(errors.length, 1);
  });
});

describe('synced generations', () => {
  it('resolves flushed() once a sync that started after the change is done, not before', async () => {
    const g = new SyncedGenerations();
    g.bump();
    const early = g.current();
    g.bump(); // a change while that sync runs
    let flushed = false;
    const waiting = g.flushed().then(() => (flushed = true));
    g.done(early);
    await sleep(5);
    assert.equal(flushed, false, 'the sync that started before the second change does not cover it');
    g.done(g.current());
    await waiting;
    assert.equal(flushed, true);
  });
});
