import assert from 'node:assert/strict';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cachedBuild } from './build-cache.js';
import type { OciArchiveResult } from './oci-archive.js';

test('a built archive is reused while its source and recipe are unchanged', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-build-cache-'));
  try {
    const source = join(dir, 'busybox');
    const archive = join(dir, 'image.tar');
    await writeFile(source, 'binary v1');
    let builds = 0;
    const build = async (): Promise<OciArchiveResult> => {
      builds++;
      await writeFile(archive, `archive ${builds}`);
      return { name: 'img', manifestDigest: `sha256:m${builds}`, configDigest: `sha256:c${builds}`, layerDigest: 'sha256:l', size: 1 };
    };
    assert.equal((await cachedBuild(archive, source, 'r1', build)).manifestDigest, 'sha256:m1');
    assert.equal((await cachedBuild(archive, source, 'r1', build)).manifestDigest, 'sha256:m1', 'unchanged: reused');
    assert.equal(builds, 1);

    await cachedBuild(archive, source, 'r2', build);
    assert.equal(builds, 2, 'another recipe builds again');
    await utimes(source, new Date(), new Date(Date.now() + 5000));
    await cachedBuild(archive, source, 'r2', build);
    assert.equal(builds, 3, 'a source touched since builds again');
    await rm(archive);
    assert.equal((await cachedBuild(archive, source, 'r2', build)).manifestDigest, 'sha256:m4', 'a missing archive is built again');

    await assert.rejects(
      cachedBuild(archive, join(dir, 'missing'), 'r2', () => Promise.reject(new Error('/missing is missing: install it'))),
      /install it/,
      'without a source, the builder says what is missing',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
