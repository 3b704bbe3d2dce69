import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Container, ContainerStats, PodSandbox } from '../runtime.js';
import { containerLogPath } from '../logs/paths.js';
import { SummaryProvider, type StatsRuntime } from './summary.js';

const root = mkdtempSync(join(tmpdir(), 'k8ts-stats-'));
after(() => rmSync(root, { recursive: true, force: true }));

function writeProc(busyTicks: number): string {
  const proc = join(root, 'proc');
  mkdirSync(join(proc, 'sys', 'kernel'), { recursive: true });
  mkdirSync(join(proc, 'net'), { recursive: true });
  mkdirSync(join(proc, '1'), { recursive: true });
  mkdirSync(join(proc, '42'), { recursive: true });
  // user nice system idle iowait irq softirq steal
  writeFileSync(join(proc, 'stat'), `cpu  ${busyTicks} 0 0 5000 300 0 0 0 0 0\ncpu0 1 2 3 4\nbtime 1700000000\n`);
  writeFileSync(join(proc, 'meminfo'), 'MemTotal:       1000 kB\nMemFree:         200 kB\nMemAvailable:    600 kB\nInactive(file):  100 kB\nAnonPages:       300 kB\n');
  writeFileSync(join(proc, 'vmstat'), 'pgfault 777\npgmajfault 7\n');
  writeFileSync(join(proc, 'sys', 'kernel', 'pid_max'), '4194304\n');
  writeFileSync(
    join(proc, 'net', 'dev'),
    'Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n    lo: 5 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0\n  eth0: 1000 10 2 0 0 0 0 0 2000 20 3 0 0 0 0 0\n',
  );
  return proc;
}

