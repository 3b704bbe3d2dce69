import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../api/meta/types.js';
import { bootstrapTokenUser } from './bootstrap-token.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const b64 = (s: string) => Buffer.from(s).toString('base64');

function secret(data: Record<string, string>, extra: Partial<KubeObject> & { type?: string } = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system', ...extra.metadata }, type: extra.type ?? 'bootstrap.kubernetes.io/token', data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])) } as KubeObject;
}
const valid = { 'token-id': 'abcdef', 'token-secret': '0123456789abcdef', 'usage-bootstrap-authentication': 'true', expiration: '2026-12-08T00:00:00Z', 'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token' };
const getter = (s: KubeObject | undefined) => (ns: string, name: string) => (s && ns === 'kube-system' && name === s.metadata.name ? s : undefined);

describe('bootstrap tokens', () => {
  it('a token matching its Secret is system:bootstrap:<id> in system:bootstrappers and the extra groups', () => {
    assert.deepEqual(bootstrapTokenUser('abcdef.0123456789abcdef', getter(secret(valid)), NOW), {
      name: 'system:bootstrap:abcdef',
      groups: ['system:bootstrappers', 'system:bootstrappers:kubeadm:default-node-token'],
    });
  });

  it('has no opinion on a wrong secret, an expired or unusable token, another type, or a bad extra group', () => {
    const cases: [string, string, KubeObject | undefined][] = [
      ['wrong secret', 'abcdef.0123456789abcdee', secret(valid)],
      ['malformed', 'abcdef.0123456789ABCDEF', secret(valid)],
      ['no Secret', 'abcdef.0123456789abcdef', undefined],
      ['expired', 'abcdef.0123456789abcdef', secret({ ...valid, expiration: '2026-12-07T11:59:59Z' })],
      ['unparseable expiry', 'abcdef.0123456789abcdef', secret({ ...valid, expiration: 'tomorrow' })],
      ['not for authentication', 'abcdef.0123456789abcdef', secret({ ...valid, 'usage-bootstrap-authentication': 'false' })],
      ['another type', 'abcdef.0123456789abcdef', secret(valid, { type: 'Opaque' })],
      ['id mismatch', 'abcdef.0123456789abcdef', secret({ ...valid, 'token-id': 'abcdeg' })],
      ['extra group outside system:bootstrappers:', 'abcdef.0123456789abcdef', secret({ ...valid, 'auth-extra-groups': 'system:masters' })],
      ['terminating', 'abcdef.0123456789abcdef', secret(valid, { metadata: { name: 'bootstrap-token-abcdef', deletionTimestamp: '2026-12-07T11:00:00Z' } })],
    ];
    for (const [what, token, s] of cases) assert.equal(bootstrapTokenUser(token, getter(s), NOW), undefined, what);
  });

  it('a token without expiration does not expire', () => {
    const { expiration: _, ...forever } = valid;
    assert.equal(bootstrapTokenUser('abcdef.0123456789abcdef', getter(secret(forever)), NOW)?.name, 'system:bootstrap:abcdef');
  });
});
