// The Job controller against an in-process API server (no kubelet): the test plays the kubelet
// by writing pod phases through pods/status.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Job } from '../../api/batch/v1/types.js';
import type { Pod } from '../../api/core/v1/pod/types.js';
import { R, resourcePath } from '../../client/resources.js';
import { ApiStatusError } from '../../client/rest.js';
import { eventually, startTestCluster, type TestCluster } from '../../test/harness.js';
import { listPods, setPodPhase, startBareCluster, waitFor, type BareCluster } from '../../test/bare-cluster.js';
import { JobController } from './controller.js';
import { formatIndexes, parseIndexes } from './indexes.js';
import { JOB_TRACKING_FINALIZER } from './job-pod.js';
import { TtlAfterFinishedController } from './ttl-controller.js';

const NS = 'job-test';

function job(name: string, spec: Job['spec'] = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: NS },
    spec: { ...spec, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
  };
}

const cond = (j: Job, type: string) => j.status?.conditions?.find((c) => c.type === type);

describe('completion index intervals', () => {
  it('formats and parses upstream interval lists', () => {
    assert.equal(formatIndexes([5, 0, 1, 2, 7, 3]), '0-3,5,7');
    assert.equal(formatIndexes([]), '');
    assert.deepEqual([...parseIndexes('0-3,5,7', 6)].sort(), [0, 1, 2, 3, 5]);
  });
});

