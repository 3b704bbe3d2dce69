import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Quantity, add, cmp, errFormatWrong, errSuffix, isQuantity, parseQuantity, sub } from './index.js';

const canonical: [string, string][] = [
  ['0', '0'],
  ['00', '0'],
  ['1', '1'],
  ['100', '100'],
  ['1000', '1k'],
  ['1500', '1500'],
  ['1000000', '1M'],
  ['1500000', '1500k'],
  ['1000m', '1'],
  ['2000m', '2'],
  ['-1000m', '-1'],
  ['0.5', '500m'],
  ['.5', '500m'],
  ['1.5', '1500m'],
  ['1.0', '1'],
  ['0.1', '100m'],
  ['0.001', '1m'],
  ['0.0001', '100u'],
  ['100m', '100m'],
  ['1n', '1n'],
  ['0.1n', '1n'],
  ['1.5n', '2n'],
  ['-1.5n', '-2n'],
  ['1k', '1k'],
  ['1.5k', '1500'],
  ['1M', '1M'],
  ['1G', '1G'],
  ['1T', '1T'],
  ['1P', '1P'],
  ['1E', '1E'],
  ['1000E', '1000E'],
  ['12345678901234567890000', '12345678901234567890k'],
  ['123456789012345678901234', '123456789012345678901234'],
  ['1Ki', '1Ki'],
  ['1024', '1024'],
  ['1024Ki', '1Mi'],
  ['1024Mi', '1Gi'],
  ['1536Mi', '1536Mi'],
  ['1025Mi', '1025Mi'],
  ['1.5Gi', '1536Mi'],
  ['0.5Gi', '512Mi'],
  ['0.5Ki', '512'],
  ['2Ki', '2Ki'],
  ['8Gi', '8Gi'],
  ['1Ti', '1Ti'],
  ['1Pi', '1Pi'],
  ['1Ei', '1Ei'],
  ['8Ei', '9223372036854775807'],
  ['2e3', '2e3'],
  ['10e3', '10e3'],
  ['1000e3', '1e6'],
  ['1.5e3', '1500'],
  ['12e-1', '1200e-3'],
  ['1e-9', '1e-9'],
  ['1e-12', '1e-9'],
  ['-5Gi', '-5Gi'],
];

test('parse and canonical string', () => {
  for (const [input, want] of canonical) {
    assert.equal(parseQuantity(input).toString(), want, `parseQuantity(${input})`);
  }
});

test('text already in canonical shape is kept as written, as upstream does', () => {
  assert.equal(parseQuantity('1E6').toString(), '1E6');
  assert.equal(parseQuantity('1E6').canonical(), '1e6');
  assert.equal(parseQuantity('1Gi').toString(), '1Gi');
  assert.equal(parseQuantity('1e+3').toString(), '1e+3');
  assert.equal(parseQuantity('1e+3').canonical(), '1e3');
  assert.equal(JSON.stringify({ cpu: parseQuantity('1000m') }), '{"cpu":"1"}');
});

test('formats are kept', () => {
  assert.equal(parseQuantity('1Gi').format, 'BinarySI');
  assert.equal(parseQuantity('1G').format, 'DecimalSI');
  assert.equal(parseQuantity('1e9').format, 'DecimalExponent');
  assert.equal(parseQuantity('0.5Ki').format, 'BinarySI');
  assert.equal(parseQuantity('0.0001Ki').format, 'DecimalSI');
});

test('invalid quantities', () => {
  for (const bad of ['', 'abc', '1.2.3', ' 1', '1 ', '1Gb', '1--']) {
    assert.throws(() => parseQuantity(bad), { message: errFormatWrong }, bad);
  }
  for (const bad of ['1K', '1e', '1i', '1Ki2', '1Mi3']) {
    assert.throws(() => parseQuantity(bad), { message: errSuffix }, bad);
  }
  assert.equal(
    errFormatWrong,
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  );
  assert.equal(isQuantity('500m'), true);
  assert.equal(isQuantity('5 00m'), false);
});

test('value and milliValue round away from zero', () => {
  assert.equal(parseQuantity('1.5').value(), 2);
  assert.equal(parseQuantity('100m').value(), 1);
  assert.equal(parseQuantity('-1.5').value(), -2);
  assert.equal(parseQuantity('2').value(), 2);
  assert.equal(parseQuantity('1Gi').value(), 1073741824);
  assert.equal(parseQuantity('1.5').milliValue(), 1500);
  assert.equal(parseQuantity('250m').milliValue(), 250);
  assert.equal(parseQuantity('100u').milliValue(), 1);
  assert.equal(parseQuantity('1e3').value(), 1000);
});

test('comparison is exact across formats', () => {
  assert.equal(cmp(parseQuantity('1'), parseQuantity('1000m')), 0);
  assert.equal(cmp(parseQuantity('1Ki'), parseQuantity('1024')), 0);
  assert.equal(cmp(parseQuantity('1Gi'), parseQuantity('1G')), 1);
  assert.equal(cmp(parseQuantity('500m'), parseQuantity('1')), -1);
  assert.equal(cmp(parseQuantity('-1'), parseQuantity('1n')), -1);
  assert.equal(cmp(parseQuantity('-2'), parseQuantity('-1')), -1);
  assert.equal(cmp(parseQuantity('1e100'), parseQuantity('9e99')), 1);
  assert.equal(cmp(parseQuantity('1e1000000'), parseQuantity('1')), 1);
  assert.equal(cmp(parseQuantity('0'), parseQuantity('0m')), 0);
  assert.ok(parseQuantity('0.1').equals(parseQuantity('100m')));
});

test('add and sub', () => {
  assert.equal(add(parseQuantity('1'), parseQuantity('500m')).toString(), '1500m');
  assert.equal(add(parseQuantity('1Gi'), parseQuantity('1Gi')).toString(), '2Gi');
  assert.equal(add(parseQuantity('0'), parseQuantity('1Gi')).toString(), '1Gi');
  assert.equal(sub(parseQuantity('1Gi'), parseQuantity('512Mi')).toString(), '512Mi');
  assert.equal(sub(parseQuantity('100m'), parseQuantity('1')).toString(), '-900m');
  assert.equal(add(parseQuantity('1.5'), parseQuantity('1.5')).toString(), '3');
  assert.equal(parseQuantity('250m').neg().toString(), '-250m');
  // Adding many small amounts stays exact: no floating point drift.
  let sum = Quantity.zero();
  for (let i = 0; i < 10; i++) sum = sum.add(parseQuantity('0.1'));
  assert.equal(sum.toString(), '1');
});

test('constructors', () => {
  assert.equal(Quantity.fromInt(2048, 'BinarySI').toString(), '2Ki');
  assert.equal(Quantity.fromMilli(1500).toString(), '1500m');
  assert.equal(Quantity.fromScaled(5, 6).toString(), '5M');
  assert.equal(Quantity.fromInt(0).toString(), '0');
});

test('numbers from YAML/JSON are accepted', () => {
  assert.equal(parseQuantity(2).toString(), '2');
  assert.equal(parseQuantity(0.5).toString(), '500m');
  assert.equal(parseQuantity(1e21).toString(), '1e+21');
  assert.throws(() => parseQuantity(Number.NaN), { message: errFormatWrong });
});
