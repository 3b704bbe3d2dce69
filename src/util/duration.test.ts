import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DurationError, parseGoDuration } from './duration.js';

test('parseGoDuration reads Go durations in seconds, with Go’s error messages', () => {
  assert.equal(parseGoDuration('40s'), 40);
  assert.equal(parseGoDuration('1h30m'), 5400);
  assert.equal(parseGoDuration('1.5m'), 90);
  assert.equal(parseGoDuration('250ms'), 0.25);
  assert.equal(parseGoDuration('-2m'), -120);
  assert.equal(parseGoDuration('0'), 0);
  assert.throws(() => parseGoDuration('10'), new DurationError('time: missing unit in duration "10"'));
  assert.throws(() => parseGoDuration(''), new DurationError('time: invalid duration ""'));
  assert.throws(() => parseGoDuration('x'), new DurationError('time: invalid duration "x"'));
});
