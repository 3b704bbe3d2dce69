// A k8ts server whose datastore is an external etcd over TLS with client certificates: the real
// kubectl and the official Python client drive it, objects sit in etcd under upstream's key
// layout with etcd's revisions as resourceVersions, and a new `k8ts server` process on the same
// etcd (started with the --datastore-* flags) serves what the first one wrote.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStore, type DatastoreTlsFiles, type Store } from '../../storage/index.js';
import { startEtcd, type TestEtcd } from '../../storage/etcd/testing/etcd-server.js';
import { writeEtcdPki } from '../../storage/etcd/testing/etcd-pki.js';
import { eventually, freePort, KUBECTL, runProcess, startTestCluster, type TestCluster } from '../harness.js';

const MAIN = join(fileURLToPath(import.meta.url), '../../../cli/main.js');
const PYTHON = process.env['K8TS_PYTHON'] ?? '/usr/bin/python3';

describe('a server on an external etcd (TLS, client certificates)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-etcd-e2e-'));
  let etcd: TestEtcd | undefined;
  let tls: DatastoreTlsFiles;
  let c: TestCluster | undefined;
  let direct: Store | undefined;
  const ok = async (args: string[], input?: string) => {
    const r = await c!.kubectl(args, { input });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const cm = (name: string, data: Record<string, string>) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });

  before(async () => {
    const pki = await writeEtcdPki(dir);
    etcd = await startEtcd({ tls: { certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, clientCaFile: pki.caFile } });
    tls = { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile };
    c = await startTestCluster({ datastoreEndpoint: etcd.endpoint, datastoreTls: tls });
    direct = await openStore(etcd.endpoint, dir, tls);
  });
  after(async () => {
    await direct?.close();
    await c?.stop();
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('kubectl create, get, apply, watch and delete; objects live in etcd under /registry/', async () => {
    await ok(['create', '-f', '-'], cm('etcd-cm', { v: '1' }));
    const got = JSON.parse(await ok(['get', 'configmap', 'etcd-cm', '-o', 'json']));
    assert.deepEqual(got.data, { v: '1' });
    const kv = await direct!.get('/registry/configmaps/default/etcd-cm');
    assert.ok(kv, 'the ConfigMap is stored at upstream\'s key');
    assert.equal(String(kv.modRevision), got.metadata.resourceVersion, 'resourceVersion is the etcd revision');
    assert.equal(JSON.parse(kv.value.toString()).metadata.uid, got.metadata.uid);

    // A watch from kubectl, running while the object changes and goes away.
    const watch = spawn(KUBECTL, ['get', 'configmap', 'etcd-cm', '--watch', '--output-watch-events', '-o', 'jsonpath={.type} {.object.data.v}{"\\n"}'], { env: { ...process.env, KUBECONFIG: c!.kubeconfig, HOME: c!.dataDir } });
    let seen = '';
    watch.stdout.on('data', (d: Buffer) => (seen += d.toString()));
    try {
      await eventually(() => seen.includes('ADDED 1'), 15_000);
      assert.match(await ok(['apply', '-f', '-'], cm('etcd-cm', { v: '2' })), /configmap\/etcd-cm configured/);
      assert.equal(JSON.parse((await direct!.get('/registry/configmaps/default/etcd-cm'))!.value.toString()).data.v, '2');
      await eventually(() => seen.includes('MODIFIED 2'), 15_000);
      assert.match(await ok(['delete', 'configmap', 'etcd-cm']), /configmap "etcd-cm" deleted/);
      await eventually(() => seen.includes('DELETED'), 15_000);
    } finally {
      watch.kill();
    }
    assert.equal(await direct!.get('/registry/configmaps/default/etcd-cm'), undefined);
    const r = await c!.kubectl(['get', 'configmap', 'etcd-cm']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /NotFound/);
    // The cluster's own objects are there too, as the API server wrote them.
    assert.ok(await direct!.get('/registry/namespaces/kube-system'));
  });

  it('a second, quiet server on the same etcd serves consistent lists while something else writes there', async () => {
    // Revisions outside /registry/ never reach an API server's watch as events; its store learns
    // them from headers and progress notifications, and its watch cache must not wait for them.
    // Without controllers nothing else writes under /registry/ that would carry the cache past them.
    const quiet = await startTestCluster({ datastoreEndpoint: etcd!.endpoint, datastoreTls: tls, controlPlane: { disableControllers: true, disableScheduler: true } });
    try {
      await ok(['create', '-f', '-'], cm('seen-by-both', { v: '1' }));
      await direct!.create('/not-kubernetes/a', Buffer.from('x'));
      // Past the store's progress interval (5 s), so the server has seen this revision.
      await new Promise((r) => setTimeout(r, 6000));
      const r = await quiet.kubectl(['get', 'configmap', 'seen-by-both', '-o', 'jsonpath={.data.v}']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '1');
      const l = await quiet.kubectl(['get', 'configmaps', '-o', 'name']);
      assert.equal(l.code, 0, l.stderr);
      assert.match(l.stdout, /configmap\/seen-by-both/);
    } finally {
      await quiet.stop();
    }
  });

  it('the official Python client lists, creates, patches, watches and deletes', async () => {
    const r = await runProcess(PYTHON, [join(process.cwd(), 'test', 'python', 'client_check.py'), c!.kubeconfig]);
    assert.equal(r.code, 0, `python client check failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /all ok/);
  });

  it('a new `k8ts server` on the same etcd serves what the stopped one wrote', async () => {
    await ok(['create', '-f', '-'], cm('survivor', { kept: 'yes' }));
    const before = JSON.parse(await ok(['get', 'configmap', 'survivor', '-o', 'json']));
    await c!.stop();
    c = undefined;

    const dataDir = join(dir, 'second');
    const port = await freePort();
    const args = ['server', '--disable-agent', '--data-dir', dataDir, '--bind-address', '127.0.0.1', '--https-listen-port', String(port), `--datastore-endpoint=${etcd!.endpoint}`, '--datastore-cafile', tls.caFile!, '--datastore-certfile', tls.certFile!, '--datastore-keyfile', tls.keyFile!];
    const server: ChildProcess = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    server.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise((r) => server.once('exit', r));
    try {
      await eventually(() => /kubeconfig written/.test(log) && existsSync(join(dataDir, 'kubeconfig.yaml')), 60_000, 100).catch((err) => {
        throw new Error(`${err}\n${log}`);
      });
      const env = { ...process.env, KUBECONFIG: join(dataDir, 'kubeconfig.yaml'), HOME: dataDir };
      const r = await runProcess(KUBECTL, ['get', 'configmap', 'survivor', '-o', 'json'], { env });
      assert.equal(r.code, 0, `${r.stderr}\n${log}`);
      const after = JSON.parse(r.stdout);
      assert.equal(after.metadata.uid, before.metadata.uid);
      assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
      assert.deepEqual(after.data, { kept: 'yes' });
      // And it writes on from etcd's revision.
      const w = await runProcess(KUBECTL, ['create', 'configmap', 'after-restart', '--from-literal=k=v', '-o', 'jsonpath={.metadata.resourceVersion}'], { env });
      assert.equal(w.code, 0, w.stderr);
      assert.ok(Number(w.stdout) > Number(before.metadata.resourceVersion));
    } finally {
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    }
  });
});
