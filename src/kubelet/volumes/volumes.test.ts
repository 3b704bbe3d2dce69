// The volume manager against a real in-process API server, on the real filesystem (root):
// tmpfs and bind mounts are real and every test cleans up what it made.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Container, Pod, Volume } from '../../api/core/v1/pod/types.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { eventually, startTestCluster, type TestCluster } from '../../test/harness.js';
import { bindMount, mountPointsUnder, unmount } from './host-mounts.js';
import { VolumeError, VolumeManager, type VolumeApiClient } from './index.js';

let cluster: TestCluster;
let rest: RestClient;
let root: string;
let vm: VolumeManager;
const tokenRequests: { path: string; body: any }[] = [];
const uids: string[] = [];

/**
 * The real API for everything but TokenRequests, which are answered here so that the exact
 * request body and the token cache can be asserted (a real token is tested separately).
 */
function clientWithTokens(real: RestClient): VolumeApiClient {
  return {
    get: (path) => real.get(path),
    create: async <T>(path: string, body: unknown): Promise<T> => {
      if (!path.endsWith('/token')) return real.create<T>(path, body);
      tokenRequests.push({ path, body });
      const exp = new Date(Date.now() + 3600_000).toISOString();
      return { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', status: { token: `tok-${tokenRequests.length}`, expirationTimestamp: exp } } as T;
    },
  };
}

function makePod(volumes: Volume[], containers: Container[] = [{ name: 'app', image: 'busybox' }], extra: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  const uid = randomUUID();
  uids.push(uid);
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${uid.slice(0, 8)}`, namespace: 'vol', uid, labels: { app: 'web', tier: 'fe' }, annotations: { 'k8ts.io/note': 'a "quoted" value' } }, spec: { nodeName: 'node-1', containers, volumes, ...extra } };
}

async function setUpError(pod: Pod): Promise<VolumeError> {
  try {
    await vm.setUp(pod, {});
  } catch (err) {
    assert.ok(err instanceof VolumeError, String(err));
    return err;
  }
  assert.fail('setUp should have failed');
}

const read = (p: string) => readFileSync(p, 'utf8');
const mode = (p: string) => statSync(p).mode & 0o7777;

before(async () => {
  cluster = await startTestCluster();
  rest = new RestClient(loadKubeconfig(cluster.kubeconfig));
  root = mkdtempSync(join(tmpdir(), 'k8ts-volumes-'));
  vm = new VolumeManager({ client: clientWithTokens(rest), podsDir: join(root, 'pods'), nodeName: 'node-1' });
  await rest.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'vol' } });
  await rest.create('/api/v1/namespaces/vol/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { 'app.conf': 'v=1\n', other: 'o' }, binaryData: { 'bin.dat': Buffer.from([0, 1, 2, 255]).toString('base64') } });
  await rest.create('/api/v1/namespaces/vol/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec' }, data: { password: Buffer.from('s3cret').toString('base64'), user: Buffer.from('admin').toString('base64') } });
});

after(async () => {
  try {
    for (const uid of uids) await vm.tearDown(uid).catch(() => undefined);
    // Safety net: nothing mounted may survive under the temp dir before it is removed.
    for (const mp of await mountPointsUnder(root)) await unmount(mp);
    rmSync(root, { recursive: true, force: true });
  } finally {
    rest.close();
    await cluster.stop();
  }
});

describe('configMap and secret volumes', () => {
  it('projects keys (data and binaryData) with modes, and shows updates through ..data after refresh', async () => {
    const pod = makePod([{ name: 'cfg', configMap: { name: 'cfg', defaultMode: 0o640, items: [{ key: 'app.conf', path: 'conf/app.conf' }, { key: 'bin.dat', path: 'bin.dat', mode: 0o400 }] } }]);
    const vols = await vm.setUp(pod);
    const dir = vols.get('cfg')!;
    assert.equal(dir, join(root, 'pods', pod.metadata!.uid!, 'volumes', 'kubernetes.io~configmap', 'cfg'));
    assert.equal(read(join(dir, 'conf', 'app.conf')), 'v=1\n');
    assert.deepEqual([...readFileSync(join(dir, 'bin.dat'))], [0, 1, 2, 255]);
    assert.equal(mode(join(dir, 'conf', 'app.conf')), 0o640);
    assert.equal(mode(join(dir, 'bin.dat')), 0o400);
    assert.throws(() => lstatSync(join(dir, 'other')), /ENOENT/);
    assert.equal(readlinkSync(join(dir, 'conf')), '..data/conf');
    const firstData = readlinkSync(join(dir, '..data'));

    await vm.refresh(pod);
    assert.equal(readlinkSync(join(dir, '..data')), firstData, 'an unchanged ConfigMap is not rewritten');

    await rest.patch('/api/v1/namespaces/vol/configmaps/cfg', { data: { 'app.conf': 'v=2\n' } });
    // The runtime bind-mounts the volume dir: updates must show through such a mount.
    const seen = join(root, `bind-${pod.metadata!.uid}`);
    mkdirSync(seen);
    await bindMount(dir, seen);
    try {
      await vm.refresh(pod);
      assert.notEqual(readlinkSync(join(dir, '..data')), firstData);
      assert.equal(read(join(dir, 'conf', 'app.conf')), 'v=2\n');
      assert.equal(read(join(seen, 'conf', 'app.conf')), 'v=2\n');
    } finally {
      await unmount(seen);
    }
    assert.throws(() => lstatSync(join(dir, firstData)), /ENOENT/);
    await rest.patch('/api/v1/namespaces/vol/configmaps/cfg', { data: { 'app.conf': 'v=1\n' } });
  });

  it('projects every secret key base64-decoded, 0644 by default', async () => {
    const pod = makePod([{ name: 's', secret: { secretName: 'sec' } }]);
    const dir = (await vm.setUp(pod)).get('s')!;
    assert.equal(dir, join(vm.podDir(pod.metadata!.uid!), 'volumes', 'kubernetes.io~secret', 's'));
    assert.equal(read(join(dir, 'password')), 's3cret');
    assert.equal(read(join(dir, 'user')), 'admin');
    assert.equal(mode(join(dir, 'password')), 0o644);
  });

  it('a missing object fails with upstream FailedMount texts unless optional', async () => {
    let err = await setUpError(makePod([{ name: 'c1', configMap: { name: 'nope' } }]));
    assert.equal(err.reason, 'FailedMount');
    assert.equal(err.message, 'MountVolume.SetUp failed for volume "c1" : configmap "nope" not found');
    err = await setUpError(makePod([{ name: 's1', secret: { secretName: 'gone' } }, { name: 'c2', configMap: { name: 'cfg', items: [{ key: 'absent', path: 'a' }] } }]));
    assert.deepEqual(err.failures.map((f) => f.message).sort(), [
      'MountVolume.SetUp failed for volume "c2" : configmap references non-existent config key: absent',
      'MountVolume.SetUp failed for volume "s1" : secret "gone" not found',
    ]);

    const optional = makePod([{ name: 'c3', configMap: { name: 'nope', optional: true } }, { name: 's3', secret: { secretName: 'sec', optional: true, items: [{ key: 'absent', path: 'x' }, { key: 'user', path: 'u' }] } }]);
    const vols = await vm.setUp(optional);
    assert.ok(lstatSync(join(vols.get('c3')!, '..data')).isSymbolicLink());
    assert.deepEqual(readdirSync(join(vols.get('c3')!, '..data')), []);
    assert.equal(read(join(vols.get('s3')!, 'u')), 'admin');
    assert.throws(() => lstatSync(join(vols.get('s3')!, 'x')), /ENOENT/);
  });
});

describe('downwardAPI and projected volumes', () => {
  it('writes pod fields and container resources', async () => {
    const pod = makePod(
      [
        {
          name: 'info',
          downwardAPI: {
            items: [
              { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
              { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
              { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
              { path: 'tier', fieldRef: { fieldPath: "metadata.labels['tier']" } },
              { path: 'cpu_limit', resourceFieldRef: { containerName: 'app', resource: 'limits.cpu', divisor: '1m' } },
              { path: 'mem_limit', resourceFieldRef: { containerName: 'app', resource: 'limits.memory', divisor: '1Mi' } },
            ],
          },
        },
      ],
      [{ name: 'app', image: 'busybox', resources: { requests: { cpu: '100m' } } }],
    );
    const dir = (await vm.setUp(pod, { nodeAllocatable: { cpu: '2', memory: '1Gi' } })).get('info')!;
    assert.equal(read(join(dir, 'labels')), 'app="web"\ntier="fe"');
    assert.equal(read(join(dir, 'annotations')), 'k8ts.io/note="a \\"quoted\\" value"');
    assert.equal(read(join(dir, 'name')), pod.metadata!.name);
    assert.equal(read(join(dir, 'tier')), 'fe');
    assert.equal(read(join(dir, 'cpu_limit')), '2000');
    assert.equal(read(join(dir, 'mem_limit')), '1024');

    pod.metadata!.labels = { app: 'web', tier: 'be' };
    await vm.refresh(pod, { nodeAllocatable: { cpu: '2', memory: '1Gi' } });
    assert.equal(read(join(dir, 'tier')), 'be');
  });

  it('serves the kube-api-access volume: token, kube-root-ca.crt and namespace', async () => {
    const ca = await eventually(async () => (await rest.get<{ data?: Record<string, string> }>('/api/v1/namespaces/vol/configmaps/kube-root-ca.crt')).data?.['ca.crt']);
    const pod = makePod(
      [
        {
          name: 'kube-api-access-x1',
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
            ],
          },
        },
      ],
      [{ name: 'app', image: 'busybox', volumeMounts: [{ name: 'kube-api-access-x1', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }] }],
      { serviceAccountName: 'builder' },
    );
    const before = tokenRequests.length;
    const vols = await vm.setUp(pod);
    const dir = vols.get('kube-api-access-x1')!;
    assert.equal(dir, join(vm.podDir(pod.metadata!.uid!), 'volumes', 'kubernetes.io~projected', 'kube-api-access-x1'));
    assert.equal(read(join(dir, 'ca.crt')), ca);
    assert.equal(read(join(dir, 'namespace')), 'vol');
    assert.equal(read(join(dir, 'token')), `tok-${before + 1}`);
    assert.equal(mode(join(dir, 'token')), 0o644);
    const req = tokenRequests[before]!;
    assert.equal(req.path, '/api/v1/namespaces/vol/serviceaccounts/builder/token');
    assert.deepEqual(req.body.spec, { expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: pod.metadata!.name, uid: pod.metadata!.uid } });

    await vm.refresh(pod);
    assert.equal(tokenRequests.length, before + 1, 'a fresh token is reused');

    const [m] = await vm.mountsFor(pod, pod.spec!.containers[0]!, vols);
    assert.deepEqual(m, { containerPath: '/var/run/secrets/kubernetes.io/serviceaccount', hostPath: dir, readonly: true, propagation: 'PROPAGATION_PRIVATE' });
  });

  it('requests a real pod-bound token from the API server', async () => {
    await eventually(async () => (await rest.get('/api/v1/namespaces/vol/serviceaccounts/default').catch(() => undefined)) !== undefined);
    const pod = makePod([{ name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600, audience: 'vault' } }] } }], undefined, { serviceAccountName: 'default' });
    const created = await rest.create<Pod>('/api/v1/namespaces/vol/pods', { ...pod, metadata: { name: pod.metadata!.name, namespace: 'vol' } });
    const real = new VolumeManager({ client: rest, podsDir: join(root, 'pods'), nodeName: 'node-1' });
    const bound = { ...pod, metadata: created.metadata, spec: { ...pod.spec!, ...created.spec, volumes: pod.spec!.volumes } } as Pod;
    uids.push(bound.metadata!.uid!);
    const dir = (await real.setUp(bound)).get('tok')!;
    const claims = JSON.parse(Buffer.from(read(join(dir, 'token')).split('.')[1]!, 'base64url').toString('utf8'));
    assert.equal(claims.sub, 'system:serviceaccount:vol:default');
    assert.deepEqual(claims.aud, ['vault']);
    assert.equal(claims['kubernetes.io'].pod.uid, bound.metadata!.uid);
    await real.tearDown(bound.metadata!.uid!);
  });

  it('aggregates failing projected sources', async () => {
    const err = await setUpError(makePod([{ name: 'pj', projected: { sources: [{ configMap: { name: 'nope' } }, { secret: { name: 'sec', items: [{ key: 'zz', path: 'zz' }] } }] } }]));
    assert.equal(err.message, 'MountVolume.SetUp failed for volume "pj" : [configmap "nope" not found, references non-existent secret key: zz]');
  });
});

describe('memory-backed volumes', () => {
  const fsOf = (dir: string) => execFileSync('findmnt', ['-n', '-o', 'TARGET,FSTYPE,OPTIONS', '--target', dir], { encoding: 'utf8' }).trim();

  it('secret, downwardAPI and projected volumes are tmpfs sized as a memory emptyDir; configMap stays on disk', async () => {
    const pod = makePod(
      [
        { name: 's', secret: { secretName: 'sec' } },
        { name: 'd', downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
        { name: 'p', projected: { sources: [{ serviceAccountToken: { path: 'token' } }, { configMap: { name: 'cfg', items: [{ key: 'other', path: 'o' }] } }] } },
        { name: 'c', configMap: { name: 'cfg' } },
      ],
      [{ name: 'app', image: 'busybox', resources: { limits: { memory: '32Mi' } } }],
    );
    const vols = await vm.setUp(pod, { nodeAllocatable: { memory: '1Gi' } });
    for (const name of ['s', 'd', 'p']) {
      const dir = vols.get(name)!;
      // The pod's memory limit caps the size, as upstream's SizeMemoryBackedVolumes.
      assert.match(fsOf(dir), new RegExp(`^${dir.replace(/[.~]/g, '\\$&')} tmpfs .*size=32768k`), name);
    }
    assert.equal(read(join(vols.get('s')!, 'password')), 's3cret');
    assert.doesNotMatch(fsOf(vols.get('c')!), /^\S+kubernetes\.io~configmap\/c tmpfs/);
    const uid = pod.metadata!.uid!;
    assert.equal((await mountPointsUnder(vm.podDir(uid))).length, 3);

    // Updates keep the atomic ..data swap inside the tmpfs; nothing is mounted twice.
    const firstData = readlinkSync(join(vols.get('s')!, '..data'));
    await rest.patch('/api/v1/namespaces/vol/secrets/sec', { data: { password: Buffer.from('n3w').toString('base64') } });
    try {
      await vm.refresh(pod, { nodeAllocatable: { memory: '1Gi' } });
      assert.notEqual(readlinkSync(join(vols.get('s')!, '..data')), firstData);
      assert.equal(read(join(vols.get('s')!, 'password')), 'n3w');
      assert.equal((await mountPointsUnder(vm.podDir(uid))).length, 3);
    } finally {
      await rest.patch('/api/v1/namespaces/vol/secrets/sec', { data: { password: Buffer.from('s3cret').toString('base64') } });
    }
    await vm.tearDown(uid);
    assert.deepEqual(await mountPointsUnder(vm.podDir(uid)), []);
    assert.throws(() => lstatSync(vm.podDir(uid)), /ENOENT/);
  });

  it('without a pod memory limit the node allocatable sizes it; a failed first setup leaves no mount', async () => {
    const pod = makePod([{ name: 's', secret: { secretName: 'sec' } }]);
    const dir = (await vm.setUp(pod, { nodeAllocatable: { memory: '64Mi' } })).get('s')!;
    assert.match(fsOf(dir), /tmpfs .*size=65536k/);
    await vm.tearDown(pod.metadata!.uid!);

    const missing = makePod([{ name: 's', secret: { secretName: 'gone' } }]);
    await setUpError(missing);
    assert.deepEqual(await mountPointsUnder(vm.podDir(missing.metadata!.uid!)), []);
  });

  it('a secret volume an older agent wrote on disk stays on disk (its containers bind-mounted that directory)', async () => {
    const pod = makePod([{ name: 's', secret: { secretName: 'sec' } }]);
    const dir = vm.volumeDir(pod.metadata!.uid!, 'secret', 's');
    mkdirSync(join(dir, '..2020_01_01_00_00_00.1'), { recursive: true });
    symlinkSync('..2020_01_01_00_00_00.1', join(dir, '..data'));
    await vm.setUp(pod);
    assert.equal(read(join(dir, 'password')), 's3cret');
    assert.deepEqual(await mountPointsUnder(vm.podDir(pod.metadata!.uid!)), []);
  });
});

describe('emptyDir and hostPath', () => {
  it('emptyDir is a 0777 dir; medium Memory is a sized tmpfs that tearDown unmounts; tearDown removes the pod dir', async () => {
    const pod = makePod([{ name: 'scratch', emptyDir: {} }, { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } }]);
    const vols = await vm.setUp(pod);
    assert.equal(mode(vols.get('scratch')!), 0o777);
    assert.equal(vols.get('mem'), join(vm.podDir(pod.metadata!.uid!), 'volumes', 'kubernetes.io~empty-dir', 'mem'));
    const df = execFileSync('findmnt', ['-n', '-o', 'FSTYPE,OPTIONS', '--target', vols.get('mem')!], { encoding: 'utf8' });
    assert.match(df, /^tmpfs .*size=8192k/);
    writeFileSync(join(vols.get('mem')!, 'f'), 'x');
    await vm.setUp(pod); // idempotent: no second tmpfs on top
    assert.equal((await mountPointsUnder(vm.podDir(pod.metadata!.uid!))).length, 1);
    assert.ok(vm.podDirs().includes(pod.metadata!.uid!));

    await vm.tearDown(pod.metadata!.uid!);
    assert.deepEqual(await mountPointsUnder(vm.podDir(pod.metadata!.uid!)), []);
    assert.throws(() => lstatSync(vm.podDir(pod.metadata!.uid!)), /ENOENT/);
    assert.ok(!vm.podDirs().includes(pod.metadata!.uid!));
    await vm.refresh(pod);
    assert.throws(() => lstatSync(vm.podDir(pod.metadata!.uid!)), /ENOENT/, 'refresh does not resurrect a torn-down pod');
  });

  it('finds its mounts when the pods dir is reached through a symlink', async () => {
    mkdirSync(join(root, 'real-pods'));
    symlinkSync(join(root, 'real-pods'), join(root, 'linked-pods'));
    const linked = new VolumeManager({ client: clientWithTokens(rest), podsDir: join(root, 'linked-pods'), nodeName: 'node-1' });
    const pod = makePod([{ name: 'mem', emptyDir: { medium: 'Memory' } }]);
    await linked.setUp(pod, { nodeAllocatable: { memory: '64Mi' } });
    assert.match(execFileSync('findmnt', ['-n', '-o', 'OPTIONS', '--target', join(root, 'real-pods', pod.metadata!.uid!, 'volumes', 'kubernetes.io~empty-dir', 'mem')], { encoding: 'utf8' }), /size=65536k/);
    await linked.tearDown(pod.metadata!.uid!);
    assert.deepEqual(await mountPointsUnder(join(root, 'real-pods')), []);
    assert.throws(() => lstatSync(join(root, 'real-pods', pod.metadata!.uid!)), /ENOENT/);
  });

  it('hostPath type checks and creation', async () => {
    const host = join(root, 'host');
    mkdirSync(host, { recursive: true });
    writeFileSync(join(host, 'file'), 'f');
    const sockPath = join(host, 'sock');
    const server = createServer();
    await new Promise<void>((r) => server.listen(sockPath, r));
    try {
      const ok = makePod([
        { name: 'mk', hostPath: { path: join(host, 'made', 'deep'), type: 'DirectoryOrCreate' } },
        { name: 'mkf', hostPath: { path: join(host, 'newfile'), type: 'FileOrCreate' } },
        { name: 'f', hostPath: { path: join(host, 'file'), type: 'File' } },
        { name: 's', hostPath: { path: sockPath, type: 'Socket' } },
        { name: 'any', hostPath: { path: join(host, 'whatever') } },
      ]);
      const vols = await vm.setUp(ok);
      assert.equal(vols.get('mk'), join(host, 'made', 'deep'));
      assert.ok(statSync(join(host, 'made', 'deep')).isDirectory());
      assert.equal(mode(join(host, 'made', 'deep')), 0o755);
      assert.ok(statSync(join(host, 'newfile')).isFile());
      assert.equal(mode(join(host, 'newfile')), 0o644);

      const bad = await setUpError(
        makePod([
          { name: 'd', hostPath: { path: join(host, 'file'), type: 'Directory' } },
          { name: 'c', hostPath: { path: join(host, 'file'), type: 'CharDevice' } },
          { name: 'b', hostPath: { path: '/dev/null', type: 'BlockDevice' } },
          { name: 'f2', hostPath: { path: host, type: 'File' } },
        ]),
      );
      assert.deepEqual(bad.failures.map((f) => f.message).sort(), [
        `MountVolume.SetUp failed for volume "b" : hostPath type check failed: /dev/null is not a block device`,
        `MountVolume.SetUp failed for volume "c" : hostPath type check failed: ${join(host, 'file')} is not a character device`,
        `MountVolume.SetUp failed for volume "d" : hostPath type check failed: ${join(host, 'file')} is not a directory`,
        `MountVolume.SetUp failed for volume "f2" : hostPath type check failed: ${host} is not a file`,
      ]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('fsGroup gives the group and group rw (ro for projected contents)', async () => {
    const pod = makePod([{ name: 'e', emptyDir: {} }, { name: 's', secret: { secretName: 'sec', defaultMode: 0o400 } }], undefined, { securityContext: { fsGroup: 2345 } });
    const vols = await vm.setUp(pod);
    const e = statSync(vols.get('e')!);
    assert.equal(e.gid, 2345);
    assert.equal(e.mode & 0o7777, 0o2777);
    const pw = statSync(join(vols.get('s')!, 'password'));
    assert.equal(pw.gid, 2345);
    assert.equal(pw.uid, 0);
    assert.equal(pw.mode & 0o777, 0o440);
  });
});

describe('mounts and subPath', () => {
  it('maps readOnly and propagation; projected volumes are always read-only', async () => {
    const c: Container = {
      name: 'app',
      volumeMounts: [
        { name: 'data', mountPath: '/data' },
        { name: 'data', mountPath: '/ro', readOnly: true, mountPropagation: 'HostToContainer' },
        { name: 'cfg', mountPath: '/etc/cfg' },
      ],
    };
    const pod = makePod([{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'cfg' } }], [c]);
    const vols = await vm.setUp(pod);
    assert.deepEqual(await vm.mountsFor(pod, c, vols), [
      { containerPath: '/data', hostPath: vols.get('data'), readonly: false, propagation: 'PROPAGATION_PRIVATE' },
      { containerPath: '/ro', hostPath: vols.get('data'), readonly: true, propagation: 'PROPAGATION_HOST_TO_CONTAINER' },
      { containerPath: '/etc/cfg', hostPath: vols.get('cfg'), readonly: true, propagation: 'PROPAGATION_PRIVATE' },
    ]);
    await assert.rejects(vm.mountsFor(pod, { name: 'x', volumeMounts: [{ name: 'ghost', mountPath: '/g' }] }, vols), {
      reason: 'CreateContainerConfigError',
      message: 'cannot find volume "ghost" to mount into container "x"',
    });
  });

  it('binds subPaths inside the volume (created when missing, expanded from env) and tears them down', async () => {
    const c: Container = {
      name: 'app',
      volumeMounts: [
        { name: 'data', mountPath: '/logs', subPathExpr: 'logs/$(POD_NAME)' },
        { name: 'cfg', mountPath: '/etc/app.conf', subPath: 'app.conf' },
      ],
    };
    const pod = makePod([{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'cfg' } }], [c]);
    const uid = pod.metadata!.uid!;
    const vols = await vm.setUp(pod);
    const mounts = await vm.mountsFor(pod, c, vols, { POD_NAME: 'mypod' });
    const logs = join(vm.podDir(uid), 'volume-subpaths', 'data', 'app', '0');
    const conf = join(vm.podDir(uid), 'volume-subpaths', 'cfg', 'app', '1');
    assert.deepEqual(mounts.map((m) => [m.containerPath, m.hostPath, m.readonly]), [
      ['/logs', logs, false],
      ['/etc/app.conf', conf, true],
    ]);
    assert.ok(statSync(join(vols.get('data')!, 'logs', 'mypod')).isDirectory());
    writeFileSync(join(logs, 'out.log'), 'through the bind');
    assert.equal(read(join(vols.get('data')!, 'logs', 'mypod', 'out.log')), 'through the bind');
    assert.equal(read(conf), 'v=1\n');
    // A second call (a container restart) reuses the bind mounts.
    await vm.mountsFor(pod, c, vols, { POD_NAME: 'mypod' });
    assert.equal((await mountPointsUnder(vm.podDir(uid))).length, 2);

    // A subPath of a configMap is the file itself: later updates do not reach it (as upstream).
    await rest.patch('/api/v1/namespaces/vol/configmaps/cfg', { data: { 'app.conf': 'v=3\n' } });
    await vm.refresh(pod);
    assert.equal(read(join(vols.get('cfg')!, 'app.conf')), 'v=3\n');
    assert.equal(read(conf), 'v=1\n');
    await rest.patch('/api/v1/namespaces/vol/configmaps/cfg', { data: { 'app.conf': 'v=1\n' } });

    await assert.rejects(vm.mountsFor(pod, { name: 'b', volumeMounts: [{ name: 'data', mountPath: '/x', subPathExpr: '$(NOPE)' }] }, vols, {}), { message: 'missing value for NOPE' });

    await vm.tearDown(uid);
    assert.deepEqual(await mountPointsUnder(vm.podDir(uid)), []);
    assert.throws(() => lstatSync(vm.podDir(uid)), /ENOENT/);
  });

  it('rejects subPaths that leave the volume: .., absolute paths, and symlinks pointing outside', async () => {
    const pod = makePod([{ name: 'data', emptyDir: {} }]);
    const vols = await vm.setUp(pod);
    const vol = vols.get('data')!;
    symlinkSync('/etc', join(vol, 'etc-link'));
    mkdirSync(join(vol, 'dir'));
    symlinkSync('../../../../../../../../etc/passwd', join(vol, 'dir', 'rel-link'));
    symlinkSync('dir', join(vol, 'inside-link'));
    const attempt = (subPath: string) => vm.mountsFor(pod, { name: 'app', volumeMounts: [{ name: 'data', mountPath: '/m', subPath }] }, vols);

    await assert.rejects(attempt('../x'), { reason: 'CreateContainerConfigError', message: "unable to provision SubPath `../x`: must not contain '..'" });
    await assert.rejects(attempt('a/../../x'), /must not contain '\.\.'/);
    await assert.rejects(attempt('/etc'), { message: 'error SubPath `/etc` must not be an absolute path' });
    for (const escape of ['etc-link', 'etc-link/passwd', 'dir/rel-link', 'etc-link/newdir']) {
      await assert.rejects(attempt(escape), (err: VolumeError) => {
        assert.equal(err.message, 'failed to prepare subPath for volumeMount "data" of container "app"');
        assert.match(err.detail ?? '', /^subpath "\/etc[^"]*" not within volume path "/);
        return true;
      }, escape);
    }
    assert.throws(() => lstatSync('/etc/newdir'), /ENOENT/, 'nothing may be created outside the volume');
    assert.deepEqual(await mountPointsUnder(vm.podDir(pod.metadata!.uid!)), []);

    // A symlink that stays inside the volume is fine.
    const [m] = await attempt('inside-link');
    assert.equal(m!.hostPath, join(vm.podDir(pod.metadata!.uid!), 'volume-subpaths', 'data', 'app', '0'));
    assert.equal(statSync(m!.hostPath).ino, statSync(join(vol, 'dir')).ino);
  });
});
