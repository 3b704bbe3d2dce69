import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { CelEnvironment } from './compiler.js';
import { fromCel, toCel } from './values.js';

const env = new CelEnvironment({ variables: ['object', 'oldObject', 'params', 'variables'] });

function evaluate(expression: string, bindings: Record<string, unknown> = {}, composited?: string[]): unknown {
  const c = env.compile(expression, composited);
  if (c.error !== undefined) throw new Error(c.error);
  const cel: Record<string, ReturnType<typeof toCel>> = {};
  for (const [k, v] of Object.entries(bindings)) cel[k] = toCel(v);
  const r = c.program.eval(cel);
  if ('error' in r) return { error: r.error };
  return fromCel(r.value);
}

const deployment = { metadata: { name: 'web', labels: { app: 'web' } }, spec: { replicas: 3, template: { spec: { containers: [{ name: 'a', image: 'nginx:1' }, { name: 'b', image: 'busybox' }] } } } };

describe('CEL environment', () => {
  it('evaluates JSON objects with integers as int', () => {
    assert.equal(evaluate('object.spec.replicas <= 5', { object: deployment }), true);
    assert.equal(evaluate('object.spec.replicas + 1', { object: deployment }), 4);
    assert.equal(evaluate('object.spec.replicas > 2.5', { object: deployment }), true);
  });

  it('has the macros has/all/exists/exists_one/map/filter', () => {
    const o = { object: deployment };
    assert.equal(evaluate('has(object.spec.replicas) && !has(object.spec.paused)', o), true);
    assert.equal(evaluate("object.spec.template.spec.containers.all(c, c.image.contains(':') || c.name == 'b')", o), true);
    assert.equal(evaluate("object.spec.template.spec.containers.exists(c, c.name == 'b')", o), true);
    assert.equal(evaluate("object.spec.template.spec.containers.exists_one(c, c.name.startsWith('a'))", o), true);
    assert.deepEqual(evaluate('object.spec.template.spec.containers.map(c, c.name)', o), ['a', 'b']);
    assert.deepEqual(evaluate("object.spec.template.spec.containers.filter(c, c.image == 'busybox').map(c, c.name)", o), ['b']);
  });

  it('has string extensions, timestamps and durations', () => {
    assert.equal(evaluate("'Hello'.lowerAscii() + 'x'.upperAscii()"), 'helloX');
    assert.deepEqual(evaluate("'a,b,c'.split(',')"), ['a', 'b', 'c']);
    assert.equal(evaluate("'  x '.trim()"), 'x');
    assert.equal(evaluate("timestamp('2024-01-01T00:00:00Z') + duration('90m') > timestamp('2024-01-01T01:00:00Z')"), true);
    assert.equal(evaluate("duration('1h30m').getMinutes()"), 90);
  });

  it('has the Kubernetes list library', () => {
    assert.equal(evaluate('[1, 2, 3].isSorted() && ![3, 1].isSorted()'), true);
    assert.equal(evaluate('[1, 2, 3].sum()'), 6);
    assert.equal(evaluate('[].sum()'), 0);
    assert.equal(evaluate('[5, 2, 9].min()'), 2);
    assert.equal(evaluate("['b', 'c', 'a'].max()"), 'c');
    assert.equal(evaluate('[1, 2, 1].indexOf(1)'), 0);
    assert.equal(evaluate('[1, 2, 1].lastIndexOf(1)'), 2);
    assert.equal(evaluate('[1, 2].indexOf(7)'), -1);
    assert.deepEqual(evaluate('[].min()'), { error: 'min called on empty list' });
  });

  it('has regex find/findAll, url() and quantity()', () => {
    assert.equal(evaluate("'abc 123 def 456'.find('[0-9]+')"), '123');
    assert.deepEqual(evaluate("'abc 123 def 456'.findAll('[0-9]+')"), ['123', '456']);
    assert.deepEqual(evaluate("'1 2 3'.findAll('[0-9]', 2)"), ['1', '2']);
    assert.equal(evaluate("'abc'.find('x')"), '');
    assert.equal(evaluate("url('https://example.com:8443/a/b?x=1&x=2').getHost()"), 'example.com:8443');
    assert.equal(evaluate("url('https://[::1]:80/').getHostname()"), '::1');
    assert.deepEqual(evaluate("url('https://example.com/?x=1&x=2').getQuery()"), { x: ['1', '2'] });
    assert.equal(evaluate("isURL('/just/a/path') && !isURL('not a url')"), true);
    assert.equal(evaluate("quantity('1Gi').isGreaterThan(quantity('1000Mi'))"), true);
    assert.equal(evaluate("quantity('500m').add(quantity('500m')).asInteger()"), 1);
    assert.equal(evaluate("quantity('1.5').isInteger()"), false);
    assert.equal(evaluate("isQuantity('10Gi') && !isQuantity('ten')"), true);
  });

  it('reports runtime errors as errors, not throws', () => {
    assert.deepEqual(evaluate('1 / 0'), { error: 'int divide by zero' });
    assert.ok((evaluate('object.spec.missing', { object: deployment }) as { error: string }).error);
    assert.ok((evaluate("'x'.findAll('(')") as { error: string }).error.startsWith('error parsing regexp'));
  });

  it('reports syntax errors as cel-go issues with a caret', () => {
    const c = env.compile('object.spec.replicas <= ');
    assert.ok(c.error);
    assert.match(c.error, /^compilation failed: ERROR: <input>:1:\d+: Syntax error: /);
    assert.match(c.error, /\n \| object\.spec\.replicas <= \n \| \.+\^$/);
  });

  it('refuses undeclared identifiers and functions, and unknown composited variables', () => {
    assert.equal(env.compile('foo.bar == 1').error, "compilation failed: ERROR: <input>:1:1: undeclared reference to 'foo' (in container '')\n | foo.bar == 1\n | ^");
    assert.match(env.compile('object.spec.nope()').error ?? '', /undeclared reference to 'nope'/);
    assert.match(env.compile('variables.b > 1', ['a']).error ?? '', /undefined field 'b'/);
    assert.equal(env.compile('variables.a > 1', ['a']).error, undefined);
    // Macro-bound names and namespaced functions are declared.
    assert.equal(env.compile('object.items.all(i, i > 0) && strings.quote("x") == "x" && type(1) == int').error, undefined);
  });

  it('caches programs by expression', () => {
    const a = env.compile('object.metadata.name == "x"');
    const b = env.compile('object.metadata.name == "x"');
    assert.equal(a.program, b.program);
    assert.deepEqual([...(env.compile('variables.a + variables.b', ['a', 'b']).program?.variableReferences ?? [])].sort(), ['a', 'b']);
  });
});

