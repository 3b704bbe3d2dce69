import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startContainerd } from '../kubelet/containerd/supervisor.js';
import { buildBusyboxImage, PAUSE_IMAGE } from '../kubelet/images/builtin.js';
import { humanSize, imageRows, table } from './image.js';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

test('image ls: sizes, ids and columns as crictl images prints them', () => {
  assert.equal(humanSize(0), '0B');
  assert.equal(humanSize(999), '999B');
  assert.equal(humanSize(2_131_214), '2.13MB');
  assert.equal(humanSize(685_290), '685kB');
  assert.equal(humanSize(2_000_000), '2MB');
  assert.equal(humanSize(1_500_000_000), '1.5GB');
  const id = `sha256:${'0123456789abcdef'.repeat(4)}`;
  const rows = imageRows([
    { id, repoTags: ['docker.io/library/busybox:latest', 'k8ts.io/x:1'], repoDigests: [], size: 2_131_214 },
    { id: `sha256:${'f'.repeat(64)}`, repoTags: [], repoDigests: [`quay.io/a/b@sha256:${'1'.repeat(64)}`], size: 1000 },
  ]);
  assert.deepEqual(rows, [
    ['IMAGE', 'TAG', 'IMAGE ID', 'SIZE'],
    ['docker.io/library/busybox', 'latest', '0123456789abc', '2.13MB'],
    ['k8ts.io/x', '1', '0123456789abc', '2.13MB'],
    ['quay.io/a/b', '<none>', 'fffffffffffff', '1kB'],
  ]);
  assert.equal(
    table(rows.slice(0, 2)),
    'IMAGE                       TAG                 IMAGE ID            SIZE\n' + 'docker.io/library/busybox   latest              0123456789abc       2.13MB\n',
  );
});

test('k8ts image import and ls against the agent containerd of a data dir', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-imgcli-'));
  // The node of a data dir keeps its state under <data-dir>/agent.
  const ctd = await startContainerd({ dataDir: join(dir, 'agent'), sandboxImage: PAUSE_IMAGE });
  try {
    const archive = join(dir, 'bb.tar');
    const built = await buildBusyboxImage(archive, 'k8ts.io/test/cli-busybox:v1');
    const imp = await run(process.execPath, [MAIN, 'image', 'import', archive, '--data-dir', dir], { encoding: 'utf8' });
    assert.equal(imp.stdout, `Imported k8ts.io/test/cli-busybox:v1 from ${archive}\n`);
    const ls = await run(process.execPath, [MAIN, 'image', 'ls', '--container-runtime-endpoint', ctd.endpoint], { encoding: 'utf8' });
    const lines = ls.stdout.trim().split('\n');
    assert.match(lines[0]!, /^IMAGE\s+TAG\s+IMAGE ID\s+SIZE$/);
    assert.match(ls.stdout, new RegExp(`^k8ts\\.io/test/cli-busybox\\s+v1\\s+${built.configDigest.slice(7, 20)}\\s+${humanSize(built.size).replace('.', '\\.')}$`, 'm'));
    const quiet = await run(process.execPath, [MAIN, 'image', 'ls', '-q', '--data-dir', dir], { encoding: 'utf8' });
    assert.ok(quiet.stdout.split('\n').includes(built.configDigest));
    // A missing file fails that file, with a one-line error and exit code 1.
    const bad = await run(process.execPath, [MAIN, 'image', 'import', join(dir, 'nope.tar'), '--data-dir', dir]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(bad?.code, 1);
    assert.equal(bad?.stderr, `error: ${join(dir, 'nope.tar')}: no such file\n`);
  } finally {
    await ctd.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const none = await run(process.execPath, [MAIN, 'image', 'ls', '--data-dir', dir]).then(
    () => undefined,
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal(none?.code, 1);
  assert.match(none?.stderr ?? '', /^error: no containerd at unix:\/\/.*containerd\.sock: start the node agent/);
});
