// DenyServiceExternalIPs (CVE-2020-8554), on by default in k8ts: new external IPs are refused
// with upstream's message and nothing is allocated; keeping or dropping known ones is allowed;
// the server's allowServiceExternalIPs (--allow-service-external-ips) turns it off.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../api/meta/types.js';
import { startTestCluster, type TestCluster } from '../../test/harness.js';
import type { ResourceEntry } from '../registry/entry.js';
import { denyServiceExternalIPs } from './deny-external-ips.js';

const svc = (name: string, externalIPs?: string[]) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], ...(externalIPs ? { externalIPs } : {}) } });

describe('DenyServiceExternalIPs admission', () => {
  let denying: TestCluster;
  let allowing: TestCluster;
  before(async () => {
    [denying, allowing] = await Promise.all([startTestCluster(), startTestCluster({ allowServiceExternalIPs: true })]);
  });
  after(async () => {
    await denying?.stop();
    await allowing?.stop();
  });

  it('refuses a Service with externalIPs: 403 with upstream’s message, nothing stored', async () => {
    const r = await denying.http('POST', '/api/v1/namespaces/default/services', svc('ext', ['198.51.100.7']));
    assert.equal(r.status, 403, r.body);
    const status = r.json();
    assert.equal(status.reason, 'Forbidden');
    assert.equal(status.message, 'services "ext" is forbidden: Use of external IPs is denied by admission control');
    assert.equal((await denying.http('GET', '/api/v1/namespaces/default/services/ext')).status, 404);
    const k = await denying.kubectl(['create', 'service', 'clusterip', 'web', '--tcp=80', '--dry-run=client', '-o', 'json']);
    const spec = { ...JSON.parse(k.stdout), spec: { ...JSON.parse(k.stdout).spec, externalIPs: ['198.51.100.8'] } };
    const applied = await denying.kubectl(['apply', '-f', '-'], { input: JSON.stringify(spec) });
    assert.notEqual(applied.code, 0);
    assert.match(applied.stderr, /Use of external IPs is denied by admission control/);
  });

  it('refuses adding one on update, allows a Service without any', async () => {
    assert.equal((await denying.http('POST', '/api/v1/namespaces/default/services', svc('plain'))).status, 201);
    const r = await denying.http('PATCH', '/api/v1/namespaces/default/services/plain', { spec: { externalIPs: ['198.51.100.9'] } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(r.status, 403, r.body);
  });

  it('an update that keeps or drops addresses the Service had passes; one that adds an address does not', () => {
    const check = denyServiceExternalIPs();
    const entry = { group: '', resource: 'services' } as unknown as ResourceEntry;
    const old = svc('ext', ['198.51.100.7', '198.51.100.8']) as unknown as KubeObject;
    assert.equal(check(entry, svc('ext', ['198.51.100.8']) as unknown as KubeObject, 'update', old), undefined);
    assert.equal(check(entry, svc('ext') as unknown as KubeObject, 'update', old), undefined);
    assert.throws(() => check(entry, svc('ext', ['198.51.100.8', '198.51.100.9']) as unknown as KubeObject, 'update', old), /Use of external IPs is denied by admission control/);
  });

  it('with the flag, externalIPs are accepted and may be changed', async () => {
    const r = await allowing.http('POST', '/api/v1/namespaces/default/services', svc('ext', ['198.51.100.7', '198.51.100.8']));
    assert.equal(r.status, 201, r.body);
    assert.deepEqual(r.json().spec.externalIPs, ['198.51.100.7', '198.51.100.8']);
    const kept = await allowing.http('PATCH', '/api/v1/namespaces/default/services/ext', { spec: { externalIPs: ['198.51.100.9'] } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(kept.status, 200, kept.body);
  });
});
