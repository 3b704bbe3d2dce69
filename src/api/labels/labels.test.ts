import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SelectorError, labelSelectorToString, parseSelector, selectorFromLabelSelector, selectorFromSet } from './index.js';

const labels = { app: 'web', tier: 'frontend', version: '3' };

test('every operator parses and matches', () => {
  const cases: [string, boolean][] = [
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (web,db)', true],
    ['app in (db)', false],
    ['app notin (db, cache)', true],
    ['app notin (web)', false],
    ['missing notin (x)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['version>2', true],
    ['version<3', false],
    ['version gt 2'.replace(' gt ', '>'), true],
    ['app=web,tier=frontend', true],
    ['app=web,tier=backend', false],
    ['  app = web ,  tier in ( frontend )  ', true],
    ['', true],
  ];
  for (const [text, want] of cases) {
    assert.equal(parseSelector(text).matches(labels), want, text);
  }
});

test('empty selector selects everything, including unlabelled objects', () => {
  const s = parseSelector('');
  assert.equal(s.empty(), true);
  assert.equal(s.matches(undefined), true);
  assert.equal(s.toString(), '');
  assert.equal(parseSelector('a').matches(undefined), false);
  assert.equal(parseSelector('!a').matches(undefined), true);
});

test('canonical string sorts requirements by key and values', () => {
  assert.equal(parseSelector('z=1,a in (y,x),!m,b').toString(), 'a in (x,y),b,!m,z=1');
  assert.equal(parseSelector('x notin (c,a,b)').toString(), 'x notin (a,b,c)');
  assert.equal(parseSelector('x==y,w!=v').toString(), 'w!=v,x==y');
  assert.equal(parseSelector('x>5').toString(), 'x>5');
  assert.equal(parseSelector('a=').toString(), 'a=');
  assert.equal(parseSelector('in in (in, notin)').toString(), 'in in (in,notin)');
});

test('empty values', () => {
  assert.equal(parseSelector('a=').matches({ a: '' }), true);
  assert.equal(parseSelector('a in (,b)').matches({ a: '' }), true);
  assert.equal(parseSelector('a in ()').matches({ a: '' }), true);
});

test('exactMatches lists the equality terms', () => {
  const m = parseSelector('app=web,tier==fe,x!=y,z in (one),w in (a,b),e').exactMatches();
  assert.deepEqual([...m.entries()].sort(), [
    ['app', 'web'],
    ['tier', 'fe'],
    ['z', 'one'],
  ]);
});

test('parse errors carry upstream messages', () => {
  const errs: [string, string][] = [
    ['a in x', "unable to parse requirement: found 'x' expected: '('"],
    ['a in (x', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (x y)', "unable to parse requirement: found 'y', expected: ',' or ')'"],
    ['a x', "unable to parse requirement: found 'x', expected: in, notin, =, ==, !=, gt, lt"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['a=b,', "found '', expected: identifier after ','"],
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['a=(', "unable to parse requirement: found '(', expected: identifier"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a>b', "unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt' operators, the value must be an integer"],
  ];
  for (const [text, msg] of errs) {
    assert.throws(() => parseSelector(text), (e: unknown) => e instanceof SelectorError && e.message === msg, `${text} -> ${msg}`);
  }
});

test('keys and values are validated', () => {
  assert.throws(
    () => parseSelector('-a=b'),
    (e: Error) => e.message.startsWith('unable to parse requirement: <nil>: Invalid value: "-a": name part must consist of alphanumeric characters'),
  );
  assert.throws(
    () => parseSelector('a=-b'),
    (e: Error) => e.message.startsWith('unable to parse requirement: values[0][a]: Invalid value: "-b": a valid label must be an empty string'),
  );
  assert.throws(() => parseSelector(`a=${'x'.repeat(64)}`), /must be no more than 63 characters/);
  assert.doesNotThrow(() => parseSelector('example.com/my-key=My_Value.1'));
});

test('LabelSelector: nil matches nothing, empty matches everything', () => {
  const none = selectorFromLabelSelector(undefined);
  assert.equal(none.matches(labels), false);
  assert.equal(none.empty(), false);
  const all = selectorFromLabelSelector({});
  assert.equal(all.matches(labels), true);
  assert.equal(all.empty(), true);
});

test('LabelSelector: matchLabels and matchExpressions', () => {
  const ls = {
    matchLabels: { tier: 'frontend', app: 'web' },
    matchExpressions: [
      { key: 'version', operator: 'In' as const, values: ['3', '2'] },
      { key: 'legacy', operator: 'DoesNotExist' as const },
      { key: 'app', operator: 'Exists' as const },
      { key: 'env', operator: 'NotIn' as const, values: ['prod'] },
    ],
  };
  const s = selectorFromLabelSelector(ls);
  assert.equal(s.matches(labels), true);
  assert.equal(s.matches({ ...labels, legacy: 'y' }), false);
  assert.equal(s.matches({ ...labels, env: 'prod' }), false);
  assert.equal(labelSelectorToString(ls), 'app=web,app,env notin (prod),!legacy,tier=frontend,version in (2,3)');
  assert.equal(labelSelectorToString({ matchLabels: { app: 'nginx' } }), 'app=nginx');
});

test('LabelSelector: invalid operators and values', () => {
  assert.throws(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bogus' as never }] }), {
    message: '"Bogus" is not a valid label selector operator',
  });
  assert.throws(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), /values set can't be empty/);
  assert.throws(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }), /values set must be empty/);
  assert.throws(() => selectorFromLabelSelector({ matchLabels: { 'bad key': 'v' } }), SelectorError);
});

test('selectorFromSet', () => {
  const s = selectorFromSet({ b: '2', a: '1' });
  assert.equal(s.toString(), 'a=1,b=2');
  assert.equal(s.matches({ a: '1', b: '2', c: '3' }), true);
  assert.equal(s.matches({ a: '1' }), false);
});
