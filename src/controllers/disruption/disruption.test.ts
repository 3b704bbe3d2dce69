// PDB status from the disruption controller and the pods/eviction subresource, end to end.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startTestCluster, type TestCluster } from '../../test/harness.js';

const deployment = (name: string, replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
});
const budget = (name: string, app: string, spec: Record<string, unknown>) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'default' }, spec: { selector: { matchLabels: { app } }, ...spec } });
const eviction = (name: string) => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' } });

describe('disruption controller and eviction', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ simNodes: 1 });
  });
  after(async () => {
    await c.stop();
  });

  const readyPods = async (app: string): Promise<string[]> => {
    const items = (await c.http('GET', `/api/v1/namespaces/default/pods?labelSelector=app%3D${app}`)).json().items as { metadata: { name: string; deletionTimestamp?: string }; status?: { conditions?: { type: string; status: string }[] } }[];
    return items.filter((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).map((p) => p.metadata.name);
  };
  const pdbStatus = async (name: string) => (await c.http('GET', `/apis/policy/v1/namespaces/default/poddisruptionbudgets/${name}`)).json().status;

  it('lists pods/eviction in discovery', async () => {
    const r = (await c.http('GET', '/api/v1')).json();
    const ev = r.resources.find((x: { name: string }) => x.name === 'pods/eviction');
    assert.deepEqual({ group: ev.group, version: ev.version, kind: ev.kind, verbs: ev.verbs }, { group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  });

  it('computes the status from the pods and the deployment scale, and refuses an eviction the budget does not allow', async () => {
    assert.equal((await c.http('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('guarded', 2))).status, 201);
    await eventually(async () => (await readyPods('guarded')).length === 2, 30_000);
    assert.equal((await c.http('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', budget('strict', 'guarded', { minAvailable: 2 }))).status, 201);
    const st = await eventually(async () => {
      const s = await pdbStatus('strict');
      return s?.observedGeneration === 1 && s.currentHealthy === 2 && s;
    }, 20_000);
    assert.equal(st.desiredHealthy, 2);
    assert.equal(st.expectedPods, 2);
    assert.equal(st.disruptionsAllowed, 0);
    assert.deepEqual(
      st.conditions.map((x: { type: string; status: string; reason: string }) => [x.type, x.status, x.reason]),
      [['DisruptionAllowed', 'False', 'InsufficientPods']],
    );
    const shown = await c.kubectl(['get', 'pdb', 'strict', '--no-headers']);
    assert.match(shown.stdout, /^strict\s+2\s+N\/A\s+0\s/);

    const [victim] = await readyPods('guarded');
    const r = await c.http('POST', `/api/v1/namespaces/default/pods/${victim}/eviction`, eviction(victim!));
    assert.equal(r.status, 429, r.body);
    const body = r.json();
    assert.equal(body.reason, 'TooManyRequests');
    assert.equal(body.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.deepEqual(body.details.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget strict needs 2 healthy pods and has 2 currently' }]);
    assert.ok((await readyPods('guarded')).includes(victim!));
  });

  it('evicts when a disruption is allowed, spending it until the controller recounts', async () => {
    assert.equal((await c.http('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('loose', 3))).status, 201);
    await eventually(async () => (await readyPods('loose')).length === 3, 30_000);
    assert.equal((await c.http('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', budget('one-at-a-time', 'loose', { maxUnavailable: 1 }))).status, 201);
    await eventually(async () => (await pdbStatus('one-at-a-time'))?.disruptionsAllowed === 1, 20_000);
    const [first, second] = await readyPods('loose');
    const ok = await c.http('POST', `/api/v1/namespaces/default/pods/${first}/eviction`, eviction(first!));
    assert.equal(ok.status, 201, ok.body);
    assert.equal(ok.json().status, 'Success');
    // The budget was spent by the eviction itself, before any controller ran: a second one is refused.
    const again = await c.http('POST', `/api/v1/namespaces/default/pods/${second}/eviction`, eviction(second!));
    assert.equal(again.status, 429, again.body);
    await eventually(async () => {
      const p = await c.http('GET', `/api/v1/namespaces/default/pods/${first}`);
      return p.status === 404 || !!p.json().metadata.deletionTimestamp;
    }, 20_000);
    // The deployment replaces the pod; once it is ready the budget allows one disruption again.
    await eventually(async () => (await readyPods('loose')).length === 3 && (await pdbStatus('one-at-a-time'))?.disruptionsAllowed === 1, 30_000);
  });

  it('rejects an eviction whose name does not match the URL', async () => {
    const [p] = await readyPods('loose');
    const r = await c.http('POST', `/api/v1/namespaces/default/pods/${p}/eviction`, eviction('other'));
    assert.equal(r.status, 400);
  });
});
