import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../schema/meta.js';
import { namespaceKind } from './namespace.js';
import { messages, stored } from './testing/validation.js';
import type { Namespace } from './types.js';

test('create: metadata.name label, Active phase, kubernetes finalizer', () => {
  const ns: Namespace = { metadata: { name: 'team-a', labels: { owner: 'me' } } };
  namespaceKind.default!(ns);
  namespaceKind.prepareForCreate!(ns);
  assert.deepEqual(ns.metadata.labels, { owner: 'me', 'kubernetes.io/metadata.name': 'team-a' });
  assert.deepEqual(ns.status, { phase: 'Active' });
  assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(messages(namespaceKind.validateCreate!(ns)), []);
});

test('generateName: the label follows the generated name', () => {
  const ns: Namespace = { metadata: { generateName: 'tmp-' } };
  namespaceKind.default!(ns);
  ns.metadata.name = 'tmp-x7k2p';
  namespaceKind.prepareForCreate!(ns);
  assert.equal(ns.metadata.labels?.['kubernetes.io/metadata.name'], 'tmp-x7k2p');
});

test('update: the label cannot be removed or altered, spec.finalizers stay', () => {
  const old = stored<Namespace>({ metadata: { name: 'team-a' } });
  namespaceKind.default!(old);
  namespaceKind.prepareForCreate!(old);
  const next: Namespace = structuredClone(old);
  next.metadata.labels = { 'kubernetes.io/metadata.name': 'other' };
  next.spec = { finalizers: [] };
  namespaceKind.default!(next);
  namespaceKind.prepareForUpdate!(next, old);
  assert.equal(next.metadata.labels['kubernetes.io/metadata.name'], 'team-a');
  assert.deepEqual(next.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(messages(namespaceKind.validateUpdate!(next, old)), []);
});

test('names must be DNS labels; finalizers must be standard or qualified', () => {
  const ns: Namespace = { metadata: { name: 'Team.A' }, spec: { finalizers: ['custom'] } };
  const errs = messages(namespaceKind.validateCreate!(ns));
  assert.equal(errs.length, 2);
  assert.match(errs[0]!, /^metadata\.name: Invalid value: "Team\.A": a lowercase RFC 1123 label must consist of/);
  assert.equal(errs[1], 'spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified');
});

test('deletion waits on spec.finalizers and marks the namespace Terminating', () => {
  const ns: Namespace = { metadata: { name: 'x' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
  assert.equal(namespaceKind.pendingDeletion!(ns), true);
  assert.equal(ns.status?.phase, 'Terminating');
  const done: Namespace = { metadata: { name: 'x' }, spec: { finalizers: [] }, status: { phase: 'Terminating' } };
  assert.equal(namespaceKind.pendingDeletion!(done), false);
});

test('status phase must agree with deletionTimestamp', () => {
  const old = stored<Namespace>({ metadata: { name: 'x' }, status: { phase: 'Active' } });
  const next: Namespace = structuredClone(old);
  next.status = { phase: 'Terminating' };
  assert.deepEqual(messages(namespaceKind.validateStatusUpdate!(next, old)), ['status.Phase: Invalid value: "Terminating": may only be \'Active\' if `deletionTimestamp` is empty']);
  assert.equal(namespaceKind.fieldSelectors!['status.phase']!(old), 'Active');
});
