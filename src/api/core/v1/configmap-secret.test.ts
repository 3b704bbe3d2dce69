import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../schema/meta.js';
import { configMapKind } from './configmap.js';
import { secretKind } from './secret.js';
import { messages, stored } from './testing/validation.js';
import type { ConfigMap, Secret } from './types.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const meta = (name = 'cfg') => ({ name, namespace: 'default' });

test('configmap keys must be valid and not in both data and binaryData', () => {
  const cm: ConfigMap = { metadata: meta(), data: { 'good.key': 'x', 'bad key': 'y', both: 'z' }, binaryData: { both: b64('z') } };
  assert.deepEqual(messages(configMapKind.validateCreate!(cm)), [
    `data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    'data[both]: Invalid value: "both": duplicate of key present in binaryData',
    'binaryData[both]: Invalid value: "both": duplicate of key present in data',
  ]);
});

test('configmap total size is capped at 1 MiB', () => {
  const cm: ConfigMap = { metadata: meta(), data: { a: 'x'.repeat(600 * 1024), b: 'y'.repeat(500 * 1024) } };
  assert.deepEqual(messages(configMapKind.validateCreate!(cm)), [': Too long: must have at most 1048576 bytes']);
  cm.data!['b'] = 'y';
  assert.deepEqual(messages(configMapKind.validateCreate!(cm)), []);
});

test('immutable configmap: data, binaryData and the flag are frozen', () => {
  const old = stored<ConfigMap>({ metadata: meta(), data: { a: '1' }, immutable: true });
  const same = structuredClone(old);
  same.metadata.labels = { relabelled: 'yes' };
  assert.deepEqual(messages(configMapKind.validateUpdate!(same, old)), []);
  const changed = structuredClone(old);
  changed.data = { a: '2' };
  changed.immutable = false;
  assert.deepEqual(messages(configMapKind.validateUpdate!(changed, old)), [
    'immutable: Forbidden: field is immutable when `immutable` is set',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
  const mutable = stored<ConfigMap>({ metadata: meta(), data: { a: '1' } });
  const edit = structuredClone(mutable);
  edit.data = { a: '2' };
  assert.deepEqual(messages(configMapKind.validateUpdate!(edit, mutable)), []);
});

test('secret stringData is merged into data as base64 and removed', () => {
  const s: Secret = { metadata: meta('creds'), data: { user: b64('old'), keep: b64('k') }, stringData: { user: 'admin', pass: 's3cr3t' } };
  secretKind.default!(s);
  secretKind.prepareForCreate!(s);
  assert.equal(s.stringData, undefined);
  assert.equal(s.type, 'Opaque');
  assert.deepEqual(s.data, { user: b64('admin'), keep: b64('k'), pass: b64('s3cr3t') });
  assert.deepEqual(messages(secretKind.validateCreate!(s)), []);
});

test('secret types require their keys', () => {
  const tls: Secret = { metadata: meta('tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': b64('cert') } };
  assert.deepEqual(messages(secretKind.validateCreate!(tls)), ['data[tls.key]: Required value']);
  const basic: Secret = { metadata: meta('basic'), type: 'kubernetes.io/basic-auth', data: {} };
  assert.deepEqual(messages(secretKind.validateCreate!(basic)), ['data[username]: Required value', 'data[password]: Required value']);
  const sa: Secret = { metadata: meta('tok'), type: 'kubernetes.io/service-account-token' };
  assert.deepEqual(messages(secretKind.validateCreate!(sa)), ['metadata.annotations[kubernetes.io/service-account.name]: Required value']);
  const docker: Secret = { metadata: meta('reg'), type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{not json') } };
  const errs = messages(secretKind.validateCreate!(docker));
  assert.equal(errs.length, 1);
  assert.match(errs[0]!, /^data\[\.dockerconfigjson\]: Invalid value: "<secret contents redacted>": /);
  docker.data = { '.dockerconfigjson': b64('{"auths":{}}') };
  assert.deepEqual(messages(secretKind.validateCreate!(docker)), []);
  const ssh: Secret = { metadata: meta('ssh'), type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': '' } };
  assert.deepEqual(messages(secretKind.validateCreate!(ssh)), ['data[ssh-privatekey]: Required value']);
});

test('secret data must be base64 and type cannot change', () => {
  const bad: Secret = { metadata: meta('x'), type: 'Opaque', data: { k: 'not base64!' } };
  assert.deepEqual(messages(secretKind.validateCreate!(bad)), ['data[k]: Invalid value: "<secret contents redacted>": must be base64-encoded']);
  const old = stored<Secret>({ metadata: meta('x'), type: 'Opaque', data: { k: b64('v') } });
  const next = structuredClone(old);
  next.type = 'kubernetes.io/basic-auth';
  next.data!['username'] = b64('u');
  assert.deepEqual(messages(secretKind.validateUpdate!(next, old)), ['type: Invalid value: "kubernetes.io/basic-auth": field is immutable']);
});

test('immutable secret data cannot change, even through stringData', () => {
  const old = stored<Secret>({ metadata: meta('x'), type: 'Opaque', data: { k: b64('v') }, immutable: true });
  const next = structuredClone(old);
  next.stringData = { k: 'other' };
  secretKind.default!(next);
  secretKind.prepareForUpdate!(next, old);
  assert.deepEqual(messages(secretKind.validateUpdate!(next, old)), ['data: Forbidden: field is immutable when `immutable` is set']);
  assert.equal(secretKind.fieldSelectors!['type']!(next), 'Opaque');
});
