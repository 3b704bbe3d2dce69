// `GET /`: the index of every root path the server answers, as kube-apiserver lists it; each
// listed path is walked and must answer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../harness.js';

describe('GET /', () => {
  let c: TestCluster;
  let paths: string[];
  before(async () => {
    c = await startTestCluster();
    const r = await c.http('GET', '/');
    assert.equal(r.status, 200, r.body);
    paths = r.json().paths;
  });
  after(() => c?.stop());

  it('lists the API roots, every group version, health with its checks, OpenAPI, version and issuer discovery', async () => {
    for (const p of ['/api', '/api/v1', '/apis', '/apis/', '/healthz', '/healthz/etcd', '/livez', '/livez/ping', '/readyz', '/readyz/informer-sync', '/openapi/v2', '/openapi/v3', '/version', '/.well-known/openid-configuration', '/openid/v1/jwks']) {
      assert.ok(paths.includes(p), `${p} not in ${JSON.stringify(paths)}`);
    }
    // Every group version discovery serves is in the index, and the groups themselves.
    const groups = (await c.http('GET', '/apis')).json().groups as { name: string; versions: { groupVersion: string }[] }[];
    for (const g of groups) {
      assert.ok(paths.includes(`/apis/${g.name}`), g.name);
      for (const v of g.versions) assert.ok(paths.includes(`/apis/${v.groupVersion}`), v.groupVersion);
    }
    assert.deepEqual(paths, [...paths].sort(), 'sorted');
    assert.equal(new Set(paths).size, paths.length, 'no repeats');
  });

  it('every listed path answers', async () => {
    const failed: string[] = [];
    for (const p of paths) {
      const r = await c.http('GET', p);
      if (r.status !== 200) failed.push(`${p}: ${r.status} ${r.body.slice(0, 200)}`);
    }
    assert.deepEqual(failed, []);
  });

  it('kubectl get --raw / prints the same index', async () => {
    const r = await c.kubectl(['get', '--raw', '/']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).paths, paths);
  });
});
