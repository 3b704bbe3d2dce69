// The deployment controller in an in-process cluster, driven with the real kubectl's rollout,
// scale, set image, annotate commands.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Deployment, ReplicaSet } from '../../api/apps/v1/types.js';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { KubeList, KubeObject } from '../../api/meta/types.js';
import { Informer } from '../../client/informer.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { R, resourcePath } from '../../client/resources.js';
import { RestClient } from '../../client/rest.js';
import { eventually, startTestCluster, type TestCluster } from '../../test/harness.js';
import { NEVER_READY, START_DELAY_MS } from '../../kubelet/sim/annotations.js';
import { isPodReady } from '../common/pod-state.js';

const NS = 'deploy-test';

interface DeploymentOptions {
  replicas?: number;
  image?: string;
  strategy?: Deployment['spec'] extends infer S ? (S extends { strategy?: infer T } ? T : never) : never;
  annotations?: Record<string, string>;
  progressDeadlineSeconds?: number;
  revisionHistoryLimit?: number;
  minReadySeconds?: number;
  /** How long the sim node takes to start each new pod's container. */
  startDelayMs?: number;
}

/** What the sim node makes of the pods: a "broken" image never gets Ready, so its rollout makes no progress. */
function simScript(o: DeploymentOptions): { annotations?: Record<string, string> } {
  const annotations = { ...(o.image?.startsWith('broken') ? { [NEVER_READY]: 'true' } : {}), ...(o.startDelayMs ? { [START_DELAY_MS]: String(o.startDelayMs) } : {}) };
  return Object.keys(annotations).length ? { annotations } : {};
}

function deployment(name: string, o: DeploymentOptions = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS, ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: {
      replicas: o.replicas ?? 3,
      selector: { matchLabels: { app: name } },
      ...(o.strategy ? { strategy: o.strategy } : {}),
      ...(o.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: o.progressDeadlineSeconds } : {}),
      ...(o.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: o.revisionHistoryLimit } : {}),
      ...(o.minReadySeconds !== undefined ? { minReadySeconds: o.minReadySeconds } : {}),
      template: { metadata: { labels: { app: name }, ...simScript(o) }, spec: { containers: [{ name: 'app', image: o.image ?? 'nginx:1.0' }] } },
    },
  };
}

