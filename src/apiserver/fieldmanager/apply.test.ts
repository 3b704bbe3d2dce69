import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../api/meta/types.js';
import { arr, define, int32, keyedList, obj, ref, setList, str, strMap } from '../../api/schema/dsl.js';
import { objectMeta } from '../../api/schema/meta.js';
import { applyConfig, ApplyConflictError, ApplyTypeError, conflictCauses, type ApplyInput } from './apply.js';
import { recordUpdate } from './field-manager.js';
import { mergeLists } from './merge.js';
import { decodeFieldsV1, encodeFieldsV1 } from './path-set.js';

define(
  'test.ssa.Thing',
  obj({
    apiVersion: str(),
    kind: str(),
    metadata: objectMeta(),
    spec: obj({
      replicas: int32(),
      selector: obj({ app: str() }, { mapType: 'atomic' }),
      args: arr(str()),
      finalizers: setList(str()),
      env: keyedList(obj({ name: str(), value: str() }), 'name'),
      ports: keyedList(obj({ containerPort: int32(), protocol: str(), name: str() }), 'containerPort', undefined, { listMapKeys: ['containerPort', 'protocol'] }),
      extra: strMap(),
    }),
    status: obj({ ready: int32() }),
  }),
);
const schema = ref('test.ssa.Thing');

const base = (spec: Record<string, unknown>, meta: Record<string, unknown> = {}) => ({ apiVersion: 'apps/v1', kind: 'Thing', metadata: { name: 'x', namespace: 'ns', ...meta }, spec });

function apply(live: KubeObject | undefined, config: Record<string, unknown>, manager = 'kubectl', extra: Partial<ApplyInput> = {}): KubeObject {
  return applyConfig({ live, config, schema, manager, apiVersion: 'apps/v1', force: false, time: '2025-01-01T00:00:00Z', resetPrefixes: [['f:status']], ...extra });
}

const entry = (o: KubeObject, manager: string) => o.metadata.managedFields?.find((m) => m.manager === manager);

/** What the store would hold after an Update by `manager` that produced `next`. */
function update(old: KubeObject, next: KubeObject, manager: string): KubeObject {
  const out = structuredClone(next);
  out.metadata.managedFields = old.metadata.managedFields;
  recordUpdate(out, old, schema, { manager, apiVersion: 'apps/v1', time: '2025-01-02T00:00:00Z' });
  return out;
}

