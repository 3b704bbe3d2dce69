// pods/eviction as upstream's EvictionREST: the DisruptionTarget condition, deleteOptions
// (grace period, preconditions, dry run), pods that skip the budget (terminal, pending,
// terminating), unhealthy pods under both unhealthyPodEvictionPolicy values, several budgets, and
// the budget's spent disruption recorded in disruptedPods. On one sim node.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadKubeconfig } from '../../../client/kubeconfig.js';
import { RestClient, type WatchHandle } from '../../../client/rest.js';
import { eventually, startTestCluster, type TestCluster } from '../../../test/harness.js';

const NS = '/api/v1/namespaces/default';
const PDBS = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';
/** Keeps a deleted pod visible (terminating) so what the eviction wrote can be read. */
const HOLD = 'example.com/hold';

interface PodView {
  metadata: { name: string; uid: string; resourceVersion: string; deletionTimestamp?: string; deletionGracePeriodSeconds?: number; finalizers?: string[] };
  status?: { phase?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

const pod = (name: string, labels: Record<string, string>, extra: { annotations?: Record<string, string>; finalizers?: string[]; restartPolicy?: string; nodeSelector?: Record<string, string> } = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels, annotations: extra.annotations, finalizers: extra.finalizers },
  spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: extra.restartPolicy, nodeSelector: extra.nodeSelector },
});
const budget = (name: string, app: string, spec: Record<string, unknown>) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec: { selector: { matchLabels: { app } }, ...spec } });
const eviction = (name: string, deleteOptions?: Record<string, unknown>) => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' }, ...(deleteOptions ? { deleteOptions } : {}) });

