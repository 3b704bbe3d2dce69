// Needs root, containerd, runc and busybox-static: a private containerd in a temp dir.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUSYBOX_IMAGE, buildBusyboxRootfs, ensureBuiltinImages, PAUSE_IMAGE } from '../images/builtin.js';
import { ctr } from '../images/ctr.js';
import { importImageArchive } from '../images/import.js';
import { listNodeImages } from '../images/list.js';
import { writeOciArchive, type OciArchiveResult } from '../images/oci-archive.js';
import { TarWriter } from '../images/tar.js';
import { containerdSocketPath, isContainerdListening, startContainerd, type ContainerdProcess } from './supervisor.js';

const run = promisify(execFile);

/** Rewrites an OCI layout archive as `docker save` output (manifest.json, config, layer.tar). */
async function dockerArchiveFromOci(ociTar: string, r: OciArchiveResult, out: string, tag: string): Promise<void> {
  const x = `${out}.d`;
  await mkdir(x);
  await run('tar', ['-xf', ociTar, '-C', x]);
  const blob = (d: string): Promise<Buffer> => readFile(join(x, 'blobs', 'sha256', d.slice(7)));
  const chunks: Buffer[] = [];
  const tar = new TarWriter(async (c) => void chunks.push(Buffer.from(c)));
  const configName = `${r.configDigest.slice(7)}.json`;
  const layerName = `${r.layerDigest.slice(7)}/layer.tar`;
  const file = async (name: string, body: Buffer): Promise<void> => tar.add({ name, type: 'file', mode: 0o644, size: body.length }, body);
  await file(configName, await blob(r.configDigest));
  await tar.add({ name: r.layerDigest.slice(7), type: 'dir', mode: 0o755 });
  await file(layerName, await blob(r.layerDigest));
  await file('manifest.json', Buffer.from(JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: [layerName] }])));
  await tar.finish();
  await writeFile(out, Buffer.concat(chunks));
  await rm(x, { recursive: true, force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, ok: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Runs `script` once in a new container of `image` and returns what it wrote to /out/result. The output
 * goes through a bind-mounted file because `ctr run` can lose the stdout of a process that exits at once
 * (containerd#770), which made this test flaky.
 */
async function runOnce(endpoint: string, dir: string, image: string, id: string, script: string): Promise<string> {
  const out = join(dir, `${id}.out`);
  await mkdir(out, { recursive: true });
  await ctr(endpoint, ['run', '--rm', '--mount', `type=bind,src=${out},dst=/out,options=rbind:rw`, image, id, 'sh', '-c', `(${script}) > /out/result`]);
  return (await readFile(join(out, 'result'), 'utf8')).trim();
}

/** Removes every task and container of the namespace, then containerd, mounts and files. */
async function cleanup(endpoint: string, dir: string, procs: ContainerdProcess[]): Promise<void> {
  try {
    const tasks = (await ctr(endpoint, ['tasks', 'ls', '-q'])).toString().split('\n').filter(Boolean);
    for (const t of tasks) await ctr(endpoint, ['tasks', 'kill', '-s', 'SIGKILL', t]).catch(() => {});
    for (const t of tasks) await until(`task ${t} to stop`, async () => (await ctr(endpoint, ['tasks', 'rm', '-f', t]).then(() => true, () => false)), 5000).catch(() => {});
    for (const c of (await ctr(endpoint, ['containers', 'ls', '-q'])).toString().split('\n').filter(Boolean)) await ctr(endpoint, ['containers', 'rm', c]).catch(() => {});
  } catch {
    // containerd is already gone: nothing of it to ask.
  }
  for (const p of procs) await p.stop();
  const mounts = (await readFile('/proc/self/mounts', 'utf8')).split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(dir));
  for (const m of mounts.reverse()) await run('umount', ['-l', m]).catch(() => {});
  await rm(dir, { recursive: true, force: true });
}

test('containerd: started under the data dir, images imported, a container runs and survives containerd restarts', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-ctd-'));
  const procs: ContainerdProcess[] = [];
  const logs: string[] = [];
  const endpoint = `unix://${containerdSocketPath(dir)}`;
  try {
    const first = await startContainerd({ dataDir: dir, sandboxImage: PAUSE_IMAGE, log: (l) => logs.push(l) });
    procs.push(first);
    assert.equal(first.endpoint, endpoint);
    assert.equal(first.cniConfDir, join(dir, 'cni', 'net.d'));
    assert.ok(alive(first.pid));
    assert.equal((await readFile(join(dir, 'containerd', 'containerd.pid'), 'utf8')).trim(), String(first.pid));
    assert.match(await readFile(join(dir, 'containerd', 'config.toml'), 'utf8'), /sandbox_image = "k8ts\.io\/pause:3\.10"/);
    assert.ok((await stat(join(dir, 'containerd', 'root'))).isDirectory(), 'root under the data dir');
    // The streaming server listens on loopback, on a port the kernel chose.
    const ss = await run('ss', ['-ltnpH']);
    assert.match(ss.stdout, new RegExp(`127\\.0\\.0\\.1:\\d+ .*pid=${first.pid},`));

    // The builtin images: built, imported, and not imported again when unchanged.
    assert.deepEqual(await ensureBuiltinImages(endpoint, dir, ['pause', 'busybox']), [PAUSE_IMAGE, BUSYBOX_IMAGE]);
    const images = await listNodeImages(endpoint);
    const busybox = images.find((i) => i.repoTags.includes(BUSYBOX_IMAGE));
    assert.ok(busybox, JSON.stringify(images));
    assert.match(busybox.id, /^sha256:[0-9a-f]{64}$/);
    assert.ok(busybox.size > 1_000_000);
    assert.ok(images.some((i) => i.repoTags.includes(PAUSE_IMAGE)));
    const ls = (await ctr(endpoint, ['images', 'ls'])).toString();
    assert.match(ls, /io\.cri-containerd\.image=managed/, 'the CRI has seen the imported images');

    // Both archive formats: an OCI layout from a rootfs, and the same image as `docker save` writes it.
    const rootfs = join(dir, 'own-rootfs');
    await buildBusyboxRootfs(rootfs);
    const oci = await writeOciArchive(join(dir, 'own.tar'), { name: 'k8ts.io/test/own:1', rootfs, cmd: ['sh'] });
    assert.deepEqual(await importImageArchive(endpoint, join(dir, 'own.tar')), ['k8ts.io/test/own:1']);
    await dockerArchiveFromOci(join(dir, 'own.tar'), oci, join(dir, 'docker.tar'), 'k8ts.io/test/docker:2');
    assert.deepEqual(await importImageArchive(endpoint, join(dir, 'docker.tar')), ['k8ts.io/test/docker:2']);
    const after = await listNodeImages(endpoint);
    assert.deepEqual(after.find((i) => i.repoTags.includes('k8ts.io/test/docker:2'))?.id, oci.configDigest, 'same config, same image id');
    await assert.rejects(importImageArchive(endpoint, join(dir, 'missing.tar')), /no such file/);
    await assert.rejects(importImageArchive(endpoint, join(dir, 'containerd', 'config.toml')), /^Error: ctr images import: /);
    assert.equal(await runOnce(endpoint, dir, 'k8ts.io/test/docker:2', 'k8ts-docker', 'echo docker-archive ok'), 'docker-archive ok');

    assert.equal(await runOnce(endpoint, dir, BUSYBOX_IMAGE, 'k8ts-echo', 'echo hello from $(id -un) in $(pwd)'), 'hello from root in /');

    await ctr(endpoint, ['run', '-d', BUSYBOX_IMAGE, 'k8ts-sleeper', 'sleep', '600']);
    const taskPid = Number(/k8ts-sleeper\s+(\d+)\s+RUNNING/.exec((await ctr(endpoint, ['tasks', 'ls'])).toString())?.[1]);
    assert.ok(taskPid > 0);

    // A second agent finds the running containerd through the pid file and keeps it.
    const reused = await startContainerd({ dataDir: dir, sandboxImage: PAUSE_IMAGE, log: (l) => logs.push(l) });
    assert.equal(reused.pid, first.pid);
    assert.ok(logs.some((l) => l.includes('reusing the running containerd')));

    // containerd killed outright: the shim keeps the container; a new containerd re-attaches.
    process.kill(first.pid, 'SIGKILL');
    await until('containerd to die', () => !alive(first.pid));
    assert.ok(alive(taskPid), 'the container outlives containerd');
    await first.stop();
    await reused.stop();
    const second = await startContainerd({ dataDir: dir, sandboxImage: PAUSE_IMAGE, log: (l) => logs.push(l) });
    procs.push(second);
    assert.notEqual(second.pid, first.pid);
    assert.match((await ctr(endpoint, ['tasks', 'ls'])).toString(), new RegExp(`k8ts-sleeper\\s+${taskPid}\\s+RUNNING`));
    // An exec into the re-attached task runs: its exit status (not its stdout, see runOnce) says pid 1 is there.
    await ctr(endpoint, ['tasks', 'exec', '--exec-id', 'probe', 'k8ts-sleeper', 'sh', '-c', 'kill -0 1']);
    assert.ok((await stat(join(dir, 'containerd', 'containerd.log.1'))).size > 0, 'the previous log is kept');

    // A containerd that dies under a running supervisor is restarted by it.
    const before = second.pid;
    process.kill(before, 'SIGKILL');
    await until('containerd to be restarted', async () => second.pid !== before && (await isContainerdListening(second.socket)), 15_000);
    assert.ok(logs.some((l) => /exited unexpectedly/.test(l)));
    assert.ok(alive(taskPid));

    await second.stop();
    assert.equal(alive(second.pid), false);
    assert.equal(await isContainerdListening(second.socket), false);
    assert.ok(alive(taskPid), 'stopping containerd leaves containers running');
    const third = await startContainerd({ dataDir: dir, sandboxImage: PAUSE_IMAGE });
    procs.push(third);
  } finally {
    await cleanup(endpoint, dir, procs);
  }
});

test('containerd: a start-up failure is an error that quotes the log', { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-ctd-'));
  try {
    // A file where containerd's root directory should be: containerd cannot start.
    await mkdir(join(dir, 'containerd'));
    await writeFile(join(dir, 'containerd', 'root'), '');
    await assert.rejects(startContainerd({ dataDir: dir, sandboxImage: PAUSE_IMAGE }), (err: Error) =>
      /^containerd exited during start-up \(exit code 1\); last lines of .*containerd\.log:\n.*not a directory/s.test(err.message),
    );
    await assert.rejects(startContainerd({ dataDir: dir, sandboxImage: PAUSE_IMAGE, binary: join(dir, 'nope') }), /could not run .*nope/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
