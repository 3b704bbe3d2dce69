import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldPath, formatFieldErrors } from './field.js';
import {
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  pathSegmentName,
  validateAnnotations,
  validateLabelSelector,
  validateLabels,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './objectmeta.js';

const md = FieldPath.root('metadata');

test('name validators accept a generateName ending in a dash', () => {
  assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
  assert.equal(nameIsDNSSubdomain('web-', false).length, 1);
  assert.deepEqual(nameIsDNSLabel('web-', true), []);
  assert.deepEqual(nameIsDNS1035Label('web-', true), []);
  assert.equal(nameIsDNS1035Label('1web', false).length, 1);
  assert.deepEqual(pathSegmentName('a:b', false), []);
  assert.deepEqual(pathSegmentName('a/b', false), ["may not contain '/'"]);
});

test('name or generateName is required; namespace required when namespaced', () => {
  const errs = validateObjectMeta({}, true, nameIsDNSSubdomain);
  assert.deepEqual(
    errs.map((e) => [e.type, e.field, e.detail]),
    [
      ['FieldValueRequired', 'metadata.name', 'name or generateName is required'],
      ['FieldValueRequired', 'metadata.namespace', ''],
    ],
  );
  assert.deepEqual(validateObjectMeta({ name: 'web', namespace: 'default' }, true, nameIsDNSSubdomain), []);
});

test('namespace is forbidden on cluster-scoped objects and must be a DNS label', () => {
  const errs = validateObjectMeta({ name: 'n1', namespace: 'default' }, false, nameIsDNSSubdomain);
  assert.equal(formatFieldErrors(errs), 'metadata.namespace: Forbidden: not allowed on this type');
  const bad = validateObjectMeta({ name: 'n1', namespace: 'Bad.NS' }, true, nameIsDNSSubdomain);
  assert.equal(bad.length, 1);
  assert.equal(bad[0]!.field, 'metadata.namespace');
});

test('invalid name and generateName are reported', () => {
  const errs = validateObjectMeta({ name: 'Web_1', generateName: 'Bad_' }, false, nameIsDNSSubdomain);
  assert.deepEqual(
    errs.map((e) => [e.field, e.badValue]),
    [
      ['metadata.generateName', 'Bad_'],
      ['metadata.name', 'Web_1'],
    ],
  );
  assert.match(formatFieldErrors(errs.slice(1)), /^metadata\.name: Invalid value: "Web_1": a lowercase RFC 1123 subdomain must consist of/);
});

test('generation may not be negative', () => {
  const errs = validateObjectMeta({ name: 'a', generation: -1 }, false, nameIsDNSSubdomain);
  assert.equal(formatFieldErrors(errs), 'metadata.generation: Invalid value: -1: must be greater than or equal to 0');
});

test('labels: keys are qualified names, values label values', () => {
  assert.deepEqual(validateLabels({ 'app.kubernetes.io/name': 'web', tier: '' }, md.child('labels')), []);
  const errs = validateLabels({ 'bad key': 'ok', good: 'bad value' }, md.child('labels'));
  assert.deepEqual(
    errs.map((e) => [e.field, e.badValue]),
    [
      ['metadata.labels', 'bad key'],
      ['metadata.labels', 'bad value'],
    ],
  );
});

test('annotations: case-insensitive keys and a total size limit', () => {
  assert.deepEqual(validateAnnotations({ 'Example.COM/Note': 'x' }, md.child('annotations')), []);
  assert.equal(validateAnnotations({ 'a b': 'x' }, md.child('annotations')).length, 1);
  const big = { a: 'x'.repeat(256 * 1024) };
  const errs = validateAnnotations(big, md.child('annotations'));
  assert.equal(errs.length, 1);
  assert.equal(errs[0]!.type, 'FieldValueTooLong');
  assert.equal(errs[0]!.detail, 'must have at most 262144 bytes');
  assert.deepEqual(validateAnnotations({ a: 'x'.repeat(256 * 1024 - 1) }, md.child('annotations')), []);
});

test('owner references: required fields and a single controller', () => {
  const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true };
  assert.deepEqual(validateObjectMeta({ name: 'p', ownerReferences: [ref] }, false, nameIsDNSSubdomain), []);
  const errs = validateObjectMeta(
    { name: 'p', ownerReferences: [ref, { ...ref, name: 'rs2', uid: 'u2' }, { apiVersion: '', kind: '', name: '', uid: '' }] },
    false,
    nameIsDNSSubdomain,
  );
  assert.deepEqual(
    errs.map((e) => [e.field, e.detail]),
    [
      ['metadata.ownerReferences', 'Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/rs and ReplicaSet/rs2'],
      ['metadata.ownerReferences.apiVersion', 'version must not be empty'],
      ['metadata.ownerReferences.kind', 'kind must not be empty'],
      ['metadata.ownerReferences.name', 'name must not be empty'],
      ['metadata.ownerReferences.uid', 'uid must not be empty'],
    ],
  );
  const ev = validateObjectMeta({ name: 'p', ownerReferences: [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' }] }, false, nameIsDNSSubdomain);
  assert.equal(ev[0]!.detail, '/v1, Kind=Event is disallowed from being an owner');
});

test('finalizers are qualified names, orphan and foregroundDeletion exclusive', () => {
  assert.deepEqual(validateObjectMeta({ name: 'a', finalizers: ['kubernetes.io/pv-protection'] }, false, nameIsDNSSubdomain), []);
  const errs = validateObjectMeta({ name: 'a', finalizers: ['bad finalizer', 'orphan', 'foregroundDeletion'] }, false, nameIsDNSSubdomain);
  assert.deepEqual(
    errs.map((e) => e.detail?.slice(0, 40)),
    ["name part must consist of alphanumeric c", 'finalizer orphan and foregroundDeletion '],
  );
});

test('label selectors', () => {
  const p = FieldPath.root('spec').child('selector');
  assert.deepEqual(validateLabelSelector({ matchLabels: { app: 'x' }, matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }] }, p), []);
  const errs = validateLabelSelector(
    {
      matchExpressions: [
        { key: 'a', operator: 'In' },
        { key: 'b', operator: 'Exists', values: ['x'] },
        { key: 'c', operator: 'Near' as never },
        { key: 'd', operator: 'NotIn', values: ['-bad'] },
      ],
    },
    p,
  );
  assert.deepEqual(
    errs.map((e) => [e.type, e.field]),
    [
      ['FieldValueRequired', 'spec.selector.matchExpressions[0].values'],
      ['FieldValueForbidden', 'spec.selector.matchExpressions[1].values'],
      ['FieldValueInvalid', 'spec.selector.matchExpressions[2].operator'],
      ['FieldValueInvalid', 'spec.selector.matchExpressions[3].values[0]'],
    ],
  );
  assert.equal(errs[0]!.detail, "must be specified when `operator` is 'In' or 'NotIn'");
});

test('update: immutable identity fields, resourceVersion, generation, finalizers while deleting', () => {
  const old = { name: 'a', namespace: 'ns', uid: 'u1', creationTimestamp: '2024-01-01T00:00:00Z', resourceVersion: '5', generation: 2 };
  assert.deepEqual(validateObjectMetaUpdate({ ...old, labels: { x: 'y' } }, old), []);
  const errs = validateObjectMetaUpdate({ ...old, name: 'b', namespace: 'other', uid: 'u2', creationTimestamp: '2025-01-01T00:00:00Z', resourceVersion: '', generation: 1 }, old);
  assert.deepEqual(
    errs.map((e) => [e.field, e.detail]),
    [
      ['metadata.resourceVersion', 'must be specified for an update'],
      ['metadata.generation', 'must not be decremented'],
      ['metadata.name', 'field is immutable'],
      ['metadata.namespace', 'field is immutable'],
      ['metadata.uid', 'field is immutable'],
      ['metadata.creationTimestamp', 'field is immutable'],
    ],
  );
  assert.deepEqual(validateObjectMetaUpdate({ name: 'a' }, { name: 'a' }, md, { requireResourceVersion: false }), []);
  const deleting = { ...old, deletionTimestamp: '2024-02-01T00:00:00Z', finalizers: ['a.io/x'] };
  const fin = validateObjectMetaUpdate({ ...deleting, finalizers: ['a.io/x', 'b.io/y'] }, deleting);
  assert.equal(formatFieldErrors(fin), 'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y"}');
  const lbl = validateObjectMetaUpdate({ ...old, labels: { 'bad key': 'v' } }, old);
  assert.equal(lbl.length, 1);
  assert.equal(lbl[0]!.field, 'metadata.labels');
});