describe('server-side apply', () => {
  it('creates from the configuration and owns exactly the applied fields', () => {
    const o = apply(undefined, base({ replicas: 2, env: [{ name: 'A', value: '1' }], extra: { k: 'v' } }, { labels: { app: 'a' } }));
    assert.equal((o['spec'] as { replicas: number }).replicas, 2);
    const e = entry(o, 'kubectl')!;
    assert.equal(e.operation, 'Apply');
    assert.equal(e.apiVersion, 'apps/v1');
    assert.equal(e.fieldsType, 'FieldsV1');
    assert.equal(e.time, '2025-01-01T00:00:00Z');
    assert.deepEqual(e.fieldsV1, {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:env': { 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
        'f:extra': { 'f:k': {} },
        'f:replicas': {},
      },
    });
  });

  it('changes only what the configuration changes and keeps fields set by others', () => {
    let o = apply(undefined, base({ replicas: 2, args: ['a'], env: [{ name: 'A', value: '1' }] }));
    o = update(o, { ...o, spec: { ...(o['spec'] as object), extra: { byOther: 'yes' } } } as KubeObject, 'editor');
    o = apply(o, base({ replicas: 2, args: ['b'], env: [{ name: 'A', value: '1' }] }));
    assert.deepEqual(o['spec'], { replicas: 2, args: ['b'], env: [{ name: 'A', value: '1' }], extra: { byOther: 'yes' } });
    assert.deepEqual(entry(o, 'editor')!.fieldsV1, { 'f:spec': { 'f:extra': { '.': {}, 'f:byOther': {} } } });
  });

  it('removes what the applier no longer applies, unless another manager owns it', () => {
    let o = apply(undefined, base({ env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], extra: { k: 'v', j: 'w' } }));
    o = apply(o, base({ env: [{ name: 'A', value: '1' }], extra: { k: 'v' } }));
    assert.deepEqual(o['spec'], { env: [{ name: 'A', value: '1' }], extra: { k: 'v' } });
    // Another applier sharing env A keeps it when the first stops applying it.
    o = apply(o, base({ env: [{ name: 'A', value: '1' }] }), 'other');
    o = apply(o, base({ extra: { k: 'v' } }));
    assert.deepEqual(o['spec'], { env: [{ name: 'A', value: '1' }], extra: { k: 'v' } });
    // Once nobody applies it any more, the emptied list goes too.
    o = apply(o, base({}), 'other');
    assert.deepEqual(o['spec'], { extra: { k: 'v' } });
  });

  it('keeps fields it never applied, such as server defaults', () => {
    let o = apply(undefined, base({ replicas: 1 }));
    (o['spec'] as Record<string, unknown>)['args'] = ['defaulted'];
    o = apply(o, base({ replicas: 3 }));
    assert.deepEqual(o['spec'], { replicas: 3, args: ['defaulted'] });
  });

  it('reports a conflict with another manager that owns a changed field, in upstream words', () => {
    let o = apply(undefined, base({ replicas: 1 }), 'kubectl-client-side-apply');
    // Make the owner an Update manager, as client-side apply is.
    o.metadata.managedFields = o.metadata.managedFields!.map((e) => ({ ...e, operation: 'Update' as const }));
    assert.throws(
      () => apply(o, base({ replicas: 5 })),
      (err: unknown) => {
        assert.ok(err instanceof ApplyConflictError);
        assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
        assert.deepEqual(conflictCauses(err.conflicts), [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }]);
        return true;
      },
    );
  });

  it('groups several conflicts by manager', () => {
    let o = apply(undefined, base({ replicas: 1, env: [{ name: 'A', value: '1' }] }), 'first');
    assert.throws(
      () => apply(o, base({ replicas: 2, env: [{ name: 'A', value: '2' }] }), 'second'),
      (err: unknown) => err instanceof ApplyConflictError && err.message === 'Apply failed with 2 conflicts: conflicts with "first":\n- .spec.env[name="A"].value\n- .spec.replicas',
    );
    o = apply(o, base({ replicas: 1 }), 'second');
    assert.ok(entry(o, 'first') && entry(o, 'second'), 'the same value is shared ownership, not a conflict');
  });

  it('with force takes the field over; the previous owner loses it', () => {
    let o = apply(undefined, base({ replicas: 1, args: ['a'] }), 'first');
    o = apply(o, base({ replicas: 4 }), 'second', { force: true });
    assert.equal((o['spec'] as { replicas: number }).replicas, 4);
    assert.deepEqual(entry(o, 'first')!.fieldsV1, { 'f:spec': { 'f:args': {} } });
    assert.deepEqual(entry(o, 'second')!.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
    // The loser no longer owns replicas, so its next apply without it does not remove it.
    o = apply(o, base({ args: ['a'] }), 'first');
    assert.equal((o['spec'] as { replicas: number }).replicas, 4);
  });

  it('an update of an applied field takes it from the applier', () => {
    let o = apply(undefined, base({ replicas: 1, args: ['a'] }));
    o = update(o, { ...o, spec: { ...(o['spec'] as object), replicas: 7 } } as KubeObject, 'kubectl-scale');
    assert.deepEqual(entry(o, 'kubectl')!.fieldsV1, { 'f:spec': { 'f:args': {} } });
    assert.deepEqual(entry(o, 'kubectl-scale')!.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
    assert.deepEqual(o.metadata.managedFields!.map((e) => e.operation), ['Apply', 'Update'], 'Apply entries sort first');
    // Re-applying the old value now conflicts with the updater.
    assert.throws(() => apply(o, base({ replicas: 1, args: ['a'] })), /conflict with "kubectl-scale" using apps\/v1: \.spec\.replicas/);
  });

  it('merges sets by value, keyed lists by key and replaces atomic values', () => {
    let o = apply(undefined, base({ finalizers: ['a'], args: ['x', 'y'], selector: { app: 'one' } }), 'first');
    o = apply(o, base({ finalizers: ['b'], args: ['z'], selector: { app: 'two' } }), 'second', { force: true });
    const spec = o['spec'] as Record<string, unknown>;
    assert.deepEqual(spec['finalizers'], ['a', 'b']);
    assert.deepEqual(spec['args'], ['z']);
    assert.deepEqual(spec['selector'], { app: 'two' });
  });

  it('keys list items with defaulted key fields, as upstream does for protocol', () => {
    let o = apply(undefined, base({ ports: [{ containerPort: 80 }] }));
    (o['spec'] as { ports: { protocol?: string }[] }).ports[0]!.protocol = 'TCP'; // server default
    assert.deepEqual(entry(o, 'kubectl')!.fieldsV1, { 'f:spec': { 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } } });
    o = apply(o, base({ ports: [{ containerPort: 80, name: 'http' }] }));
    assert.deepEqual((o['spec'] as { ports: unknown[] }).ports, [{ containerPort: 80, protocol: 'TCP', name: 'http' }]);
  });

  it('rejects fields the schema does not declare, with smd paths', () => {
    assert.throws(
      () => apply(undefined, base({ replicas: 1, bogus: true, env: [{ name: 'A', valu: 'x' }] })),
      (err: unknown) => err instanceof ApplyTypeError && err.problems.includes('.spec.bogus: field not declared in schema') && err.problems.includes('.spec.env[name="A"].valu: field not declared in schema'),
    );
    assert.throws(() => apply(undefined, base({ env: [{ value: 'x' }] })), /\.spec\.env: element 0: associative list with keys has an element that omits key field "name"/);
  });

  it('neither owns nor compares status on a resource with a status subresource', () => {
    const o = apply(undefined, { ...base({ replicas: 1 }), status: { ready: 1 } });
    assert.deepEqual(entry(o, 'kubectl')!.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
  });

  it('keeps a client-side apply annotation in step when kubectl applies', () => {
    let o = apply(undefined, base({ replicas: 1 }, { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } }), 'kubectl-client-side-apply');
    o = apply(o, base({ replicas: 2 }), 'kubectl', { force: true });
    const last = JSON.parse(o.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration']!);
    assert.deepEqual(last.spec, { replicas: 2 });
  });

  it('records no change of time when re-applying the same configuration', () => {
    const o = apply(undefined, base({ replicas: 1 }));
    const again = apply(o, base({ replicas: 1 }), 'kubectl', { time: '2030-01-01T00:00:00Z' });
    assert.equal(entry(again, 'kubectl')!.time, '2025-01-01T00:00:00Z');
    assert.deepEqual(again.metadata.managedFields, o.metadata.managedFields);
  });
});