describe('job controller', () => {
  let c: BareCluster;
  let ctrl: JobController;
  let ttl: TtlAfterFinishedController;
  const getJob = (name: string) => c.client.get<Job>(resourcePath(R.jobs, NS, name));
  const podsOf = async (name: string) => (await listPods(c.client, NS, `batch.kubernetes.io/job-name=${name}`)).filter((p) => !p.metadata.deletionTimestamp);
  const running = (pods: Pod[]) => pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');

  before(async () => {
    c = await startBareCluster(NS);
    ctrl = new JobController(c.client, c.informers, { backoffBaseMs: 20, backoffMaxMs: 100 });
    ttl = new TtlAfterFinishedController(c.client, c.informers);
    c.informers.start();
    void ctrl.run();
    void ttl.run();
  });
  after(async () => {
    ctrl?.stop();
    ttl?.stop();
    await c?.stop();
  });

  it('runs 6 completions never more than 2 at once, counts through the finalizer, and completes', async () => {
    await c.client.create(resourcePath(R.jobs, NS), job('six', { completions: 6, parallelism: 2 }));
    let maxActive = 0;
    const finished = new Set<string>();
    await eventually(
      async () => {
        const active = running(await podsOf('six'));
        maxActive = Math.max(maxActive, active.length);
        for (const p of active) {
          assert.ok(p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER), 'created pods carry the tracking finalizer');
          await setPodPhase(c.client, p, 'Succeeded');
          finished.add(p.metadata.name!);
        }
        const j = await getJob('six');
        return cond(j, 'Complete')?.status === 'True' ? j : undefined;
      },
      30_000,
      100,
    );
    const j = await getJob('six');
    assert.ok(maxActive <= 2, `at most 2 running at once (saw ${maxActive})`);
    assert.equal(finished.size, 6);
    assert.equal(j.status?.succeeded, 6);
    assert.equal(j.status?.failed, 0);
    assert.equal(j.status?.active, 0);
    assert.ok(j.status?.completionTime && j.status?.startTime);
    assert.deepEqual(j.status?.uncountedTerminatedPods, {});
    assert.equal(cond(j, 'SuccessCriteriaMet')?.reason, 'CompletionsReached');
    assert.equal(cond(j, 'Complete')?.message, 'Reached expected number of succeeded pods');
    await eventually(async () => (await podsOf('six')).every((p) => !p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)));
    const events = await waitFor(async () => {
      const list = await c.client.get<{ items: { reason: string; involvedObject: { name: string } }[] }>(resourcePath(R.events, NS));
      const reasons = list.items.filter((e) => e.involvedObject.name === 'six').map((e) => e.reason);
      return reasons.includes('Completed') && reasons.includes('SuccessfulCreate') ? reasons : undefined;
    });
    assert.ok(events);
  });

  it('fails with BackoffLimitExceeded once failures pass backoffLimit', async () => {
    await c.client.create(resourcePath(R.jobs, NS), job('flaky', { backoffLimit: 1 }));
    const failedPods = new Set<string>();
    const j = await waitFor(
      async () => {
        for (const p of running(await podsOf('flaky'))) {
          await setPodPhase(c.client, p, 'Failed');
          failedPods.add(p.metadata.name!);
        }
        const cur = await getJob('flaky');
        return cond(cur, 'Failed')?.status === 'True' ? cur : undefined;
      },
      30_000,
      100,
    );
    assert.equal(failedPods.size, 2, 'one pod plus one retry');
    assert.equal(j.status?.failed, 2);
    assert.equal(cond(j, 'Failed')?.reason, 'BackoffLimitExceeded');
    assert.equal(cond(j, 'Failed')?.message, 'Job has reached the specified backoff limit');
    assert.equal(cond(j, 'FailureTarget')?.reason, 'BackoffLimitExceeded');
    assert.equal(j.status?.completionTime, undefined);
  });

  it('gives Indexed pods their index, hostname and completedIndexes', async () => {
    await c.client.create(resourcePath(R.jobs, NS), job('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    const pods = await waitFor(async () => {
      const list = running(await podsOf('idx'));
      return list.length === 3 ? list : undefined;
    });
    const byIndex = new Map(pods.map((p) => [p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'], p]));
    assert.deepEqual([...byIndex.keys()].sort(), ['0', '1', '2']);
    for (const [i, p] of byIndex) {
      assert.equal(p.metadata.labels?.['batch.kubernetes.io/job-completion-index'], i);
      assert.equal(p.spec?.hostname, `idx-${i}`);
      assert.match(p.metadata.name!, new RegExp(`^idx-${i}-`));
      assert.ok(p.spec?.containers[0]?.env?.some((e) => e.name === 'JOB_COMPLETION_INDEX'));
    }
    await setPodPhase(c.client, byIndex.get('0')!, 'Succeeded');
    await setPodPhase(c.client, byIndex.get('2')!, 'Succeeded');
    await eventually(async () => (await getJob('idx')).status?.completedIndexes === '0,2');
    assert.equal(cond(await getJob('idx'), 'Complete'), undefined);
    await setPodPhase(c.client, byIndex.get('1')!, 'Succeeded');
    const done = await waitFor(async () => {
      const j = await getJob('idx');
      return cond(j, 'Complete')?.status === 'True' ? j : undefined;
    });
    assert.equal(done.status?.completedIndexes, '0-2');
    assert.equal(done.status?.succeeded, 3);
  });

  it('fails a job that outlives activeDeadlineSeconds and removes its pods', async () => {
    await c.client.create(resourcePath(R.jobs, NS), job('slow', { activeDeadlineSeconds: 1, parallelism: 2, completions: 4 }));
    // Under load the deadline may pass before a poll sees both pods: seeing the failure is as good.
    await eventually(async () => running(await podsOf('slow')).length === 2 || cond(await getJob('slow'), 'Failed')?.status === 'True', 20_000);
    const j = await waitFor(async () => {
      const cur = await getJob('slow');
      return cond(cur, 'Failed')?.status === 'True' ? cur : undefined;
    }, 15_000);
    assert.equal(cond(j, 'Failed')?.reason, 'DeadlineExceeded');
    assert.equal(cond(j, 'Failed')?.message, 'Job was active longer than specified deadline');
    await eventually(async () => (await listPods(c.client, NS, 'batch.kubernetes.io/job-name=slow')).length === 0);
  });

  it('creates nothing while suspended, and starts on resume', async () => {
    await c.client.create(resourcePath(R.jobs, NS), job('paused', { suspend: true, parallelism: 1, completions: 1 }));
    const j = await waitFor(async () => {
      const cur = await getJob('paused');
      return cond(cur, 'Suspended')?.status === 'True' ? cur : undefined;
    });
    assert.equal(cond(j, 'Suspended')?.reason, 'JobSuspended');
    assert.equal((await podsOf('paused')).length, 0);
    await c.client.patch(resourcePath(R.jobs, NS, 'paused'), { spec: { suspend: false } });
    await eventually(async () => (await podsOf('paused')).length === 1);
    const resumed = await waitFor(async () => {
      const cur = await getJob('paused');
      return cond(cur, 'Suspended')?.status === 'False' ? cur : undefined;
    });
    assert.equal(cond(resumed, 'Suspended')?.reason, 'JobResumed');
  });

  it('deletes a finished job after ttlSecondsAfterFinished', async () => {
    await c.client.create(resourcePath(R.jobs, NS), job('brief', { ttlSecondsAfterFinished: 0 }));
    const [pod] = await waitFor(async () => {
      const list = await podsOf('brief');
      return list.length ? list : undefined;
    });
    await setPodPhase(c.client, pod!, 'Succeeded');
    await eventually(async () => {
      try {
        // No garbage collector runs here, so foreground deletion leaves the job marked.
        return !!(await getJob('brief')).metadata.deletionTimestamp;
      } catch (err) {
        return err instanceof ApiStatusError && err.code === 404;
      }
    });
  });
});

describe('job in a full cluster', () => {
  let tc: TestCluster;
  before(async () => {
    tc = await startTestCluster({ simNodes: 2 });
  });
  after(async () => {
    await tc?.stop();
  });

  it('runs a job to completion on sim nodes, and kubectl wait sees Complete', async () => {
    const manifest = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'pi', namespace: 'default' },
      spec: {
        completions: 3,
        parallelism: 2,
        template: { metadata: { annotations: { 'sim.k8ts.io/run-seconds': '0.2' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] } },
      },
    };
    const created = await tc.kubectl(['create', '-f', tc.file('job.json', JSON.stringify(manifest))]);
    assert.equal(created.code, 0, created.stderr);
    const wait = await tc.kubectl(['wait', '--for=condition=complete', 'job/pi', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(wait.code, 0, wait.stderr);
    const got = await tc.kubectl(['get', 'job', 'pi', '-o', 'jsonpath={.status.succeeded}/{.status.failed}']);
    assert.equal(got.stdout, '3/0');
    const pods = await tc.kubectl(['get', 'pods', '-l', 'batch.kubernetes.io/job-name=pi', '-o', 'jsonpath={range .items[*]}{.status.phase} {.metadata.finalizers}{"\\n"}{end}']);
    assert.deepEqual(pods.stdout.trim().split('\n').map((l) => l.trim()), ['Succeeded', 'Succeeded', 'Succeeded']);
  });
});
