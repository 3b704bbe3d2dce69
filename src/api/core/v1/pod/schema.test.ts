import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allDefinitions, lookupDefinition, resolve, type ArraySchema, type Schema } from '../../../schema/dsl.js';
import './kinds.js';
import { CORE_V1 } from './schema.js';
import { defaultPod } from './defaults.js';
import { preparePodForCreate } from './strategy.js';
import { realisticPod } from './testing/pods.js';

// Definitions this folder refers to but another part of the tree defines.
const external = new Set([`${CORE_V1}.PersistentVolumeClaimSpec`]);

/** Every field of `value` must be declared in `schema`; refs must resolve. Returns offending paths. */
function unknownFields(value: unknown, schema: Schema, path: string, out: string[]): string[] {
  if (value === null || value === undefined) return out;
  const s = resolve(schema);
  if (s.type === 'object') {
    assert.equal(typeof value, 'object', `${path} should be an object`);
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const child = s.properties[k];
      if (!child) out.push(path ? `${path}.${k}` : k);
      else unknownFields(v, child, path ? `${path}.${k}` : k, out);
    }
  } else if (s.type === 'map') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) unknownFields(v, s.values, `${path}[${k}]`, out);
  } else if (s.type === 'array') {
    assert.ok(Array.isArray(value), `${path} should be an array`);
    (value as unknown[]).forEach((v, i) => unknownFields(v, s.items, `${path}[${i}]`, out));
  } else if (s.type === 'integer' || s.type === 'number') {
    assert.equal(typeof value, 'number', `${path} should be a number`);
  } else if (s.type === 'boolean') {
    assert.equal(typeof value, 'boolean', `${path} should be a boolean`);
  } else if (s.type === 'string' && s.format !== 'int-or-string' && s.format !== 'quantity') {
    assert.equal(typeof value, 'string', `${path} should be a string`);
  }
  return out;
}

const podSchema = { type: 'ref', ref: `${CORE_V1}.Pod` } as const;

test('every field of a realistic, defaulted pod is in the schema', () => {
  const pod = realisticPod();
  defaultPod(pod);
  preparePodForCreate(pod);
  assert.deepEqual(unknownFields(pod, podSchema, '', []), []);
});

test('misspelled fields are caught', () => {
  const pod = realisticPod() as unknown as { spec: { containers: Record<string, unknown>[] } };
  pod.spec.containers[0]!['imagee'] = 'x';
  pod.spec.containers[0]!['livenessProbe'] = { httpGet: { port: 80, paht: '/' } };
  assert.deepEqual(unknownFields(pod, podSchema, '', []).sort(), ['spec.containers[0].imagee', 'spec.containers[0].livenessProbe.httpGet.paht']);
});

test('every reference from this folder resolves', () => {
  const missing: string[] = [];
  const walk = (s: Schema) => {
    if (s.type === 'ref') {
      if (!lookupDefinition(s.ref) && !external.has(s.ref)) missing.push(s.ref);
    } else if (s.type === 'object') Object.values(s.properties).forEach(walk);
    else if (s.type === 'map') walk(s.values);
    else if (s.type === 'array') walk(s.items);
  };
  for (const [name, s] of allDefinitions()) if (name.startsWith(CORE_V1)) walk(s);
  assert.deepEqual(missing, []);
});

test('patch metadata follows upstream', () => {
  const field = (def: string, f: string) => (resolve({ type: 'ref', ref: `${CORE_V1}.${def}` }) as { properties: Record<string, Schema> }).properties[f] as ArraySchema;
  assert.equal(field('PodSpec', 'containers').patchMergeKey, 'name');
  assert.equal(field('PodSpec', 'volumes').patchStrategy, 'merge,retainKeys');
  assert.equal(field('PodSpec', 'tolerations').listType, 'atomic');
  assert.equal(field('PodSpec', 'hostAliases').patchMergeKey, 'ip');
  assert.deepEqual(field('Container', 'ports').listMapKeys, ['containerPort', 'protocol']);
  assert.equal(field('Container', 'ports').patchMergeKey, 'containerPort');
  assert.equal(field('Container', 'volumeMounts').patchMergeKey, 'mountPath');
  assert.equal(field('Container', 'volumeDevices').patchMergeKey, 'devicePath');
  assert.equal(field('Container', 'env').patchMergeKey, 'name');
  assert.equal(field('PodStatus', 'conditions').patchMergeKey, 'type');
  assert.equal(field('ReplicationControllerStatus', 'conditions').patchMergeKey, 'type');
});

test('every volume source upstream has is declared', () => {
  const volume = resolve({ type: 'ref', ref: `${CORE_V1}.Volume` }) as { properties: Record<string, Schema> };
  const sources = ['hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image'];
  assert.deepEqual(Object.keys(volume.properties).sort(), [...sources, 'name'].sort());
});
