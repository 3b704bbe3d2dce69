import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../api/core/v1/pod/types.js';
import { TerminationOrdering } from './termination-order.js';

const pod: Pod = {
  metadata: { name: 'p', namespace: 'ns', uid: 'u' },
  spec: {
    initContainers: [{ name: 'setup' }, { name: 'proxy', restartPolicy: 'Always' }, { name: 'logger', restartPolicy: 'Always' }],
    containers: [{ name: 'app' }, { name: 'worker' }],
  },
} as Pod;

/** Each container takes its turn, then "stops" after `stopMs[name]`; the order they stopped in. */
async function stopAll(ordering: TerminationOrdering, names: string[], stopMs: Record<string, number>, grace = 30): Promise<string[]> {
  const order: string[] = [];
  await Promise.all(
    names.map(async (n) => {
      await ordering.waitForTurn(n, grace);
      await new Promise((r) => setTimeout(r, stopMs[n] ?? 0));
      order.push(n);
      ordering.terminated(n);
    }),
  );
  return order;
}

describe('termination ordering', () => {
  it('stops regular containers first, then sidecars last-declared first', async () => {
    const names = ['proxy', 'logger', 'app', 'worker'];
    const order = await stopAll(new TerminationOrdering(pod, names), names, { app: 30, worker: 10, proxy: 0, logger: 0 });
    assert.deepEqual(order, ['worker', 'app', 'logger', 'proxy']);
  });

  it('does not wait for containers that are not running', async () => {
    const ordering = new TerminationOrdering(pod, ['proxy', 'app']);
    assert.deepEqual(await stopAll(ordering, ['proxy', 'app'], { app: 20 }), ['app', 'proxy']);
    const sidecarsOnly = new TerminationOrdering(pod, ['proxy', 'logger']);
    assert.deepEqual(await stopAll(sidecarsOnly, ['proxy', 'logger'], { logger: 20 }), ['logger', 'proxy']);
  });

  it('waits no longer than the grace period, and says how long it waited', async () => {
    let now = 0;
    const ordering = new TerminationOrdering(pod, ['proxy', 'app'], () => now);
    const turn = ordering.waitForTurn('proxy', 0.05);
    assert.equal(await ordering.waitForTurn('app', 0.05), 0, 'regular containers never wait');
    now += 1_500;
    assert.equal(await turn, 1, 'app never stopped: the sidecar goes when its grace is spent');
  });
});
