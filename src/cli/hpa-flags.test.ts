// kube-controller-manager's HPA flags on `k8ts controller-manager` and, as k3s passes them, on
// `k8ts server --kube-controller-manager-arg`; metrics-server's --metric-resolution on the
// server: parsed to the controller's options, a bad value a one-line error before anything starts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { controllerManagerArgs, hpaFlags } from './hpa-flags.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

function k8ts(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => execFile(process.execPath, [MAIN, ...args], { timeout: 20_000 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: unknown }).code) : 0, stdout, stderr })));
}

test('hpaFlags: Go durations and the tolerance; absent flags leave the defaults', () => {
  assert.equal(hpaFlags({}), undefined);
  assert.deepEqual(
    hpaFlags({
      'horizontal-pod-autoscaler-sync-period': '5s',
      'horizontal-pod-autoscaler-downscale-stabilization': '1m30s',
      'horizontal-pod-autoscaler-tolerance': '0.05',
      'horizontal-pod-autoscaler-cpu-initialization-period': '2m',
      'horizontal-pod-autoscaler-initial-readiness-delay': '10s',
    }),
    { syncPeriodMs: 5000, downscaleStabilizationMs: 90_000, tolerance: 0.05, cpuInitializationPeriodMs: 120_000, initialReadinessDelayMs: 10_000 },
  );
  assert.throws(() => hpaFlags({ 'horizontal-pod-autoscaler-sync-period': '5' }), /invalid argument "5" for "--horizontal-pod-autoscaler-sync-period" flag/);
  assert.throws(() => hpaFlags({ 'horizontal-pod-autoscaler-tolerance': '-1' }), /invalid argument "-1" for "--horizontal-pod-autoscaler-tolerance" flag/);
});

test('controllerManagerArgs: KEY=VALUE with or without dashes; other flags refused by name', () => {
  assert.deepEqual(controllerManagerArgs(['horizontal-pod-autoscaler-sync-period=3s', '--horizontal-pod-autoscaler-downscale-stabilization=30s']), { syncPeriodMs: 3000, downscaleStabilizationMs: 30_000 });
  assert.throws(() => controllerManagerArgs(['node-cidr-mask-size=24']), /unsupported --kube-controller-manager-arg "node-cidr-mask-size=24"/);
  assert.throws(() => controllerManagerArgs(['horizontal-pod-autoscaler-sync-period']), /unsupported/);
});

test('both commands: a bad value is a one-line error before anything starts; the help names the flags', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-hpa-flags-'));
  try {
    const data = join(dir, 'data');
    const server = await k8ts(['server', '--data-dir', data, '--kube-controller-manager-arg', 'horizontal-pod-autoscaler-sync-period=fast']);
    assert.equal(server.code, 1);
    assert.equal(server.stderr, 'error: invalid argument "fast" for "--horizontal-pod-autoscaler-sync-period" flag: time: invalid duration "fast"\n');
    const resolution = await k8ts(['server', '--data-dir', data, '--metric-resolution', '0s']);
    assert.equal(resolution.code, 1);
    assert.match(resolution.stderr, /^error: invalid argument "0s" for "--metric-resolution" flag/);
    assert.ok(!existsSync(data), 'nothing started');
    const cm = await k8ts(['controller-manager', '--kubeconfig', join(dir, 'none'), '--horizontal-pod-autoscaler-tolerance', 'x']);
    assert.equal(cm.code, 1);
    assert.match(cm.stderr, /^error: invalid argument "x" for "--horizontal-pod-autoscaler-tolerance" flag/);
    const help = await k8ts(['controller-manager', '--help']);
    assert.match(help.stdout, /--horizontal-pod-autoscaler-downscale-stabilization D/);
    assert.match((await k8ts(['server', '--help'])).stdout, /--kube-controller-manager-arg KEY=VALUE[\s\S]*--metric-resolution D/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
