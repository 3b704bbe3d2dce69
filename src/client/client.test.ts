// The client library against a real in-process API server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../api/meta/types.js';
import { eventually, startTestCluster, type TestCluster } from '../test/harness.js';
import { EventRecorder, MAX_QUEUED_EVENTS } from './events.js';
import { labelIndex, NODE_NAME_INDEX, OWNER_INDEX, SharedInformerFactory } from './informer.js';
import { loadKubeconfig } from './kubeconfig.js';
import { runLeaderElection } from './leader-election.js';
import { R, resourcePath } from './resources.js';
import { RestClient } from './rest.js';
import { runWorkers, WorkQueue } from './workqueue.js';

const pod = (name: string, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels, ...extra },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

describe('client library', () => {
  let c: TestCluster;
  let client: RestClient;
  before(async () => {
    c = await startTestCluster();
    client = new RestClient(loadKubeconfig(c.kubeconfig));
  });
  after(async () => {
    client?.close();
    await c?.stop();
  });

  it('informers list, watch, index and tell handlers', async () => {
    await client.create(resourcePath(R.pods, 'default'), pod('before', { app: 'a' }));
    const factory = new SharedInformerFactory(client);
    const pods = factory.informerFor<KubeObject>(R.pods);
    const seen: string[] = [];
    pods.addHandlers({ add: (o) => seen.push(`add:${o.metadata.name}`), update: (_o, n) => seen.push(`update:${n.metadata.name}`), delete: (o) => seen.push(`delete:${o.metadata.name}`) });
    factory.start();
    await factory.waitForSync();
    assert.ok(pods.get('default/before'));
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'owner-uid-1', controller: true };
    await client.create(resourcePath(R.pods, 'default'), pod('after', { app: 'b' }, { ownerReferences: [owner] }));
    await client.create(resourcePath(R.pods, 'default', 'after', 'binding'), { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'after' }, target: { kind: 'Node', name: 'n1' } });
    await eventually(() => pods.get('default/after')?.['spec'] && (pods.get('default/after')!['spec'] as { nodeName?: string }).nodeName === 'n1');
    assert.deepEqual(pods.byIndex(labelIndex('app'), 'b').map((p) => p.metadata.name), ['after']);
    assert.deepEqual(pods.byIndex(OWNER_INDEX, 'owner-uid-1').map((p) => p.metadata.name), ['after']);
    assert.deepEqual(pods.byIndex(NODE_NAME_INDEX, 'n1').map((p) => p.metadata.name), ['after']);
    await client.delete(resourcePath(R.pods, 'default', 'before'));
    await eventually(() => !pods.get('default/before'));
    assert.deepEqual(pods.list('default').map((p) => p.metadata.name), ['after']);
    assert.ok(seen.includes('add:before') && seen.includes('add:after') && seen.includes('update:after') && seen.includes('delete:before'), seen.join(' '));
    factory.stop();
  });

  it('a work queue hands each key to one worker at a time and retries failures', async () => {
    const q = new WorkQueue({ baseDelayMs: 1 });
    const runs: string[] = [];
    let failOnce = true;
    let concurrent = 0;
    let maxConcurrentA = 0;
    // Queued twice before any worker runs: processed once.
    q.add('a');
    q.add('a');
    q.add('b');
    const done = runWorkers(q, 2, async (k) => {
      runs.push(k);
      if (k === 'a') {
        maxConcurrentA = Math.max(maxConcurrentA, ++concurrent);
        await new Promise((r) => setTimeout(r, 20));
        concurrent--;
      }
      if (k === 'b' && failOnce) {
        failOnce = false;
        throw new Error('transient');
      }
    });
    await eventually(() => runs.filter((r) => r === 'b').length === 2);
    assert.equal(runs.filter((r) => r === 'a').length, 1);
    // Added while being processed: processed again afterwards, never concurrently.
    q.add('a');
    await new Promise((r) => setTimeout(r, 5));
    q.add('a');
    await eventually(() => runs.filter((r) => r === 'a').length === 3);
    assert.equal(maxConcurrentA, 1);
    q.shutdown();
    await done;
  });

  it('the event recorder aggregates repeats into one Event with a count', async () => {
    const target = (await client.get(resourcePath(R.pods, 'default', 'after'))) as KubeObject;
    const rec = new EventRecorder(client, 'test-controller');
    rec.event(target, 'Normal', 'Tested', 'it happened');
    rec.event(target, 'Normal', 'Tested', 'it happened');
    rec.event(target, 'Warning', 'Other', 'something else');
    await rec.flush();
    const events = (await client.get<{ items: KubeObject[] }>(`${resourcePath(R.events, 'default')}?fieldSelector=involvedObject.name%3Dafter`)).items;
    const tested = events.filter((e) => e['reason'] === 'Tested');
    assert.equal(tested.length, 1);
    assert.equal(tested[0]!['count'], 2);
    assert.equal((tested[0]!['source'] as { component: string }).component, 'test-controller');
    assert.equal(events.filter((e) => e['reason'] === 'Other').length, 1);
  });

  it('the event recorder drops events past its queue bound instead of growing without end', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // A client whose writes wait: the recorder's queue fills as it would against a stalled server.
    const stalled = { create: async () => gate, patch: async () => gate } as unknown as RestClient;
    const rec = new EventRecorder(stalled, 'test-controller');
    const target = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'default', uid: 'u' } } as KubeObject;
    for (let i = 0; i < MAX_QUEUED_EVENTS + 50; i++) rec.event(target, 'Normal', 'Burst', `event ${i}`);
    assert.equal(rec.backlog, MAX_QUEUED_EVENTS);
    assert.equal(rec.dropped, 50);
    release();
    await rec.flush();
    assert.equal(rec.backlog, 0);
  });

  it('leader election: one leader at a time, and the other takes over when it stops', async () => {
    // Generous timings: on a loaded 2-core machine a renewal can take a second.
    const cfg = { namespace: 'kube-system', name: 'test-lock', leaseDurationSeconds: 15, renewDeadlineMs: 10_000, retryPeriodMs: 100 };
    const leaders = new Set<string>();
    const a = runLeaderElection(client, { ...cfg, identity: 'a' }, { onStartedLeading: () => leaders.add('a'), onStoppedLeading: () => leaders.delete('a') });
    await eventually(() => leaders.has('a'));
    const b = runLeaderElection(client, { ...cfg, identity: 'b' }, { onStartedLeading: () => leaders.add('b'), onStoppedLeading: () => leaders.delete('b') });
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual([...leaders], ['a']);
    await a.stop();
    await eventually(() => leaders.has('b'), 5000);
    assert.deepEqual([...leaders], ['b']);
    const lease = (await client.get(resourcePath(R.leases, 'kube-system', 'test-lock'))) as KubeObject & { spec: { holderIdentity: string; leaseTransitions: number } };
    assert.equal(lease.spec.holderIdentity, 'b');
    assert.equal(lease.spec.leaseTransitions, 1);
    await b.stop();
  });
});
