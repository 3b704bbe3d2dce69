import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import type { Status } from '../../api/meta/types.js';
import { ApiStatusError } from '../../client/rest.js';
import { ServiceAccountClientBuilder } from './service-account-clients.js';

const HOUR_MS = 3600_000;

function statusError(code: number, reason: string): ApiStatusError {
  return new ApiStatusError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code, reason, message: reason } as Status);
}

/** The controller manager's client as far as the builder uses it: ServiceAccount creates and TokenRequests. */
class FakeManagerClient {
  readonly calls: { path: string; body: Record<string, unknown> }[] = [];
  readonly accounts = new Set<string>();
  issued = 0;
  failTokens = 0;

  async create<T>(path: string, body: unknown): Promise<T> {
    this.calls.push({ path, body: body as Record<string, unknown> });
    if (path.endsWith('/token')) {
      if (this.failTokens > 0) {
        this.failTokens--;
        throw statusError(500, 'InternalError');
      }
      const seconds = ((body as { spec: { expirationSeconds: number } }).spec.expirationSeconds);
      return { status: { token: `token-${++this.issued}`, expirationTimestamp: new Date(Date.now() + seconds * 1000).toISOString() } } as T;
    }
    const name = (body as { metadata: { name: string } }).metadata.name;
    if (this.accounts.has(name)) throw statusError(409, 'AlreadyExists');
    this.accounts.add(name);
    return body as T;
  }
}

/** Lets the builder's awaited calls settle (setImmediate is not mocked). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ServiceAccountClientBuilder', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.parse('2026-01-01T00:00:00Z') }));
  afterEach(() => mock.timers.reset());

  it('creates the ServiceAccount in kube-system, asks a one-hour bound token and hands out a config with only that token', async () => {
    const fake = new FakeManagerClient();
    fake.accounts.add('job-controller');
    const builder = new ServiceAccountClientBuilder(fake, { server: 'https://127.0.0.1:6443', caPem: 'CA', certPem: 'CERT', keyPem: 'KEY', token: 'manager-token' });
    try {
      const cred = builder.credential('replicaset-controller');
      assert.equal(builder.credential('replicaset-controller'), cred, 'one credential per name');
      await cred.ready;
      assert.deepEqual(
        fake.calls.map((c) => c.path),
        ['/api/v1/namespaces/kube-system/serviceaccounts', '/api/v1/namespaces/kube-system/serviceaccounts/replicaset-controller/token'],
      );
      assert.deepEqual(fake.calls[0]!.body['metadata'], { name: 'replicaset-controller', namespace: 'kube-system' });
      assert.deepEqual(fake.calls[1]!.body['spec'], { expirationSeconds: 3600 });
      assert.equal(cred.config.certPem, undefined);
      assert.equal(cred.config.keyPem, undefined);
      assert.equal(cred.config.token, undefined);
      assert.equal(cred.config.caPem, 'CA');
      assert.equal(cred.config.tokenSource?.(), 'token-1');

      // An account that exists already is fine.
      await builder.credential('job-controller').ready;
      assert.equal(builder.credential('job-controller').config.tokenSource?.(), 'token-2');
    } finally {
      builder.stop();
    }
  });

  it('renews the token at 80% of its lifetime', async () => {
    const fake = new FakeManagerClient();
    const builder = new ServiceAccountClientBuilder(fake, { server: 'https://127.0.0.1:6443' });
    try {
      const cred = builder.credential('deployment-controller');
      await cred.ready;
      assert.equal(cred.config.tokenSource?.(), 'token-1');
      mock.timers.tick(0.8 * HOUR_MS - 1000);
      await settle();
      assert.equal(cred.config.tokenSource?.(), 'token-1', 'not yet');
      mock.timers.tick(1000);
      await settle();
      assert.equal(cred.config.tokenSource?.(), 'token-2');
      assert.equal(fake.calls.filter((c) => c.path.endsWith('/token')).length, 2);
    } finally {
      builder.stop();
    }
  });

  it('logs a failed token request and retries with backoff until it succeeds', async () => {
    const fake = new FakeManagerClient();
    fake.failTokens = 2;
    const lines: string[] = [];
    const builder = new ServiceAccountClientBuilder(fake, { server: 'https://127.0.0.1:6443' }, { retry: { baseDelayMs: 100, maxDelayMs: 1000 }, log: (l) => lines.push(l) });
    try {
      const cred = builder.credential('endpoint-controller');
      let ready = false;
      void cred.ready.then(() => (ready = true));
      await settle();
      assert.equal(ready, false);
      assert.equal(cred.config.tokenSource?.(), undefined);
      assert.match(lines[0]!, /no token for kube-system\/endpoint-controller \(attempt 1; again in 100 ms\)/);
      mock.timers.tick(100);
      await settle();
      assert.match(lines[1]!, /attempt 2; again in 200 ms/);
      mock.timers.tick(199);
      await settle();
      assert.equal(ready, false, 'the second delay doubled');
      mock.timers.tick(1);
      await settle();
      assert.equal(ready, true);
      assert.equal(cred.config.tokenSource?.(), 'token-1');
    } finally {
      builder.stop();
    }
  });

  it('stops renewing when stopped', async () => {
    const fake = new FakeManagerClient();
    const builder = new ServiceAccountClientBuilder(fake, { server: 'https://127.0.0.1:6443' });
    await builder.credential('node-controller').ready;
    builder.stop();
    mock.timers.tick(HOUR_MS);
    await settle();
    assert.equal(fake.calls.filter((c) => c.path.endsWith('/token')).length, 1);
  });
});
