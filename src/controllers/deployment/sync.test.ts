// White-box tests of the deployment controller's sync, as upstream's deployment_controller_test
// and rolling_test: caches filled from a fake client, one sync(key), the writes it recorded.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Deployment, ReplicaSet } from '../../api/apps/v1/types.js';
import type { PodTemplateSpec } from '../../api/core/v1/pod/types.js';
import { R } from '../../client/resources.js';
import { FakeClient, type Action } from '../../client/testing/fake-client.js';
import { FakeCaches } from '../testing/fake-caches.js';
import { computeHash } from '../common/template-hash.js';
import { DeploymentController } from './controller.js';

const NS = 'ns';
const NOW = Date.parse('2025-01-01T12:00:00Z');
const OWNER = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true, blockOwnerDeletion: true };

const template = (image: string): PodTemplateSpec => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } });

type Strategy = NonNullable<Deployment['spec']>['strategy'];

function deployment(replicas: number, image: string, strategy: Strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } }): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: NS, uid: 'd-uid', generation: 1, annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: template(image), strategy, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 },
  };
}

/** A ReplicaSet the deployment made earlier, all its pods available. */
function replicaSet(name: string, hash: string, image: string, replicas: number, revision: number, desired = replicas): ReplicaSet {
  const labels = { app: 'web', 'pod-template-hash': hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: NS,
      uid: `uid-${name}`,
      labels,
      creationTimestamp: '2024-12-01T00:00:00Z',
      annotations: { 'deployment.kubernetes.io/revision': String(revision), 'deployment.kubernetes.io/desired-replicas': String(desired), 'deployment.kubernetes.io/max-replicas': String(desired + 1) },
      ownerReferences: [OWNER],
    },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: template(image).spec } },
    status: { replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: 1 },
  };
}

const sized = (actions: Action[]) => actions.map((a) => [a.verb, (a.body as ReplicaSet).metadata.name, (a.body as ReplicaSet).spec?.replicas]);

describe('deployment controller sync (white-box)', () => {
  const caches = new FakeCaches();
  afterEach(() => caches.stop());

  async function setup(d: Deployment, rss: ReplicaSet[]): Promise<{ fake: FakeClient; dc: DeploymentController }> {
    const fake = new FakeClient(() => NOW).add(R.deployments, d).add(R.replicasets, ...rss);
    const dc = await caches.start(fake, (client, informers) => new DeploymentController(client, informers, { clock: () => NOW }));
    return { fake, dc };
  }

  it('creates the first ReplicaSet, named and labelled with the template hash, at full size', async () => {
    const { fake, dc } = await setup(deployment(3, 'v1'), []);
    await dc.sync(`${NS}/web`);
    const hash = computeHash(template('v1'));
    const creates = fake.writes('replicasets').filter((a) => a.verb === 'create');
    assert.equal(creates.length, 1);
    const rs = creates[0]!.body as ReplicaSet;
    assert.equal(rs.metadata.name, `web-${hash}`);
    assert.deepEqual(rs.metadata.labels, { app: 'web', 'pod-template-hash': hash });
    assert.deepEqual(rs.spec?.selector, { matchLabels: { app: 'web', 'pod-template-hash': hash } });
    assert.deepEqual(rs.spec?.template?.metadata?.labels, { app: 'web', 'pod-template-hash': hash });
    assert.equal(rs.spec?.replicas, 3);
    assert.deepEqual(rs.metadata.ownerReferences, [OWNER]);
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    const status = fake.writes('deployments').filter((a) => a.subresource === 'status').at(-1)!.body as Deployment;
    assert.equal(status.status?.conditions?.find((c) => c.type === 'Progressing')?.reason, 'NewReplicaSetCreated');
  });

  it('rolls a new template out within maxSurge and maxUnavailable: new RS at 1, old RS down to 3', async () => {
    // 4 replicas, surge 1, unavailable 1: at most 5 pods, at least 3 available.
    const old = replicaSet('web-old', 'old', 'v1', 4, 1);
    const { fake, dc } = await setup(deployment(4, 'v2'), [old]);
    await dc.sync(`${NS}/web`);
    const hash = computeHash(template('v2'));
    const writes = fake.writes('replicasets');
    assert.deepEqual(sized(writes), [
      ['create', `web-${hash}`, 1],
      ['update', 'web-old', 3],
    ]);
    const created = writes[0]!.body as ReplicaSet;
    assert.equal(created.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
    assert.equal(fake.object<Deployment>(R.deployments, NS, 'web')?.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
  });

  it('moves on as the new pods become available, never below the minimum available', async () => {
    const hash = computeHash(template('v2'));
    // Mid-rollout: the new RS has 2 pods available, the old one 3; 5 pods is the surge limit.
    const old = replicaSet('web-old', 'old', 'v1', 3, 1, 4);
    const cur = replicaSet(`web-${hash}`, hash, 'v2', 2, 2, 4);
    const d = deployment(4, 'v2');
    d.metadata.annotations = { 'deployment.kubernetes.io/revision': '2' };
    const { fake, dc } = await setup(d, [old, cur]);
    await dc.sync(`${NS}/web`);
    // The new RS may not grow past the surge; the old one shrinks by 5 available - 3 minimum = 2.
    assert.deepEqual(sized(fake.writes('replicasets')), [['update', 'web-old', 1]]);
  });

  it('scales the only active ReplicaSet when the replica count changes (no rollout)', async () => {
    const hash = computeHash(template('v1'));
    const rs = replicaSet(`web-${hash}`, hash, 'v1', 4, 1);
    const { fake, dc } = await setup(deployment(6, 'v1'), [rs]);
    await dc.sync(`${NS}/web`);
    assert.deepEqual(sized(fake.writes('replicasets')), [['update', `web-${hash}`, 6]]);
    const written = fake.writes('replicasets')[0]!.body as ReplicaSet;
    assert.equal(written.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '6');
    assert.equal(written.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '7', 'replicas + maxSurge');
  });

  it('Recreate scales every old ReplicaSet to zero before creating the new one', async () => {
    const old = replicaSet('web-old', 'old', 'v1', 2, 1);
    const { fake, dc } = await setup(deployment(2, 'v2', { type: 'Recreate' }), [old]);
    await dc.sync(`${NS}/web`);
    assert.deepEqual(sized(fake.writes('replicasets')), [['update', 'web-old', 0]]);
  });
});
