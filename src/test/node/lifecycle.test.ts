// Issue 5, acceptance 2 on a real node: the seeds' CrashLoopBackOff lab, probes, OOMKilled, a Job,
// a Deployment that replaces a deleted pod, init containers before the app, and a changed image.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildBusyboxRootfs } from '../../kubelet/images/builtin.js';
import { importImageArchive } from '../../kubelet/images/import.js';
import { writeOciArchive } from '../../kubelet/images/oci-archive.js';
import { eventually } from '../harness.js';
import { podYaml, startNodeTestCluster, TEST_IMAGE, type NodeTestCluster } from '../node-harness.js';

const container = (name: string, command: string[], extra: Record<string, unknown> = {}) => ({ name, image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command, ...extra });

describe('a real node: pod lifecycle', () => {
  let c: NodeTestCluster;
  before(async () => {
    c = await startNodeTestCluster();
  });
  after(() => c?.stop());

  it('a container that exits 1 shows rising restarts and CrashLoopBackOff', async () => {
    await c.apply(podYaml('crasher', { containers: [container('app', ['sh', '-c', 'echo starting; exit 1'])] }));
    const pod = await c.waitPod('crasher', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2 && p.status.containerStatuses[0].state?.waiting?.reason === 'CrashLoopBackOff', 45_000);
    const s = pod.status.containerStatuses[0];
    assert.equal(s.lastState.terminated.exitCode, 1);
    assert.equal(s.lastState.terminated.reason, 'Error');
    const get = await c.kubectl(['get', 'pod', 'crasher']);
    assert.match(get.stdout, /crasher\s+0\/1\s+CrashLoopBackOff\s+[2-9]/);
    const prev = await c.kubectl(['logs', 'crasher', '--previous']);
    assert.equal(prev.stdout.trim(), 'starting', prev.stderr);
  });

  it('a failing liveness probe restarts the container', async () => {
    await c.apply(
      podYaml('liveness', {
        containers: [
          container('app', ['sh', '-c', 'touch /tmp/healthy; sleep 2; rm /tmp/healthy; sleep 600'], {
            livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 1 },
          }),
        ],
      }),
    );
    await c.waitPod('liveness', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 30_000);
    const events = await c.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=liveness']);
    assert.match(events.stdout, /Unhealthy/);
    assert.match(events.stdout, /Liveness probe failed/);
  });

  it('a failing readiness probe keeps the pod Running but not Ready; a passing one makes it Ready', async () => {
    await c.apply(
      podYaml('notready', {
        containers: [container('app', ['sh', '-c', 'exec httpd -f -p 80 -h /'], { readinessProbe: { httpGet: { path: '/', port: 81 }, periodSeconds: 1 } })],
      }),
    );
    await c.apply(
      podYaml('ready', {
        containers: [container('app', ['sh', '-c', 'mkdir /www; echo ok > /www/index.html; exec httpd -f -p 80 -h /www'], { readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1 } })],
      }),
    );
    await c.waitPod('ready', (p) => p.status?.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'True'), 20_000);
    const pod = await c.waitPod('notready', (p) => p.status?.phase === 'Running');
    await new Promise((r) => setTimeout(r, 4000));
    const again = await c.waitPod('notready', () => true);
    assert.equal(again.status.containerStatuses[0].ready, false);
    assert.equal(again.status.conditions.find((x: any) => x.type === 'Ready').status, 'False');
    assert.equal(again.status.containerStatuses[0].restartCount, 0);
    assert.ok(pod);
  });

  it('a container over its memory limit is OOMKilled', async () => {
    await c.apply(
      podYaml('hog', {
        restartPolicy: 'Never',
        containers: [container('hog', ['sh', '-c', 'tail /dev/zero'], { resources: { limits: { memory: '32Mi' } } })],
      }),
    );
    const pod = await c.waitPod('hog', (p) => p.status?.phase === 'Failed', 30_000);
    assert.equal(pod.status.containerStatuses[0].state.terminated.reason, 'OOMKilled');
    assert.equal(pod.status.containerStatuses[0].state.terminated.exitCode, 137);
    const get = await c.kubectl(['get', 'pod', 'hog']);
    assert.match(get.stdout, /hog\s+0\/1\s+OOMKilled/);
  });

  it("a Job's pods complete", async () => {
    await c.apply(
      JSON.stringify({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'count' },
        spec: { completions: 2, parallelism: 2, template: { spec: { restartPolicy: 'Never', containers: [container('count', ['sh', '-c', 'for i in 1 2 3; do echo $i; done'])] } } },
      }),
    );
    await eventually(async () => (await c.kubectl(['get', 'job', 'count', '-o', 'jsonpath={.status.succeeded}'])).stdout === '2', 30_000, 200);
    const pods = await c.kubectl(['get', 'pods', '-l', 'job-name=count']);
    assert.equal((pods.stdout.match(/Completed/g) ?? []).length, 2, pods.stdout);
    const logs = await c.kubectl(['logs', '-l', 'job-name=count']);
    assert.equal(logs.stdout.trim().split('\n').length, 6, logs.stdout);
  });

  it('a Deployment of 3 replicas replaces a deleted pod', async () => {
    await c.apply(
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { terminationGracePeriodSeconds: 1, containers: [container('web', ['sh', '-c', 'exec httpd -f -p 80 -h /'])] } } },
      }),
    );
    const ready = async () => (await c.kubectl(['get', 'deploy', 'web', '-o', 'jsonpath={.status.readyReplicas}'])).stdout === '3';
    await eventually(ready, 30_000, 200);
    const names = (await c.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}'])).stdout.split(' ');
    const del = await c.kubectl(['delete', 'pod', names[0]!]);
    assert.equal(del.code, 0, del.stderr);
    await eventually(async () => {
      const now = (await c.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}'])).stdout.split(' ');
      return now.length === 3 && !now.includes(names[0]!) && (await ready());
    }, 30_000, 200);
  });

  it('init containers run, in order, before the app container', async () => {
    await c.apply(
      podYaml('init', {
        volumes: [{ name: 'work', emptyDir: {} }],
        initContainers: [
          container('first', ['sh', '-c', 'echo first >> /work/order'], { volumeMounts: [{ name: 'work', mountPath: '/work' }] }),
          container('second', ['sh', '-c', 'echo second >> /work/order'], { volumeMounts: [{ name: 'work', mountPath: '/work' }] }),
        ],
        containers: [container('app', ['sh', '-c', 'cat /work/order; sleep 600'], { volumeMounts: [{ name: 'work', mountPath: '/work' }] })],
      }),
    );
    const pod = await c.waitPod('init', (p) => p.status?.phase === 'Running', 30_000);
    for (const s of pod.status.initContainerStatuses) assert.equal(s.state.terminated.reason, 'Completed');
    const logs = await eventually(async () => (await c.kubectl(['logs', 'init', '-c', 'app'])).stdout || undefined, 10_000);
    assert.equal(logs, 'first\nsecond\n');
  });

  it('postStart runs after the start, preStop before the stop signal; a failed postStart kills the container', async () => {
    const dir = join(c.dataDir, 'hooks');
    mkdirSync(dir);
    const hooks = { volumeMounts: [{ name: 'out', mountPath: '/hooks' }] };
    await c.apply(
      podYaml('hooks', {
        terminationGracePeriodSeconds: 5,
        volumes: [{ name: 'out', hostPath: { path: dir, type: 'Directory' } }],
        containers: [
          container('app', ['sleep', '600'], {
            ...hooks,
            lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo started > /hooks/post'] } }, preStop: { exec: { command: ['sh', '-c', 'echo stopping > /hooks/pre'] } } },
          }),
        ],
      }),
    );
    await c.waitPod('hooks', (p) => p.status?.phase === 'Running', 30_000);
    assert.equal(readFileSync(join(dir, 'post'), 'utf8'), 'started\n');
    const del = await c.kubectl(['delete', 'pod', 'hooks', '--wait=true'], { timeoutMs: 30_000 });
    assert.equal(del.code, 0, del.stderr);
    assert.equal(readFileSync(join(dir, 'pre'), 'utf8'), 'stopping\n');

    await c.apply(podYaml('badhook', { containers: [container('app', ['sleep', '600'], { lifecycle: { postStart: { exec: { command: ['sh', '-c', 'exit 1'] } } } })] }));
    await c.waitPod('badhook', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 30_000);
    const events = await c.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=badhook']);
    assert.match(events.stdout, /FailedPostStartHook/);
  });

  it('deleting a pod cuts a running postStart hook short, as a cancelled sync does upstream', async () => {
    await c.apply(podYaml('slowhook', { terminationGracePeriodSeconds: 2, containers: [container('app', ['sleep', '600'], { lifecycle: { postStart: { exec: { command: ['sleep', '25'] } } } })] }));
    await eventually(async () => /Started/.test((await c.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=slowhook', '-o', 'jsonpath={.items[*].reason}'])).stdout), 30_000, 200);
    const started = Date.now();
    const del = await c.kubectl(['delete', 'pod', 'slowhook', '--wait=true'], { timeoutMs: 40_000 });
    assert.equal(del.code, 0, del.stderr);
    assert.ok(Date.now() - started < 10_000, `deleted in ${Date.now() - started} ms, not after the 25 s hook`);
    const events = await c.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=slowhook', '-o', 'jsonpath={.items[*].reason}']);
    assert.doesNotMatch(events.stdout, /FailedPostStartHook/, 'an abandoned hook is not a failed one');
  });

  it('a deleted pod stops its app first, then its sidecars, the last declared first', async () => {
    const dir = join(c.dataDir, 'order');
    mkdirSync(dir);
    // Each records its SIGTERM; the app takes a second over it, so stopping all at once would put it last.
    const recorder = (name: string, delay: string) => ['sh', '-c', `trap '${delay} echo ${name} >> /out/order; exit 0' TERM; while true; do sleep 1 & wait $!; done`];
    const out = { volumeMounts: [{ name: 'out', mountPath: '/out' }] };
    await c.apply(
      podYaml('ordered', {
        terminationGracePeriodSeconds: 10,
        volumes: [{ name: 'out', hostPath: { path: dir, type: 'Directory' } }],
        initContainers: [container('proxy', recorder('proxy', ''), { ...out, restartPolicy: 'Always' }), container('logger', recorder('logger', ''), { ...out, restartPolicy: 'Always' })],
        containers: [container('app', recorder('app', 'sleep 1;'), out)],
      }),
    );
    await c.waitPod('ordered', (p) => p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready, 30_000);
    const del = await c.kubectl(['delete', 'pod', 'ordered', '--wait=true'], { timeoutMs: 30_000 });
    assert.equal(del.code, 0, del.stderr);
    assert.equal(readFileSync(join(dir, 'order'), 'utf8'), 'app\nlogger\nproxy\n');
  });

  it('a sandbox that dies is replaced, and its containers restart in the new one', async () => {
    await c.apply(podYaml('sandboxed', { containers: [container('app', ['sleep', '600'])] }));
    const pod = await c.waitPod('sandboxed', (p) => p.status?.phase === 'Running', 30_000);
    const rt = c.agent.containerRuntime();
    const [sandbox] = await rt.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': pod.metadata.uid } });
    assert.ok(sandbox);
    await rt.stopPodSandbox(sandbox.id);
    // The container counts a restart (two when a restart in the dying sandbox was attempted first).
    const again = await c.waitPod('sandboxed', (p) => p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.restartCount >= 1 && p.status.containerStatuses[0].state?.running, 30_000).catch(async (err) => {
      const now = (await c.http('GET', '/api/v1/namespaces/default/pods/sandboxed')).json();
      throw new Error(`${err.message}: ${JSON.stringify(now.status?.containerStatuses)}`);
    });
    assert.notEqual(again.status.containerStatuses[0].containerID, pod.status.containerStatuses[0].containerID);
    const sandboxes = await rt.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': pod.metadata.uid } });
    assert.deepEqual(sandboxes.map((s) => s.state), ['SANDBOX_READY'], 'the dead sandbox is removed');
    const events = await c.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=sandboxed']);
    assert.match(events.stdout, /SandboxChanged\s+.*Pod sandbox changed, it will be killed and re-created\./);
  });

  it("changing a running pod's image restarts its container with the new image; a label change restarts nothing", async () => {
    // A second image: the test busybox under another name, with a label so its id differs too.
    const second = 'docker.io/library/busybox:k8ts-test-second';
    const rootfs = mkdtempSync(join(c.dataDir, 'rootfs-'));
    const archive = join(c.dataDir, 'busybox-second.tar');
    try {
      await buildBusyboxRootfs(rootfs);
      await writeOciArchive(archive, { name: second, rootfs, cmd: ['sh'], labels: { 'k8ts.io/test': 'second' } });
    } finally {
      rmSync(rootfs, { recursive: true, force: true });
    }
    await importImageArchive(c.agent.containerdEndpoint, archive);
    await c.apply(podYaml('retag', { containers: [container('app', ['sh', '-c', "trap 'exit 0' TERM; while true; do sleep 1 & wait $!; done"])] }));
    const first = (await c.waitPod('retag', (p) => p.status?.containerStatuses?.[0]?.state?.running, 30_000)).status.containerStatuses[0];

    let r = await c.kubectl(['label', 'pod', 'retag', 'tier=web']);
    assert.equal(r.code, 0, r.stderr);
    await new Promise((res) => setTimeout(res, 2000));
    const labelled = (await c.waitPod('retag', (p) => p.metadata.labels?.tier === 'web')).status.containerStatuses[0];
    assert.deepEqual([labelled.containerID, labelled.restartCount, labelled.state.running?.startedAt], [first.containerID, 0, first.state.running.startedAt]);

    const changedAt = Date.now();
    r = await c.kubectl(['set', 'image', 'pod/retag', `app=${second}`]);
    assert.equal(r.code, 0, r.stderr);
    const pod = await c.waitPod('retag', (p) => p.status?.containerStatuses?.[0]?.state?.running && p.status.containerStatuses[0].containerID !== first.containerID, 20_000);
    assert.ok(Date.now() - changedAt < 15_000, `restarted after ${Date.now() - changedAt} ms`);
    const now = pod.status.containerStatuses[0];
    assert.equal(now.restartCount, 1);
    assert.equal(now.image, second);
    assert.notEqual(now.imageID, first.imageID);
    assert.equal(now.lastState.terminated?.containerID, first.containerID);
    const rt = c.agent.containerRuntime();
    const oldId = first.containerID.replace('containerd://', '');
    const newId = now.containerID.replace('containerd://', '');
    assert.equal((await rt.containerStatus(oldId)).state, 'CONTAINER_EXITED', 'the old container no longer runs');
    const running = await rt.containerStatus(newId);
    assert.equal(running.imageRef, now.imageID);
    assert.match(running.annotations['io.kubernetes.container.hash'] ?? '', /^[0-9a-f]+$/);
    assert.notEqual(running.annotations['io.kubernetes.container.hash'], (await rt.containerStatus(oldId)).annotations['io.kubernetes.container.hash']);
    const events = await c.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=retag,reason=Killing', '-o', 'jsonpath={.items[*].message}']);
    assert.equal(events.stdout, 'Container app definition changed, will be restarted');
    const get = await c.kubectl(['get', 'pod', 'retag', '--no-headers']);
    assert.match(get.stdout, /^retag\s+1\/1\s+Running\s+1\b/);
  });

  it('the termination message comes from terminationMessagePath, or from the log with FallbackToLogsOnError', async () => {
    await c.apply(podYaml('said', { restartPolicy: 'Never', containers: [container('app', ['sh', '-c', 'echo Sleep expired > /dev/termination-log'])] }));
    await c.apply(podYaml('fallback', { restartPolicy: 'Never', containers: [container('app', ['sh', '-c', 'echo last words; exit 2'], { terminationMessagePolicy: 'FallbackToLogsOnError' })] }));
    const said = await c.waitPod('said', (p) => p.status?.phase === 'Succeeded', 30_000);
    assert.equal(said.status.containerStatuses[0].state.terminated.message, 'Sleep expired\n');
    const fallback = await c.waitPod('fallback', (p) => p.status?.phase === 'Failed', 30_000);
    assert.equal(fallback.status.containerStatuses[0].state.terminated.message, 'last words\n');
  });
});
