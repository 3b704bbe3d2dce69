// The plan of a running pod against the sim runtime: a container whose image changed is killed
// and started again from the new spec (upstream's containerChanged in computePodActions); a
// change the kubelet ignores (labels) plans nothing.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Pod } from '../api/core/v1/pod/types.js';
import type { EventRecorder } from '../client/events.js';
import { CrashBackoff } from './backoff.js';
import { CONTAINER_HASH_ANNOTATION, containerHash, definitionChanged } from './container-hash.js';
import { runSandbox, startContainer } from './pod-actions.js';
import { planRun, type PlanContext } from './pod-plan.js';
import { newPodRecord, type Action, type PodRecord } from './pod-record.js';
import { snapshot } from './pod-snapshot.js';
import { generatePodStatus } from './pod-status.js';
import { SimRuntime } from './sim/runtime.js';
import { TimerWheel } from './timer-wheel.js';

function podOf(image: string, opts: { restartPolicy?: string; labels?: Record<string, string>; sidecar?: string } = {}): Pod {
  return {
    metadata: { name: 'p', namespace: 'ns', uid: 'uid-1', labels: opts.labels ?? { app: 'x' } },
    spec: {
      restartPolicy: opts.restartPolicy ?? 'Always',
      terminationGracePeriodSeconds: 5,
      ...(opts.sidecar ? { initContainers: [{ name: 'side', image: opts.sidecar, restartPolicy: 'Always' }] } : {}),
      containers: [{ name: 'app', image }],
    },
  };
}

describe('container hash', () => {
  it("is upstream's HashContainer value, over name and image only", () => {
    // pkg/kubelet/container/helpers_test.go's TestHashContainer (args and ports do not count).
    assert.equal(containerHash({ name: 'test_container', image: 'foo/image:v1', args: ['/bin/sh', '-c', 'echo abc'], ports: [{ containerPort: 8001 }] }), '8e45cbd0');
    assert.equal(containerHash({ name: 'test_container', image: 'foo/image:v1' }), '8e45cbd0');
    assert.notEqual(containerHash({ name: 'test_container', image: 'foo/image:v2' }), '8e45cbd0');
  });
  it('takes a container with no recorded hash as current', () => {
    const c = { name: 'app', image: 'busybox' };
    assert.equal(definitionChanged(c, { annotations: {} }), false);
    assert.equal(definitionChanged(c, { annotations: { [CONTAINER_HASH_ANNOTATION]: containerHash(c) } }), false);
    assert.equal(definitionChanged(c, { annotations: { [CONTAINER_HASH_ANNOTATION]: containerHash({ ...c, image: 'nginx' }) } }), true);
  });
});

describe('pod plan: a changed container definition', () => {
  let wheel: TimerWheel;
  let rt: SimRuntime;
  let events: string[];
  let ctx: PlanContext;

  beforeEach(async () => {
    wheel = new TimerWheel();
    rt = new SimRuntime({ nodeIP: '172.30.0.1', wheel, stopDelayMs: 10 });
    await rt.updateRuntimeConfig({ podCIDR: '10.244.0.0/24' });
    events = [];
    ctx = { clock: Date.now, backoff: new CrashBackoff(10_000, 300_000) };
  });
  afterEach(() => wheel.stop());

  const recorder = { event: (_o: unknown, type: string, reason: string, message: string) => void events.push(`${type} ${reason} ${message}`) } as unknown as EventRecorder;

  /** A pod running its first attempts under `pod`'s spec. */
  async function running(pod: Pod): Promise<PodRecord> {
    const rec = newPodRecord('ns/p', pod, { name: 'sim-0', nodeIP: '172.30.0.1', runtime: rt, runtimeName: 'sim', recorder });
    await runSandbox(rec, pod);
    for (const c of pod.spec!.initContainers ?? []) await startContainer(ctx, rec, pod, c, 0, true);
    for (const c of pod.spec!.containers) await startContainer(ctx, rec, pod, c, 0, false);
    events.length = 0;
    return rec;
  }

  async function plan(rec: PodRecord, pod: Pod): Promise<Action[]> {
    const actions: Action[] = [];
    planRun(ctx, pod, rec, await snapshot(rec), actions, () => undefined);
    return actions;
  }

  for (const restartPolicy of ['Always', 'Never']) {
    it(`kills the running container and starts the new image as attempt 1 (restartPolicy ${restartPolicy})`, async () => {
      const rec = await running(podOf('busybox:1', { restartPolicy }));
      const before = (await snapshot(rec)).containers.get('app')!.attempts[0]!;
      const updated = podOf('busybox:2', { restartPolicy });
      const actions = await plan(rec, updated);
      assert.equal(actions.length, 1);
      for (const a of actions) await a();
      const after = await snapshot(rec);
      const h = after.containers.get('app')!;
      const [now, old] = h.attempts;
      assert.deepEqual([now?.state, now?.metadata.attempt, now?.image], ['CONTAINER_RUNNING', 1, 'busybox:2']);
      assert.notEqual(now!.id, before.id);
      assert.equal(now!.annotations[CONTAINER_HASH_ANNOTATION], containerHash({ name: 'app', image: 'busybox:2' }));
      assert.deepEqual([old?.id, old?.state], [before.id, 'CONTAINER_EXITED']);
      assert.deepEqual(events, ['Normal Killing Container app definition changed, will be restarted', 'Normal Pulled Container image "busybox:2" already present on machine', 'Normal Created Created container: app', 'Normal Started Started container app']);
      const st = generatePodStatus({ pod: updated, hostIP: '172.30.0.1', runtimeName: 'sim', containers: after.containers, sandbox: after.sandbox, restartOffset: rec.restartOffset, now: Date.now() });
      const cs = st.containerStatuses![0]!;
      assert.deepEqual([cs.restartCount, cs.image, cs.containerID, cs.lastState?.terminated?.containerID], [1, 'busybox:2', `sim://${now!.id}`, `sim://${before.id}`]);
      assert.equal(st.phase, 'Running');
      // Once replaced, the container matches its spec: nothing more to do.
      assert.equal((await plan(rec, updated)).length, 0);
    });
  }

  it('plans nothing for a change the kubelet ignores (labels, annotations)', async () => {
    const rec = await running(podOf('busybox:1'));
    const relabelled = podOf('busybox:1', { labels: { app: 'x', tier: 'web' } });
    relabelled.metadata.annotations = { note: 'changed' };
    assert.equal((await plan(rec, relabelled)).length, 0);
    assert.deepEqual(events, []);
  });

  it('replaces a running sidecar whose image changed', async () => {
    const rec = await running(podOf('busybox:1', { sidecar: 'proxy:1' }));
    const updated = podOf('busybox:1', { sidecar: 'proxy:2' });
    const actions = await plan(rec, updated);
    assert.equal(actions.length, 1);
    for (const a of actions) await a();
    const snap = await snapshot(rec);
    const side = snap.containers.get('side')!.attempts[0]!;
    assert.deepEqual([side.state, side.metadata.attempt, side.image], ['CONTAINER_RUNNING', 1, 'proxy:2']);
    assert.equal(snap.containers.get('app')!.attempts.length, 1, 'the app container keeps running');
    assert.equal(events[0], 'Normal Killing Init container side definition changed');
  });
});
