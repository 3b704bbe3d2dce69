// The CronJob controller on a fake clock against an in-process API server (no Job controller:
// the test finishes Jobs by writing their status), and the schedule arithmetic on its own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseCronSchedule } from '../../api/batch/v1/cron.js';
import type { CronJob, Job } from '../../api/batch/v1/types.js';
import type { KubeList } from '../../api/meta/types.js';
import { R, resourcePath } from '../../client/resources.js';
import { eventually } from '../../test/harness.js';
import { startBareCluster, waitFor, type BareCluster } from '../../test/bare-cluster.js';
import { CronJobController, SCHEDULED_TIMESTAMP_ANNOTATION } from './controller.js';
import { missedRuns, nextFiring, rfc3339InZone } from './schedule.js';

const NS = 'cron-test';
const MIN = 60_000;

describe('cron schedule arithmetic', () => {
  it('finds the next firing of steps, ranges and macros', () => {
    const t0 = Date.UTC(2026, 0, 1, 10, 7, 30);
    assert.equal(nextFiring(parseCronSchedule('*/15 * * * *'), t0), Date.UTC(2026, 0, 1, 10, 15));
    assert.equal(nextFiring(parseCronSchedule('@hourly'), t0), Date.UTC(2026, 0, 1, 11, 0));
    assert.equal(nextFiring(parseCronSchedule('0 0 1 * *'), t0), Date.UTC(2026, 1, 1, 0, 0));
    // Both day fields restricted: either may match (2026-01-02 is a Friday).
    assert.equal(nextFiring(parseCronSchedule('0 0 15 * 5'), t0), Date.UTC(2026, 0, 2, 0, 0));
  });

  it('fires on the wall clock of the time zone', () => {
    const t0 = Date.UTC(2026, 6, 1, 0, 0);
    // 09:00 in New York during daylight time is 13:00 UTC.
    assert.equal(nextFiring(parseCronSchedule('0 9 * * *'), t0, 'America/New_York'), Date.UTC(2026, 6, 1, 13, 0));
    assert.equal(rfc3339InZone(Date.UTC(2026, 6, 1, 13, 0), 'America/New_York'), '2026-07-01T09:00:00-04:00');
    assert.equal(rfc3339InZone(Date.UTC(2026, 6, 1, 13, 0)), '2026-07-01T13:00:00Z');
  });

  it('counts missed firings and reports the most recent', () => {
    const s = parseCronSchedule('*/1 * * * *');
    const m = missedRuns(s, Date.UTC(2026, 0, 1, 0, 0), Date.UTC(2026, 0, 1, 0, 5, 10));
    assert.equal(m.count, 5);
    assert.equal(m.mostRecent, Date.UTC(2026, 0, 1, 0, 5));
    assert.equal(m.next, Date.UTC(2026, 0, 1, 0, 6));
  });
});