describe('pods/eviction', () => {
  let c: TestCluster;
  let client: RestClient;
  let pdbWatch: WatchHandle | undefined;
  /** Every disruptedPods map the budgets' watch showed, by budget name. */
  const disrupted: Record<string, Record<string, string>[]> = {};

  before(async () => {
    c = await startTestCluster({ simNodes: 1 });
    client = new RestClient(loadKubeconfig(c.kubeconfig));
    pdbWatch = client.watch<{ metadata: { name: string }; status?: { disruptedPods?: Record<string, string> } }>(`${PDBS}?watch=1`, (ev) => {
      const pods = ev.object.status?.disruptedPods;
      if (pods && Object.keys(pods).length) (disrupted[ev.object.metadata.name] ??= []).push(pods);
    });
  });
  after(async () => {
    pdbWatch?.stop();
    client?.close();
    await c?.stop();
  });

  const create = async (path: string, body: unknown) => {
    const r = await c.http('POST', path, body);
    assert.equal(r.status, 201, r.body);
  };
  const getPod = async (name: string): Promise<PodView | undefined> => {
    const r = await c.http('GET', `${NS}/pods/${name}`);
    return r.status === 404 ? undefined : (r.json() as PodView);
  };
  const ready = (p: PodView | undefined) => !!p?.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True');
  const running = (name: string) => eventually(async () => ((await getPod(name))?.status?.phase === 'Running' ? getPod(name) : undefined), 20_000);
  const budgetSettled = (name: string, check: (s: Record<string, number>) => boolean) =>
    eventually(async () => {
      const s = (await c.http('GET', `${PDBS}/${name}`)).json().status;
      return s && s.observedGeneration === 1 && check(s) && s;
    }, 20_000);
  const evict = (name: string, deleteOptions?: Record<string, unknown>, query = '') => c.http('POST', `${NS}/pods/${name}/eviction${query}`, eviction(name, deleteOptions));
  const release = async (name: string) => {
    const r = await c.http('PATCH', `${NS}/pods/${name}`, { metadata: { finalizers: null } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.ok(r.status === 200 || r.status === 404, r.body);
    await eventually(async () => !(await getPod(name)), 20_000);
  };

  it('marks the pod DisruptionTarget, deletes it with the grace period asked, and records the spent disruption', async () => {
    await create(`${NS}/pods`, pod('held-1', { app: 'held' }, { finalizers: [HOLD] }));
    await create(`${NS}/pods`, pod('held-2', { app: 'held' }));
    await running('held-1');
    await running('held-2');
    await create(PDBS, budget('held', 'held', { minAvailable: 1 }));
    await budgetSettled('held', (s) => s['disruptionsAllowed'] === 1 && s['currentHealthy'] === 2);

    const r = await evict('held-1', { gracePeriodSeconds: 7 });
    assert.equal(r.status, 201, r.body);
    assert.deepEqual(r.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    const p = (await getPod('held-1'))!;
    assert.ok(p.metadata.deletionTimestamp, 'the pod is being deleted');
    assert.equal(p.metadata.deletionGracePeriodSeconds, 7);
    const cond = p.status?.conditions?.find((x) => x.type === 'DisruptionTarget');
    assert.deepEqual(cond && { status: cond.status, reason: cond.reason, message: cond.message }, { status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' });
    // The eviction wrote the pod into disruptedPods itself; the controller drops it once it sees the delete.
    await eventually(() => disrupted['held']?.some((m) => 'held-1' in m), 5000);
    const after = await budgetSettled('held', (s) => s['currentHealthy'] === 1);
    assert.equal(after.disruptionsAllowed, 0);

    // The one disruption is spent: the other pod stays.
    const refused = await evict('held-2');
    assert.equal(refused.status, 429, refused.body);
    assert.equal(refused.headers['retry-after'], undefined, 'a refused budget suggests no wait');
    assert.deepEqual(refused.json().details.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget held needs 1 healthy pods and has 1 currently' }]);
    // Already terminating: evicted again whatever the budget says, as upstream's canIgnorePDB.
    const again = await evict('held-1');
    assert.equal(again.status, 201, again.body);
    await release('held-1');
  });

  it('checks preconditions against the pod and writes nothing on a dry run', async () => {
    await create(`${NS}/pods`, pod('free', { app: 'free' }));
    const p = await running('free');
    const wrongUid = await evict('free', { preconditions: { uid: '00000000-0000-0000-0000-000000000000' } });
    assert.equal(wrongUid.status, 409, wrongUid.body);
    assert.match(wrongUid.json().message, /Precondition failed: UID in precondition/);
    const wrongRv = await evict('free', { preconditions: { resourceVersion: '1' } });
    assert.equal(wrongRv.status, 409, wrongRv.body);

    const dry = await evict('free', undefined, '?dryRun=All');
    assert.equal(dry.status, 201, dry.body);
    const dryInBody = await evict('free', { dryRun: ['All'] });
    assert.equal(dryInBody.status, 201, dryInBody.body);
    const still = (await getPod('free'))!;
    assert.equal(still.metadata.deletionTimestamp, undefined);
    assert.equal(still.status?.conditions?.find((x) => x.type === 'DisruptionTarget'), undefined);

    const ok = await evict('free', { preconditions: { uid: p!.metadata.uid } });
    assert.equal(ok.status, 201, ok.body);
    await eventually(async () => !(await getPod('free')), 20_000);
  });

  it('evicts terminal and pending pods whatever the budget', async () => {
    await create(`${NS}/pods`, pod('done', { app: 'strict' }, { restartPolicy: 'Never', annotations: { 'sim.k8ts.io/run-seconds': '0.1' } }));
    await create(`${NS}/pods`, pod('nowhere', { app: 'strict' }, { nodeSelector: { 'no-such': 'node' } }));
    await create(PDBS, budget('strict', 'strict', { minAvailable: 5 }));
    await eventually(async () => (await getPod('done'))?.status?.phase === 'Succeeded', 20_000);
    await budgetSettled('strict', (s) => s['disruptionsAllowed'] === 0);
    for (const name of ['done', 'nowhere']) {
      const r = await evict(name);
      assert.equal(r.status, 201, `${name}: ${r.body}`);
      await eventually(async () => !(await getPod(name)), 20_000);
    }
  });

  it('lets an unready pod go when the budget holds without it, or always under AlwaysAllow', async () => {
    for (const n of ['u-1', 'u-2']) await create(`${NS}/pods`, pod(n, { app: 'u' }));
    await create(`${NS}/pods`, pod('u-sick', { app: 'u' }, { annotations: { 'sim.k8ts.io/never-ready': 'true' } }));
    await create(`${NS}/pods`, pod('u-sick-2', { app: 'u' }, { annotations: { 'sim.k8ts.io/never-ready': 'true' } }));
    await eventually(async () => ready(await getPod('u-1')) && ready(await getPod('u-2')), 20_000);
    await running('u-sick');
    await running('u-sick-2');
    await create(PDBS, budget('u', 'u', { minAvailable: 2 }));
    await budgetSettled('u', (s) => s['currentHealthy'] === 2 && s['desiredHealthy'] === 2);
    // IfHealthyBudget (the default): 2 healthy of 2 needed, so the unready pod may go; a ready one may not.
    assert.equal((await evict('u-1')).status, 429);
    const sick = await evict('u-sick');
    assert.equal(sick.status, 201, sick.body);
    assert.equal((await c.http('GET', `${PDBS}/u`)).json().status.disruptionsAllowed, 0, 'an unready pod spends no disruption');

    // Needing 3 healthy of 2: the unready pod is guarded too, until the policy says AlwaysAllow.
    const patch = (spec: Record<string, unknown>) => c.http('PATCH', `${PDBS}/u`, { spec }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal((await patch({ minAvailable: 3 })).status, 200);
    await eventually(async () => {
      const s = (await c.http('GET', `${PDBS}/u`)).json().status;
      return s.observedGeneration === 2 && s.desiredHealthy === 3;
    }, 20_000);
    const guarded = await evict('u-sick-2');
    assert.equal(guarded.status, 429, guarded.body);
    assert.equal((await patch({ unhealthyPodEvictionPolicy: 'AlwaysAllow' })).status, 200);
    const allowed = await eventually(async () => {
      const r = await evict('u-sick-2');
      // 429 "still being processed" until the controller has observed the new generation.
      return r.status === 201 ? r : undefined;
    }, 20_000);
    assert.equal(allowed.status, 201);
  });

  it('refuses a pod that two budgets cover', async () => {
    await create(PDBS, { ...budget('u-again', 'u', { maxUnavailable: 1 }) });
    const r = await eventually(async () => {
      const res = await evict('u-2');
      return res.status === 500 ? res : undefined;
    }, 5000);
    assert.equal(r.json().message, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    assert.ok(ready(await getPod('u-2')));
  });
});

// Without controllers the budget's status is only what the test writes, so what the eviction
// itself does to it is seen exactly: the stale-generation refusal, the decrement, the condition and
// disruptedPods entry, and the refusal at zero.
describe('pods/eviction against a budget status written by hand', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ controlPlane: { disableControllers: true, disableScheduler: true } });
  });
  after(() => c?.stop());

  const merge = { 'Content-Type': 'application/merge-patch+json' };
  const runningPod = async (name: string) => {
    // Bound to a node (that has no kubelet), so a delete is graceful and leaves the pod terminating.
    const body = pod(name, { app: 'hand' });
    assert.equal((await c.http('POST', `${NS}/pods`, { ...body, spec: { ...body.spec, nodeName: 'no-kubelet' } })).status, 201);
    const now = new Date().toISOString();
    const st = await c.http('PATCH', `${NS}/pods/${name}/status`, { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } }, merge);
    assert.equal(st.status, 200, st.body);
  };
  const setBudget = (status: Record<string, unknown>) => c.http('PATCH', `${PDBS}/hand/status`, { status }, merge);
  const budgetStatus = async () => (await c.http('GET', `${PDBS}/hand`)).json().status;

  it('refuses while the budget is not observed, then spends one disruption per eviction', async () => {
    await runningPod('h-1');
    await runningPod('h-2');
    assert.equal((await c.http('POST', PDBS, budget('hand', 'hand', { maxUnavailable: 1 }))).status, 201);

    const stale = await c.http('POST', `${NS}/pods/h-1/eviction`, eviction('h-1'));
    assert.equal(stale.status, 429, stale.body);
    assert.equal(stale.headers['retry-after'], '10');
    assert.equal(stale.json().message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.deepEqual(stale.json().details.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget hand is still being processed by the server.' }]);

    assert.equal((await setBudget({ observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 })).status, 200);
    const dry = await c.http('POST', `${NS}/pods/h-1/eviction?dryRun=All`, eviction('h-1'));
    assert.equal(dry.status, 201, dry.body);
    const untouched = await budgetStatus();
    assert.equal(untouched.disruptionsAllowed, 1, 'a dry run spends nothing');
    assert.equal(untouched.disruptedPods, undefined);
    const ok = await c.http('POST', `${NS}/pods/h-1/eviction`, eviction('h-1'));
    assert.equal(ok.status, 201, ok.body);
    const st = await budgetStatus();
    assert.equal(st.disruptionsAllowed, 0);
    assert.deepEqual(Object.keys(st.disruptedPods), ['h-1']);
    assert.ok(!Number.isNaN(Date.parse(st.disruptedPods['h-1'])));
    assert.deepEqual(
      st.conditions.map((x: { type: string; status: string; reason: string }) => [x.type, x.status, x.reason]),
      [['DisruptionAllowed', 'False', 'InsufficientPods']],
    );
    // No kubelet here: the pod stays terminating, marked as the eviction's.
    const p = (await c.http('GET', `${NS}/pods/h-1`)).json() as PodView;
    assert.ok(p.metadata.deletionTimestamp);
    assert.equal(p.status?.conditions?.find((x) => x.type === 'DisruptionTarget')?.reason, 'EvictionByEvictionAPI');

    const refused = await c.http('POST', `${NS}/pods/h-2/eviction`, eviction('h-2'));
    assert.equal(refused.status, 429, refused.body);
    assert.deepEqual(refused.json().details.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget hand needs 1 healthy pods and has 2 currently' }]);
    assert.deepEqual(Object.keys((await budgetStatus()).disruptedPods), ['h-1'], 'a refused eviction records nothing');
  });

  it('refuses an eviction whose deleteOptions are invalid', async () => {
    const r = await c.http('POST', `${NS}/pods/h-2/eviction`, eviction('h-2', { dryRun: ['Some'] }));
    assert.equal(r.status, 400, r.body);
    const g = await c.http('POST', `${NS}/pods/h-2/eviction`, eviction('h-2', { gracePeriodSeconds: -3 }));
    assert.equal(g.status, 400, g.body);
  });
});
