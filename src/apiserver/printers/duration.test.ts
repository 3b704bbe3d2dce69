import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, timestampSince } from './duration.js';
import { rfc3339 } from './default.js';

const s = 1000, m = 60 * s, h = 60 * m, d = 24 * h;

test('humanDuration follows upstream thresholds', () => {
  const cases: [number, string][] = [
    [-2 * s, '<invalid>'],
    [-1 * s, '0s'],
    [-500, '0s'],
    [0, '0s'],
    [5 * s, '5s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [2 * m + 30 * s, '2m30s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [3 * h + 5 * m, '3h5m'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h + 30 * m, '8h'],
    [47 * h, '47h'],
    [48 * h, '2d'],
    [4 * d + 5 * h, '4d5h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d + 5 * h, '8d'],
    [729 * d, '729d'],
    [730 * d, '2y'],
    [730 * d + 45 * d, '2y45d'],
    [8 * 365 * d, '8y'],
    [8 * 365 * d + 100 * d, '8y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `humanDuration(${ms})`);
});

test('timestampSince: missing is <unknown>, future is <invalid>', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  assert.equal(timestampSince(undefined, now), '<unknown>');
  assert.equal(timestampSince(null, now), '<unknown>');
  assert.equal(timestampSince('not a time', now), '<unknown>');
  assert.equal(timestampSince('2024-05-01T11:55:00Z', now), '5m');
  assert.equal(timestampSince('2024-05-01T12:00:10Z', now), '<invalid>');
});

test('rfc3339 renders second precision UTC and the zero time', () => {
  assert.equal(rfc3339('2024-05-01T12:00:00.123+02:00'), '2024-05-01T10:00:00Z');
  assert.equal(rfc3339(undefined), '0001-01-01T00:00:00Z');
});
