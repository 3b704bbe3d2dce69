import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SelectorError, escapeValue, fieldSelectorFromSet, parseFieldSelector, requiresExactMatch, unescapeValue } from './index.js';

const pod: Record<string, string> = { 'metadata.name': 'web-1', 'metadata.namespace': 'default', 'status.phase': 'Running', 'spec.nodeName': '' };
const get = (f: string): string | undefined => pod[f];

test('operators and matching', () => {
  const cases: [string, boolean][] = [
    ['metadata.name=web-1', true],
    ['metadata.name==web-1', true],
    ['metadata.name!=web-1', false],
    ['status.phase!=Pending', true],
    ['status.phase=Running,metadata.namespace=default', true],
    ['status.phase=Running,metadata.namespace=kube-system', false],
    ['spec.nodeName=', true],
    ['spec.nodeName!=', false],
    ['unknown.field=', true],
    ['', true],
  ];
  for (const [text, want] of cases) assert.equal(parseFieldSelector(text).matches(get), want, text);
});

test('requirements come back parsed and sorted', () => {
  const s = parseFieldSelector('status.phase!=Failed,metadata.name==x');
  assert.deepEqual(s.requirements(), [
    { field: 'metadata.name', operator: '=', value: 'x' },
    { field: 'status.phase', operator: '!=', value: 'Failed' },
  ]);
  assert.equal(s.toString(), 'metadata.name=x,status.phase!=Failed');
  assert.equal(s.empty(), false);
  assert.equal(parseFieldSelector('').empty(), true);
  assert.equal(requiresExactMatch(s, 'metadata.name'), 'x');
  assert.equal(requiresExactMatch(s, 'status.phase'), undefined);
});

test('escaped values', () => {
  const s = parseFieldSelector('metadata.name=a\\,b\\=c\\\\d');
  assert.deepEqual(s.requirements(), [{ field: 'metadata.name', operator: '=', value: 'a,b=c\\d' }]);
  assert.equal(s.toString(), 'metadata.name=a\\,b\\=c\\\\d');
  assert.equal(escapeValue('x,y'), 'x\\,y');
  assert.equal(unescapeValue('x\\,y'), 'x,y');
});

test('errors', () => {
  assert.throws(() => parseFieldSelector('metadata.name'), { message: "invalid selector: 'metadata.name'; can't understand 'metadata.name'" });
  assert.throws(() => parseFieldSelector('a=b,c'), { message: "invalid selector: 'a=b,c'; can't understand 'c'" });
  assert.throws(() => parseFieldSelector('a=b=c'), (e: unknown) => e instanceof SelectorError && /unescaped character in value/.test(e.message));
  assert.throws(() => parseFieldSelector('a=b\\x'), { message: 'invalid field selector: invalid escape sequence: \\x' });
  assert.throws(() => parseFieldSelector('a=b\\'), { message: 'invalid field selector: invalid escape sequence: \\' });
});

test('fieldSelectorFromSet', () => {
  const s = fieldSelectorFromSet({ 'spec.nodeName': 'n1', 'metadata.name': 'p' });
  assert.equal(s.toString(), 'metadata.name=p,spec.nodeName=n1');
  assert.equal(s.matches((f) => ({ 'spec.nodeName': 'n1', 'metadata.name': 'p' })[f]), true);
});
