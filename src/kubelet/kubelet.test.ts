// Unit tests of the kubelet's building blocks: timer wheel, paced queue, crash back-off and
// the pod phase / condition rules.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../api/core/v1/pod/types.js';
import { CrashBackoff, goDuration } from './backoff.js';
import { PacedQueue } from './paced-queue.js';
import { probeKillGrace } from './pod-plan.js';
import { generatePodStatus, sameStatus, type ContainerHistory } from './pod-status.js';
import type { ContainerStatus } from './runtime.js';
import { TimerWheel } from './timer-wheel.js';

describe('timer wheel', () => {
  it('fires callbacks in deadline order and skips cancelled ones', async () => {
    const w = new TimerWheel();
    const fired: number[] = [];
    const start = Date.now();
    w.at(start + 30, () => fired.push(3));
    w.at(start + 10, () => fired.push(1));
    const h = w.at(start + 20, () => fired.push(99));
    w.at(start + 20, () => fired.push(2));
    h.cancel();
    await w.sleep(60);
    assert.deepEqual(fired, [1, 2, 3]);
    w.stop();
  });
  it('re-arms for an earlier deadline added later', async () => {
    const w = new TimerWheel();
    const fired: string[] = [];
    w.after(500, () => fired.push('late'));
    w.after(10, () => fired.push('early'));
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(fired, ['early']);
    w.stop();
  });
});

describe('paced queue', () => {
  it('bounds the start rate and keeps one entry per key', async () => {
    const q = new PacedQueue({ qps: 50, concurrency: 4 });
    const starts: number[] = [];
    let ranB = 0;
    for (let i = 0; i < 10; i++) q.add(`k${i}`, async () => void starts.push(Date.now()));
    q.add('b', async () => void ranB++);
    q.add('b', async () => void (ranB += 10));
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(starts.length, 10);
    assert.equal(ranB, 10, 'the newer job of a waiting key replaces the older one');
    // 11 jobs at 50/s take at least ~180 ms.
    assert.ok(starts[9]! - t0 >= 150, `too fast: ${starts[9]! - t0} ms`);
    q.stop();
  });
});

describe('crash back-off', () => {
  it('restarts at once, then waits base, doubling to the maximum', () => {
    let now = 0;
    const b = new CrashBackoff(10_000, 40_000, () => now);
    assert.equal(b.inBackoffSince('k', 0), false);
    b.next('k', 0);
    now = 1000;
    assert.equal(b.inBackoffSince('k', 1000), true);
    assert.equal(b.delay('k'), 10_000);
    assert.equal(b.releaseAt('k', 1000), 11_000);
    now = 11_001;
    assert.equal(b.inBackoffSince('k', 1000), false);
    b.next('k', 1000);
    assert.equal(b.delay('k'), 20_000);
    b.next('k', 2000);
    b.next('k', 3000);
    assert.equal(b.delay('k'), 40_000);
    // Up for longer than twice the maximum: start over.
    b.next('k', 3000 + 80_001);
    assert.equal(b.delay('k'), 10_000);
  });
  it('formats durations as Go does', () => {
    assert.equal(goDuration(10_000), '10s');
    assert.equal(goDuration(80_000), '1m20s');
    assert.equal(goDuration(300_000), '5m0s');
    assert.equal(goDuration(400), '400ms');
    assert.equal(goDuration(1500), '1.5s');
  });
});

function cri(name: string, attempt: number, state: ContainerStatus['state'], exitCode = 0): ContainerStatus {
  return { id: `${name}-${attempt}`, podSandboxId: 'sb', metadata: { name, attempt }, image: 'img', imageRef: 'sim://sha256:x', state, createdAt: 1000, labels: {}, annotations: {}, startedAt: 2000, finishedAt: state === 'CONTAINER_EXITED' ? 3000 : 0, exitCode, reason: state === 'CONTAINER_EXITED' ? (exitCode ? 'Error' : 'Completed') : '', message: '' };
}

function statusOf(restartPolicy: string, containers: Record<string, ContainerStatus[]>, init: string[] = [], backoff?: string) {
  const pod: Pod = { metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec: { restartPolicy, initContainers: init.map((n) => ({ name: n, image: 'img' })), containers: [{ name: 'a', image: 'img' }] } };
  const map = new Map<string, ContainerHistory>(Object.entries(containers).map(([k, v]) => [k, { attempts: v, backoffMessage: k === 'a' ? backoff : undefined }]));
  const sandbox = { id: 'sb', metadata: { name: 'p', namespace: 'ns', uid: 'u', attempt: 0 }, state: 'SANDBOX_READY' as const, createdAt: 0, labels: {}, annotations: {}, network: { ip: '10.244.0.5', additionalIps: [] } };
  return generatePodStatus({ pod, hostIP: '172.30.0.1', runtimeName: 'sim', sandbox, containers: map, now: 5000 });
}

