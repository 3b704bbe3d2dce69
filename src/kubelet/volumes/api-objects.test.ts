import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiStatusError } from '../../client/rest.js';
import { getConfigMap, ServiceAccountTokens, type VolumeApiClient } from './api-objects.js';

test('tokens are reused until 80% of their lifetime, then renewed; failures use upstream text', async () => {
  let now = 1_000_000;
  let minted = 0;
  let fail = false;
  const client = {
    get: async () => ({}),
    create: async () => {
      if (fail) throw new Error('serviceaccounts "sa" not found');
      minted++;
      return { status: { token: `t${minted}`, expirationTimestamp: new Date(now + 1000_000).toISOString() } };
    },
  } as unknown as VolumeApiClient;
  const tokens = new ServiceAccountTokens(client, () => now);
  const req = { namespace: 'ns', serviceAccount: 'sa', podName: 'p', podUid: 'u', expirationSeconds: 1000 };
  assert.equal(await tokens.token(req), 't1');
  now += 700_000;
  assert.equal(await tokens.token(req), 't1');
  assert.equal(await tokens.token({ ...req, audience: 'vault' }), 't2', 'another audience is another token');
  now += 150_000;
  assert.equal(await tokens.token(req), 't3');
  tokens.forgetPod('u');
  fail = true;
  await assert.rejects(tokens.token(req), { message: 'failed to fetch token: serviceaccounts "sa" not found' });
});

test('a missing object is undefined; other API errors propagate', async () => {
  const status = (code: number) => new ApiStatusError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code, message: `code ${code}` });
  let code = 404;
  const client = { get: async () => Promise.reject(status(code)), create: async () => ({}) } as unknown as VolumeApiClient;
  assert.equal(await getConfigMap(client, 'ns', 'x'), undefined);
  code = 403;
  await assert.rejects(getConfigMap(client, 'ns', 'x'), { message: 'code 403' });
});
