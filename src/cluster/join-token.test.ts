import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { caHash, formatJoinToken, parseJoinToken } from './join-token.js';
import { mergeKubeconfig, removeFromKubeconfig, userKubeconfigPath } from './kubeconfig-merge.js';
import { renderKubeconfig } from './kubeconfig.js';
import { bootstrapTokenSecret, describeBootstrapToken } from './bootstrap-tokens.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('join tokens', () => {
  it('round-trips k3s\'s K10<hash>::user:secret and bootstrap forms; a bare secret has no hash', () => {
    const full = formatJoinToken(CA, 'server:s3cret');
    assert.equal(full, `K10${caHash(CA)}::server:s3cret`);
    assert.deepEqual(parseJoinToken(full), { caHash: caHash(CA), role: 'server', bearer: 's3cret' });
    assert.deepEqual(parseJoinToken(formatJoinToken(CA, 'abcdef.0123456789abcdef')), { caHash: caHash(CA), bearer: 'abcdef.0123456789abcdef' });
    assert.deepEqual(parseJoinToken(' bare-secret\n'), { bearer: 'bare-secret' });
  });

  it('refuses malformed full tokens with one line', () => {
    assert.throws(() => parseJoinToken('K10abc::server:x'), /CA hash is not a sha256 in hex/);
    assert.throws(() => parseJoinToken(`K10${caHash(CA)}::`), /no credential/);
    assert.throws(() => parseJoinToken(`K10${caHash(CA)}::server:`), /has no secret/);
    assert.throws(() => parseJoinToken('  '), /empty/);
  });

  it('bootstrap token Secrets as kubeadm writes them, and read back for list', () => {
    const s = bootstrapTokenSecret({ token: 'abcdef.0123456789abcdef', ttlMs: 3600_000, description: 'd' }, Date.parse('2026-01-01T00:00:00Z'));
    assert.equal(s.metadata.name, 'bootstrap-token-abcdef');
    assert.equal(s.type, 'bootstrap.kubernetes.io/token');
    assert.deepEqual(s.stringData, {
      'token-id': 'abcdef',
      'token-secret': '0123456789abcdef',
      description: 'd',
      expiration: '2026-01-01T01:00:00Z',
      'usage-bootstrap-signing': 'true',
      'usage-bootstrap-authentication': 'true',
      'auth-extra-groups': 'system:bootstrappers:k8ts:default-node-token',
    });
    const data = Object.fromEntries(Object.entries(s.stringData!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
    assert.deepEqual(describeBootstrapToken({ ...s, data }), { token: 'abcdef.0123456789abcdef', expires: '2026-01-01T01:00:00Z', usages: ['authentication', 'signing'], description: 'd', groups: ['system:bootstrappers:k8ts:default-node-token'] });
    assert.throws(() => bootstrapTokenSecret({ token: 'abcdef.0123456789abcdef', ttlMs: 0, groups: ['system:masters'] }), /invalid extra group "system:masters"/);
    assert.throws(() => bootstrapTokenSecret({ token: 'abcdef.0123456789abcdef', ttlMs: 0, usages: ['everything'] }), /invalid bootstrap token usage/);
  });
});

describe('kubeconfig merge', () => {
  it('adds one context beside the others, makes it current, and removes only it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-merge-'));
    try {
      const target = join(dir, 'config');
      const source = join(dir, 'admin.yaml');
      writeFileSync(source, renderKubeconfig({ server: 'https://127.0.0.1:6443', caPem: CA, token: 't' }));
      writeFileSync(target, 'apiVersion: v1\nkind: Config\nclusters:\n- name: a\n  cluster: {server: "https://a"}\nusers:\n- name: a\n  user: {token: x}\ncontexts:\n- name: a\n  context: {cluster: a, user: a}\ncurrent-context: a\n');
      mergeKubeconfig(target, source, 'k8ts');
      mergeKubeconfig(target, source, 'k8ts');
      const doc = parse(readFileSync(target, 'utf8'));
      assert.deepEqual(doc.contexts.map((c: { name: string }) => c.name), ['a', 'k8ts']);
      assert.equal(doc['current-context'], 'k8ts');
      assert.deepEqual(doc.users[1], { name: 'k8ts', user: { token: 't' } });
      assert.equal(doc.clusters[1].cluster.server, 'https://127.0.0.1:6443');
      assert.equal(removeFromKubeconfig(target, 'k8ts'), true);
      const after = parse(readFileSync(target, 'utf8'));
      assert.deepEqual(after.contexts.map((c: { name: string }) => c.name), ['a']);
      assert.equal(after['current-context'], undefined);
      assert.equal(removeFromKubeconfig(target, 'k8ts'), false);
      const fresh = join(dir, 'new', 'config');
      mergeKubeconfig(fresh, source, 'k8ts');
      assert.equal(parse(readFileSync(fresh, 'utf8'))['current-context'], 'k8ts');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes where kubectl would: the first file of $KUBECONFIG, else ~/.kube/config', () => {
    assert.equal(userKubeconfigPath({ KUBECONFIG: ':/x/one:/x/two', HOME: '/h' }), '/x/one');
    assert.equal(userKubeconfigPath({ HOME: '/h' }), '/h/.kube/config');
  });
});
