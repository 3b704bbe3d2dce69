import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SubjectAccessReviewSpec } from '../../../api/authorization/v1/types.js';
import { bearerToken, requestAttributes, SubjectAccessReviewAuthorizer, subresourcesFor, TokenReviewAuthenticator, needsClientCertificate } from './index.js';
import { TtlCache } from './ttl-cache.js';

const alice = { name: 'alice', groups: ['devs'] };

describe('kubelet API request attributes', () => {
  test('subresources by path, as upstream auth.go with fine-grained authz', () => {
    const table: [string, string[]][] = [
      ['/stats/summary', ['stats']],
      ['/stats', ['stats']],
      ['/metrics', ['metrics']],
      ['/metrics/cadvisor', ['metrics']],
      ['/logs/syslog', ['log']],
      ['/checkpoint/ns/pod/c', ['checkpoint']],
      ['/pods', ['pods', 'proxy']],
      ['/pods/', ['pods', 'proxy']],
      ['/runningpods/', ['pods', 'proxy']],
      ['/healthz', ['healthz', 'proxy']],
      ['/healthz/syncloop', ['healthz', 'proxy']],
      ['/configz', ['configz', 'proxy']],
      ['/statusz', ['statusz', 'proxy']],
      ['/spec/', ['proxy']],
      ['/containerLogs/default/web/app', ['proxy']],
      ['/exec/default/web/app', ['proxy']],
      ['/attach/default/web/app', ['proxy']],
      ['/portForward/default/web', ['proxy']],
      ['/run/default/web/app', ['proxy']],
      ['/statsx', ['proxy']],
      ['/', ['proxy']],
      ['', ['proxy']],
      ['/%E0%A4%A', ['proxy']],
      ['/%73tats/summary', ['stats']],
      ['/constructor', ['proxy']],
      ['/__proto__', ['proxy']],
    ];
    for (const [path, subs] of table) assert.deepEqual(subresourcesFor(path), subs, path);
  });

  test('verbs from the HTTP method; the node is the name', () => {
    const verbs = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', undefined].map((m) => requestAttributes(alice, m, '/stats/summary', 'n1')[0]!.verb);
    assert.deepEqual(verbs, ['get', 'get', 'create', 'update', 'patch', 'delete', '', '']);
    assert.deepEqual(requestAttributes(alice, 'POST', '/exec/a/b/c', 'n1'), [{ user: alice, verb: 'create', resource: 'nodes', subresource: 'proxy', name: 'n1' }]);
  });

  test('only streams need a client certificate', () => {
    for (const p of ['/exec/a/b/c', '/attach/a/b/c', '/portForward/a/b', '/run/a/b/c', '/%65xec/a/b/c']) assert.equal(needsClientCertificate(p), true, p);
    for (const p of ['/containerLogs/a/b/c', '/stats/summary', '/pods', '/', '/execx']) assert.equal(needsClientCertificate(p), false, p);
  });
});

describe('bearer tokens', () => {
  test('read as upstream reads the Authorization header', () => {
    assert.equal(bearerToken('Bearer abc'), 'abc');
    assert.equal(bearerToken('bearer abc'), 'abc');
    assert.equal(bearerToken('  Bearer abc  '), 'abc');
    assert.equal(bearerToken(['Bearer abc']), 'abc');
    for (const bad of [undefined, '', 'Bearer', 'Bearer ', 'Basic abc', 'abc', 'Bearer  abc']) assert.equal(bearerToken(bad), undefined, String(bad));
  });

  test('reviews are cached for the TTL, answers yes and no alike; failures are not', async () => {
    let now = 0;
    const asked: string[] = [];
    let fail = false;
    const tokens = new TokenReviewAuthenticator({
      cacheTtlMs: 1000,
      clock: () => now,
      review: async (t) => {
        asked.push(t);
        if (fail) throw new Error('connection refused');
        return t === 'good' ? { authenticated: true, user: { username: 'sa', groups: ['g', 7 as never] } } : { authenticated: false, error: 'invalid' };
      },
    });
    assert.deepEqual(await tokens.authenticate('good'), { name: 'sa', groups: ['g'] });
    assert.deepEqual(await tokens.authenticate('good'), { name: 'sa', groups: ['g'] });
    assert.equal(await tokens.authenticate('bad'), undefined);
    assert.equal(await tokens.authenticate('bad'), undefined);
    assert.deepEqual(asked, ['good', 'bad']);
    now = 1001;
    fail = true;
    assert.equal(await tokens.authenticate('good'), undefined);
    fail = false;
    assert.deepEqual(await tokens.authenticate('good'), { name: 'sa', groups: ['g'] });
    assert.deepEqual(asked, ['good', 'bad', 'good', 'good']);
  });
});

describe('access reviews', () => {
  test('one review per question: allowed answers kept longer than denied ones', async () => {
    let now = 0;
    const specs: SubjectAccessReviewSpec[] = [];
    const authz = new SubjectAccessReviewAuthorizer({
      allowedTtlMs: 5000,
      deniedTtlMs: 500,
      clock: () => now,
      review: async (spec) => {
        specs.push(spec);
        return { allowed: spec.resourceAttributes?.subresource === 'stats' };
      },
    });
    const [stats] = requestAttributes(alice, 'GET', '/stats/summary', 'n1');
    const [proxy] = requestAttributes(alice, 'GET', '/containerLogs/a/b/c', 'n1');
    assert.equal((await authz.authorize(stats!)).allowed, true);
    assert.equal((await authz.authorize(proxy!)).allowed, false);
    assert.deepEqual(specs[0], { user: 'alice', groups: ['devs'], resourceAttributes: { verb: 'get', version: 'v1', resource: 'nodes', subresource: 'stats', name: 'n1' } });
    now = 400;
    await authz.authorize(stats!);
    await authz.authorize(proxy!);
    assert.equal(specs.length, 2);
    now = 600;
    await authz.authorize(stats!);
    await authz.authorize(proxy!);
    assert.equal(specs.length, 3, 'the denial expired, the allowance did not');
    now = 5001;
    await authz.authorize(stats!);
    assert.equal(specs.length, 4);
  });

  test('a failed review rejects and is asked again', async () => {
    let calls = 0;
    const authz = new SubjectAccessReviewAuthorizer({
      review: async () => {
        calls++;
        if (calls === 1) throw new Error('unreachable');
        return { allowed: true };
      },
    });
    const [a] = requestAttributes(alice, 'GET', '/pods', 'n1');
    await assert.rejects(authz.authorize(a!));
    assert.equal((await authz.authorize(a!)).allowed, true);
  });

  test('an explicit denial wins over allowed', async () => {
    const authz = new SubjectAccessReviewAuthorizer({ review: async () => ({ allowed: true, denied: true }) });
    assert.equal((await authz.authorize(requestAttributes(alice, 'GET', '/pods', 'n1')[0]!)).allowed, false);
  });
});

describe('ttl cache', () => {
  test('bounded: the oldest entry goes first', () => {
    const c = new TtlCache<number>(2, () => 0);
    c.set('a', 1, 10);
    c.set('b', 2, 10);
    c.set('c', 3, 10);
    assert.equal(c.size, 2);
    assert.equal(c.get('a'), undefined);
    assert.equal(c.get('c'), 3);
  });
});
