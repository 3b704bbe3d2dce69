// White-box tests of the replica controller's sync, as upstream's replica_set_test.go: caches
// filled from a fake client, one sync(key), and the writes the fake recorded. No API server.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { ReplicaSet } from '../../api/apps/v1/types.js';
import type { Pod } from '../../api/core/v1/pod/types.js';
import { isConflict } from '../../client/errors.js';
import { R } from '../../client/resources.js';
import { FakeClient } from '../../client/testing/fake-client.js';
import { FakeCaches } from '../testing/fake-caches.js';
import { ReplicaController } from './controller.js';

const NS = 'ns';
const NOW = Date.parse('2025-01-01T12:00:00Z');
const at = (secondsAgo: number): string => new Date(NOW - secondsAgo * 1000).toISOString().replace('.000Z', 'Z');

function replicaSet(replicas: number): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web', namespace: NS, uid: 'rs-uid', generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    },
  };
}

type PodState = 'unscheduled' | 'pending' | 'running' | 'ready';

function pod(name: string, state: PodState, readySecondsAgo = 600): Pod {
  const ready = state === 'ready';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NS,
      uid: `uid-${name}`,
      labels: { app: 'web' },
      creationTimestamp: at(3600),
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }],
    },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...(state === 'unscheduled' ? {} : { nodeName: 'n1' }) },
    status: {
      phase: state === 'running' || ready ? 'Running' : 'Pending',
      conditions: state === 'running' || ready ? [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: at(readySecondsAgo) }] : [],
    },
  };
}

describe('replica controller sync (white-box)', () => {
  const caches = new FakeCaches();
  afterEach(() => caches.stop());

  async function setup(rs: ReplicaSet, pods: Pod[]): Promise<{ fake: FakeClient; rc: ReplicaController }> {
    const fake = new FakeClient(() => NOW).add(R.replicasets, rs).add(R.pods, ...pods);
    const rc = await caches.start(fake, (client, informers) => new ReplicaController(client, informers, { clock: () => NOW }));
    return { fake, rc };
  }

  it('creates the missing replicas from the template, owned by the ReplicaSet, and reports what it has', async () => {
    const { fake, rc } = await setup(replicaSet(3), [pod('web-a', 'ready')]);
    await rc.sync(`${NS}/web`);
    const creates = fake.writes('pods').filter((a) => a.verb === 'create');
    assert.equal(creates.length, 2);
    for (const c of creates) {
      const body = c.body as Pod;
      assert.equal(c.namespace, NS);
      assert.equal(body.metadata.generateName, 'web-');
      assert.deepEqual(body.metadata.labels, { app: 'web' });
      assert.deepEqual(body.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }]);
      assert.deepEqual(body.spec?.containers, [{ name: 'c', image: 'busybox' }]);
    }
    const status = fake.writes('replicasets').filter((a) => a.subresource === 'status');
    assert.equal(status.length, 1);
    // The status counts the pods the cache holds; the new ones count once observed.
    assert.deepEqual((status[0]!.body as ReplicaSet).status, { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 });
  });

  it('creates nothing more until the informer has seen its creations (expectations)', async () => {
    const { fake, rc } = await setup(replicaSet(3), []);
    await rc.sync(`${NS}/web`);
    assert.equal(fake.writes('pods').length, 3);
    fake.clearActions();
    // The cache has seen neither the pods nor the status write: the status write loses (the key
    // is retried), and nothing is created twice.
    await assert.rejects(rc.sync(`${NS}/web`), isConflict);
    assert.deepEqual(fake.writes('pods'), [], 'the stale cache must not make it create again');
    fake.deliver();
    fake.clearActions();
    await rc.sync(`${NS}/web`);
    assert.deepEqual(fake.writes('pods'), [], 'three pods observed: nothing to do');
  });

  it('deletes the extras cheapest to lose first: unscheduled, then pending, then not ready, then the most recently ready', async () => {
    const pods = [pod('ready-old', 'ready', 3000), pod('ready-new', 'ready', 30), pod('running', 'running'), pod('pending', 'pending'), pod('unscheduled', 'unscheduled')];
    const { fake, rc } = await setup(replicaSet(1), pods);
    await rc.sync(`${NS}/web`);
    const deleted = fake.writes('pods').filter((a) => a.verb === 'delete').map((a) => a.name);
    assert.deepEqual(deleted, ['unscheduled', 'pending', 'running', 'ready-new']);
    assert.equal(fake.object(R.pods, NS, 'ready-old')?.metadata.name, 'ready-old');
  });

  it('deletes only as many as the surplus, and the ready pods last', async () => {
    const { fake, rc } = await setup(replicaSet(2), [pod('a', 'ready'), pod('b', 'running'), pod('c', 'ready')]);
    await rc.sync(`${NS}/web`);
    assert.deepEqual(
      fake.writes('pods').map((a) => [a.verb, a.name]),
      [['delete', 'b']],
    );
  });

  it('adopts a matching orphan instead of creating a pod for it', async () => {
    const orphan = pod('stray', 'ready');
    delete orphan.metadata.ownerReferences;
    const { fake, rc } = await setup(replicaSet(1), [orphan]);
    await rc.sync(`${NS}/web`);
    const writes = fake.writes('pods');
    assert.deepEqual(
      writes.map((a) => [a.verb, a.name]),
      [['patch', 'stray']],
    );
    assert.deepEqual(fake.object<Pod>(R.pods, NS, 'stray')?.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.controller]), [['ReplicaSet', 'web', true]]);
  });

  it('reports a failed create as the ReplicaFailure condition and retries (the sync fails)', async () => {
    const { fake, rc } = await setup(replicaSet(1), []);
    fake.prependReactor('create', 'pods', () => {
      throw new Error('quota exceeded');
    });
    await assert.rejects(rc.sync(`${NS}/web`), /quota exceeded/);
    const status = (fake.writes('replicasets').find((a) => a.subresource === 'status')!.body as ReplicaSet).status;
    assert.deepEqual(
      status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message]),
      [['ReplicaFailure', 'True', 'FailedCreate', 'quota exceeded']],
    );
  });
});
