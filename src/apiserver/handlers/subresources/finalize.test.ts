// namespaces/finalize moves only spec.finalizers, and validates them as upstream's finalize strategy.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../../../test/harness.js';

describe('namespaces/finalize', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(() => c?.stop());

  const finalize = (name: string, finalizers: string[]) => c.http('PUT', `/api/v1/namespaces/${name}/finalize`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers } });

  it('refuses an invalid finalizer with 422 and keeps the stored ones', async () => {
    assert.equal((await c.http('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fin' } })).status, 201);
    const bad = await finalize('fin', ['not-qualified']);
    assert.equal(bad.status, 422, bad.body);
    const s = bad.json();
    assert.equal(s.reason, 'Invalid');
    assert.deepEqual(s.details.causes, [{ reason: 'FieldValueInvalid', message: 'Invalid value: "not-qualified": name is neither a standard finalizer name nor is it fully qualified', field: 'spec.finalizers' }]);
    assert.equal((await finalize('fin', ['bad name/x'])).status, 422);
    assert.deepEqual((await c.http('GET', '/api/v1/namespaces/fin')).json().spec, { finalizers: ['kubernetes'] });
  });

  it('writes valid finalizers, and only them', async () => {
    const ok = await finalize('fin', ['kubernetes', 'example.com/keep']);
    assert.equal(ok.status, 200, ok.body);
    assert.deepEqual(ok.json().spec, { finalizers: ['kubernetes', 'example.com/keep'] });
    const cleared = await finalize('fin', []);
    assert.equal(cleared.status, 200, cleared.body);
    assert.deepEqual(cleared.json().spec, {});
    assert.equal(cleared.json().status.phase, 'Active');
  });
});
