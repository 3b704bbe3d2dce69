// A kind the server was not built with is served from its registry entry alone: a test-only
// KindDefinition (with status) gets discovery, create/get/list/watch, merge patch, the status
// subresource and kubectl's Table, with no handler code knowing it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../api/meta/types.js';
import { int32, obj, define, str } from '../../api/schema/dsl.js';
import { apiVersionField, kindField, objectMeta } from '../../api/schema/meta.js';
import type { KindDefinition } from '../../api/scheme/kind.js';
import { startTestCluster, type TestCluster } from '../../test/harness.js';

const GROUP = 'test.k8ts.io';
const SCHEMA = 'io.k8ts.test.v1.Widget';
define(SCHEMA, obj({ apiVersion: apiVersionField(), kind: kindField(), metadata: objectMeta(), spec: obj({ size: int32(), color: str() }), status: obj({ phase: str() }) }));

const widgets: KindDefinition = {
  group: GROUP,
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  singular: 'widget',
  namespaced: true,
  schema: SCHEMA,
  hasStatus: true,
  validateCreate: (o) => ((o['spec'] as { size?: number } | undefined)?.size ?? 0) < 0 ? [{ type: 'FieldValueInvalid', field: 'spec.size', badValue: -1, detail: 'must be non-negative' }] : [],
};

const BASE = `/apis/${GROUP}/v1/namespaces/default/widgets`;
const MERGE = { 'Content-Type': 'application/merge-patch+json' };
const widget = (name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name }, spec });

describe('a kind registered by a test', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ extraKinds: [widgets] });
  });
  after(() => c?.stop());

  it('is in discovery with its status subresource', async () => {
    const list = (await c.http('GET', `/apis/${GROUP}/v1`)).json();
    assert.deepEqual(
      list.resources.map((r: { name: string; kind: string }) => [r.name, r.kind]),
      [
        ['widgets', 'Widget'],
        ['widgets/status', 'Widget'],
      ],
    );
    const groups = (await c.http('GET', '/apis')).json();
    assert.ok(groups.groups.some((g: { name: string }) => g.name === GROUP));
  });

  it('is created, read, listed, patched and watched; status moves only through /status', async () => {
    const created = await c.http('POST', BASE, widget('w1', { size: 1, color: 'red' }));
    assert.equal(created.status, 201, created.body);
    assert.equal(created.json().metadata.generation, 1);
    assert.equal((await c.http('POST', BASE, widget('bad', { size: -1 }))).status, 422);

    const got = await c.http('GET', `${BASE}/w1`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.json().spec, { size: 1, color: 'red' });
    const listed = (await c.http('GET', BASE)).json();
    assert.equal(listed.kind, 'WidgetList');
    assert.deepEqual(listed.items.map((i: KubeObject) => i.metadata.name), ['w1']);

    const patched = await c.http('PATCH', `${BASE}/w1`, { spec: { size: 3 }, status: { phase: 'Ignored' } }, MERGE);
    assert.equal(patched.status, 200, patched.body);
    assert.deepEqual(patched.json().spec, { size: 3, color: 'red' });
    assert.equal(patched.json().metadata.generation, 2);
    assert.equal(patched.json().status, undefined, 'the main resource does not write status');

    const current = patched.json() as KubeObject;
    const status = await c.http('PUT', `${BASE}/w1/status`, { ...current, spec: { size: 99 }, status: { phase: 'Ready' } });
    assert.equal(status.status, 200, status.body);
    assert.deepEqual(status.json().status, { phase: 'Ready' });
    assert.deepEqual(status.json().spec, { size: 3, color: 'red' }, 'the status subresource does not write spec');
    const statusPatched = await c.http('PATCH', `${BASE}/w1/status`, { status: { phase: 'Done' } }, MERGE);
    assert.equal(statusPatched.status, 200, statusPatched.body);
    assert.deepEqual((await c.http('GET', `${BASE}/w1/status`)).json().status, { phase: 'Done' });

    // Replayed from the list's revision: every change since, in order.
    const watched = await c.http('GET', `${BASE}?watch=1&timeoutSeconds=1&resourceVersion=${listed.metadata.resourceVersion}`);
    assert.equal(watched.status, 200);
    const events = watched.body.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: KubeObject });
    assert.deepEqual(events.map((e) => e.type), ['MODIFIED', 'MODIFIED', 'MODIFIED']);
    assert.deepEqual(events.map((e) => (e.object['status'] as { phase?: string } | undefined)?.phase), [undefined, 'Ready', 'Done']);

    const deleted = await c.http('DELETE', `${BASE}/w1`);
    assert.equal(deleted.status, 200);
    assert.equal(deleted.json().kind, 'Status', 'a delete of a kind with no say answers with a Status');
    assert.equal((await c.http('GET', `${BASE}/w1`)).status, 404);
  });

  it('has no subresources it did not declare', async () => {
    await c.http('POST', BASE, widget('w2', { size: 1 }));
    for (const sub of ['scale', 'binding', 'finalize', 'log']) assert.equal((await c.http('GET', `${BASE}/w2/${sub}`)).status, 404, sub);
  });

  it('is listed by kubectl through discovery and the default Table', async () => {
    const r = await c.kubectl(['get', 'widgets', '-n', 'default']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAME\s+CREATED AT\n/);
    assert.match(r.stdout, /\nw2\s+/);
  });
});