describe('cronjob controller', () => {
  let c: BareCluster;
  let ctrl: CronJobController;
  let now = 0;

  const jobs = async () => (await c.client.get<KubeList<Job>>(resourcePath(R.jobs, NS))).items.filter((j) => !j.metadata.deletionTimestamp);
  const getCJ = (name: string) => c.client.get<CronJob>(resourcePath(R.cronjobs, NS, name));
  const events = async (name: string) =>
    (await c.client.get<{ items: { reason: string; message: string; involvedObject: { name: string } }[] }>(resourcePath(R.events, NS))).items.filter((e) => e.involvedObject.name === name);
  const cronJob = (name: string, policy: string): CronJob => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: NS },
    spec: {
      schedule: '*/1 * * * *',
      concurrencyPolicy: policy,
      jobTemplate: { metadata: { labels: { cron: name } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
    },
  });
  const complete = async (j: Job) => {
    const at = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
    const cond = (type: string) => ({ type, status: 'True', lastProbeTime: at, lastTransitionTime: at, reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' });
    await c.client.update(resourcePath(R.jobs, NS, j.metadata.name, 'status'), {
      ...j,
      status: { startTime: at, completionTime: at, succeeded: 1, conditions: [cond('SuccessCriteriaMet'), cond('Complete')] },
    });
  };

  before(async () => {
    c = await startBareCluster(NS);
    // Half a minute past the current minute, so the first firing is the next fake minute.
    now = Math.floor(Date.now() / MIN) * MIN + 30_000;
    ctrl = new CronJobController(c.client, c.informers, { clock: () => now, recheckMs: 20 });
    c.informers.start();
    void ctrl.run();
  });
  after(async () => {
    ctrl?.stop();
    await c?.stop();
  });

  it('creates a job per scheduled minute and honours Forbid', async () => {
    await c.client.create(resourcePath(R.cronjobs, NS), cronJob('every', 'Forbid'));
    // Nothing is due before the next minute.
    await new Promise((r) => setTimeout(r, 150));
    assert.equal((await jobs()).length, 0);

    now += MIN;
    const first = Math.floor(now / MIN) * MIN;
    const [job1] = await waitFor(async () => {
      const list = await jobs();
      return list.length === 1 ? list : undefined;
    });
    assert.equal(job1!.metadata.name, `every-${first / MIN}`);
    assert.equal(job1!.metadata.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION], rfc3339InZone(first));
    assert.equal(job1!.metadata.labels?.['cron'], 'every');
    assert.equal(job1!.metadata.ownerReferences?.[0]?.kind, 'CronJob');
    const cj1 = await waitFor(async () => {
      const cj = await getCJ('every');
      return cj.status?.active?.length === 1 ? cj : undefined;
    });
    assert.equal(cj1.status?.active?.[0]?.name, job1!.metadata.name);
    assert.equal(cj1.status?.lastScheduleTime, rfc3339InZone(first));

    // The first job still runs: Forbid skips the next firing.
    now += MIN;
    await eventually(async () => (await events('every')).some((e) => e.reason === 'JobAlreadyActive'));
    assert.equal((await jobs()).length, 1);

    await complete(job1!);
    const second = Math.floor(now / MIN) * MIN;
    const cj2 = await waitFor(async () => {
      const cj = await getCJ('every');
      return cj.status?.active?.length === 1 && cj.status.active[0]!.name !== job1!.metadata.name && cj.status.lastSuccessfulTime ? cj : undefined;
    });
    assert.equal(cj2.status?.active?.[0]?.name, `every-${second / MIN}`);
    assert.ok((await events('every')).some((e) => e.reason === 'SawCompletedJob'));
    await c.client.delete(resourcePath(R.cronjobs, NS, 'every'));
  });

  it('replaces the running job under Replace', async () => {
    await c.client.create(resourcePath(R.cronjobs, NS), cronJob('swap', 'Replace'));
    now += MIN;
    const [a] = await waitFor(async () => {
      const list = (await jobs()).filter((j) => j.metadata.labels?.['cron'] === 'swap');
      return list.length === 1 ? list : undefined;
    });
    now += MIN;
    const [b] = await waitFor(async () => {
      const list = (await jobs()).filter((j) => j.metadata.labels?.['cron'] === 'swap');
      return list.length === 1 && list[0]!.metadata.name !== a!.metadata.name ? list : undefined;
    });
    assert.equal(b!.metadata.name, `swap-${Math.floor(now / MIN)}`);
    await c.client.delete(resourcePath(R.cronjobs, NS, 'swap'));
  });

  it('warns about too many missed start times and starts the latest one', async () => {
    await c.client.create(resourcePath(R.cronjobs, NS), cronJob('late', 'Allow'));
    now += 200 * MIN;
    const [job] = await waitFor(async () => {
      const list = (await jobs()).filter((j) => j.metadata.labels?.['cron'] === 'late');
      return list.length ? list : undefined;
    });
    assert.equal(job!.metadata.name, `late-${Math.floor(now / MIN)}`);
    const warning = await waitFor(async () => (await events('late')).find((e) => e.reason === 'TooManyMissedTimes'));
    assert.match(warning.message, /^too many missed start times: \d+\. Set or decrease \.spec\.startingDeadlineSeconds or check clock skew$/);
  });
});
