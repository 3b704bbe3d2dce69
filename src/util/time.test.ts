import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rfc3339, rfc3339Micro } from './time.js';

test('metav1.Time drops the fraction; MicroTime writes six digits', () => {
  const t = Date.UTC(2024, 2, 3, 4, 5, 6, 789);
  assert.equal(rfc3339(t), '2024-03-03T04:05:06Z');
  assert.equal(rfc3339(Date.UTC(2024, 2, 3, 4, 5, 6)), '2024-03-03T04:05:06Z');
  assert.equal(rfc3339Micro(t), '2024-03-03T04:05:06.789000Z');
  assert.match(rfc3339(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});
