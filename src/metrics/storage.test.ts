import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goDuration } from './api.js';
import { MetricsStorage, type NodeScrape } from './storage.js';

const round = (at: number, nodeNs: number, containerNs: number, start = 1000): Map<string, NodeScrape> =>
  new Map([['n1', { node: { at, cpuNs: nodeNs, memory: 1 << 30 }, pods: [{ namespace: 'ns', name: 'p', containers: new Map([['c', { at, cpuNs: containerNs, memory: 1 << 20, startTime: start }]]) }] }]]);

test('a rate needs two samples; it is the growth over the window between them', () => {
  const s = new MetricsStorage();
  s.store(round(10_000, 0, 0));
  assert.equal(s.node('n1'), undefined);
  assert.equal(s.pod('ns', 'p'), undefined);
  s.store(round(25_000, 15e9, 7.5e9));
  assert.deepEqual(s.node('n1'), { timestamp: 25_000, windowMs: 15_000, cpuNanoCores: 1e9, memoryBytes: 1 << 30 });
  assert.equal(s.pod('ns', 'p')!.containers[0]!.usage.cpuNanoCores, 0.5e9);
});

test('a restarted container (counter down, new start time) starts over; a node missing from a round has no metrics', () => {
  const s = new MetricsStorage();
  s.store(round(10_000, 0, 5e9));
  s.store(round(25_000, 15e9, 1e9));
  assert.equal(s.pod('ns', 'p'), undefined, 'the counter went down');
  s.store(round(40_000, 30e9, 2e9, 2000));
  assert.equal(s.pod('ns', 'p'), undefined, 'a new start time');
  s.store(round(55_000, 45e9, 3.5e9, 2000));
  assert.equal(s.pod('ns', 'p')!.containers[0]!.usage.cpuNanoCores, 0.1e9);
  s.store(new Map());
  assert.equal(s.node('n1'), undefined);
});

test('windows print as Go durations', () => {
  assert.equal(goDuration(15_021), '15.021s');
  assert.equal(goDuration(15_000), '15s');
  assert.equal(goDuration(60_500), '1m0.5s');
});
