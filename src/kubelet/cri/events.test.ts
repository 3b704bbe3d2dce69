// The event tracker with a scripted source: which events a relist reports, and that a list taken
// before one of our own calls never undoes what that call reported.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerEvent, ContainerState } from '../runtime.js';
import { ContainerEventTracker, eventFor } from './events.js';

type Row = { id: string; podSandboxId: string; state: ContainerState };

function scripted() {
  let rows: Row[] = [];
  const pendingLists: ((rows: Row[]) => void)[] = [];
  let holdLists = false;
  let sandboxLookups = 0;
  const source = {
    listContainers: () => (holdLists ? new Promise<Row[]>((r) => pendingLists.push(r)) : Promise.resolve(rows.map((r) => ({ ...r })))),
    listSandboxLabels: async () => {
      sandboxLookups++;
      return new Map([['sb1', { app: 'one' }]]);
    },
  };
  return {
    source,
    set: (r: Row[]) => (rows = r),
    hold: (on: boolean) => (holdLists = on),
    /** Answers the oldest held list with the rows as they are now (a list taken at hold time would be staler). */
    release: (r: Row[]) => pendingLists.shift()?.(r),
    sandboxLookups: () => sandboxLookups,
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('eventFor', () => {
  it('maps state changes to CRI container events', () => {
    assert.equal(eventFor(undefined, 'CONTAINER_CREATED'), 'CONTAINER_CREATED_EVENT');
    assert.equal(eventFor(undefined, 'CONTAINER_RUNNING'), 'CONTAINER_STARTED_EVENT');
    assert.equal(eventFor('CONTAINER_CREATED', 'CONTAINER_RUNNING'), 'CONTAINER_STARTED_EVENT');
    assert.equal(eventFor('CONTAINER_CREATED', 'CONTAINER_EXITED'), 'CONTAINER_STOPPED_EVENT');
    assert.equal(eventFor('CONTAINER_RUNNING', 'CONTAINER_EXITED'), 'CONTAINER_STOPPED_EVENT');
    assert.equal(eventFor('CONTAINER_EXITED', 'DELETED'), 'CONTAINER_DELETED_EVENT');
    assert.equal(eventFor('CONTAINER_RUNNING', 'CONTAINER_RUNNING'), undefined);
    assert.equal(eventFor(undefined, 'DELETED'), undefined);
    assert.equal(eventFor('CONTAINER_RUNNING', 'CONTAINER_UNKNOWN'), undefined);
  });
});

describe('ContainerEventTracker', () => {
  it('reports what a relist finds changed, with the sandbox labels, in order', async () => {
    const s = scripted();
    const t = new ContainerEventTracker(s.source, { pollIntervalMs: 10 });
    const seen: ContainerEvent[] = [];
    s.set([{ id: 'c1', podSandboxId: 'sb1', state: 'CONTAINER_RUNNING' }]);
    const off = t.subscribe((ev) => seen.push(ev));
    await tick();
    s.set([{ id: 'c1', podSandboxId: 'sb1', state: 'CONTAINER_EXITED' }]);
    await new Promise((r) => setTimeout(r, 40));
    s.set([]);
    await new Promise((r) => setTimeout(r, 40));
    off();
    t.close();
    assert.deepEqual(
      seen.map((e) => [e.containerId, e.type, e.podSandboxId, e.sandboxLabels.app]),
      [
        ['c1', 'CONTAINER_STARTED_EVENT', 'sb1', 'one'],
        ['c1', 'CONTAINER_STOPPED_EVENT', 'sb1', 'one'],
        ['c1', 'CONTAINER_DELETED_EVENT', 'sb1', 'one'],
      ],
    );
    assert.equal(s.sandboxLookups(), 1, 'labels looked up once, then cached');
  });

  it('reports our own calls at once and ignores a list that was taken before them', async () => {
    const s = scripted();
    const t = new ContainerEventTracker(s.source, { pollIntervalMs: 60_000 });
    t.rememberSandbox('sb1', { app: 'one' });
    const seen: string[] = [];
    t.subscribe((ev) => seen.push(`${ev.containerId}:${ev.type}`));
    s.release([]); // nothing held yet; first relist answered immediately with no rows
    await tick();
    t.observe('c1', 'sb1', 'CONTAINER_CREATED');
    t.observe('c1', 'sb1', 'CONTAINER_RUNNING');
    await tick();
    // A relist starts and its list is taken while c1 still runs ...
    s.hold(true);
    t.relistNow();
    // ... then our stop call reports the exit, and later the stale list arrives.
    t.observe('c1', 'sb1', 'CONTAINER_EXITED');
    s.release([{ id: 'c1', podSandboxId: 'sb1', state: 'CONTAINER_RUNNING' }]);
    await tick();
    // A removal during a relist whose list still shows the container is not undone either.
    t.relistNow();
    await tick();
    t.observe('c1', 'sb1', 'DELETED');
    s.release([{ id: 'c1', podSandboxId: 'sb1', state: 'CONTAINER_EXITED' }]);
    await tick();
    t.close();
    assert.deepEqual(seen, ['c1:CONTAINER_CREATED_EVENT', 'c1:CONTAINER_STARTED_EVENT', 'c1:CONTAINER_STOPPED_EVENT', 'c1:CONTAINER_DELETED_EVENT']);
  });

  it('keeps a removed sandbox\'s labels until a relist has reported its containers gone', async () => {
    const s = scripted();
    let lookups = 0;
    const source = { ...s.source, listSandboxLabels: async () => (lookups++, new Map()) };
    const t = new ContainerEventTracker(source, { pollIntervalMs: 60_000 });
    const seen: ContainerEvent[] = [];
    t.rememberSandbox('sb2', { app: 'two' });
    s.set([{ id: 'c2', podSandboxId: 'sb2', state: 'CONTAINER_RUNNING' }]);
    t.subscribe((ev) => seen.push(ev));
    await tick();
    // The sandbox and its container are removed behind our back; we forget the sandbox at once.
    s.set([]);
    t.relistNow();
    t.forgetSandbox('sb2');
    await tick();
    t.relistNow();
    await tick();
    t.close();
    assert.deepEqual(
      seen.map((e) => [e.type, e.sandboxLabels.app]),
      [
        ['CONTAINER_STARTED_EVENT', 'two'],
        ['CONTAINER_DELETED_EVENT', 'two'],
      ],
    );
    assert.equal(lookups, 0);
  });

  it('polls only while someone listens', async () => {
    const s = scripted();
    let lists = 0;
    const source = { ...s.source, listContainers: async () => (lists++, []) };
    const listening: boolean[] = [];
    const t = new ContainerEventTracker(source, { pollIntervalMs: 5, onListening: (on) => listening.push(on) });
    await tick();
    assert.equal(lists, 0);
    const off = t.subscribe(() => {});
    await new Promise((r) => setTimeout(r, 40));
    off();
    const after = lists;
    assert.ok(after >= 2, `relisted ${after} times`);
    await new Promise((r) => setTimeout(r, 30));
    assert.ok(lists <= after + 1);
    assert.deepEqual(listening, [true, false]);
    t.close();
  });

  it('keeps emitting to other listeners when one throws', async () => {
    const s = scripted();
    const t = new ContainerEventTracker(s.source, { pollIntervalMs: 60_000, log: () => {} });
    t.rememberSandbox('sb1', {});
    const got: string[] = [];
    t.subscribe(() => {
      throw new Error('boom');
    });
    t.subscribe((ev) => got.push(ev.type));
    await tick();
    t.observe('c9', 'sb1', 'CONTAINER_CREATED');
    await tick();
    t.close();
    assert.deepEqual(got, ['CONTAINER_CREATED_EVENT']);
  });
});
