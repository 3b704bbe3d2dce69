// Service-account JWTs: issuing, then every way a token must be refused.
import assert from 'node:assert/strict';
import { createHash, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../api/meta/types.js';
import { jwks, openIdConfiguration } from './issuer-discovery.js';
import { parseJwt, signJwt } from '../../util/jws/jwt.js';
import { EXTRA_CREDENTIAL_ID, EXTRA_NODE_NAME, EXTRA_POD_NAME, EXTRA_POD_UID, ServiceAccountTokenAuthenticator, type BoundObjectGetter } from './serviceaccount-authenticator.js';
import { DEFAULT_SERVICE_ACCOUNT_ISSUER as ISS, ServiceAccountTokenIssuer, type TokenBinding } from './serviceaccount-claims.js';
import { generateSigningKey, loadOrCreateSigningKey, verificationKey, type SigningKey } from '../../util/jws/signing-key.js';
import { StaticTokenAuthenticator, type TokenResult } from './token.js';
import { UnionAuthenticator } from './union.js';

const T0 = Date.parse('2025-03-01T12:00:00Z');
const rsa = generateSigningKey('rsa');

class World implements BoundObjectGetter {
  readonly objects = new Map<string, KubeObject>();
  put(kind: string, ns: string, name: string, uid: string, deletionTimestamp?: string): void {
    this.objects.set(`${kind}/${ns}/${name}`, { metadata: { name, namespace: ns || undefined, uid, deletionTimestamp } });
  }
  serviceAccount = (ns: string, name: string) => this.objects.get(`sa/${ns}/${name}`);
  pod = (ns: string, name: string) => this.objects.get(`pod/${ns}/${name}`);
  secret = (ns: string, name: string) => this.objects.get(`secret/${ns}/${name}`);
  node = (name: string) => this.objects.get(`node//${name}`);
}

function setup(key: SigningKey = rsa) {
  const world = new World();
  world.put('sa', 'team', 'robot', 'sa-uid');
  world.put('pod', 'team', 'web', 'pod-uid');
  world.put('node', '', 'n1', 'node-uid');
  let now = T0;
  const authn = new ServiceAccountTokenAuthenticator({ issuers: [ISS], keys: [verificationKey(key)], apiAudiences: [ISS], getter: world, clock: () => now });
  const issuer = new ServiceAccountTokenIssuer(key, ISS);
  const sa: TokenBinding = { namespace: 'team', serviceAccount: { name: 'robot', uid: 'sa-uid' } };
  return {
    world,
    authn,
    issuer,
    sa,
    tick: (ms: number) => (now += ms),
    issue: (b: Partial<TokenBinding> = {}, audiences: string[] = [ISS], expirationSeconds = 3600) => issuer.issue({ ...sa, ...b }, { audiences, expirationSeconds, nowMs: now }),
  };
}

const errorOf = (r: TokenResult): string | undefined => (r.ok ? undefined : r.error);

describe('service-account token issuing', () => {
  it('writes upstream claims under an RS256 header naming the key', () => {
    const { issue } = setup();
    const jwt = parseJwt(issue({ pod: { name: 'web', uid: 'pod-uid' }, node: { name: 'n1', uid: 'node-uid' } }, [ISS, 'vault'], 7200))!;
    assert.deepEqual(jwt.header, { alg: 'RS256', kid: rsa.kid });
    const c = jwt.claims;
    assert.deepEqual(Object.keys(c), ['aud', 'exp', 'iat', 'iss', 'jti', 'kubernetes.io', 'nbf', 'sub']);
    assert.deepEqual(c['aud'], [ISS, 'vault']);
    assert.equal(c['iss'], ISS);
    assert.equal(c['sub'], 'system:serviceaccount:team:robot');
    assert.equal(c['iat'], T0 / 1000);
    assert.equal(c['nbf'], T0 / 1000);
    assert.equal(c['exp'], T0 / 1000 + 7200);
    assert.match(String(c['jti']), /^[0-9a-f-]{36}$/);
    assert.deepEqual(c['kubernetes.io'], { namespace: 'team', node: { name: 'n1', uid: 'node-uid' }, pod: { name: 'web', uid: 'pod-uid' }, serviceaccount: { name: 'robot', uid: 'sa-uid' } });
  });

  it('the key id is the base64url SHA-256 of the public key DER', () => {
    const der = rsa.publicKey.export({ type: 'spki', format: 'der' });
    assert.equal(rsa.kid, createHash('sha256').update(der).digest('base64url'));
  });

  it('keeps the key in a 0600 file and reads the same key back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-sakey-'));
    try {
      const file = join(dir, 'tls', 'service-account.key');
      const a = loadOrCreateSigningKey(file);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.match(readFileSync(file, 'utf8'), /BEGIN PRIVATE KEY/);
      const b = loadOrCreateSigningKey(file);
      assert.equal(b.kid, a.kid);
      assert.equal(b.alg, 'RS256');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('service-account token authentication', () => {
  it('accepts a good token as the service account, with pod and credential extras', () => {
    const { authn, issue } = setup();
    const token = issue({ pod: { name: 'web', uid: 'pod-uid' }, node: { name: 'n1', uid: 'node-uid' } });
    const r = authn.authenticateToken(token);
    assert.ok(r.ok, errorOf(r));
    assert.equal(r.user.name, 'system:serviceaccount:team:robot');
    assert.equal(r.user.uid, 'sa-uid');
    assert.deepEqual(r.user.groups, ['system:serviceaccounts', 'system:serviceaccounts:team']);
    assert.deepEqual(r.user.extra?.[EXTRA_POD_NAME], ['web']);
    assert.deepEqual(r.user.extra?.[EXTRA_POD_UID], ['pod-uid']);
    assert.deepEqual(r.user.extra?.[EXTRA_NODE_NAME], ['n1']);
    assert.match(r.user.extra?.[EXTRA_CREDENTIAL_ID]?.[0] ?? '', /^JTI=[0-9a-f-]{36}$/);
    assert.deepEqual(r.audiences, [ISS]);
    assert.equal(authn.authenticate(`Bearer ${token}`)?.name, 'system:serviceaccount:team:robot');
  });

  it('works with an ECDSA P-256 key (ES256)', () => {
    const ec = generateSigningKey('ec');
    const { authn, issue } = setup(ec);
    const token = issue();
    assert.equal(parseJwt(token)!.header['alg'], 'ES256');
    assert.equal(Buffer.from(token.split('.')[2]!, 'base64url').length, 64, 'r||s, not DER');
    assert.ok(authn.authenticateToken(token).ok);
  });

  it('refuses a tampered signature or payload', () => {
    const { authn, issue } = setup();
    const [h, p, s] = issue().split('.') as [string, string, string];
    const sig = Buffer.from(s, 'base64url');
    sig[10] = sig[10]! ^ 0xff;
    assert.equal(errorOf(authn.authenticateToken(`${h}.${p}.${sig.toString('base64url')}`)), 'go-jose/go-jose: error in cryptographic primitive');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    claims['sub'] = 'system:serviceaccount:kube-system:admin';
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    assert.equal(authn.authenticateToken(forged).ok, false);
    assert.equal(authn.authenticate(`Bearer ${forged}`), undefined);
  });

  it('refuses tokens signed by another key, or with alg none or HS256', () => {
    const { authn, sa } = setup();
    const other = generateSigningKey('rsa');
    const foreign = new ServiceAccountTokenIssuer({ ...other, kid: rsa.kid }, ISS).issue(sa, { audiences: [ISS], expirationSeconds: 3600, nowMs: T0 });
    assert.equal(authn.authenticateToken(foreign).ok, false);
    const [h, p] = foreign.split('.') as [string, string];
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${p}.`;
    assert.equal(authn.authenticateToken(none).ok, false);
    const hs = `${Buffer.from(JSON.stringify({ alg: 'HS256', kid: rsa.kid })).toString('base64url')}.${p}.${h}`;
    assert.equal(authn.authenticateToken(hs).ok, false);
  });

  it('leaves tokens of other issuers and non-JWTs to other authenticators (no error)', () => {
    const { authn, sa } = setup();
    const other = new ServiceAccountTokenIssuer(rsa, 'https://elsewhere.example').issue(sa, { audiences: [ISS], expirationSeconds: 3600, nowMs: T0 });
    assert.deepEqual(authn.authenticateToken(other), { ok: false });
    assert.deepEqual(authn.authenticateToken('abc.def'), { ok: false });
    assert.deepEqual(authn.authenticateToken('not-a-jwt'), { ok: false });
  });

  it('refuses an expired token, tolerating one minute of skew', () => {
    const { authn, issue, tick } = setup();
    const token = issue({}, [ISS], 600);
    tick(600_000 + 59_000);
    assert.ok(authn.authenticateToken(token).ok, 'within the leeway');
    tick(2_000);
    assert.equal(errorOf(authn.authenticateToken(token)), 'service account token has expired');
  });

  it('refuses a token that is not valid yet', () => {
    const { authn, issue, tick } = setup();
    tick(120_000);
    const token = issue();
    tick(-120_000);
    assert.equal(errorOf(authn.authenticateToken(token)), 'service account token is not valid yet');
  });

  it('refuses a token without an expiry', () => {
    const { authn } = setup();
    const token = signJwt(rsa, { iss: ISS, aud: [ISS], sub: 'system:serviceaccount:team:robot', 'kubernetes.io': { namespace: 'team', serviceaccount: { name: 'robot', uid: 'sa-uid' } } });
    assert.equal(errorOf(authn.authenticateToken(token)), 'service account token has no expiration');
  });

  it('refuses a token for another audience unless that audience is asked for', () => {
    const { authn, issue } = setup();
    const token = issue({}, ['vault']);
    assert.equal(errorOf(authn.authenticateToken(token)), `token audiences ["vault"] is invalid for the target audiences ["${ISS}"]`);
    const r = authn.authenticateToken(token, ['vault', 'other']);
    assert.ok(r.ok);
    assert.deepEqual(r.audiences, ['vault']);
  });

  it('refuses once the service account is deleted, or recreated with another uid', () => {
    const { authn, issue, world } = setup();
    const token = issue();
    world.objects.delete('sa/team/robot');
    assert.equal(errorOf(authn.authenticateToken(token)), 'serviceaccounts "robot" not found');
    world.put('sa', 'team', 'robot', 'new-uid');
    assert.equal(errorOf(authn.authenticateToken(token)), 'service account UID (new-uid) does not match claim (sa-uid)');
  });

  it('refuses a service account deleted (terminating) for longer than the leeway', () => {
    const { authn, issue, world } = setup();
    const token = issue();
    world.put('sa', 'team', 'robot', 'sa-uid', new Date(T0 - 30_000).toISOString());
    assert.ok(authn.authenticateToken(token).ok);
    world.put('sa', 'team', 'robot', 'sa-uid', new Date(T0 - 61_000).toISOString());
    assert.equal(errorOf(authn.authenticateToken(token)), 'service account team/robot has been deleted');
  });

  it('refuses a pod-bound token once the pod is gone, replaced, or long terminating', () => {
    const { authn, issue, world } = setup();
    const token = issue({ pod: { name: 'web', uid: 'pod-uid' } });
    assert.ok(authn.authenticateToken(token).ok);
    world.put('pod', 'team', 'web', 'pod-uid', new Date(T0 - 120_000).toISOString());
    assert.equal(errorOf(authn.authenticateToken(token)), 'Token has been invalidated');
    world.put('pod', 'team', 'web', 'other-uid');
    assert.equal(errorOf(authn.authenticateToken(token)), 'pod UID (other-uid) does not match service account pod ref claim (pod-uid)');
    world.objects.delete('pod/team/web');
    assert.equal(errorOf(authn.authenticateToken(token)), 'Token has been invalidated');
  });

  it('checks the node of a node-bound token and the secret of a secret-bound one', () => {
    const { authn, issue, world } = setup();
    const nodeBound = issue({ node: { name: 'n1', uid: 'node-uid' } });
    assert.ok(authn.authenticateToken(nodeBound).ok);
    world.objects.delete('node//n1');
    assert.equal(errorOf(authn.authenticateToken(nodeBound)), 'Token has been invalidated');
    world.put('secret', 'team', 's', 'secret-uid');
    const secretBound = issue({ secret: { name: 's', uid: 'secret-uid' } });
    assert.ok(authn.authenticateToken(secretBound).ok);
    world.put('secret', 'team', 's', 'x');
    assert.equal(authn.authenticateToken(secretBound).ok, false);
  });
});

describe('union authenticator', () => {
  it('tries each authenticator, adds system:authenticated, and aggregates errors', () => {
    const { authn, issue, world } = setup();
    const statics = new StaticTokenAuthenticator();
    statics.add('admin-secret', { name: 'system:admin', groups: ['system:masters'] });
    const union = new UnionAuthenticator([statics, authn]);
    assert.deepEqual(union.authenticate('Bearer admin-secret')?.groups, ['system:masters', 'system:authenticated']);
    const token = issue();
    assert.deepEqual(union.authenticate(`Bearer ${token}`)?.groups, ['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated']);
    assert.equal(union.authenticate('Bearer nope'), undefined);
    assert.equal(union.authenticate(undefined), undefined);
    assert.equal(union.authenticate(`Basic ${token}`), undefined);
    world.objects.delete('sa/team/robot');
    assert.deepEqual(union.authenticateToken(token), { ok: false, error: 'serviceaccounts "robot" not found' });
  });
});

describe('issuer discovery', () => {
  it('publishes the issuer and a JWKS whose key verifies issued tokens', () => {
    const key = verificationKey(rsa);
    const conf = openIdConfiguration(ISS, [key]);
    assert.equal(conf['issuer'], ISS);
    assert.equal(conf['jwks_uri'], `${ISS}/openid/v1/jwks`);
    assert.deepEqual(conf['id_token_signing_alg_values_supported'], ['RS256']);
    const set = jwks([key]) as { keys: Record<string, unknown>[] };
    assert.equal(set.keys.length, 1);
    const jwk = set.keys[0]!;
    assert.equal(jwk['kid'], rsa.kid);
    assert.equal(jwk['use'], 'sig');
    assert.equal(jwk['alg'], 'RS256');
    assert.equal(jwk['d'], undefined, 'no private part');
    const pub = createPublicKey({ key: jwk as never, format: 'jwk' });
    const world = new World();
    world.put('sa', 'team', 'robot', 'sa-uid');
    const check = new ServiceAccountTokenAuthenticator({ issuers: [ISS], keys: [{ alg: 'RS256', kid: rsa.kid, publicKey: pub }], apiAudiences: [ISS], getter: world, clock: () => T0 });
    const token = new ServiceAccountTokenIssuer(rsa).issue({ namespace: 'team', serviceAccount: { name: 'robot', uid: 'sa-uid' } }, { audiences: [ISS], expirationSeconds: 600, nowMs: T0 });
    assert.ok(check.authenticateToken(token).ok);
  });
});
