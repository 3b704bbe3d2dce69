// ContainerdRuntime against a private containerd started here: its own root, state, socket, CNI
// bridge and subnet, images built from /bin/busybox. Needs root, containerd, runc and the CNI
// plugins in /usr/lib/cni, as CI has.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, rmdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerdRuntime } from './runtime.js';
import { RuntimeNotFoundError, type ContainerEvent, type PodSandboxConfig } from '../runtime.js';

const BUSYBOX = 'docker.io/library/busybox:k8tstest';
const PAUSE = 'k8ts.io/pause:k8tstest';

interface PrivateContainerd {
  dir: string;
  socket: string;
  bridge: string;
  subnetPrefix: string;
  cgroupRoot: string;
  child: ChildProcess;
  logFile: string;
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** An OCI image layout tar whose single layer is a busybox rootfs. */
function buildOciImage(work: string, name: string, config: { Entrypoint?: string[]; Cmd?: string[] }): string {
  const root = join(work, `img-${sha256(name).slice(0, 8)}`);
  const rootfs = join(root, 'rootfs');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  for (const d of ['etc', 'tmp', 'proc', 'sys', 'dev']) mkdirSync(join(rootfs, d), { recursive: true });
  copyFileSync('/bin/busybox', join(rootfs, 'bin/busybox'));
  for (const applet of ['sh', 'sleep', 'echo', 'head', 'tr', 'tail', 'cat', 'true', 'false', 'ls', 'id', 'touch']) symlinkSync('busybox', join(rootfs, 'bin', applet));
  writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  const layout = join(root, 'layout');
  const blobs = join(layout, 'blobs/sha256');
  mkdirSync(blobs, { recursive: true });
  const layerTar = join(root, 'layer.tar');
  execFileSync('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', rootfs, '-cf', layerTar, '.']);
  const layer = readFileSync(layerTar);
  const layerDigest = sha256(layer);
  writeFileSync(join(blobs, layerDigest), layer);
  const addBlob = (obj: unknown) => {
    const data = Buffer.from(JSON.stringify(obj));
    const digest = sha256(data);
    writeFileSync(join(blobs, digest), data);
    return { digest: `sha256:${digest}`, size: data.length };
  };
  const cfg = addBlob({
    architecture: 'amd64',
    os: 'linux',
    config: { Env: ['PATH=/bin'], ...config },
    rootfs: { type: 'layers', diff_ids: [`sha256:${layerDigest}`] },
  });
  const manifest = addBlob({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...cfg },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${layerDigest}`, size: layer.length }],
  });
  writeFileSync(
    join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          platform: { architecture: 'amd64', os: 'linux' },
          annotations: { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': name.split(':').pop() },
        },
      ],
    }),
  );
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const out = join(root, 'image.tar');
  execFileSync('tar', ['-C', layout, '-cf', out, 'oci-layout', 'index.json', 'blobs']);
  return out;
}

function startContainerd(): PrivateContainerd {
  const rand = randomBytes(3).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'k8tst-ctd-'));
  const socket = join(dir, 'containerd.sock');
  const bridge = `k8tst${rand}`;
  const subnetPrefix = `10.${200 + (randomBytes(1)[0] % 50)}.${randomBytes(1)[0]}`;
  const confDir = join(dir, 'cni-conf');
  mkdirSync(confDir);
  writeFileSync(
    join(confDir, '10-k8tst.conflist'),
    JSON.stringify({
      cniVersion: '0.4.0',
      name: `k8tst-${rand}`,
      plugins: [
        {
          type: 'bridge',
          bridge,
          isGateway: true,
          ipMasq: false,
          ipam: { type: 'host-local', dataDir: join(dir, 'cni-ipam'), ranges: [[{ subnet: `${subnetPrefix}.0/24` }]], routes: [{ dst: '0.0.0.0/0' }] },
        },
      ],
    }),
  );
  const config = join(dir, 'config.toml');
  writeFileSync(
    config,
    [
      'version = 2',
      `root = "${dir}/root"`,
      `state = "${dir}/state"`,
      '[grpc]',
      `  address = "${socket}"`,
      '[plugins."io.containerd.internal.v1.opt"]',
      `  path = "${dir}/opt"`,
      '[plugins."io.containerd.grpc.v1.cri"]',
      `  sandbox_image = "${PAUSE}"`,
      '  stream_server_address = "127.0.0.1"',
      '  stream_server_port = "0"',
      // Lowering oom_score_adj needs CAP_SYS_RESOURCE, which this test may run without.
      '  restrict_oom_score_adj = true',
      '  [plugins."io.containerd.grpc.v1.cri".cni]',
      '    bin_dir = "/usr/lib/cni"',
      `    conf_dir = "${confDir}"`,
      '  [plugins."io.containerd.grpc.v1.cri".containerd]',
      '    snapshotter = "overlayfs"',
      '',
    ].join('\n'),
  );
  const logFile = join(dir, 'containerd.log');
  const fd = openSync(logFile, 'a');
  const child = spawn('containerd', ['--config', config], { stdio: ['ignore', fd, fd] });
  child.on('error', () => {});
  return { dir, socket, bridge, subnetPrefix, cgroupRoot: `/k8tst-${rand}`, child, logFile };
}

function importImage(ctd: PrivateContainerd, tar: string): void {
  execFileSync('ctr', ['-a', ctd.socket, '-n', 'k8s.io', 'images', 'import', tar], { stdio: 'pipe' });
}

async function stopContainerd(ctd: PrivateContainerd): Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (ctd.child.exitCode !== null || ctd.child.signalCode !== null) resolve();
    else ctd.child.once('exit', () => resolve());
  });
  ctd.child.kill('SIGTERM');
  const t = setTimeout(() => ctd.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(t);
  // Shims outlive containerd; ours are the ones dialling our socket.
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes('containerd-shim') && cmd.includes(ctd.socket)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // the process went away meanwhile
    }
  }
  // Container processes left in our cgroups (only if a test died midway), then the cgroups.
  for (const ctrl of readdirSync('/sys/fs/cgroup')) {
    const base = join('/sys/fs/cgroup', ctrl, ctd.cgroupRoot);
    if (existsSync(base)) removeCgroupTree(base);
  }
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => !!m && m.startsWith(ctd.dir))
    .reverse();
  for (const m of mounts) {
    try {
      execFileSync('umount', ['-l', m], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
  try {
    execFileSync('ip', ['link', 'del', ctd.bridge], { stdio: 'ignore' });
  } catch {
    // never created
  }
  const results = '/var/lib/cni/results';
  if (existsSync(results)) for (const f of readdirSync(results)) if (f.startsWith(`k8tst-${ctd.bridge.slice(5)}-`)) rmSync(join(results, f), { force: true });
  rmSync(ctd.dir, { recursive: true, force: true });
}

function removeCgroupTree(dir: string): void {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    try {
      if (statSync(p).isDirectory()) removeCgroupTree(p);
    } catch {
      // raced with removal
    }
  }
  try {
    for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
  } catch {
    // no procs file or processes already gone
  }
  for (let i = 0; i < 50; i++) {
    try {
      rmdirSync(dir);
      return;
    } catch {
      execFileSync('sleep', ['0.05']);
    }
  }
}

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
  let rt: ContainerdRuntime;
  let logDir: string;
  let sandboxConfig: PodSandboxConfig;
  let sandboxId = '';
  let containerId = '';
  const events: ContainerEvent[] = [];
  let unsubscribe: () => void = () => {};

  before(async () => {
    ctd = startContainerd();
    const work = join(ctd.dir, 'images');
    const busybox = buildOciImage(work, BUSYBOX, { Cmd: ['sh'] });
    const pause = buildOciImage(work, PAUSE, { Entrypoint: ['/bin/busybox', 'sleep', '2147483647'] });
    rt = new ContainerdRuntime({ endpoint: `unix://${ctd.socket}`, pollIntervalMs: 200 });
    await rt.connect(15_000);
    importImage(ctd, busybox);
    importImage(ctd, pause);
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
    try {
      for (const sb of await rt.listPodSandbox()) {
        await rt.stopPodSandbox(sb.id);
        await rt.removePodSandbox(sb.id);
      }
    } catch {
      // containerd may not have come up; the teardown below still cleans everything
    }
    rt?.close();
    if (ctd) await stopContainerd(ctd);
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
    const img = await rt.imageStatus(BUSYBOX);
    assert.ok(img, 'busybox image present');
    assert.match(img.id, /^sha256:[0-9a-f]{64}$/);
    assert.ok(img.repoTags.includes(BUSYBOX));
    assert.ok(img.size > 0);
    assert.equal(await rt.imageStatus('docker.io/library/k8ts-absent:1'), undefined);
    const all = await rt.listImages();
    assert.ok(all.some((i) => i.repoTags.includes(PAUSE)));
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
        image: BUSYBOX,
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
    assert.equal(st.image, BUSYBOX);
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
        image: BUSYBOX,
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
    const id = await rt.createContainer(sandboxId, { metadata: { name: 'short', attempt: 0 }, image: BUSYBOX, command: ['sh', '-c', 'exit 2'], labels: {}, annotations: {} }, sandboxConfig);
    await rt.startContainer(id);
    await until('its stop', () => events.some((e) => e.containerId === id && e.type === 'CONTAINER_STOPPED_EVENT') || undefined);
    const st = await rt.containerStatus(id);
    assert.equal(st.exitCode, 2);
    assert.equal(st.reason, 'Error');
    // Stopping the sandbox removes nothing, but containers it kills are reported as stopped.
    const long = await rt.createContainer(sandboxId, { metadata: { name: 'long', attempt: 0 }, image: BUSYBOX, command: ['sleep', '1000'], labels: {}, annotations: {} }, sandboxConfig);
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
      const id = await slow.createContainer(sb, { metadata: { name: 'quick', attempt: 0 }, image: BUSYBOX, command: ['sh', '-c', 'sleep 0.3; exit 4'], labels: {}, annotations: {} }, sandboxConfig);
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
          image: BUSYBOX,
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
