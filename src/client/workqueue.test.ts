import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBucket } from './workqueue.js';

describe('retry token bucket', () => {
  it('lets a burst through, then spaces retries at the rate', () => {
    let now = 0;
    const b = new TokenBucket(10, 3, () => now);
    assert.deepEqual([b.reserve(), b.reserve(), b.reserve()], [0, 0, 0]);
    assert.equal(b.reserve(), 100);
    assert.equal(b.reserve(), 200);
    now = 1000;
    // A second refills 10 tokens, capped at the burst, minus the two borrowed.
    assert.equal(b.reserve(), 0);
  });
});
