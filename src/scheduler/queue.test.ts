// The scheduling queue: priority order, backoff, parking and cluster-event moves, on a fake clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchedulingQueue } from './queue.js';
import { makePod } from './testing/objects.js';
import type { Pod } from '../api/core/v1/pod/types.js';

function queue(clock: { now: number }) {
  return new SchedulingQueue((p: Pod) => p.spec?.priority ?? 0, { clock: () => clock.now, backoffFlushMs: 1e9, unschedulableFlushMs: 1e9 });
}
const withPriority = (name: string, priority: number) => ({ ...makePod(name), spec: { ...makePod(name).spec!, priority } });

test('activeQ pops by priority, then by arrival', async () => {
  const clock = { now: 0 };
  const q = queue(clock);
  q.add(withPriority('low', 1), 'default/low');
  clock.now = 1;
  q.add(withPriority('high', 10), 'default/high');
  clock.now = 2;
  q.add(withPriority('low2', 1), 'default/low2');
  assert.deepEqual([(await q.pop())!.key, (await q.pop())!.key, (await q.pop())!.key], ['default/high', 'default/low', 'default/low2']);
  q.close();
});

test('unschedulable pods park until an event, then wait out a doubling backoff', async () => {
  const clock = { now: 0 };
  const q = queue(clock);
  q.add(makePod('p'), 'default/p');
  let item = (await q.pop())!;
  q.requeueFailed(item, new Set(['NodeResourcesFit']));
  assert.equal(q.stats().unschedulable, 1);
  // An event for other plugins does not move it.
  q.moveAllToActiveOrBackoff(['InterPodAffinity']);
  assert.equal(q.stats().unschedulable, 1);
  q.moveAllToActiveOrBackoff();
  assert.equal(q.stats().backoff, 1, 'first failure backs off 1 s');
  clock.now = 999;
  q.flushBackoff();
  assert.equal(q.stats().active, 0);
  clock.now = 1000;
  q.flushBackoff();
  assert.equal(q.stats().active, 1);
  item = (await q.pop())!;
  assert.equal(item.attempts, 2);
  q.requeueFailed(item, undefined);
  clock.now = 2999;
  q.flushBackoff();
  assert.equal(q.stats().backoff, 1, 'second failure backs off 2 s');
  clock.now = 3000;
  q.flushBackoff();
  assert.equal(q.stats().active, 1);
  q.close();
});

test('an event during the attempt sends the pod to backoff instead of parking it; parked pods return after the maximum stay', async () => {
  const clock = { now: 0 };
  const q = queue(clock);
  q.add(makePod('p'), 'default/p');
  const item = (await q.pop())!;
  q.moveAllToActiveOrBackoff();
  q.requeueFailed(item, new Set(['NodeAffinity']));
  assert.equal(q.stats().unschedulable, 0);
  assert.equal(q.stats().backoff, 1);
  clock.now = 5000;
  q.flushBackoff();
  const again = (await q.pop())!;
  q.requeueFailed(again, new Set(['NodeAffinity']));
  assert.equal(q.stats().unschedulable, 1);
  clock.now += 5 * 60_000;
  q.flushUnschedulable();
  assert.equal(q.stats().active + q.stats().backoff, 1);
  q.close();
});