test('summary: node figures from /proc, pods and containers from the runtime, CPU rates from two samples', async () => {
  const proc = writeProc(1000);
  const logsDir = join(root, 'logs');
  const logFile = containerLogPath(logsDir, 'default', 'web', 'uid-1', 'app', 0);
  mkdirSync(join(logFile, '..'), { recursive: true });
  writeFileSync(logFile, 'x'.repeat(123));
  let clock = Date.UTC(2024, 0, 1, 0, 0, 0);
  const sandboxes: PodSandbox[] = [
    { id: 's1', metadata: { name: 'web', namespace: 'default', uid: 'uid-1', attempt: 0 }, state: 'SANDBOX_READY', createdAt: Date.UTC(2023, 11, 31), labels: {}, annotations: {} },
  ];
  const mk = (id: string, name: string): Container => ({ id, podSandboxId: 's1', metadata: { name, attempt: 0 }, image: 'i', imageRef: 'i', state: 'CONTAINER_RUNNING', createdAt: Date.UTC(2023, 11, 31, 0, 0, 5), labels: {}, annotations: {} });
  const containers = [mk('c1', 'app'), mk('c2', 'sidecar')];
  const statsCalls: number[] = [];
  const runtime: StatsRuntime = {
    listPodSandbox: async () => sandboxes,
    listContainers: async () => containers,
    listContainerStats: async () => {
      // Each sample takes a second of the fake clock.
      clock += 1000;
      statsCalls.push(clock);
      // app burns half a core, sidecar a quarter; memory fixed.
      return [
        { id: 'c1', metadata: { name: 'app', attempt: 0 }, labels: {}, annotations: {}, timestamp: clock, cpuUsageCoreNanoSeconds: clock * 500_000, memoryWorkingSetBytes: 1000, memoryUsageBytes: 1500, memoryRssBytes: 800, writableLayerUsedBytes: 10 },
        { id: 'c2', metadata: { name: 'sidecar', attempt: 0 }, labels: {}, annotations: {}, timestamp: clock, cpuUsageCoreNanoSeconds: clock * 250_000, memoryWorkingSetBytes: 200, memoryUsageBytes: 300, memoryRssBytes: 100, writableLayerUsedBytes: 5 },
        // a stat without a running container is not reported
        { id: 'gone', metadata: { name: 'old', attempt: 0 }, labels: {}, annotations: {}, timestamp: clock, cpuUsageCoreNanoSeconds: 1 },
      ] satisfies ContainerStats[];
    },
  };
  const now = () => clock;
  const provider = new SummaryProvider({ nodeName: 'n1', runtime, procRoot: proc, rootFsPath: root, logsDir, now, sampleGapMs: 0 });
  const s = await provider.summary();
  assert.equal(statsCalls.length, 2, 'a warm-up sample, then the real one');
  assert.equal(s.node.nodeName, 'n1');
  assert.equal(s.node.startTime, '2023-11-14T22:13:20Z');
  assert.equal(s.node.cpu!.usageCoreNanoSeconds, 10_000_000_000);
  assert.equal(s.node.cpu!.usageNanoCores, 0);
  assert.deepEqual(
    { ...s.node.memory, time: undefined },
    { time: undefined, availableBytes: 1000 * 1024 - 700 * 1024, usageBytes: 800 * 1024, workingSetBytes: 700 * 1024, rssBytes: 300 * 1024, pageFaults: 777, majorPageFaults: 7 },
  );
  assert.ok(s.node.fs!.capacityBytes! > 0 && s.node.fs!.availableBytes! > 0);
  assert.deepEqual(s.node.runtime!.imageFs, s.node.fs);
  assert.equal(s.node.rlimit!.maxpid, 4194304);
  assert.equal(s.node.rlimit!.curproc, 2);
  assert.equal(s.node.network!.name, 'eth0');
  assert.equal(s.node.network!.rxBytes, 1000);
  assert.equal(s.node.network!.txErrors, 3);

  assert.equal(s.pods.length, 1);
  const pod = s.pods[0]!;
  assert.deepEqual(pod.podRef, { name: 'web', namespace: 'default', uid: 'uid-1' });
  assert.equal(pod.startTime, '2023-12-31T00:00:00Z');
  assert.deepEqual(pod.containers.map((c) => c.name), ['app', 'sidecar']);
  const app = pod.containers[0]!;
  assert.equal(app.startTime, '2023-12-31T00:00:05Z');
  assert.equal(app.cpu!.usageNanoCores, 500_000_000);
  assert.equal(pod.containers[1]!.cpu!.usageNanoCores, 250_000_000);
  assert.equal(pod.cpu!.usageNanoCores, 750_000_000);
  assert.equal(pod.memory!.workingSetBytes, 1200);
  assert.equal(pod.memory!.usageBytes, 1800);
  assert.equal(app.rootfs!.usedBytes, 10);
  assert.equal(pod['ephemeral-storage']!.usedBytes, 15 + 123);

  // A second call uses the previous sample: the node's busy ticks rose by 200 in one second = 2 cores.
  writeProc(1200);
  const s2 = await provider.summary();
  assert.equal(statsCalls.length, 3);
  assert.equal(s2.node.cpu!.usageNanoCores, 2_000_000_000);
  assert.equal(s2.pods[0]!.containers[0]!.cpu!.usageNanoCores, 500_000_000);

  const small = await provider.summary(true);
  assert.equal(small.node.fs, undefined);
  assert.equal(small.pods[0]!['ephemeral-storage'], undefined);
  assert.ok(small.pods[0]!.memory);
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(small)));
});

test('summary works against the real /proc', async () => {
  const runtime: StatsRuntime = { listPodSandbox: async () => [], listContainers: async () => [], listContainerStats: async () => [] };
  const s = await new SummaryProvider({ nodeName: 'real', runtime, sampleGapMs: 20 }).summary();
  assert.ok(s.node.cpu!.usageCoreNanoSeconds! > 0);
  assert.ok(s.node.cpu!.usageNanoCores! >= 0);
  assert.ok(s.node.memory!.workingSetBytes! > 0);
  assert.ok(s.node.rlimit!.curproc! > 1);
  assert.deepEqual(s.pods, []);
});