describe('deployment controller', () => {
  let c: TestCluster;
  let client: RestClient;

  const getD = (name: string) => client.get<Deployment>(resourcePath(R.deployments, NS, name));
  const rsOf = async (name: string): Promise<ReplicaSet[]> =>
    (await client.get<KubeList<ReplicaSet>>(`${resourcePath(R.replicasets, NS)}?labelSelector=app%3D${name}`)).items.filter((rs) => rs.metadata.ownerReferences?.[0]?.name === name);
  const imageOf = (x: { spec?: { template?: { spec?: { containers?: { image?: string }[] } } } }) => x.spec?.template?.spec?.containers?.[0]?.image;
  const eventsOf = async (name: string, reason: string) =>
    (await client.get<KubeList<KubeObject>>(`${resourcePath(R.events, NS)}?fieldSelector=${encodeURIComponent(`involvedObject.name=${name},reason=${reason}`)}`)).items.map((e) => String(e['message']));
  const create = async (d: Deployment) => {
    const r = await c.kubectl(['create', '-f', c.file(`${d.metadata.name}.json`, JSON.stringify(d))]);
    assert.equal(r.code, 0, r.stderr);
  };
  const rolledOut = async (name: string) => {
    const r = await c.kubectl(['rollout', 'status', `deployment/${name}`, '-n', NS, '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, new RegExp(`deployment "${name}" successfully rolled out`));
    return r.stdout;
  };

  /**
   * Watches a deployment's ReplicaSets and pods as a client would, recording every moment the
   * ReplicaSets together ask for more than replicas + surge (1 here) or fewer than replicas - 1
   * pods are ready.
   */
  const watchRollout = async (name: string, replicas: number) => {
    const rsInf = new Informer<ReplicaSet>(client, R.replicasets, { namespace: NS, labelSelector: `app=${name}` });
    const podInf = new Informer<Pod>(client, R.pods, { namespace: NS, labelSelector: `app=${name}` });
    const seen = { violations: [] as string[], maxTotal: 0, minReady: Infinity, pods: () => podInf.list(), stop: () => (rsInf.stop(), podInf.stop()) };
    // Judged only once both caches hold the whole state (the initial list arrives one add at a time).
    let live = false;
    // Every RS event as seen, so that a violation can be read against the sequence that led to it.
    const trace: string[] = [];
    const checkRS = (rs: ReplicaSet) => {
      if (!live) return;
      trace.push(`${rs.metadata.name!.slice(-10)}=${rs.spec?.replicas}@${rs.metadata.resourceVersion}`);
      const total = rsInf.list().reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0);
      seen.maxTotal = Math.max(seen.maxTotal, total);
      if (total > replicas + 1) seen.violations.push(`RS replicas sum ${total} after ${trace.slice(-30).join(' ')}`);
    };
    const checkPods = () => {
      if (!live) return;
      const ready = podInf.list().filter((p) => !p.metadata.deletionTimestamp && isPodReady(p)).length;
      seen.minReady = Math.min(seen.minReady, ready);
      if (ready < replicas - 1) seen.violations.push(`only ${ready} ready pods`);
    };
    rsInf.addHandlers({ add: checkRS, update: (_o, rs) => checkRS(rs), delete: checkRS });
    podInf.addHandlers({ add: checkPods, update: checkPods, delete: checkPods });
    rsInf.start();
    podInf.start();
    await Promise.all([rsInf.waitForSync(), podInf.waitForSync()]);
    live = true;
    for (const rs of rsInf.list()) checkRS(rs);
    checkPods();
    return seen;
  };

  before(async () => {
    // A sim node runs the pods the controller creates, as a kubelet would.
    c = await startTestCluster({ simNodes: 1 });
    client = new RestClient(loadKubeconfig(c.kubeconfig));
    await client.create(resourcePath(R.namespaces), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  });
  after(async () => {
    client?.close();
    await c?.stop();
  });

  it('creates a hashed ReplicaSet with revision annotations, conditions and a ScalingReplicaSet event', async () => {
    await create(deployment('web', { annotations: { 'kubernetes.io/change-cause': 'first release' } }));
    await rolledOut('web');
    const [rs, ...rest] = await rsOf('web');
    assert.equal(rest.length, 0);
    const hash = rs!.metadata.labels?.['pod-template-hash'];
    assert.match(hash ?? '', /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.equal(rs!.metadata.name, `web-${hash}`);
    assert.equal(rs!.spec?.selector?.matchLabels?.['pod-template-hash'], hash);
    assert.equal(rs!.spec?.template?.metadata?.labels?.['pod-template-hash'], hash);
    const a = rs!.metadata.annotations ?? {};
    assert.equal(a['deployment.kubernetes.io/revision'], '1');
    assert.equal(a['deployment.kubernetes.io/desired-replicas'], '3');
    assert.equal(a['deployment.kubernetes.io/max-replicas'], '4');
    assert.equal(a['kubernetes.io/change-cause'], 'first release');
    const d = await getD('web');
    // The controller's own writes never count as a new generation.
    assert.equal(d.metadata.generation, 1);
    assert.deepEqual(
      { r: d.status?.replicas, u: d.status?.updatedReplicas, rd: d.status?.readyReplicas, av: d.status?.availableReplicas, un: d.status?.unavailableReplicas ?? 0, og: d.status?.observedGeneration },
      { r: 3, u: 3, rd: 3, av: 3, un: 0, og: d.metadata.generation },
    );
    const conds = Object.fromEntries((d.status?.conditions ?? []).map((x) => [x.type, `${x.status}/${x.reason}`]));
    assert.deepEqual(conds, { Available: 'True/MinimumReplicasAvailable', Progressing: 'True/NewReplicaSetAvailable' });
    const progressing = d.status?.conditions?.find((x) => x.type === 'Progressing');
    assert.equal(progressing?.message, `ReplicaSet "${rs!.metadata.name}" has successfully progressed.`);
    assert.deepEqual(await eventually(() => eventsOf('web', 'ScalingReplicaSet').then((m) => (m.length ? m : undefined))), [`Scaled up replica set ${rs!.metadata.name} to 3 from 0`]);
    const pods = (await client.get<KubeList<Pod>>(`${resourcePath(R.pods, NS)}?labelSelector=app%3Dweb`)).items;
    assert.ok(pods.every((p) => p.metadata.name!.startsWith(`${rs!.metadata.name}-`) && p.metadata.labels?.['pod-template-hash'] === hash));
  });

  it('rolls out an image change within maxSurge and maxUnavailable, as a watch observes it', async () => {
    const replicas = 4;
    // 25% of 4: surge 1 (rounded up), unavailable 1 (rounded down).
    // Pods that take a while to start, so the rollout must spend its unavailability budget.
    await create(deployment('roll', { replicas, startDelayMs: 500, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } }));
    await rolledOut('roll');
    const watch = await watchRollout('roll', replicas);
    try {
      const r = await c.kubectl(['set', 'image', 'deployment/roll', 'app=nginx:2.0', '-n', NS]);
      assert.equal(r.code, 0, r.stderr);
      await rolledOut('roll');
      await eventually(() => watch.pods().length === replicas && watch.pods().every((p) => imageOf({ spec: { template: { spec: p.spec } } }) === 'nginx:2.0'));
    } finally {
      watch.stop();
    }
    const { violations, maxTotal, minReady } = watch;
    assert.deepEqual(violations, []);
    assert.equal(maxTotal, replicas + 1, 'the surge was used');
    assert.equal(minReady, replicas - 1, 'the unavailability budget was used');
    const rss = await rsOf('roll');
    assert.equal(rss.length, 2);
    const byRev = Object.fromEntries(rss.map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], rs]));
    assert.equal(imageOf(byRev['2']!), 'nginx:2.0');
    assert.equal(byRev['1']!.spec?.replicas, 0);
    const scaling = await eventsOf('roll', 'ScalingReplicaSet');
    assert.ok(scaling.includes(`Scaled down replica set ${byRev['1']!.metadata.name} to 3 from 4`), scaling.join('\n'));
  });

  it('stays within maxSurge and maxUnavailable through rollouts in quick succession', async () => {
    // A ReplicaSet's status lags its scale-downs; a rollout that trusted it once scaled an old
    // ReplicaSet back up past the surge (seen once in several runs, always within ten rollouts).
    const replicas = 4;
    await create(deployment('quick', { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } }));
    await rolledOut('quick');
    const watch = await watchRollout('quick', replicas);
    try {
      for (let i = 1; i <= 10; i++) {
        const r = await c.kubectl(['set', 'image', 'deployment/quick', `app=nginx:${i}`, '-n', NS]);
        assert.equal(r.code, 0, r.stderr);
        await rolledOut('quick');
      }
    } finally {
      watch.stop();
    }
    assert.deepEqual(watch.violations, []);
    assert.equal(watch.maxTotal, replicas + 1, 'the surge was used');
  });

  it('rollout history, undo and undo --to-revision', async () => {
    let r = await c.kubectl(['set', 'image', 'deployment/web', 'app=nginx:2.0', '-n', NS]);
    assert.equal(r.code, 0, r.stderr);
    r = await c.kubectl(['annotate', 'deployment/web', '-n', NS, 'kubernetes.io/change-cause=move to 2.0', '--overwrite']);
    assert.equal(r.code, 0, r.stderr);
    await rolledOut('web');
    const history = await eventually(async () => {
      const h = await c.kubectl(['rollout', 'history', 'deployment/web', '-n', NS]);
      return /2\s+move to 2\.0/.test(h.stdout) ? h.stdout : undefined;
    });
    assert.match(history!, /REVISION\s+CHANGE-CAUSE\n1\s+first release\n2\s+move to 2\.0\n/);

    r = await c.kubectl(['rollout', 'undo', 'deployment/web', '-n', NS]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /deployment.apps\/web rolled back/);
    await eventually(async () => imageOf(await getD('web')) === 'nginx:1.0');
    await rolledOut('web');
    const rss = await rsOf('web');
    assert.equal(rss.length, 2, 'the undo reused the first ReplicaSet');
    const first = rss.find((rs) => imageOf(rs) === 'nginx:1.0')!;
    assert.equal(first.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.equal(first.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(first.spec?.replicas, 3);
    assert.equal(rss.find((rs) => imageOf(rs) === 'nginx:2.0')!.spec?.replicas, 0);
    const h = await c.kubectl(['rollout', 'history', 'deployment/web', '-n', NS]);
    assert.match(h.stdout, /REVISION\s+CHANGE-CAUSE\n2\s+move to 2\.0\n3\s+first release\n/);

    r = await c.kubectl(['rollout', 'undo', 'deployment/web', '-n', NS, '--to-revision=2']);
    assert.equal(r.code, 0, r.stderr);
    await eventually(async () => imageOf(await getD('web')) === 'nginx:2.0');
    await rolledOut('web');
    const back = (await rsOf('web')).find((rs) => imageOf(rs) === 'nginx:2.0')!;
    assert.equal(back.metadata.annotations?.['deployment.kubernetes.io/revision'], '4');
    assert.equal(back.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '2');
  });

  it('kubectl scale resizes the ReplicaSet with an event', async () => {
    const r = await c.kubectl(['scale', 'deployment/web', '-n', NS, '--replicas=5']);
    assert.equal(r.code, 0, r.stderr);
    await rolledOut('web');
    const active = (await rsOf('web')).filter((rs) => (rs.spec?.replicas ?? 0) > 0);
    assert.equal(active.length, 1);
    assert.equal(active[0]!.spec?.replicas, 5);
    assert.equal(active[0]!.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '5');
    const d = await getD('web');
    assert.equal(d.status?.availableReplicas, 5);
    assert.ok((await eventsOf('web', 'ScalingReplicaSet')).includes(`Scaled up replica set ${active[0]!.metadata.name} to 5 from 3`));
  });

  it('pause holds a template change back; resume rolls it out', async () => {
    let r = await c.kubectl(['rollout', 'pause', 'deployment/web', '-n', NS]);
    assert.equal(r.code, 0, r.stderr);
    await eventually(async () => (await getD('web')).status?.conditions?.find((x) => x.type === 'Progressing')?.reason === 'DeploymentPaused');
    const before = (await rsOf('web')).map((rs) => rs.metadata.name).sort();
    r = await c.kubectl(['set', 'image', 'deployment/web', 'app=nginx:3.0', '-n', NS]);
    assert.equal(r.code, 0, r.stderr);
    // The controller has seen the change once observedGeneration catches up; it must not have acted on it.
    const seen = await eventually(async () => {
      const d = await getD('web');
      return (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) && imageOf(d) === 'nginx:3.0' ? d : undefined;
    });
    assert.equal(seen!.status?.updatedReplicas, 0, 'no pod of the paused template');
    assert.deepEqual((await rsOf('web')).map((rs) => rs.metadata.name).sort(), before);
    const cond = seen!.status?.conditions?.find((x) => x.type === 'Progressing');
    assert.deepEqual([cond?.status, cond?.reason, cond?.message], ['Unknown', 'DeploymentPaused', 'Deployment is paused']);

    r = await c.kubectl(['rollout', 'resume', 'deployment/web', '-n', NS]);
    assert.equal(r.code, 0, r.stderr);
    await rolledOut('web');
    const current = (await rsOf('web')).filter((rs) => (rs.spec?.replicas ?? 0) > 0);
    assert.deepEqual(current.map(imageOf), ['nginx:3.0']);
  });

  it('rollout restart creates a new ReplicaSet with the restartedAt annotation', async () => {
    const r = await c.kubectl(['rollout', 'restart', 'deployment/web', '-n', NS]);
    assert.equal(r.code, 0, r.stderr);
    await rolledOut('web');
    const current = (await rsOf('web')).filter((rs) => (rs.spec?.replicas ?? 0) > 0);
    assert.equal(current.length, 1);
    assert.ok(current[0]!.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']);
  });

  it('Recreate scales the old ReplicaSet to zero before the new one gets any replica', async () => {
    await create(deployment('recreate', { replicas: 2, strategy: { type: 'Recreate' } }));
    await rolledOut('recreate');
    const overlaps: string[] = [];
    const rsInf = new Informer<ReplicaSet>(client, R.replicasets, { namespace: NS, labelSelector: 'app=recreate' });
    const podInf = new Informer<Pod>(client, R.pods, { namespace: NS, labelSelector: 'app=recreate' });
    let live = false;
    const check = () => {
      if (!live) return;
      const active = rsInf.list().filter((rs) => (rs.spec?.replicas ?? 0) > 0);
      if (active.length > 1) overlaps.push(active.map((rs) => rs.metadata.name).join(','));
      const images = new Set(podInf.list().filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec?.containers[0]?.image));
      if (images.size > 1) overlaps.push(`pods of both templates: ${[...images].join(',')}`);
    };
    rsInf.addHandlers({ add: check, update: check, delete: check });
    podInf.addHandlers({ add: check, update: check, delete: check });
    rsInf.start();
    podInf.start();
    await Promise.all([rsInf.waitForSync(), podInf.waitForSync()]);
    live = true;
    check();
    try {
      const r = await c.kubectl(['set', 'image', 'deployment/recreate', 'app=nginx:2.0', '-n', NS]);
      assert.equal(r.code, 0, r.stderr);
      await rolledOut('recreate');
    } finally {
      rsInf.stop();
      podInf.stop();
    }
    assert.deepEqual(overlaps, []);
    const rss = await rsOf('recreate');
    assert.deepEqual(rss.map((rs) => [imageOf(rs), rs.spec?.replicas]).sort(), [['nginx:1.0', 0], ['nginx:2.0', 2]]);
  });

  it('a rollout that makes no progress exceeds its deadline and rollout status says so', async () => {
    await create(deployment('stuck', { replicas: 2, progressDeadlineSeconds: 2, image: 'broken:1' }));
    const d = await eventually(async () => {
      const x = await getD('stuck');
      const cond = x.status?.conditions?.find((k) => k.type === 'Progressing');
      return cond?.reason === 'ProgressDeadlineExceeded' ? x : undefined;
    }, 15_000);
    const cond = d!.status?.conditions?.find((k) => k.type === 'Progressing');
    assert.equal(cond?.status, 'False');
    assert.match(cond?.message ?? '', /^ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\.$/);
    assert.deepEqual(
      d!.status?.conditions?.filter((k) => k.type === 'Available').map((k) => [k.status, k.reason]),
      [['False', 'MinimumReplicasUnavailable']],
    );
    const r = await c.kubectl(['rollout', 'status', 'deployment/stuck', '-n', NS, '--timeout=20s']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /deployment "stuck" exceeded its progress deadline/);

    // Within its (default, 600 s) deadline the same state is reported as waiting.
    await create(deployment('waiting', { replicas: 2, image: 'broken:2' }));
    const w = await eventually(async () => {
      const x = await c.kubectl(['rollout', 'status', 'deployment/waiting', '-n', NS, '--watch=false']);
      return x.stdout.includes('updated replicas are available') ? x : undefined;
    });
    assert.equal(w!.code, 0, w!.stderr);
    assert.equal(w!.stdout, 'Waiting for deployment "waiting" rollout to finish: 0 of 2 updated replicas are available...\n');
  });

  it('revisionHistoryLimit deletes the oldest scaled-down ReplicaSets', async () => {
    await create(deployment('history', { replicas: 1, revisionHistoryLimit: 1 }));
    await rolledOut('history');
    for (const v of ['2.0', '3.0', '4.0']) {
      const r = await c.kubectl(['set', 'image', 'deployment/history', `app=nginx:${v}`, '-n', NS]);
      assert.equal(r.code, 0, r.stderr);
      await rolledOut('history');
    }
    const rss = await eventually(async () => {
      const l = await rsOf('history');
      return l.length === 2 ? l : undefined;
    });
    assert.deepEqual(rss!.map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision']).sort(), ['3', '4']);
  });
});
