import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validatePayloadPath, writeAtomically, type Payload } from './atomic-writer.js';

function payload(entries: Record<string, string>, mode = 0o644): Payload {
  return new Map(Object.entries(entries).map(([k, v]) => [k, { data: Buffer.from(v), mode }]));
}

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-aw-'));
    try {
      await fn(join(dir, 'vol'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const TS_DIR = /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d+$/;

test(
  'first write: a timestamped data dir, ..data pointing at it, and per-key symlinks through ..data',
  withDir(async (vol) => {
    assert.equal(await writeAtomically(vol, new Map([...payload({ a: 'A', 'sub/b': 'B' }), ['x', { data: Buffer.from('X'), mode: 0o400 }]])), true);
    const dataTarget = readlinkSync(join(vol, '..data'));
    assert.match(dataTarget, TS_DIR);
    assert.equal(statSync(join(vol, dataTarget)).mode & 0o777, 0o755);
    assert.equal(readlinkSync(join(vol, 'a')), '..data/a');
    assert.equal(readlinkSync(join(vol, 'sub')), '..data/sub');
    assert.equal(readFileSync(join(vol, 'sub', 'b'), 'utf8'), 'B');
    assert.equal(statSync(join(vol, 'a')).mode & 0o777, 0o644);
    assert.equal(statSync(join(vol, 'x')).mode & 0o777, 0o400);
    assert.deepEqual(readdirSync(vol).sort(), ['..data', dataTarget, 'a', 'sub', 'x'].sort());
  }),
);

test(
  'rewriting the same content changes nothing; new content swaps ..data and removes the old dir and keys',
  withDir(async (vol) => {
    await writeAtomically(vol, payload({ a: 'A', b: 'B' }));
    const first = readlinkSync(join(vol, '..data'));
    assert.equal(await writeAtomically(vol, payload({ a: 'A', b: 'B' })), false);
    assert.equal(readlinkSync(join(vol, '..data')), first);

    assert.equal(await writeAtomically(vol, payload({ a: 'A2', c: 'C' })), true);
    const second = readlinkSync(join(vol, '..data'));
    assert.notEqual(second, first);
    assert.equal(readFileSync(join(vol, 'a'), 'utf8'), 'A2');
    assert.equal(readFileSync(join(vol, 'c'), 'utf8'), 'C');
    assert.throws(() => lstatSync(join(vol, 'b')), /ENOENT/);
    assert.throws(() => lstatSync(join(vol, first)), /ENOENT/);
    assert.deepEqual(readdirSync(vol).sort(), ['..data', second, 'a', 'c'].sort());
  }),
);

test(
  'an empty payload still makes a valid volume (optional object missing)',
  withDir(async (vol) => {
    await writeAtomically(vol, new Map());
    assert.deepEqual(readdirSync(join(vol, '..data')), []);
  }),
);

test('payload paths that could escape or collide are rejected', async () => {
  for (const bad of ['/abs', '../x', 'a/../../x', '..data', '..x/y', '']) assert.throws(() => validatePayloadPath(bad), /invalid path/, bad);
  validatePayloadPath('a/b..c');
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-aw-'));
  try {
    await assert.rejects(writeAtomically(join(dir, 'v'), payload({ '../escape': 'x' })), /must not contain '\.\.'/);
    assert.throws(() => lstatSync(join(dir, 'escape')), /ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
