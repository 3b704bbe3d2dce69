// The scheduler's --config file: KubeSchedulerConfiguration v1, read strictly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSchedulerConfig } from './config.js';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '../cli/main.js');

const config = (pluginConfig: string, extra = '') => `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
${extra}profiles:
- schedulerName: default-scheduler
  pluginConfig:
${pluginConfig}`;

const spreadArgs = (args: string) => `  - name: PodTopologySpread
    args:
${args}`;

test('PodTopologySpread defaultConstraints with defaultingType List', () => {
  const c = parseSchedulerConfig(
    config(
      spreadArgs(`      defaultConstraints:
      - maxSkew: 1
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: DoNotSchedule
      - maxSkew: 2
        topologyKey: kubernetes.io/hostname
        whenUnsatisfiable: ScheduleAnyway
      defaultingType: List
`),
      'percentageOfNodesToScore: 50\npodInitialBackoffSeconds: 2\nleaderElection:\n  leaderElect: true\n',
    ),
  );
  assert.deepEqual(c.options, {
    schedulerName: 'default-scheduler',
    percentageOfNodesToScore: 50,
    queue: { initialBackoffMs: 2000 },
    defaultingType: 'List',
    defaultConstraints: [
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' },
      { maxSkew: 2, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
    ],
  });
  assert.equal(c.leaderElect, true);
  // An empty List disables default spreading; no args means System.
  assert.deepEqual(parseSchedulerConfig(config(spreadArgs('      defaultingType: List\n      defaultConstraints: []\n'))).options.defaultConstraints, []);
  assert.equal(parseSchedulerConfig(config(spreadArgs('      defaultingType: System\n'))).options.defaultingType, 'System');
  assert.deepEqual(parseSchedulerConfig('apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n').options, {});
});

test('unknown fields and invalid args are refused with one line naming the field', () => {
  const refused = (text: string, message: RegExp) => {
    assert.throws(() => parseSchedulerConfig(text), (err: Error) => {
      assert.match(err.message, message);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
  };
  refused(config(spreadArgs('      defaultingType: List\n      defaultConstraint: []\n')), /^strict decoding error: unknown field "profiles\[0\]\.pluginConfig\[0\]\.args\.defaultConstraint"$/);
  refused(config(spreadArgs('      defaultingType: List\n      defaultConstraints:\n      - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway, foo: 1}\n')), /unknown field "profiles\[0\]\.pluginConfig\[0\]\.args\.defaultConstraints\[0\]\.foo"/);
  refused(config(spreadArgs('      defaultConstraints:\n      - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway}\n')), /defaultConstraints: Invalid value: .*when \.defaultingType is "System"/);
  refused(config(spreadArgs('      defaultingType: List\n      defaultConstraints:\n      - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {a: b}}}\n')), /labelSelector: Forbidden: constraint must not define a selector/);
  refused(config(spreadArgs('      defaultingType: List\n      defaultConstraints:\n      - {maxSkew: 0, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway}\n')), /maxSkew: Invalid value: 0/);
  refused(config(spreadArgs('      defaultingType: List\n      defaultConstraints:\n      - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: Sometimes}\n')), /whenUnsatisfiable: Unsupported value: "Sometimes"/);
  refused(config(spreadArgs('      defaultingType: List\n      defaultConstraints:\n      - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway}\n      - {maxSkew: 2, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway}\n')), /defaultConstraints\[1\]: Duplicate value/);
  refused(config(spreadArgs('      defaultingType: Mine\n')), /defaultingType: Unsupported value: "Mine"/);
  refused(config('  - name: NodeResourcesFit\n    args: {}\n'), /pluginConfig for plugin "NodeResourcesFit" is not supported by k8ts/);
  refused(config(spreadArgs('      defaultingType: List\n'), 'parallelism: 4\n'), /^field "parallelism" is not supported by k8ts$/);
  refused(config(spreadArgs('      defaultingType: List\n'), 'colour: blue\n'), /^strict decoding error: unknown field "colour"$/);
  refused(config(spreadArgs('      defaultingType: List\n')).replace('kubescheduler.config.k8s.io/v1', 'kubescheduler.config.k8s.io/v1beta3'), /^apiVersion: must be kubescheduler\.config\.k8s\.io\/v1/);
  refused('apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- schedulerName: a\n- schedulerName: b\n', /one scheduler profile/);
  refused('apiVersion: [', /^not valid YAML/);
});

test('k8ts scheduler --config exits 1 with the one-line error before connecting anywhere', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-sched-config-'));
  try {
    const file = join(dir, 'scheduler.yaml');
    writeFileSync(file, config(spreadArgs('      defaultingType: List\n      defaultConstraints: []\n      extra: true\n')));
    const r = spawnSync(process.execPath, [MAIN, 'scheduler', '--config', file, '--kubeconfig', join(dir, 'none')], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, `error: scheduler config ${file}: strict decoding error: unknown field "profiles[0].pluginConfig[0].args.extra"\n`);
    const server = spawnSync(process.execPath, [MAIN, 'server', '--kube-scheduler-arg', `config=${file}`, '--data-dir', dir], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(server.status, 1, server.stderr);
    assert.equal(server.stderr, `error: scheduler config ${file}: strict decoding error: unknown field "profiles[0].pluginConfig[0].args.extra"\n`);
    const other = spawnSync(process.execPath, [MAIN, 'server', '--kube-scheduler-arg', 'v=2', '--data-dir', dir], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(other.status, 1);
    assert.match(other.stderr, /^error: unsupported --kube-scheduler-arg "v=2"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
