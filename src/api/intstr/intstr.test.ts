import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldPath } from '../validation/field.js';
import { intValue, percentValue, scaledValueFromIntOrPercent, validateIntOrPercent, validateNotMoreThan100Percent } from './index.js';

test('ints pass through, percentages scale with rounding', () => {
  assert.equal(scaledValueFromIntOrPercent(3, 10, true), 3);
  assert.equal(scaledValueFromIntOrPercent('25%', 10, true), 3);
  assert.equal(scaledValueFromIntOrPercent('25%', 10, false), 2);
  assert.equal(scaledValueFromIntOrPercent('100%', 7, false), 7);
  assert.equal(scaledValueFromIntOrPercent('0%', 7, true), 0);
  assert.equal(scaledValueFromIntOrPercent('10%', 10, true), 1);
  assert.equal(scaledValueFromIntOrPercent('33%', 3, false), 0);
  assert.equal(scaledValueFromIntOrPercent('33%', 3, true), 1);
});

test('invalid strings are rejected with upstream messages', () => {
  assert.throws(() => scaledValueFromIntOrPercent('25', 10, true), { message: 'invalid value for IntOrString: invalid type: string is not a percentage' });
  assert.throws(() => scaledValueFromIntOrPercent('abc%', 10, true), {
    message: 'invalid value for IntOrString: invalid value "abc%": strconv.Atoi: parsing "abc": invalid syntax',
  });
  assert.throws(() => scaledValueFromIntOrPercent(undefined, 10, true), { message: 'nil value for IntOrString' });
});

test('validation', () => {
  const p = FieldPath.root('spec').child('strategy', 'rollingUpdate', 'maxSurge');
  assert.deepEqual(validateIntOrPercent(1, p), []);
  assert.deepEqual(validateIntOrPercent('50%', p), []);
  const neg = validateIntOrPercent(-1, p);
  assert.equal(neg.length, 1);
  assert.equal(neg[0]!.detail, 'must be greater than or equal to 0');
  assert.equal(neg[0]!.field, 'spec.strategy.rollingUpdate.maxSurge');
  const bad = validateIntOrPercent('five', p);
  assert.equal(bad[0]!.detail, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
  assert.equal(validateNotMoreThan100Percent('150%', p)[0]!.detail, 'must not be greater than 100%');
  assert.deepEqual(validateNotMoreThan100Percent('100%', p), []);
  assert.deepEqual(validateNotMoreThan100Percent(500, p), []);
});

test('helpers', () => {
  assert.equal(intValue(8080), 8080);
  assert.equal(intValue('8080'), 8080);
  assert.equal(intValue('http'), 0);
  assert.equal(percentValue('30%'), 30);
  assert.equal(percentValue('30'), undefined);
  assert.equal(percentValue(30), undefined);
});
