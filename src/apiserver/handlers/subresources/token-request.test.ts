// Service-account tokens end to end: the real kubectl asks for them, clients authenticate with
// them, and deleting what a token is bound to revokes it.
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { eventually, startTestCluster, type TestCluster } from '../../../test/harness.js';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, any>;

describe('serviceaccounts/token and service-account authentication', () => {
  let c: TestCluster;
  // /api: any authenticated user may read discovery, so 200 proves the token authenticated (a bad one is 401, never anonymous).
  const asToken = (token: string, path = '/api') => c.http('GET', path, undefined, { Authorization: `Bearer ${token}` });

  before(async () => {
    c = await startTestCluster();
    assert.equal((await c.kubectl(['create', 'namespace', 'tok'])).code, 0);
    assert.equal((await c.kubectl(['create', 'serviceaccount', 'robot', '-n', 'tok'])).code, 0);
  });
  after(async () => {
    await c.stop();
  });

  it('discovery lists serviceaccounts/token as authentication.k8s.io/v1 TokenRequest', async () => {
    const list = (await c.http('GET', '/api/v1')).json();
    const sub = list.resources.find((r: { name: string }) => r.name === 'serviceaccounts/token');
    assert.deepEqual({ kind: sub.kind, group: sub.group, version: sub.version, verbs: sub.verbs, namespaced: sub.namespaced }, { kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'], namespaced: true });
    const group = (await c.http('GET', '/apis/authentication.k8s.io/v1')).json();
    assert.deepEqual(group.resources.map((r: { name: string; verbs: string[] }) => [r.name, r.verbs]), [
      ['selfsubjectreviews', ['create']],
      ['tokenreviews', ['create']],
    ]);
  });

  it('kubectl create token default prints a JWT that authenticates as the service account', async () => {
    await eventually(async () => (await c.kubectl(['get', 'serviceaccount', 'default'])).code === 0, 30_000);
    const r = await c.kubectl(['create', 'token', 'default']);
    assert.equal(r.code, 0, r.stderr);
    const token = r.stdout.trim();
    const [h, p, s] = token.split('.');
    assert.ok(h && p && s, `not a JWT: ${token}`);
    const header = decode(h);
    const claims = decode(p);
    assert.equal(header['alg'], 'RS256');
    assert.equal(claims['iss'], ISSUER);
    assert.equal(claims['sub'], 'system:serviceaccount:default:default');
    assert.deepEqual(claims['aud'], [ISSUER]);
    assert.equal(claims['exp'] - claims['iat'], 3600);
    const sa = (await c.http('GET', '/api/v1/namespaces/default/serviceaccounts/default')).json();
    assert.deepEqual(claims['kubernetes.io'], { namespace: 'default', serviceaccount: { name: 'default', uid: sa.metadata.uid } });

    // The published key set verifies the token.
    const set = (await asToken(token, '/openid/v1/jwks')).json();
    const jwk = set.keys.find((k: { kid: string }) => k.kid === header['kid']);
    assert.ok(jwk, 'the kid is published');
    assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s, 'base64url')));
    const conf = (await asToken(token, '/.well-known/openid-configuration')).json();
    assert.equal(conf.issuer, ISSUER);

    assert.equal((await asToken(token)).status, 200);
    const forged = `${h}.${p}.${Buffer.from(s, 'base64url').reverse().toString('base64url')}`;
    assert.equal((await asToken(forged)).status, 401);
  });

  it('a token stops working once its service account is deleted', async () => {
    const r = await c.kubectl(['create', 'token', 'robot', '-n', 'tok', '--duration=2h']);
    assert.equal(r.code, 0, r.stderr);
    const token = r.stdout.trim();
    assert.equal(decode(token.split('.')[1]!)['exp'] - decode(token.split('.')[1]!)['iat'], 7200);
    assert.equal((await asToken(token)).status, 200);
    const review = await c.http('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } });
    assert.equal(review.status, 201);
    const st = review.json().status;
    assert.equal(st.authenticated, true);
    assert.equal(st.user.username, 'system:serviceaccount:tok:robot');
    assert.deepEqual(st.user.groups, ['system:serviceaccounts', 'system:serviceaccounts:tok', 'system:authenticated']);

    assert.equal((await c.kubectl(['delete', 'serviceaccount', 'robot', '-n', 'tok'])).code, 0);
    await eventually(async () => (await asToken(token)).status === 401, 10_000);
    const after = (await c.http('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token } })).json().status;
    assert.equal(after.authenticated, undefined);
    assert.equal(after.error, 'serviceaccounts "robot" not found');
    // Recreated under the same name, it is another account: the old token stays dead.
    assert.equal((await c.kubectl(['create', 'serviceaccount', 'robot', '-n', 'tok'])).code, 0);
    await eventually(async () => (await c.http('GET', '/api/v1/namespaces/tok/serviceaccounts/robot')).status === 200, 10_000);
    assert.equal((await asToken(token)).status, 401);
  });

  it('a pod-bound token names the pod and dies with it', async () => {
    assert.equal((await c.kubectl(['create', 'serviceaccount', 'builder', '-n', 'tok'])).code, 0);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'job-1', namespace: 'tok' }, spec: { serviceAccountName: 'builder', containers: [{ name: 'c', image: 'busybox' }] } };
    const created = await c.http('POST', '/api/v1/namespaces/tok/pods', pod);
    assert.equal(created.status, 201, created.body);
    const uid = created.json().metadata.uid as string;

    const wrong = await c.kubectl(['create', 'token', 'builder', '-n', 'tok', '--bound-object-kind=Pod', '--bound-object-name=job-1', '--bound-object-uid=0000']);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /Operation cannot be fulfilled on Pod "job-1": the UID in the bound object reference \(0000\) does not match the UID in record/);
    const otherSa = await c.kubectl(['create', 'token', 'default', '-n', 'tok', '--bound-object-kind=Pod', '--bound-object-name=job-1']);
    assert.match(otherSa.stderr, /cannot bind token for serviceaccount "default" to pod running with different serviceaccount name/);

    const r = await c.kubectl(['create', 'token', 'builder', '-n', 'tok', '--bound-object-kind=Pod', '--bound-object-name=job-1', `--bound-object-uid=${uid}`]);
    assert.equal(r.code, 0, r.stderr);
    const token = r.stdout.trim();
    assert.deepEqual(decode(token.split('.')[1]!)['kubernetes.io'].pod, { name: 'job-1', uid });
    assert.equal((await asToken(token)).status, 200);
    const review = (await c.http('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token } })).json().status;
    assert.deepEqual(review.user.extra['authentication.kubernetes.io/pod-name'], ['job-1']);
    assert.deepEqual(review.user.extra['authentication.kubernetes.io/pod-uid'], [uid]);

    // An unscheduled pod is deleted at once.
    assert.equal((await c.http('DELETE', '/api/v1/namespaces/tok/pods/job-1')).status, 200);
    await eventually(async () => (await asToken(token)).status === 401, 10_000);
    const gone = await c.kubectl(['create', 'token', 'builder', '-n', 'tok', '--bound-object-kind=Pod', '--bound-object-name=job-1']);
    assert.match(gone.stderr, /pods "job-1" not found/);
  });

  it('answers bad requests as upstream does', async () => {
    const missing = await c.http('POST', '/api/v1/namespaces/tok/serviceaccounts/nobody/token', { spec: {} });
    assert.equal(missing.status, 404);
    assert.equal(missing.json().message, 'serviceaccounts "nobody" not found');
    const short = await c.http('POST', '/api/v1/namespaces/default/serviceaccounts/default/token', { spec: { expirationSeconds: 599 } });
    assert.equal(short.status, 422);
    assert.equal(short.json().message, 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes');
    const long = await c.http('POST', '/api/v1/namespaces/default/serviceaccounts/default/token', { spec: { expirationSeconds: 7 * 24 * 3600, audiences: ['vault'] } });
    assert.equal(long.status, 201);
    assert.match(String(long.headers['warning']), /requested expiration of 604800 seconds shortened to 172800 seconds/);
    const body = long.json();
    assert.equal(body.kind, 'TokenRequest');
    assert.equal(body.spec.expirationSeconds, 172800);
    assert.equal(Date.parse(body.status.expirationTimestamp) - Date.parse(body.metadata.creationTimestamp), 172800_000);
    // A token for another audience is no API credential.
    assert.equal((await asToken(body.status.token)).status, 401);
    const badKind = await c.http('POST', '/api/v1/namespaces/default/serviceaccounts/default/token', { spec: { boundObjectRef: { kind: 'Service', apiVersion: 'v1', name: 'kubernetes' } } });
    assert.equal(badKind.status, 400);
    assert.equal(badKind.json().message, 'cannot bind token for serviceaccount "default" to object of type /v1, Kind=Service');
    assert.equal((await c.http('GET', '/api/v1/namespaces/default/serviceaccounts/default/token')).status, 405);
    const noToken = await c.http('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { spec: {} });
    assert.equal(noToken.status, 400);
    assert.equal(noToken.json().message, 'token is required for TokenReview in authentication');
  });
});