describe('pod status', () => {
  it('follows upstream phases for each restart policy', () => {
    assert.equal(statusOf('Always', {}).phase, 'Pending');
    assert.equal(statusOf('Always', { a: [cri('a', 0, 'CONTAINER_RUNNING')] }).phase, 'Running');
    assert.equal(statusOf('Never', { a: [cri('a', 0, 'CONTAINER_EXITED', 0)] }).phase, 'Succeeded');
    assert.equal(statusOf('Never', { a: [cri('a', 0, 'CONTAINER_EXITED', 3)] }).phase, 'Failed');
    assert.equal(statusOf('OnFailure', { a: [cri('a', 0, 'CONTAINER_EXITED', 3)] }).phase, 'Running');
    assert.equal(statusOf('OnFailure', { a: [cri('a', 0, 'CONTAINER_EXITED', 0)] }).phase, 'Succeeded');
    assert.equal(statusOf('Always', { a: [cri('a', 0, 'CONTAINER_EXITED', 0)] }).phase, 'Running');
  });
  it('reports crash-loop waiting with the last termination and restart count', () => {
    const st = statusOf('Always', { a: [cri('a', 2, 'CONTAINER_EXITED', 1), cri('a', 1, 'CONTAINER_EXITED', 1)] }, [], 'back-off 20s restarting failed container=a pod=p_ns(u)');
    const cs = st.containerStatuses![0]!;
    assert.equal(cs.restartCount, 2);
    assert.equal(cs.state?.waiting?.reason, 'CrashLoopBackOff');
    assert.equal(cs.lastState?.terminated?.exitCode, 1);
    assert.equal(cs.lastState?.terminated?.containerID, 'sim://a-2');
    assert.equal(st.phase, 'Running');
  });
  it('holds main containers in PodInitializing until init containers complete', () => {
    const st = statusOf('Always', { init1: [cri('init1', 0, 'CONTAINER_RUNNING')] }, ['init1']);
    assert.equal(st.phase, 'Pending');
    assert.equal(st.containerStatuses![0]!.state?.waiting?.reason, 'PodInitializing');
    const init = st.conditions!.find((c) => c.type === 'Initialized')!;
    assert.deepEqual([init.status, init.reason, init.message], ['False', 'ContainersNotInitialized', 'containers with incomplete status: [init1]']);
    const failed = statusOf('Never', { init1: [cri('init1', 0, 'CONTAINER_EXITED', 1)] }, ['init1']);
    assert.equal(failed.phase, 'Failed');
  });
  it('counts a sidecar as running, and a sidecar restarting after the app started keeps the pod Running (upstream getPhase)', () => {
    const withSidecar = (restartPolicy: string, containers: Record<string, ContainerStatus[]>, backoff?: string) => {
      const pod: Pod = { metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec: { restartPolicy, initContainers: [{ name: 'side', image: 'img', restartPolicy: 'Always' }], containers: [{ name: 'a', image: 'img' }] } };
      const map = new Map<string, ContainerHistory>(Object.entries(containers).map(([k, v]) => [k, { attempts: v, backoffMessage: k === 'side' ? backoff : undefined }]));
      const sandbox = { id: 'sb', metadata: { name: 'p', namespace: 'ns', uid: 'u', attempt: 0 }, state: 'SANDBOX_READY' as const, createdAt: 0, labels: {}, annotations: {}, network: { ip: '10.244.0.5', additionalIps: [] } };
      return generatePodStatus({ pod, hostIP: '172.30.0.1', runtimeName: 'sim', sandbox, containers: map, now: 5000 });
    };
    const crashing = withSidecar('Always', { side: [cri('side', 1, 'CONTAINER_EXITED', 1)], a: [cri('a', 0, 'CONTAINER_RUNNING')] }, 'back-off 10s restarting failed container=side pod=p_ns(u)');
    assert.equal(crashing.phase, 'Running');
    assert.equal(crashing.conditions!.find((c) => c.type === 'Initialized')!.status, 'True');
    // Regular container done, sidecar still up: Running until the kubelet stops the sidecar, then Succeeded.
    assert.equal(withSidecar('Never', { side: [cri('side', 0, 'CONTAINER_RUNNING')], a: [cri('a', 0, 'CONTAINER_EXITED', 0)] }).phase, 'Running');
    assert.equal(withSidecar('Never', { side: [cri('side', 0, 'CONTAINER_EXITED', 137)], a: [cri('a', 0, 'CONTAINER_EXITED', 0)] }).phase, 'Succeeded');
    assert.equal(withSidecar('Always', { side: [cri('side', 0, 'CONTAINER_CREATED')] }).phase, 'Pending');
  });
  it('kills for a failed probe with the probe-level grace period unless the pod is being deleted', () => {
    const c = { name: 'a', image: 'img', livenessProbe: { exec: { command: ['true'] }, terminationGracePeriodSeconds: 3 }, startupProbe: { exec: { command: ['true'] } } };
    const pod: Pod = { metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec: { terminationGracePeriodSeconds: 60, containers: [c] } };
    assert.equal(probeKillGrace(pod, c, 'failed liveness probe'), 3);
    assert.equal(probeKillGrace(pod, c, 'failed startup probe'), 60);
    assert.equal(probeKillGrace({ ...pod, metadata: { ...pod.metadata, deletionGracePeriodSeconds: 7 } }, c, 'failed liveness probe'), 7);
  });
  it('compares statuses ignoring empty values', () => {
    const st = statusOf('Always', { a: [cri('a', 0, 'CONTAINER_RUNNING')] });
    const roundTripped = JSON.parse(JSON.stringify(st, (_k, v) => (v === null ? undefined : v)));
    assert.ok(sameStatus(roundTripped, st));
    assert.ok(!sameStatus({ ...roundTripped, podIP: '10.244.0.9' }, st));
  });
});
