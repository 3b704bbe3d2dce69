// White-box tests of the token controller's sync, as upstream's tokens_controller_test.go:
// caches filled from a fake client, one sync(key), and the writes the fake recorded. The token
// written is checked with the API server's own authenticator (tests may reach across layers).
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Secret, ServiceAccount } from '../../api/core/v1/types.js';
import { ServiceAccountTokenAuthenticator } from '../../apiserver/auth/serviceaccount-authenticator.js';
import { R } from '../../client/resources.js';
import { FakeClient } from '../../client/testing/fake-client.js';
import { parseJwt } from '../../util/jws/jwt.js';
import { generateSigningKey, verificationKey } from '../../util/jws/signing-key.js';
import { FakeCaches } from '../testing/fake-caches.js';
import { legacyTokenGenerator } from './legacy-token.js';
import { TokensController } from './tokens-controller.js';

const NS = 'team';
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const key = generateSigningKey('rsa');
const b64 = (v: string): string => Buffer.from(v).toString('base64');
const unb64 = (v: string | undefined): string => Buffer.from(v ?? '', 'base64').toString('utf8');

function account(uid = 'sa-uid'): ServiceAccount {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', namespace: NS, uid } };
}

function tokenSecret(annotations: Record<string, string> = { 'kubernetes.io/service-account.name': 'robot' }, data?: Record<string, string>): Secret {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'robot-token', namespace: NS, uid: 'secret-uid', annotations }, type: 'kubernetes.io/service-account-token', ...(data ? { data } : {}) };
}

