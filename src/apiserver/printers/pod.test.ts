import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta/types.js';
import { printerFor } from './index.js';

const now = Date.parse('2024-05-01T12:00:00Z');
const ago = (ms: number) => new Date(now - ms).toISOString();
const running = { running: { startedAt: ago(60_000) } };

function pod(spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', creationTimestamp: ago(3_600_000), ...meta }, spec, status };
}

const cells = (p: KubeObject) => printerFor('', 'Pod').cells(p, now);
const one = { containers: [{ name: 'app', image: 'nginx' }] };
const two = { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] };

test('pod columns: Name first, wide columns at priority 1', () => {
  const cols = printerFor('', 'Pod').columns;
  assert.deepEqual(cols.map((c) => c.name), ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
  assert.equal(cols[0].format, 'name');
  assert.deepEqual(cols.map((c) => c.priority), [0, 0, 0, 0, 0, 1, 1, 1, 1]);
  assert.equal(cells(pod(one, { phase: 'Pending' })).length, cols.length);
});

test('pod status for a table of states', () => {
  const cases: [string, KubeObject, string, string][] = [
    ['pending, unscheduled', pod(one, { phase: 'Pending' }), '0/1', 'Pending'],
    ['scheduling gated', pod(one, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }), '0/1', 'SchedulingGated'],
    ['creating', pod(one, { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] }), '0/1', 'ContainerCreating'],
    ['image pull', pod(one, { phase: 'Pending', containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ErrImagePull' } } }] }), '0/1', 'ErrImagePull'],
    ['running', pod(two, { phase: 'Running', containerStatuses: [
      { name: 'a', ready: true, state: running }, { name: 'b', ready: false, state: running }] }), '1/2', 'Running'],
    ['crashloop', pod(one, { phase: 'Running', containerStatuses: [{ name: 'app', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }), '0/1', 'CrashLoopBackOff'],
    ['completed', pod(one, { phase: 'Succeeded', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }), '0/1', 'Completed'],
    ['error', pod(one, { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 1, reason: 'Error' } } }] }), '0/1', 'Error'],
    ['oomkilled', pod(one, { phase: 'Running', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] }), '0/1', 'OOMKilled'],
    ['signal without reason', pod(one, { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 137, signal: 9 } } }] }), '0/1', 'Signal:9'],
    ['exit code without reason', pod(one, { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 2 } } }] }), '0/1', 'ExitCode:2'],
    ['evicted', pod(one, { phase: 'Failed', reason: 'Evicted' }), '0/1', 'Evicted'],
    ['terminating', pod(one, { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, state: running }] }, { deletionTimestamp: ago(1000) }), '1/1', 'Terminating'],
    ['terminal pod being deleted keeps its phase', pod(one, { phase: 'Succeeded' }, { deletionTimestamp: ago(1000) }), '0/1', 'Succeeded'],
    ['node lost', pod(one, { phase: 'Running', reason: 'NodeLost' }, { deletionTimestamp: ago(1000) }), '0/1', 'Unknown'],
  ];
  for (const [label, p, ready, status] of cases) {
    const c = cells(p);
    assert.equal(c[1], ready, `${label}: ready`);
    assert.equal(c[2], status, `${label}: status`);
  }
});

test('completed container beside a running one: Running when pod Ready, else NotReady', () => {
  const statuses = [
    { name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
    { name: 'b', ready: true, state: running },
  ];
  assert.equal(cells(pod(two, { phase: 'Running', containerStatuses: statuses, conditions: [{ type: 'Ready', status: 'True' }] }))[2], 'Running');
  assert.equal(cells(pod(two, { phase: 'Running', containerStatuses: statuses, conditions: [{ type: 'Ready', status: 'False' }] }))[2], 'NotReady');
});

test('init containers: progress, failures, waiting reasons and PodInitializing', () => {
  const spec = { initContainers: [{ name: 'i1', image: 'x' }, { name: 'i2', image: 'x' }], ...one };
  const done = { name: 'i1', state: { terminated: { exitCode: 0, reason: 'Completed' } } };
  const waitingApp = [{ name: 'app', state: { waiting: { reason: 'PodInitializing' } } }];
  const cases: [string, Record<string, unknown>, string][] = [
    ['first not started', { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { waiting: { reason: 'PodInitializing' } } }, { name: 'i2', state: { waiting: {} } }] }, 'Init:0/2'],
    ['second running', { phase: 'Pending', initContainerStatuses: [done, { name: 'i2', state: running }] }, 'Init:1/2'],
    ['crashloop', { phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }, 'Init:CrashLoopBackOff'],
    ['failed with reason', { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 1, reason: 'Error' } } }] }, 'Init:Error'],
    ['failed with signal', { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 1, signal: 15 } } }] }, 'Init:Signal:15'],
    ['failed with exit code', { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 3 } } }] }, 'Init:ExitCode:3'],
    ['all done, app starting', { phase: 'Pending', initContainerStatuses: [done, { ...done, name: 'i2' }], containerStatuses: waitingApp }, 'PodInitializing'],
  ];
  for (const [label, status, want] of cases) assert.equal(cells(pod(spec, status))[2], want, label);
});

test('sidecar init containers count toward Ready once started', () => {
  const spec = { initContainers: [{ name: 'side', image: 'x', restartPolicy: 'Always' }], ...one };
  const status = {
    phase: 'Running',
    conditions: [{ type: 'Initialized', status: 'True' }],
    initContainerStatuses: [{ name: 'side', started: true, ready: true, restartCount: 1, state: running }],
    containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: running }],
  };
  const c = cells(pod(spec, status));
  assert.equal(c[1], '2/2');
  assert.equal(c[2], 'Running');
  assert.equal(c[3], '1');
});

test('restarts: plain count, and "N (age ago)" when the last termination time is known', () => {
  const noTime = pod(one, { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 4, state: running }] });
  assert.equal(cells(noTime)[3], '4');
  const zero = pod(one, { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: running }] });
  assert.equal(cells(zero)[3], '0');
  const withTime = pod(two, { phase: 'Running', containerStatuses: [
    { name: 'a', ready: true, restartCount: 1, state: running, lastState: { terminated: { exitCode: 1, finishedAt: ago(10 * 60_000) } } },
    { name: 'b', ready: true, restartCount: 2, state: running, lastState: { terminated: { exitCode: 1, finishedAt: ago(2 * 60_000) } } },
  ] });
  assert.equal(cells(withTime)[3], '3 (2m ago)');
});

test('wide cells: IP, node, nominated node, readiness gates', () => {
  const p = pod(
    { ...one, nodeName: 'n1', readinessGates: [{ conditionType: 'g1' }, { conditionType: 'g2' }] },
    { phase: 'Running', podIPs: [{ ip: '10.244.0.5' }], conditions: [{ type: 'g1', status: 'True' }, { type: 'g2', status: 'False' }] },
  );
  assert.deepEqual(cells(p).slice(4), ['60m', '10.244.0.5', 'n1', '<none>', '1/2']);
  assert.deepEqual(cells(pod(one, { phase: 'Pending' })).slice(5), ['<none>', '<none>', '<none>', '<none>']);
});