describe('schema check', () => {
  it('finds fields the schema does not declare, through lists, indexes and macros', async () => {
    await import('../scheme/all.js');
    const { ref } = await import('../schema/dsl.js');
    const { undefinedFieldIssues } = await import('./schema-check.js');
    const { formatIssues } = await import('./compiler.js');
    const roots = { object: ref('io.k8s.api.apps.v1.Deployment') };
    const check = (e: string) => undefinedFieldIssues(e, roots).map((i) => i.message);
    assert.deepEqual(check('object.spec.replicas <= 5 && object.metadata.labels.app == "x"'), []);
    assert.deepEqual(check('object.spec.replicass <= 5'), ["undefined field 'replicass'"]);
    assert.deepEqual(check('object.spec.template.spec.containers.all(c, c.nmae != "")'), ["undefined field 'nmae'"]);
    assert.deepEqual(check('object.spec.template.spec.containers[0].imagee == ""'), ["undefined field 'imagee'"]);
    assert.deepEqual(check('has(object.status.nope) || other.whatever'), ["undefined field 'nope'"]);
    assert.equal(formatIssues('object.spec.replicass <= 5', undefinedFieldIssues('object.spec.replicass <= 5', roots)), "ERROR: <input>:1:12: undefined field 'replicass'\n | object.spec.replicass <= 5\n | ...........^");
  });
});

describe('cost limit', () => {
  it('ends an evaluation that reads the input lists past its budget', () => {
    const small = new CelEnvironment({ variables: ['object'], costLimit: 1000 });
    const items = Array.from({ length: 100 }, (_, i) => ({ v: i }));
    const object = toCel({ items });
    const once = small.compile('object.items.all(x, x.v >= 0)').program!;
    assert.deepEqual(once.eval({ object }), { value: true });
    const nested = small.compile('object.items.all(x, object.items.all(y, x.v != y.v || x == y))').program!;
    assert.deepEqual(nested.eval({ object }), { error: 'operation cancelled: actual cost limit exceeded' });
    // The budget is per evaluation: the next one starts afresh.
    assert.deepEqual(once.eval({ object }), { value: true });
  });

  it('bounds the worst case with the default limit', () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({ v: i }));
    const started = performance.now();
    const r = env.compile('object.items.all(x, object.items.all(y, x.v != y.v || x == y))').program!.eval({ object: toCel({ items }) });
    assert.deepEqual(r, { error: 'operation cancelled: actual cost limit exceeded' });
    // 9,000,000 reads unbounded (seconds); stopped at the limit. Generous: the machine is shared.
    assert.ok(performance.now() - started < 5000);
  });
});
