import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goPrint } from './go-print.js';

describe('goPrint', () => {
  it('prints maps with sorted keys, slices, strings bare and nil as Go %+v does', () => {
    const patch = { spec: { replicas: 3, foo: 'bar', template: { spec: { containers: [{ name: 'c', image: 'nginx' }] } } }, metadata: { labels: null } };
    assert.equal(goPrint(patch), 'map[metadata:map[labels:<nil>] spec:map[foo:bar replicas:3 template:map[spec:map[containers:[map[image:nginx name:c]]]]]]');
    assert.equal(goPrint({ a: [], b: {}, c: true }), 'map[a:[] b:map[] c:true]');
  });

  it('prints non-integral numbers as Go prints a float64', () => {
    assert.equal(goPrint(0.5), '0.5');
    assert.equal(goPrint(1234567.5), '1.2345675e+06');
    assert.equal(goPrint(0.00001), '1e-05');
    assert.equal(goPrint(42), '42');
  });
});
