// Legacy (Secret-held) service-account tokens: accepted while the Secret holds them and the
// account is the one they name, refused in every other case with upstream's messages.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../api/meta/types.js';
import { signJwt } from '../../util/jws/jwt.js';
import { generateSigningKey, verificationKey } from '../../util/jws/signing-key.js';
import { INVALID_SINCE_LABEL, LEGACY_ISSUER } from './legacy-token-validator.js';
import { DEFAULT_SERVICE_ACCOUNT_ISSUER as ISS } from './serviceaccount-claims.js';
import { ServiceAccountTokenAuthenticator } from './serviceaccount-authenticator.js';
import type { TokenResult } from './token.js';

const key = generateSigningKey('rsa');
const other = generateSigningKey('ec');

function legacyClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: LEGACY_ISSUER,
    'kubernetes.io/serviceaccount/namespace': 'team',
    'kubernetes.io/serviceaccount/secret.name': 'robot-token',
    'kubernetes.io/serviceaccount/service-account.name': 'robot',
    'kubernetes.io/serviceaccount/service-account.uid': 'sa-uid',
    sub: 'system:serviceaccount:team:robot',
    ...overrides,
  };
}

function setup(opts: { legacyTokens?: boolean } = {}) {
  const objects = new Map<string, KubeObject>();
  const token = signJwt(key, legacyClaims());
  const sa = (uid = 'sa-uid', deletionTimestamp?: string) => objects.set('sa/team/robot', { metadata: { name: 'robot', namespace: 'team', uid, deletionTimestamp } });
  const secret = (stored: string | null = token, meta: KubeObject['metadata'] = {}) =>
    objects.set('secret/team/robot-token', { metadata: { name: 'robot-token', namespace: 'team', uid: 'secret-uid', ...meta }, ...(stored === null ? {} : { data: { token: Buffer.from(stored).toString('base64') } }) } as KubeObject);
  sa();
  secret();
  const authn = new ServiceAccountTokenAuthenticator({
    issuers: [ISS],
    keys: [verificationKey(key)],
    apiAudiences: [ISS],
    legacyTokens: opts.legacyTokens,
    getter: {
      serviceAccount: (ns, name) => objects.get(`sa/${ns}/${name}`),
      secret: (ns, name) => objects.get(`secret/${ns}/${name}`),
      pod: () => undefined,
      node: () => undefined,
    },
  });
  return { objects, token, sa, secret, authn };
}

const errorOf = (r: TokenResult): string | undefined => (r.ok ? undefined : r.error);

describe('legacy service-account tokens', () => {
  it('authenticate as the service account, for the API server audiences, with no expiry', () => {
    const { authn, token } = setup();
    const r = authn.authenticateToken(token);
    assert.ok(r.ok);
    assert.deepEqual(r.user, { name: 'system:serviceaccount:team:robot', uid: 'sa-uid', groups: ['system:serviceaccounts', 'system:serviceaccounts:team'] });
    assert.deepEqual(r.audiences, [ISS]);
    assert.equal(authn.authenticate(`Bearer ${token}`)?.name, 'system:serviceaccount:team:robot');
    assert.equal(errorOf(authn.authenticateToken(token, ['vault'])), `token audiences ["${ISS}"] is invalid for the target audiences ["vault"]`);
  });

  it('stop working once the Secret is deleted, terminating, or holds another token', () => {
    const { authn, token, objects, secret } = setup();
    secret('something-else');
    assert.equal(errorOf(authn.authenticateToken(token)), "Token does not match server's copy");
    secret(null);
    assert.equal(errorOf(authn.authenticateToken(token)), "Token does not match server's copy");
    secret(token, { deletionTimestamp: '2025-01-01T00:00:00Z' });
    assert.equal(errorOf(authn.authenticateToken(token)), 'Token has been invalidated');
    objects.delete('secret/team/robot-token');
    assert.equal(errorOf(authn.authenticateToken(token)), 'Token has been invalidated');
  });

  it('stop working once the ServiceAccount is deleted, terminating, or recreated with another uid', () => {
    const { authn, token, objects, sa } = setup();
    sa('sa-uid', '2025-01-01T00:00:00Z');
    assert.equal(errorOf(authn.authenticateToken(token)), 'ServiceAccount team/robot has been deleted');
    sa('new-uid');
    assert.equal(errorOf(authn.authenticateToken(token)), 'ServiceAccount UID (new-uid) does not match claim (sa-uid)');
    objects.delete('sa/team/robot');
    assert.equal(errorOf(authn.authenticateToken(token)), 'serviceaccounts "robot" not found');
  });

  it('refuse a token marked invalid by the legacy-token cleaner', () => {
    const { authn, token, secret } = setup();
    secret(token, { labels: { [INVALID_SINCE_LABEL]: '2025-01-01' } });
    assert.match(errorOf(authn.authenticateToken(token)) ?? '', /^the token in secret team\/robot-token for service account team\/robot has been marked invalid/);
  });

  it('need every claim, a subject that names the same account, and our signature', () => {
    const { authn, secret } = setup();
    const cases: [Record<string, unknown>, string][] = [
      [{ sub: undefined }, 'sub claim is missing'],
      [{ 'kubernetes.io/serviceaccount/namespace': '' }, 'namespace claim is missing'],
      [{ 'kubernetes.io/serviceaccount/secret.name': undefined }, 'secretName claim is missing'],
      [{ 'kubernetes.io/serviceaccount/service-account.name': 7 }, 'serviceAccountName claim is missing'],
      [{ 'kubernetes.io/serviceaccount/service-account.uid': '' }, 'serviceAccountUID claim is missing'],
      [{ sub: 'system:serviceaccount:team:someone-else' }, 'sub claim is invalid'],
      [{ sub: 'system:admin' }, 'sub claim is invalid'],
    ];
    for (const [overrides, error] of cases) {
      const token = signJwt(key, legacyClaims(overrides));
      secret(token);
      assert.equal(errorOf(authn.authenticateToken(token)), error, JSON.stringify(overrides));
    }
    const forged = signJwt(other, legacyClaims());
    secret(forged);
    assert.equal(errorOf(authn.authenticateToken(forged)), 'go-jose/go-jose: error in cryptographic primitive');
  });

  it('are left to other authenticators when legacy tokens are turned off', () => {
    const { authn, token } = setup({ legacyTokens: false });
    assert.deepEqual(authn.authenticateToken(token), { ok: false });
  });
});
