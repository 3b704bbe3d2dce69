import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { decodeBody, decodingStrictErrors } from './body.js';
import { findDuplicateJsonKeys, findDuplicateYamlKeys } from './duplicate-keys.js';

describe('duplicate JSON keys', () => {
  it('names each repeat with its path, as upstream strict decoding does', () => {
    const text = '{"kind":"Pod","spec":{"containers":[{"name":"a","name":"b"},{"image":"x","env":[],"image":"y"}]},"kind":"Pod"}';
    assert.deepEqual(findDuplicateJsonKeys(text), ['spec.containers[0].name', 'spec.containers[1].image', 'kind']);
  });

  it('finds none in an object without repeats, even when strings hold braces, quotes and keys', () => {
    const text = '{"a":"{\\"a\\":1,\\"a\\":2}","b":[{"a":1},{"a":2}],"c":{"a":{"a":{}}}}';
    assert.deepEqual(JSON.parse(text).a, '{"a":1,"a":2}');
    assert.deepEqual(findDuplicateJsonKeys(text), []);
  });

  it('compares escaped keys by their value and reports a repeat once', () => {
    assert.deepEqual(findDuplicateJsonKeys('{"a\\u0062":1,"ab":2,"ab":3}'), ['ab']);
    assert.deepEqual(findDuplicateJsonKeys('[{"op":"add","op":"remove"},{"path":"/a","path":"/b"}]'), ['[0].op', '[1].path']);
    assert.deepEqual(findDuplicateJsonKeys('{ "m" : { "k" : 1 , "k" : 2 } , "m" : { } }'), ['m.k', 'm']);
  });

  it('decodeBody keeps the last value and records the repeats beside it', () => {
    const v = decodeBody(Buffer.from('{"data":{"a":"1","a":"2"}}'), 'application/json') as { data: { a: string } };
    assert.equal(v.data.a, '2');
    assert.deepEqual(decodingStrictErrors(v), ['duplicate field "data.a"']);
    assert.deepEqual(decodingStrictErrors(decodeBody(Buffer.from('{"data":{"a":"1"}}'), 'application/json')), []);
  });
});

describe('duplicate YAML keys', () => {
  it('reports the line of each repeated key as the strict YAML converter does', () => {
    const text = 'metadata:\n  name: a\ndata:\n  x: "1"\n  y: "2"\n  x: "3"\nlist:\n- k: 1\n  k: 2\n';
    assert.deepEqual(findDuplicateYamlKeys(parseDocument(text, { uniqueKeys: false }), text), ['line 6: key "x" already set in map', 'line 9: key "k" already set in map']);
  });

  it('decodeBody turns them into one strict decoding error', () => {
    const v = decodeBody(Buffer.from('a: 1\nb: 2\na: 3\n'), 'application/yaml') as Record<string, number>;
    assert.equal(v['a'], 3);
    assert.deepEqual(decodingStrictErrors(v), ['error converting YAML to JSON: yaml: unmarshal errors:\n  line 3: key "a" already set in map']);
  });
});
