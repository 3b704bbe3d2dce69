// The volume directories: created 0777 whatever the umask, removed only when they are ours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVolumeDir, removeVolumeDir, volumeDirName } from './volume-dir.js';
import { affinityHostname, unsupported } from './provisioner.js';

const NAME = volumeDirName('pvc-0b6c1d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e', 'default', 'data');

test('creates <storage>/pvc-<uid>_<ns>_<claim> mode 0777, idempotently', async () => {
  const root = mkdtempSync(join(tmpdir(), 'lp-'));
  try {
    const storage = join(root, 'storage');
    const dir = await createVolumeDir(storage, NAME);
    assert.equal(dir, join(storage, NAME));
    assert.equal(statSync(dir).mode & 0o777, 0o777);
    writeFileSync(join(dir, 'keep'), 'x');
    await createVolumeDir(storage, NAME);
    assert.ok(existsSync(join(dir, 'keep')));
    await assert.rejects(createVolumeDir(storage, '../escape'), /invalid volume directory name/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('removal refuses paths outside the storage path, foreign names and symlinks; follows no links inside', async () => {
  const root = mkdtempSync(join(tmpdir(), 'lp-'));
  try {
    const storage = join(root, 'storage');
    const precious = join(root, 'precious');
    mkdirSync(precious);
    writeFileSync(join(precious, 'file'), 'data');
    await assert.rejects(removeVolumeDir(storage, precious), /not under the local storage path/);
    mkdirSync(join(storage, 'other'), { recursive: true });
    await assert.rejects(removeVolumeDir(storage, join(storage, 'other')), /not a local-path volume directory/);
    const linkName = volumeDirName('pvc-1b6c1d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e', 'default', 'link');
    symlinkSync(precious, join(storage, linkName));
    await assert.rejects(removeVolumeDir(storage, join(storage, linkName)), /not a directory/);
    const dir = await createVolumeDir(storage, NAME);
    symlinkSync(precious, join(dir, 'escape'));
    await removeVolumeDir(storage, dir);
    assert.equal(existsSync(dir), false);
    assert.equal(existsSync(join(precious, 'file')), true);
    await removeVolumeDir(storage, dir); // already gone: done
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("claims the provisioner refuses, and the node a volume's affinity names", () => {
  const claim = (spec: Record<string, unknown>) => ({ metadata: { name: 'c' }, spec }) as never;
  assert.equal(unsupported(claim({ accessModes: ['ReadWriteOnce'] })), undefined);
  assert.equal(unsupported(claim({ accessModes: ['ReadWriteMany'] })), 'NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes');
  assert.equal(unsupported(claim({ selector: { matchLabels: { a: 'b' } } })), 'claim.Spec.Selector is not supported');
  const pv = { metadata: { name: 'v' }, spec: { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] }] } } } };
  assert.equal(affinityHostname(pv as never), 'n1');
  assert.equal(affinityHostname({ metadata: {}, spec: {} } as never), undefined);
});
