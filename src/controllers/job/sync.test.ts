// White-box tests of the Job controller's sync, as upstream's job_controller_test: caches filled
// from a fake client, one sync(key), the writes it recorded. No API server, no kubelet.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Job, JobStatus } from '../../api/batch/v1/types.js';
import type { Pod } from '../../api/core/v1/pod/types.js';
import { R } from '../../client/resources.js';
import { FakeClient } from '../../client/testing/fake-client.js';
import { FakeCaches } from '../testing/fake-caches.js';
import { JobController } from './controller.js';
import { JOB_TRACKING_FINALIZER } from './job-pod.js';

const NS = 'ns';
const NOW = Date.parse('2025-01-01T12:00:00Z');
const OWNER = { apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'job-uid', controller: true, blockOwnerDeletion: true };
const LABELS = { 'batch.kubernetes.io/controller-uid': 'job-uid', 'batch.kubernetes.io/job-name': 'pi' };

function job(spec: Job['spec'], status?: JobStatus): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: NS, uid: 'job-uid', generation: 1 },
    spec: {
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'job-uid' } },
      template: { metadata: { labels: LABELS }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
      backoffLimit: 6,
      ...spec,
    },
    status,
  };
}

function pod(name: string, phase: 'Running' | 'Succeeded' | 'Failed'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, uid: `uid-${name}`, labels: LABELS, ownerReferences: [OWNER], finalizers: [JOB_TRACKING_FINALIZER], creationTimestamp: '2025-01-01T11:00:00Z' },
    spec: { restartPolicy: 'Never', nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] },
    status: { phase, conditions: [{ type: 'Ready', status: phase === 'Running' ? 'True' : 'False' }] },
  };
}

describe('job controller sync (white-box)', () => {
  const caches = new FakeCaches();
  afterEach(() => caches.stop());

  async function setup(j: Job, pods: Pod[]): Promise<{ fake: FakeClient; jc: JobController }> {
    const fake = new FakeClient(() => NOW).add(R.jobs, j).add(R.pods, ...pods);
    const jc = await caches.start(fake, (client, informers) => new JobController(client, informers, { clock: () => NOW }));
    return { fake, jc };
  }

  const statusWrites = (fake: FakeClient): JobStatus[] => fake.writes('jobs').filter((a) => a.subresource === 'status').map((a) => (a.body as Job).status!);

  it('starts `parallelism` pods, each tracked by the finalizer and owned by the Job', async () => {
    const { fake, jc } = await setup(job({ completions: 5, parallelism: 2 }), []);
    await jc.sync(`${NS}/pi`);
    const creates = fake.writes('pods').filter((a) => a.verb === 'create');
    assert.equal(creates.length, 2);
    for (const c of creates) {
      const p = c.body as Pod;
      assert.equal(p.metadata.generateName, 'pi-');
      assert.deepEqual(p.metadata.finalizers, [JOB_TRACKING_FINALIZER]);
      assert.deepEqual(p.metadata.ownerReferences, [OWNER]);
      assert.deepEqual(p.metadata.labels, LABELS);
    }
    const [status] = statusWrites(fake);
    assert.equal(status?.startTime, '2025-01-01T12:00:00Z');
  });

  it('tops up to parallelism, but never past the completions still needed', async () => {
    const { fake, jc } = await setup(job({ completions: 5, parallelism: 3 }, { succeeded: 4, failed: 0, startTime: '2025-01-01T11:00:00Z' }), []);
    await jc.sync(`${NS}/pi`);
    assert.equal(fake.writes('pods').filter((a) => a.verb === 'create').length, 1, 'one completion left: one pod');

    const running = await setup(job({ completions: 5, parallelism: 3 }, { succeeded: 0, failed: 0, startTime: '2025-01-01T11:00:00Z' }), [pod('pi-a', 'Running')]);
    await running.jc.sync(`${NS}/pi`);
    assert.equal(running.fake.writes('pods').filter((a) => a.verb === 'create').length, 2, 'one running of three: two more');
  });

  it('counts a succeeded pod, releases its finalizer, and writes Complete through the status', async () => {
    const { fake, jc } = await setup(job({ completions: 1, parallelism: 1 }, { startTime: '2025-01-01T11:00:00Z' }), [pod('pi-a', 'Succeeded')]);
    await jc.sync(`${NS}/pi`);
    const writes = statusWrites(fake);
    // First the pod is recorded as finished but not yet counted (its finalizer still holds it) …
    assert.deepEqual(writes[0]?.uncountedTerminatedPods, { succeeded: ['uid-pi-a'] });
    // … then the finalizer goes …
    const patch = fake.writes('pods').find((a) => a.verb === 'patch');
    assert.equal(patch?.name, 'pi-a');
    assert.equal(patch?.patchType, 'application/json-patch+json');
    assert.equal(fake.object<Pod>(R.pods, NS, 'pi-a')?.metadata.finalizers, undefined);
    // … and the count and the end of the Job are written.
    const last = writes.at(-1)!;
    assert.equal(last.succeeded, 1);
    assert.deepEqual(last.uncountedTerminatedPods ?? {}, {});
    assert.deepEqual(
      last.conditions?.map((c) => [c.type, c.status, c.reason]),
      [
        ['SuccessCriteriaMet', 'True', 'CompletionsReached'],
        ['Complete', 'True', 'CompletionsReached'],
      ],
    );
    assert.equal(last.completionTime, '2025-01-01T12:00:00Z');
    assert.equal(fake.writes('pods').filter((a) => a.verb === 'create').length, 0);
  });

  it('fails the Job past backoffLimit: FailureTarget, then Failed once no pod runs', async () => {
    const { fake, jc } = await setup(job({ completions: 2, parallelism: 1, backoffLimit: 0 }, { startTime: '2025-01-01T11:00:00Z' }), [pod('pi-a', 'Failed')]);
    await jc.sync(`${NS}/pi`);
    const last = statusWrites(fake).at(-1)!;
    assert.equal(last.failed, 1);
    assert.deepEqual(
      last.conditions?.map((c) => [c.type, c.status, c.reason]),
      [
        ['FailureTarget', 'True', 'BackoffLimitExceeded'],
        ['Failed', 'True', 'BackoffLimitExceeded'],
      ],
    );
    assert.equal(fake.writes('pods').filter((a) => a.verb === 'create').length, 0, 'a failed Job starts no more pods');
  });
});
