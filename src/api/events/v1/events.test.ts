import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventsKinds } from './kinds.js';
import { ref } from '../../schema/dsl.js';
import { findUnknownFields } from '../../schema/unknown-fields.js';
import { formatFieldError } from '../../validation/field.js';
import type { KubeObject } from '../../meta/types.js';
import { microsOf } from './validation.js';

const def = eventsKinds[0]!;
const errs = (o: KubeObject) => def.validateCreate!(o).map(formatFieldError);

const event = (): KubeObject => ({
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: 'web-0.17a1', namespace: 'default' },
  eventTime: '2024-05-01T10:00:00.123456Z',
  reportingController: 'kubernetes.io/kubelet',
  reportingInstance: 'kubelet-node-1',
  action: 'Pulling',
  reason: 'Pulling',
  note: 'Pulling image "nginx:1.27"',
  type: 'Normal',
  regarding: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'u1', apiVersion: 'v1', fieldPath: 'spec.containers{web}' },
  series: { count: 3, lastObservedTime: '2024-05-01T10:05:00.000001Z' },
});

test('manifest has no unknown fields; a typo is caught', () => {
  assert.deepEqual(findUnknownFields(event(), ref(def.schema)), []);
  assert.deepEqual(findUnknownFields({ ...event(), message: 'x' }, ref(def.schema)), ['message']);
});

test('storage conversion renames fields and round-trips', () => {
  const ev: any = { ...event(), deprecatedSource: { component: 'kubelet', host: 'node-1' }, deprecatedCount: 4, deprecatedFirstTimestamp: '2024-05-01T09:00:00Z', deprecatedLastTimestamp: '2024-05-01T10:00:00Z', related: { kind: 'Node', name: 'node-1' } };
  const core = def.storedAs!.toStorage(structuredClone(ev));
  assert.deepEqual(core, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: ev.metadata,
    involvedObject: ev.regarding,
    message: ev.note,
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2024-05-01T09:00:00Z',
    lastTimestamp: '2024-05-01T10:00:00Z',
    count: 4,
    reportingComponent: 'kubernetes.io/kubelet',
    eventTime: ev.eventTime,
    series: ev.series,
    action: 'Pulling',
    reason: 'Pulling',
    related: ev.related,
    reportingInstance: 'kubelet-node-1',
    type: 'Normal',
  });
  assert.deepEqual(def.storedAs!.fromStorage(core), ev);
  // A legacy core event reads back through events.k8s.io with the new names.
  const legacy: KubeObject = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'x', namespace: 'd' }, involvedObject: { kind: 'Pod', name: 'p' }, message: 'hi', count: 2, source: { component: 'c' } };
  assert.deepEqual(def.storedAs!.fromStorage(legacy), {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'x', namespace: 'd' },
    regarding: { kind: 'Pod', name: 'p' },
    note: 'hi',
    deprecatedCount: 2,
    deprecatedSource: { component: 'c' },
  });
});

test('create validation as events.k8s.io', () => {
  assert.deepEqual(errs(event()), []);
  const bare: KubeObject = { metadata: { name: 'e', namespace: 'default' }, type: 'Info', deprecatedCount: 3, series: { count: 1 } };
  assert.deepEqual(errs(bare), [
    'series.count: Invalid value: "": should be at least 2',
    'series.lastObservedTime: Required value',
    'eventTime: Required value',
    'type: Invalid value: "": has invalid value: Info',
    'deprecatedCount: Invalid value: "": needs to be unset',
  ]);
  const missing = { ...event(), reportingController: '', reportingInstance: '', action: '', reason: 'R'.repeat(129), note: 'n'.repeat(1025), regarding: { kind: 'Node', name: 'n1' }, metadata: { name: 'e1', namespace: 'apps' } };
  assert.deepEqual(errs(missing), [
    'involvedObject.namespace: Invalid value: "": does not match event.namespace',
    'reportingController: Required value',
    `reportingController: Invalid value: "": name part must be non-empty`,
    `reportingController: Invalid value: "": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    'reportingInstance: Required value',
    'action: Required value',
    'reason: Invalid value: "": can have at most 128 characters',
    'message: Invalid value: "": can have at most 1024 characters',
  ]);
});

test('update: series may change, the rest is immutable', () => {
  const old = event();
  const bumped = structuredClone(old) as any;
  bumped.series = { count: 4, lastObservedTime: '2024-05-01T10:06:00Z' };
  // Sub-microsecond noise in eventTime is tolerated.
  bumped.eventTime = '2024-05-01T10:00:00.1234567Z';
  assert.deepEqual(def.validateUpdate!(bumped, old), []);
  const changed = structuredClone(old) as any;
  changed.note = 'other';
  changed.regarding.name = 'web-1';
  changed.eventTime = '2024-05-01T10:00:01Z';
  changed.series = { count: 1, lastObservedTime: '2024-05-01T10:06:00Z' };
  assert.deepEqual(def.validateUpdate!(changed, old).map(formatFieldError), [
    'series.count: Invalid value: "": should be at least 2',
    'involvedObject: Invalid value: map[string]string{"apiVersion":"v1", "fieldPath":"spec.containers{web}", "kind":"Pod", "name":"web-1", "namespace":"default", "uid":"u1"}: field is immutable',
    'message: Invalid value: "other": field is immutable',
    'eventTime: Invalid value: "2024-05-01T10:00:01Z": field is immutable',
  ]);
});

test('MicroTime parsing keeps microseconds', () => {
  assert.equal(microsOf('1970-01-01T00:00:01.000002Z'), 1_000_002);
  assert.equal(microsOf('1970-01-01T01:00:00+01:00'), 0);
  assert.equal(microsOf('garbage'), undefined);
});