describe('managedFields written by clients', () => {
  it('an update carrying well-formed managedFields keeps them as the starting ownership', () => {
    const o = apply(undefined, base({ replicas: 1 }), 'kubectl-client-side-apply');
    o.metadata.managedFields = o.metadata.managedFields!.map((e) => ({ ...e, operation: 'Update' as const }));
    // kubectl's migration: the same object, its ownership rewritten to a kubectl Apply entry.
    const migrated = structuredClone(o);
    migrated.metadata.managedFields = [{ ...o.metadata.managedFields[0]!, manager: 'kubectl', operation: 'Apply' }];
    recordUpdate(migrated, o, schema, { manager: 'kubectl', apiVersion: 'apps/v1', time: 't' });
    assert.deepEqual(migrated.metadata.managedFields!.map((e) => [e.manager, e.operation]), [['kubectl', 'Apply']]);
    // Malformed entries are ignored in favour of the stored ones.
    const bad = structuredClone(o);
    bad.metadata.managedFields = [{ manager: 'x', operation: 'Apply' }];
    recordUpdate(bad, o, schema, { manager: 'kubectl', apiVersion: 'apps/v1', time: 't' });
    assert.deepEqual(bad.metadata.managedFields, o.metadata.managedFields);
    // [{}] clears them.
    const cleared = structuredClone(o);
    cleared.metadata.managedFields = [{}];
    recordUpdate(cleared, o, schema, { manager: 'kubectl', apiVersion: 'apps/v1', time: 't' });
    assert.equal(cleared.metadata.managedFields, undefined);
  });
});

describe('field set encoding and list order', () => {
  it('writes "." only for members that have children, and reads it back', () => {
    const set = decodeFieldsV1({ 'f:a': { '.': {}, 'f:b': {} }, 'f:c': {} });
    assert.deepEqual([...set].sort(), ['["f:a","f:b"]', '["f:a"]', '["f:c"]']);
    assert.deepEqual(encodeFieldsV1(set), { 'f:a': { '.': {}, 'f:b': {} }, 'f:c': {} });
  });

  it('keeps live-only items in place and shared items in the configuration order', () => {
    const m = (l: string[], r: string[]) => mergeLists(l, r, l, r, (a, b) => b ?? a);
    assert.deepEqual(m(['a', 'b', 'c'], ['c', 'a']), ['b', 'c', 'a']);
    assert.deepEqual(m(['x', 'y'], ['y', 'z']), ['x', 'y', 'z']);
    assert.deepEqual(m(['nginx'], ['sidecar', 'nginx']), ['sidecar', 'nginx']);
  });
});
