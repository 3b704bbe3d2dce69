import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { encryptionRules, parseEncryptionConfig } from './config.js';

const key = (n = 32) => randomBytes(n).toString('base64');
const doc = (resources: unknown) => JSON.stringify({ kind: 'EncryptionConfiguration', apiVersion: 'apiserver.config.k8s.io/v1', resources });
const STORED = [
  { group: '', resource: 'secrets' },
  { group: '', resource: 'configmaps' },
  { group: 'apps', resource: 'deployments' },
  { group: 'batch', resource: 'jobs' },
];

describe('EncryptionConfiguration', () => {
  it('reads upstream YAML, and resolves names, group wildcards and *.* to key prefixes', () => {
    const yaml = `kind: EncryptionConfiguration
apiVersion: apiserver.config.k8s.io/v1
resources:
  - resources: [secrets, deployments.apps]
    providers:
      - aesgcm:
          keys:
            - name: key1
              secret: ${key()}
            - name: key0
              secret: ${key(16)}
      - identity: {}
  - resources: ["*."]
    providers: [{secretbox: {keys: [{name: box, secret: ${key()}}]}}]
  - resources: ["*.batch"]
    providers: [{aescbc: {keys: [{name: cbc, secret: ${key(24)}}]}}]
  - resources: ["*.*"]
    providers: [{identity: {}}]
`;
    const rules = encryptionRules(parseEncryptionConfig(yaml, 'enc.yaml'), STORED);
    assert.deepEqual(rules.map((r) => r.keyPrefixes), [['/registry/secrets/', '/registry/apps/deployments/'], ['/registry/secrets/', '/registry/configmaps/'], ['/registry/batch/'], ['/registry/']]);
    assert.deepEqual(rules[0]!.chain.transformers.map((t) => `${t.type}:${t.name}`), ['aesgcm:key1', 'aesgcm:key0', 'identity:']);
  });

  it('refuses what it cannot honour, naming the field', () => {
    const bad = (resources: unknown) => () => encryptionRules(parseEncryptionConfig(doc(resources), 'enc.yaml'), STORED);
    assert.throws(bad([{ resources: ['secrets'], providers: [{ kms: { name: 'x' } }] }]), /enc.yaml: resources\[0\].providers\[0\]: kms providers are not supported/);
    assert.throws(bad([{ resources: ['secrets'], providers: [{ aescbc: { keys: [] } }] }]), /resources\[0\].providers\[0\].aescbc.keys: Required value/);
    assert.throws(bad([{ resources: ['secrets'], providers: [{ aescbc: { keys: [{ name: 'a:b', secret: key() }] } }] }]), /should not contain ':'/);
    assert.throws(bad([{ resources: ['secrets'], providers: [{ aescbc: { keys: [{ name: 'a', secret: key() }, { name: 'a', secret: key() }] } }] }]), /Duplicate value: "a"/);
    assert.throws(bad([{ resources: ['secrets'], providers: [{ aescbc: { keys: [{ name: 'a', secret: 'not base64!' }] } }] }]), /secret is not valid base64/);
    assert.throws(bad([{ resources: ['secrets'], providers: [{ secretbox: { keys: [{ name: 'a', secret: key(16) }] } }] }]), /must be 32 bytes/);
    assert.throws(bad([{ resources: ['secrets'], providers: [{ aescbc: {}, identity: {} }] }]), /exactly one provider/);
    assert.throws(bad([{ resources: [], providers: [{ identity: {} }] }]), /resources\[0\].resources: Required value/);
    assert.throws(() => parseEncryptionConfig('kind: Policy', 'enc.yaml'), /kind is "Policy", want EncryptionConfiguration/);
  });
});