describe('service-account token controller sync (white-box)', () => {
  const caches = new FakeCaches();
  afterEach(() => caches.stop());

  async function setup(secrets: Secret[], accounts: ServiceAccount[]): Promise<{ fake: FakeClient; tc: TokensController }> {
    const fake = new FakeClient().add(R.secrets, ...secrets).add(R.serviceaccounts, ...accounts);
    const tc = await caches.start(fake, (client, informers) => new TokensController(client, informers, { generateToken: legacyTokenGenerator(key), rootCaPem: CA }));
    return { fake, tc };
  }

  it('fills a hand-made token Secret with a token, the cluster CA and its namespace, and records the account uid', async () => {
    const { fake, tc } = await setup([tokenSecret()], [account()]);
    await tc.sync(`${NS}/robot-token`);
    const writes = fake.writes('secrets');
    assert.deepEqual(writes.map((a) => a.verb), ['update']);
    const s = fake.object<Secret>(R.secrets, NS, 'robot-token')!;
    assert.deepEqual(Object.keys(s.data ?? {}).sort(), ['ca.crt', 'namespace', 'token']);
    assert.equal(unb64(s.data!['ca.crt']), CA);
    assert.equal(unb64(s.data!['namespace']), NS);
    assert.deepEqual(s.metadata.annotations, { 'kubernetes.io/service-account.name': 'robot', 'kubernetes.io/service-account.uid': 'sa-uid' });

    const token = unb64(s.data!['token']);
    assert.deepEqual(parseJwt(token)!.claims, {
      iss: 'kubernetes/serviceaccount',
      'kubernetes.io/serviceaccount/namespace': NS,
      'kubernetes.io/serviceaccount/secret.name': 'robot-token',
      'kubernetes.io/serviceaccount/service-account.name': 'robot',
      'kubernetes.io/serviceaccount/service-account.uid': 'sa-uid',
      sub: `system:serviceaccount:${NS}:robot`,
    });
    const authn = new ServiceAccountTokenAuthenticator({
      issuers: ['https://kubernetes.default.svc.cluster.local'],
      keys: [verificationKey(key)],
      apiAudiences: ['https://kubernetes.default.svc.cluster.local'],
      getter: { serviceAccount: () => account(), secret: () => s, pod: () => undefined, node: () => undefined },
    });
    const r = authn.authenticateToken(token);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.user.name, `system:serviceaccount:${NS}:robot`);
  });

  it('leaves an already-filled Secret untouched', async () => {
    const filled = tokenSecret({ 'kubernetes.io/service-account.name': 'robot', 'kubernetes.io/service-account.uid': 'sa-uid' }, { token: b64('kept'), 'ca.crt': b64(CA), namespace: b64(NS) });
    const { fake, tc } = await setup([filled], [account()]);
    await tc.sync(`${NS}/robot-token`);
    assert.deepEqual(fake.writes(), []);
  });

  it('replaces a stale CA but keeps the token it has', async () => {
    const stale = tokenSecret({ 'kubernetes.io/service-account.name': 'robot', 'kubernetes.io/service-account.uid': 'sa-uid' }, { token: b64('kept'), 'ca.crt': b64('old CA'), namespace: b64(NS) });
    const { fake, tc } = await setup([stale], [account()]);
    await tc.sync(`${NS}/robot-token`);
    const s = fake.object<Secret>(R.secrets, NS, 'robot-token')!;
    assert.equal(unb64(s.data!['ca.crt']), CA);
    assert.equal(unb64(s.data!['token']), 'kept');
  });

  it('deletes a token Secret that names a ServiceAccount that does not exist', async () => {
    const { fake, tc } = await setup([tokenSecret()], []);
    await tc.sync(`${NS}/robot-token`);
    const writes = fake.writes('secrets');
    assert.deepEqual(writes.map((a) => [a.verb, a.name]), [['delete', 'robot-token']]);
    assert.deepEqual((writes[0]!.body as { preconditions?: unknown }).preconditions, { uid: 'secret-uid' });
    assert.equal(fake.object(R.secrets, NS, 'robot-token'), undefined);
  });

  it('deletes the token Secret once its ServiceAccount is deleted (the account event queues it)', async () => {
    const { fake, tc } = await setup([tokenSecret()], [account()]);
    void tc.run();
    const until = async (done: () => boolean) => {
      for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(done());
    };
    await until(() => !!fake.object<Secret>(R.secrets, NS, 'robot-token')?.data?.['token']);
    fake.deliver();
    await fake.delete(`/api/v1/namespaces/${NS}/serviceaccounts/robot`);
    fake.deliver();
    await until(() => fake.object(R.secrets, NS, 'robot-token') === undefined);
    assert.deepEqual(fake.writes('secrets').map((a) => a.verb), ['update', 'delete']);
  });

  it('deletes a token Secret whose recorded uid is not the current ServiceAccount', async () => {
    const recorded = tokenSecret({ 'kubernetes.io/service-account.name': 'robot', 'kubernetes.io/service-account.uid': 'old-uid' }, { token: b64('old'), 'ca.crt': b64(CA), namespace: b64(NS) });
    const { fake, tc } = await setup([recorded], [account('new-uid')]);
    await tc.sync(`${NS}/robot-token`);
    assert.deepEqual(fake.writes('secrets').map((a) => a.verb), ['delete']);
  });

  it('finds an account the cache has not seen yet through the API', async () => {
    const { fake, tc } = await setup([tokenSecret()], []);
    fake.add(R.serviceaccounts, account());
    await tc.sync(`${NS}/robot-token`);
    assert.deepEqual(fake.writes('secrets').map((a) => a.verb), ['update']);
  });

  it('ignores Secrets of other types and token Secrets that name no account', async () => {
    const opaque: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'plain', namespace: NS, annotations: { 'kubernetes.io/service-account.name': 'robot' } }, type: 'Opaque' };
    const unnamed = { ...tokenSecret({}), metadata: { name: 'unnamed', namespace: NS } };
    const { fake, tc } = await setup([opaque, unnamed], [account()]);
    await tc.sync(`${NS}/plain`);
    await tc.sync(`${NS}/unnamed`);
    await tc.sync(`${NS}/gone`);
    assert.deepEqual(fake.writes(), []);
  });
});
