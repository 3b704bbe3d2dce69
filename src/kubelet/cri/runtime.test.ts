// ContainerdRuntime against a private containerd (../testing/private-containerd.ts): its own root,
// state, socket, CNI bridge and subnet, the builtin pause and busybox images. Needs root,
// containerd, runc, the CNI plugins in /usr/lib/cni and busybox-static, as CI has.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContainerdRuntime } from './runtime.js';
import { RuntimeNotFoundError, type ContainerEvent, type PodSandboxConfig } from '../runtime.js';
import { startPrivateContainerd, type PrivateContainerd } from '../testing/private-containerd.js';

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('ContainerdRuntime against a private containerd', { timeout: 60_000 }, () => {
  let ctd: PrivateContainerd;
  let busybox = '';
  let pause = '';
  let rt: ContainerdRuntime;
  let logDir: string;
  let sandboxConfig: PodSandboxConfig;
  let sandboxId = '';
  let containerId = '';
  const events: ContainerEvent[] = [];
  let unsubscribe: () => void = () => {};

  before(async () => {
    ctd = await startPrivateContainerd();
    busybox = ctd.busyboxImage;
    pause = ctd.pauseImage;
    rt = new ContainerdRuntime({ endpoint: ctd.endpoint, pollIntervalMs: 200 });
    await rt.connect(15_000);
    logDir = join(ctd.dir, 'pod-logs');
    mkdirSync(logDir);
    sandboxConfig = {
      metadata: { name: 'web', namespace: 'default', uid: randomBytes(8).toString('hex'), attempt: 0 },
      hostname: 'web',
      labels: { 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'default' },
      annotations: { note: 'k8ts test' },
      logDirectory: logDir,
      dnsConfig: { servers: ['10.96.0.10'], searches: ['default.svc.cluster.local'], options: ['ndots:5'] },
      linux: { cgroupParent: `${ctd.cgroupRoot}/podweb` },
    };
    unsubscribe = rt.onContainerEvent((ev) => events.push(ev));
  });

  after(async () => {
    unsubscribe();
    rt?.close();
    await ctd?.stop();
  });

  it('reports its version', async () => {
    const v = await rt.version();
    assert.equal(v.runtimeName, 'containerd');
    assert.equal(v.runtimeApiVersion, 'v1');
    assert.match(v.runtimeVersion, /^\d+\.\d+/);
    await rt.updateRuntimeConfig({ podCIDR: '10.244.7.0/24' });
    const conditions = await rt.status();
    assert.ok(conditions.some((c) => c.type === 'RuntimeReady' && c.status));
  });

  it('reports present and absent images', async () => {
    const img = await rt.imageStatus(busybox);
    assert.ok(img, 'busybox image present');
    assert.match(img.id, /^sha256:[0-9a-f]{64}$/);
    assert.ok(img.repoTags.includes(busybox));
    assert.ok(img.size > 0);
    assert.equal(await rt.imageStatus('docker.io/library/k8ts-absent:1'), undefined);
    const all = await rt.listImages();
    assert.ok(all.some((i) => i.repoTags.includes(pause)));
  });

  it('fails clearly to pull an image no registry serves', async () => {
    // Port 1 on loopback refuses at once: no waiting on DNS or an unreachable network.
    const ref = '127.0.0.1:1/k8ts/absent:1';
    await assert.rejects(rt.pullImage(ref, { username: 'u', password: 'secret-pw' }), (err: Error) => {
      assert.match(err.message, /failed to pull image "127\.0\.0\.1:1\/k8ts\/absent:1"/);
      assert.doesNotMatch(err.message, /secret-pw/);
      return true;
    });
  });

  it('runs a sandbox that gets an IP from CNI', async () => {
    sandboxId = await rt.runPodSandbox(sandboxConfig);
    const st = await rt.podSandboxStatus(sandboxId);
    assert.equal(st.state, 'SANDBOX_READY');
    assert.equal(st.metadata.name, 'web');
    assert.equal(st.metadata.uid, sandboxConfig.metadata.uid);
    assert.equal(st.labels['io.kubernetes.pod.name'], 'web');
    assert.equal(st.annotations.note, 'k8ts test');
    assert.ok(st.network.ip?.startsWith(`${ctd.subnetPrefix}.`), `ip ${st.network.ip} in ${ctd.subnetPrefix}.0/24`);
    assert.ok(st.createdAt > Date.now() - 60_000 && st.createdAt <= Date.now());
    const listed = await rt.listPodSandbox({ state: 'SANDBOX_READY', labelSelector: { 'io.kubernetes.pod.name': 'web' } });
    assert.deepEqual(listed.map((s) => s.id), [sandboxId]);
    // The sandbox's cgroup sits under the parent we asked for.
    assert.ok(existsSync(join('/sys/fs/cgroup/memory', sandboxConfig.linux!.cgroupParent!)));
  });

  it('creates and starts a container, logging in CRI format, with events', async () => {
    containerId = await rt.createContainer(
      sandboxId,
      {
        metadata: { name: 'app', attempt: 0 },
        image: busybox,
        command: ['sh', '-c'],
        args: ['echo hi; echo "$GREETING" from $(cat /etc/hostname) in $PWD; cat /etc/resolv.conf; sleep 1000'],
        workingDir: '/tmp',
        envs: [{ key: 'GREETING', value: 'hello' }],
        labels: { 'io.kubernetes.container.name': 'app' },
        annotations: { 'io.kubernetes.container.restartCount': '0' },
        logPath: 'app/0.log',
        linux: { resources: { cpuShares: 256, memoryLimitInBytes: 64 * 1024 * 1024 }, securityContext: { capabilities: { dropCapabilities: ['NET_RAW'] } } },
      },
      sandboxConfig,
    );
    await rt.startContainer(containerId);
    const st = await rt.containerStatus(containerId);
    assert.equal(st.state, 'CONTAINER_RUNNING');
    assert.equal(st.podSandboxId, sandboxId);
    assert.equal(st.metadata.name, 'app');
    assert.equal(st.image, busybox);
    assert.match(st.imageRef, /sha256:/);
    assert.ok(st.startedAt >= st.createdAt && st.startedAt > 0);
    assert.equal(st.logPath, join(logDir, 'app/0.log'));
    assert.equal(st.labels['io.kubernetes.container.name'], 'app');

    const log = await until('log lines', () => {
      const text = existsSync(st.logPath!) ? readFileSync(st.logPath!, 'utf8') : '';
      return text.includes('ndots:5') ? text : undefined;
    });
    assert.match(log, /^\d{4}-\d\d-\d\dT\S+Z stdout F hi$/m);
    assert.match(log, / stdout F hello from web in \/tmp$/m);
    assert.match(log, / stdout F nameserver 10\.96\.0\.10$/m);

    const mine = () => events.filter((e) => e.containerId === containerId).map((e) => e.type);
    await until('created and started events', () => mine().includes('CONTAINER_STARTED_EVENT') || undefined);
    assert.deepEqual(mine(), ['CONTAINER_CREATED_EVENT', 'CONTAINER_STARTED_EVENT']);
    const ev = events.find((e) => e.containerId === containerId)!;
    assert.equal(ev.podSandboxId, sandboxId);
    assert.equal(ev.sandboxLabels['io.kubernetes.pod.name'], 'web');

    const listed = await rt.listContainers({ podSandboxId: sandboxId, state: 'CONTAINER_RUNNING' });
    assert.deepEqual(listed.map((c) => c.id), [containerId]);
  });

  it('runs commands synchronously in the container', async () => {
    const ok = await rt.execSync(containerId, ['echo', 'x'], 10);
    assert.equal(ok.stdout.toString(), 'x\n');
    assert.equal(ok.stderr.length, 0);
    assert.equal(ok.exitCode, 0);
    const bad = await rt.execSync(containerId, ['sh', '-c', 'echo oops >&2; exit 3'], 10);
    assert.equal(bad.exitCode, 3);
    assert.equal(bad.stderr.toString(), 'oops\n');
    await assert.rejects(rt.execSync('0123456789abcdef', ['true'], 5), RuntimeNotFoundError);
  });

  it('hands out streaming URLs and stats', async () => {
    const exec = await rt.exec({ containerId, cmd: ['sh'], tty: true, stdin: true, stdout: true, stderr: true });
    assert.match(exec, /^http:\/\/127\.0\.0\.1:\d+\/exec\//);
    const attach = await rt.attach({ containerId, tty: false, stdin: false, stdout: true, stderr: true });
    assert.match(attach, /^http:\/\/127\.0\.0\.1:\d+\/attach\//);
    const pf = await rt.portForward(sandboxId, [80]);
    assert.match(pf, /^http:\/\/127\.0\.0\.1:\d+\/portforward\//);

    const [stats] = await rt.listContainerStats({ id: containerId });
    assert.ok(stats, 'stats for the container');
    assert.equal(stats.id, containerId);
    assert.equal(stats.metadata.name, 'app');
    assert.ok((stats.cpuUsageCoreNanoSeconds ?? 0) > 0, 'cpu used');
    assert.ok((stats.memoryWorkingSetBytes ?? 0) > 0, 'working set');
    assert.ok((stats.memoryUsageBytes ?? 0) >= (stats.memoryWorkingSetBytes ?? 0));
    assert.ok(stats.memoryRssBytes !== undefined);
    assert.ok(stats.writableLayerUsedBytes !== undefined);
    assert.ok(Math.abs(stats.timestamp - Date.now()) < 60_000);
    await rt.reopenContainerLog(containerId);
  });

  it('stops a container (SIGTERM, then SIGKILL after the grace period)', async () => {
    const t0 = Date.now();
    await rt.stopContainer(containerId, 1);
    const st = await rt.containerStatus(containerId);
    assert.equal(st.state, 'CONTAINER_EXITED');
    assert.ok(st.exitCode === 137 || st.exitCode === 143, `exit code ${st.exitCode}`);
    assert.ok(st.finishedAt >= st.startedAt);
    assert.ok(Date.now() - t0 < 10_000);
    await until('stopped event', () => events.some((e) => e.containerId === containerId && e.type === 'CONTAINER_STOPPED_EVENT') || undefined);
    assert.equal(events.filter((e) => e.containerId === containerId && e.type === 'CONTAINER_STOPPED_EVENT').length, 1);
  });

  it('ends a container over its memory limit as OOMKilled, noticed without a stop call', async () => {
    const id = await rt.createContainer(
      sandboxId,
      {
        metadata: { name: 'hog', attempt: 0 },
        image: busybox,
        command: ['sh', '-c', 'x=$(head -c 50000000 /dev/zero | tr "\\0" a); sleep 1'],
        labels: {},
        annotations: {},
        logPath: 'hog/0.log',
        linux: { resources: { memoryLimitInBytes: 20 * 1024 * 1024 } },
      },
      sandboxConfig,
    );
    await rt.startContainer(id);
    await until('the hog to stop', () => events.some((e) => e.containerId === id && e.type === 'CONTAINER_STOPPED_EVENT') || undefined, 20_000);
    const st = await rt.containerStatus(id);
    assert.equal(st.state, 'CONTAINER_EXITED');
    assert.equal(st.reason, 'OOMKilled');
    assert.equal(st.exitCode, 137);
    await rt.removeContainer(id);
  });

  it('removes a container', async () => {
    await rt.removeContainer(containerId);
    await assert.rejects(rt.containerStatus(containerId), RuntimeNotFoundError);
    await until('deleted event', () => events.some((e) => e.containerId === containerId && e.type === 'CONTAINER_DELETED_EVENT') || undefined);
    await rt.removeContainer(containerId); // idempotent
    assert.deepEqual(await rt.listContainers({ id: containerId }), []);
  });

  it('notices containers it did not start or stop itself through the relist', async () => {
    // A container that exits by itself: its stop is seen, not caused.
    const id = await rt.createContainer(sandboxId, { metadata: { name: 'short', attempt: 0 }, image: busybox, command: ['sh', '-c', 'exit 2'], labels: {}, annotations: {} }, sandboxConfig);
    await rt.startContainer(id);
    await until('its stop', () => events.some((e) => e.containerId === id && e.type === 'CONTAINER_STOPPED_EVENT') || undefined);
    const st = await rt.containerStatus(id);
    assert.equal(st.exitCode, 2);
    assert.equal(st.reason, 'Error');
    // Stopping the sandbox removes nothing, but containers it kills are reported as stopped.
    const long = await rt.createContainer(sandboxId, { metadata: { name: 'long', attempt: 0 }, image: busybox, command: ['sleep', '1000'], labels: {}, annotations: {} }, sandboxConfig);
    await rt.startContainer(long);
    await rt.stopPodSandbox(sandboxId);
    await until('the sandbox stop to reach its containers', () => events.some((e) => e.containerId === long && e.type === 'CONTAINER_STOPPED_EVENT') || undefined);
    assert.equal((await rt.podSandboxStatus(sandboxId)).state, 'SANDBOX_NOTREADY');
  });

  it('reports an exit within moments from containerd\'s event stream, long before the next relist', async () => {
    const slow = new ContainerdRuntime({ endpoint: ctd.socket, pollIntervalMs: 60_000 });
    const seen: ContainerEvent[] = [];
    const stop = slow.onContainerEvent((ev) => seen.push(ev));
    try {
      await slow.connect(5000);
      const sb = await slow.runPodSandbox({ ...sandboxConfig, metadata: { ...sandboxConfig.metadata, name: 'quick', uid: randomBytes(8).toString('hex') } });
      const id = await slow.createContainer(sb, { metadata: { name: 'quick', attempt: 0 }, image: busybox, command: ['sh', '-c', 'sleep 0.3; exit 4'], labels: {}, annotations: {} }, sandboxConfig);
      await slow.startContainer(id);
      const t0 = Date.now();
      await until('the exit, from the event stream', () => seen.some((e) => e.containerId === id && e.type === 'CONTAINER_STOPPED_EVENT') || undefined, 5000);
      assert.ok(Date.now() - t0 < 5000);
      const st = await slow.containerStatus(id);
      assert.equal(st.state, 'CONTAINER_EXITED');
      assert.equal(st.exitCode, 4);
      assert.equal(st.podSandboxId, sb);
      await slow.stopPodSandbox(sb);
      await slow.removePodSandbox(sb);
    } finally {
      stop();
      slow.close();
    }
  });

  it('runs a hostNetwork pod with a user, a read-only mount and a read-only root', async () => {
    const data = join(ctd.dir, 'data');
    mkdirSync(data);
    writeFileSync(join(data, 'f'), 'from the host\n');
    const cfg: PodSandboxConfig = {
      metadata: { name: 'hostnet', namespace: 'default', uid: randomBytes(8).toString('hex'), attempt: 0 },
      labels: {},
      annotations: {},
      hostNetwork: true,
      linux: { cgroupParent: `${ctd.cgroupRoot}/podhostnet`, securityContext: { runAsUser: 65534 } },
    };
    const sb = await rt.runPodSandbox(cfg);
    try {
      const id = await rt.createContainer(
        sb,
        {
          metadata: { name: 'main', attempt: 0 },
          image: busybox,
          command: ['sleep', '1000'],
          mounts: [{ containerPath: '/data', hostPath: data, readonly: true }],
          labels: {},
          annotations: {},
          linux: { securityContext: { runAsUser: 65534, runAsGroup: 65534, readonlyRootfs: true, noNewPrivs: true, capabilities: { dropCapabilities: ['ALL'] } } },
        },
        cfg,
      );
      await rt.startContainer(id);
      // The node's network: our bridge is one of its interfaces.
      const dev = await rt.execSync(id, ['cat', '/proc/net/dev'], 10);
      assert.match(dev.stdout.toString(), new RegExp(`${ctd.bridge}:`));
      const ids = await rt.execSync(id, ['id', '-u'], 10);
      assert.equal(ids.stdout.toString(), '65534\n');
      assert.equal((await rt.execSync(id, ['cat', '/data/f'], 10)).stdout.toString(), 'from the host\n');
      assert.notEqual((await rt.execSync(id, ['touch', '/data/g'], 10)).exitCode, 0);
      assert.notEqual((await rt.execSync(id, ['touch', '/rootfile'], 10)).exitCode, 0);
      assert.equal(existsSync(join(data, 'g')), false);
    } finally {
      await rt.stopPodSandbox(sb);
      await rt.removePodSandbox(sb);
    }
  });

  it('removes the sandbox, idempotently', async () => {
    await rt.stopPodSandbox(sandboxId);
    await rt.removePodSandbox(sandboxId);
    await assert.rejects(rt.podSandboxStatus(sandboxId), RuntimeNotFoundError);
    await rt.removePodSandbox(sandboxId);
    await rt.stopPodSandbox(sandboxId);
    assert.deepEqual(await rt.listPodSandbox({ id: sandboxId }), []);
    assert.deepEqual(await rt.listContainers({ podSandboxId: sandboxId }), []);
  });
});
