import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arr, define, keyedList, obj, ref, str, strMap } from '../../api/schema/dsl.js';
import { objectMeta } from '../../api/schema/meta.js';
import type { KubeObject } from '../../api/meta/types.js';
import { recordUpdate, managerFromUserAgent } from './field-manager.js';
import { fieldSetOf, fieldsTreeOf, toFieldsV1, fromFieldsV1 } from './fieldset.js';

define('test.fm.Thing', obj({ metadata: objectMeta(), spec: obj({ image: str(), items: keyedList(obj({ name: str(), value: str() }), 'name'), args: arr(str()), env: strMap() }) }));
const schema = ref('test.fm.Thing');

describe('field manager', () => {
  it('field sets follow list and map semantics', () => {
    const set = fieldSetOf({ spec: { image: 'a', items: [{ name: 'x', value: '1' }], args: ['a'], env: { K: 'v' } } }, schema);
    assert.deepEqual(toFieldsV1(set), {
      'f:spec': {
        'f:args': {},
        'f:env': { '.': {}, 'f:K': {} },
        'f:image': {},
        'f:items': { 'k:{"name":"x"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
      },
    });
    assert.deepEqual(fromFieldsV1(toFieldsV1(set)), set);
  });

  it('the one-walk tree equals the set-based tree', () => {
    const obj = { metadata: { name: 'n', labels: { a: 'b' }, finalizers: ['x'] }, spec: { image: 'a', items: [{ name: 'x', value: '1' }, { name: 'y' }], args: ['a', 'b'], env: {} } };
    assert.deepEqual(fieldsTreeOf(obj, schema), toFieldsV1(fieldSetOf(obj, schema)));
  });

  it('an update gives the writer the fields it changed and takes them from others', () => {
    const created: KubeObject = { metadata: { name: 'n' }, spec: { image: 'a', args: ['x'] } };
    recordUpdate(created, undefined, schema, { manager: 'creator', apiVersion: 'v1', time: 't0' });
    assert.deepEqual(created.metadata.managedFields?.map((m) => m.manager), ['creator']);
    const edited: KubeObject = { metadata: { ...created.metadata }, spec: { image: 'b', args: ['x'] } };
    recordUpdate(edited, created, schema, { manager: 'editor', apiVersion: 'v1', time: 't1' });
    const byManager = Object.fromEntries(edited.metadata.managedFields!.map((m) => [m.manager, m.fieldsV1]));
    assert.deepEqual(byManager['editor'], { 'f:spec': { 'f:image': {} } });
    assert.deepEqual(byManager['creator'], { 'f:spec': { 'f:args': {} } });
  });

  it('names the manager from the user agent as upstream does', () => {
    assert.equal(managerFromUserAgent('kubectl/v1.32.4 (linux/amd64) kubernetes/abc'), 'kubectl');
    assert.equal(managerFromUserAgent(undefined), 'unknown');
  });
});
