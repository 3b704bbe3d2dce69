// The fake client behaves as the API server does where controllers depend on it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../api/meta/types.js';
import { isAlreadyExists, isConflict, isNotFound } from '../errors.js';
import { Informer } from '../informer.js';
import { R, resourcePath } from '../resources.js';
import { FakeClient } from './fake-client.js';

const cm = (name: string, namespace = 'ns'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { a: '1' } });

describe('FakeClient', () => {
  it('lists seeded objects by namespace and records every call', async () => {
    const fake = new FakeClient().add(R.configmaps, cm('a'), cm('b', 'other'));
    const all = await fake.get<{ items: KubeObject[] }>(resourcePath(R.configmaps));
    const ns = await fake.get<{ items: KubeObject[] }>(resourcePath(R.configmaps, 'ns'));
    assert.deepEqual(all.items.map((o) => o.metadata.name), ['a', 'b']);
    assert.deepEqual(ns.items.map((o) => o.metadata.name), ['a']);
    assert.deepEqual(fake.actions.map((a) => [a.verb, a.namespace]), [['list', undefined], ['list', 'ns']]);
    assert.deepEqual(fake.writes(), []);
  });

  it('answers as the API does: generated names, AlreadyExists, NotFound, stale resourceVersions and failed preconditions', async () => {
    const fake = new FakeClient();
    const made = await fake.create<KubeObject>(resourcePath(R.configmaps, 'ns'), { ...cm(''), metadata: { generateName: 'x-' } });
    assert.match(made.metadata.name!, /^x-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.ok(made.metadata.uid && made.metadata.resourceVersion);
    await assert.rejects(fake.create(resourcePath(R.configmaps, 'ns'), made), isAlreadyExists);
    await assert.rejects(fake.get(resourcePath(R.configmaps, 'ns', 'nope')), isNotFound);
    const updated = await fake.update<KubeObject>(resourcePath(R.configmaps, 'ns', made.metadata.name), { ...made, data: { a: '2' } });
    await assert.rejects(fake.update(resourcePath(R.configmaps, 'ns', made.metadata.name), made), isConflict, 'the resourceVersion read first is stale');
    await assert.rejects(fake.delete(resourcePath(R.configmaps, 'ns', made.metadata.name), { preconditions: { uid: 'other' } }), isConflict);
    await fake.delete(resourcePath(R.configmaps, 'ns', made.metadata.name), { preconditions: { uid: updated.metadata.uid } });
    assert.equal(fake.object(R.configmaps, 'ns', made.metadata.name!), undefined);
  });

  it('keeps a status write off the spec and a spec write off the status', async () => {
    const fake = new FakeClient().add(R.deployments, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns', generation: 1 }, spec: { replicas: 1 }, status: { replicas: 0 } });
    const cur = fake.object<KubeObject>(R.deployments, 'ns', 'd')!;
    const s = await fake.update<KubeObject>(resourcePath(R.deployments, 'ns', 'd', 'status'), { ...cur, spec: { replicas: 9 }, status: { replicas: 1 } });
    assert.deepEqual([s['spec'], s['status'], s.metadata.generation], [{ replicas: 1 }, { replicas: 1 }, 1]);
    const m = await fake.update<KubeObject>(resourcePath(R.deployments, 'ns', 'd'), { ...s, spec: { replicas: 2 }, status: { replicas: 7 } });
    assert.deepEqual([m['spec'], m['status'], m.metadata.generation], [{ replicas: 2 }, { replicas: 1 }, 2]);
  });

  it('feeds an informer: the seeded objects at once, later writes when delivered', async () => {
    const fake = new FakeClient().add(R.configmaps, cm('a'));
    const inf = new Informer(fake, R.configmaps);
    inf.start();
    try {
      await inf.waitForSync();
      assert.ok(inf.get('ns/a'));
      await fake.create(resourcePath(R.configmaps, 'ns'), cm('b'));
      await fake.delete(resourcePath(R.configmaps, 'ns', 'a'));
      assert.ok(inf.get('ns/a') && !inf.get('ns/b'), 'nothing delivered yet');
      fake.deliver();
      assert.ok(!inf.get('ns/a') && inf.get('ns/b'));
    } finally {
      inf.stop();
    }
  });
});
