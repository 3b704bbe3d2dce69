// --flannel-backend on both commands that start a node: a bad value is a one-line error before
// anything starts (no data dir, no containerd, no network change).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { flannelBackend } from './flags.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

function k8ts(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => execFile(process.execPath, [MAIN, ...args], { timeout: 20_000 }, (err, _out, stderr) => resolve({ code: err ? Number((err as { code?: unknown }).code) : 0, stderr })));
}

test('flannelBackend: vxlan by default, host-gw and none, anything else refused', () => {
  assert.equal(flannelBackend(undefined), 'vxlan');
  assert.equal(flannelBackend('host-gw'), 'host-gw');
  assert.equal(flannelBackend('none'), 'none');
  assert.throws(() => flannelBackend('wireguard'), /^Error: invalid --flannel-backend "wireguard": vxlan, host-gw or none$/);
});

test('k8ts agent and k8ts server refuse an unknown backend with one line, touching nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-flannel-flag-'));
  try {
    for (const cmd of ['agent', 'server']) {
      const r = await k8ts([cmd, '--flannel-backend', 'udp', '--data-dir', join(dir, cmd)]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr.trim(), /^error: invalid --flannel-backend "udp": vxlan, host-gw or none$/);
      assert.ok(!existsSync(join(dir, cmd)), `${cmd} created its data dir`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
