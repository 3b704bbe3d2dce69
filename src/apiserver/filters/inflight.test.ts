import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../errors.js';
import { parseRequestInfo } from '../http/request-info.js';
import { MaxInFlight } from './inflight.js';
import { isLongRunning } from './long-running.js';

const user = { name: 'u', groups: ['system:authenticated'] };
const admin = { name: 'system:admin', groups: ['system:masters', 'system:authenticated'] };

describe('max in-flight', () => {
  it('keeps separate pools for reads and writes and refuses beyond each with upstream 429', () => {
    const f = new MaxInFlight({ readOnly: 2, mutating: 1 });
    const r1 = f.acquire(user, 'GET');
    f.acquire(user, 'HEAD');
    const w1 = f.acquire(user, 'POST');
    assert.throws(
      () => f.acquire(user, 'GET'),
      (e: ApiError) => e.code === 429 && e.status.reason === 'TooManyRequests' && e.message === 'Too many requests, please try again later.' && e.status.details?.retryAfterSeconds === 1,
    );
    assert.throws(() => f.acquire(user, 'DELETE'), ApiError);
    assert.deepEqual(f.inUse(), { readOnly: 2, mutating: 1 });
    r1();
    r1();
    w1();
    assert.deepEqual(f.inUse(), { readOnly: 1, mutating: 0 }, 'a release counts once');
    f.acquire(user, 'PATCH');
  });

  it('lets system:masters through a full pool and counts nothing for it; 0 means no limit', () => {
    const f = new MaxInFlight({ readOnly: 1, mutating: 0 });
    f.acquire(user, 'GET');
    for (let i = 0; i < 5; i++) f.acquire(admin, 'GET');
    for (let i = 0; i < 5; i++) f.acquire(user, 'PUT');
    assert.deepEqual(f.inUse(), { readOnly: 1, mutating: 0 });
  });

  it('calls watches, proxies and the streaming subresources long-running', () => {
    const info = (path: string, q = '') => {
      const query = new URLSearchParams(q);
      return isLongRunning(parseRequestInfo('GET', path, query, () => false), query);
    };
    assert.equal(info('/api/v1/pods', 'watch=true'), true);
    assert.equal(info('/api/v1/namespaces/d/pods/p/log'), true);
    assert.equal(info('/api/v1/namespaces/d/pods/p/exec'), true);
    assert.equal(info('/api/v1/namespaces/d/services/s/proxy/x'), true);
    assert.equal(info('/api/v1/namespaces/d/pods'), false);
    assert.equal(info('/api/v1/namespaces/d/pods/p/status'), false);
    assert.equal(info('/healthz'), false);
  });
});
