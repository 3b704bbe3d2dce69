import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, link, lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeOciArchive } from './oci-archive.js';
import { normalizeImageName } from './reference.js';

const run = promisify(execFile);
const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function rootfs(dir: string): Promise<string> {
  const root = join(dir, 'rootfs');
  const deep = join(root, 'a'.repeat(60), 'b'.repeat(60), 'c'.repeat(60));
  await mkdir(deep, { recursive: true });
  await mkdir(join(root, 'bin'));
  await writeFile(join(root, 'bin', 'tool'), '#!/bin/sh\necho hi\n');
  await chmod(join(root, 'bin', 'tool'), 0o4755);
  await link(join(root, 'bin', 'tool'), join(root, 'bin', 'tool2'));
  await symlink('tool', join(root, 'bin', 'sh'));
  await symlink('/' + 'x'.repeat(150), join(root, 'longlink'));
  await writeFile(join(deep, 'f'.repeat(90)), 'deep file');
  await mkdir(join(root, 'tmp'));
  await chmod(join(root, 'tmp'), 0o1777);
  await writeFile(join(root, 'empty'), '');
  return root;
}

test('oci archive: a valid OCI layout whose layer holds the tree exactly; same input, same digests', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-oci-'));
  try {
    const root = await rootfs(dir);
    const out = join(dir, 'image.tar');
    const r = await writeOciArchive(out, { name: 'k8ts.io/test/app:v1', rootfs: root, cmd: ['sh'], entrypoint: ['/bin/tool'], env: ['A=1'], workingDir: '/tmp', user: '65534', exposedPorts: ['80', '53/udp'] });
    assert.equal(r.name, 'k8ts.io/test/app:v1');
    const again = await writeOciArchive(join(dir, 'again.tar'), { name: 'k8ts.io/test/app:v1', rootfs: root, cmd: ['sh'], entrypoint: ['/bin/tool'], env: ['A=1'], workingDir: '/tmp', user: '65534', exposedPorts: ['80', '53/udp'] });
    assert.deepEqual(again, r);
    assert.deepEqual(await readFile(join(dir, 'again.tar')), await readFile(out));

    // GNU tar reads the archive, and the layer inside it.
    const layout = join(dir, 'layout');
    await mkdir(layout);
    await run('tar', ['-xf', out, '-C', layout]);
    assert.equal(await readFile(join(layout, 'oci-layout'), 'utf8'), '{"imageLayoutVersion":"1.0.0"}');
    const blob = (d: string): Promise<Buffer> => readFile(join(layout, 'blobs', 'sha256', d.slice(7)));
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8'));
    assert.equal(index.manifests[0].digest, r.manifestDigest);
    assert.equal(index.manifests[0].annotations['io.containerd.image.name'], 'k8ts.io/test/app:v1');
    assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], 'v1');
    const manifestBytes = await blob(r.manifestDigest);
    assert.equal(sha(manifestBytes), r.manifestDigest);
    const manifest = JSON.parse(manifestBytes.toString());
    assert.equal(manifest.config.digest, r.configDigest);
    assert.equal(manifest.layers[0].digest, r.layerDigest);
    const layer = await blob(r.layerDigest);
    assert.equal(sha(layer), r.layerDigest);
    assert.equal(manifest.layers[0].size, layer.length);
    const config = JSON.parse((await blob(r.configDigest)).toString());
    assert.deepEqual(config.rootfs, { type: 'layers', diff_ids: [r.layerDigest] });
    assert.deepEqual(config.config, { Env: ['A=1'], Entrypoint: ['/bin/tool'], Cmd: ['sh'], WorkingDir: '/tmp', User: '65534', ExposedPorts: { '80/tcp': {}, '53/udp': {} } });
    assert.equal(config.os, 'linux');

    const ex = join(dir, 'extracted');
    await mkdir(ex);
    await run('tar', ['-xpf', join(layout, 'blobs', 'sha256', r.layerDigest.slice(7)), '-C', ex]);
    const deepName = join('a'.repeat(60), 'b'.repeat(60), 'c'.repeat(60), 'f'.repeat(90));
    assert.equal(await readFile(join(ex, deepName), 'utf8'), 'deep file');
    assert.equal(await readlink(join(ex, 'bin', 'sh')), 'tool');
    assert.equal(await readlink(join(ex, 'longlink')), '/' + 'x'.repeat(150));
    const tool = await lstat(join(ex, 'bin', 'tool'));
    assert.equal((tool.mode & 0o7777).toString(8), '4755');
    assert.equal(tool.mtimeMs, 0);
    assert.equal((await lstat(join(ex, 'bin', 'tool2'))).ino, tool.ino, 'hard links stay links');
    assert.equal(((await lstat(join(ex, 'tmp'))).mode & 0o7777).toString(8), '1777');
    assert.equal((await lstat(join(ex, 'empty'))).size, 0);
    const { stdout } = await run('tar', ['-tf', join(layout, 'blobs', 'sha256', r.layerDigest.slice(7))]);
    assert.ok(stdout.split('\n').includes(`${deepName}`), 'names longer than 255 bytes come through pax headers');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('oci archive: bad input is refused before anything is written', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-oci-'));
  try {
    await assert.rejects(writeOciArchive(join(dir, 'x.tar'), { name: 'busybox', rootfs: join(dir, 'missing') }), /is not a directory/);
    await assert.rejects(writeOciArchive(join(dir, 'x.tar'), { name: 'Bad Name', rootfs: dir }), /invalid image reference/);
    await assert.rejects(writeOciArchive(join(dir, 'x.tar'), { name: 'busybox', rootfs: dir, exposedPorts: ['99999'] }), /invalid exposed port/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('image references normalize as docker does', () => {
  assert.equal(normalizeImageName('busybox'), 'docker.io/library/busybox:latest');
  assert.equal(normalizeImageName('user/app:1.0'), 'docker.io/user/app:1.0');
  assert.equal(normalizeImageName('localhost:5000/app'), 'localhost:5000/app:latest');
  assert.equal(normalizeImageName(`k8ts.io/pause@sha256:${'a'.repeat(64)}`), `k8ts.io/pause@sha256:${'a'.repeat(64)}`);
  assert.throws(() => normalizeImageName('UPPER/case'), /invalid image reference/);
});
