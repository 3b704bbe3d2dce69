// The manifests directory on an in-process cluster: packaged add-ons written and applied, a file
// dropped in applied, edited, and deleted (its objects pruned), a .skip file, and a disabled
// packaged add-on removed with its objects.
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { manifestsDir } from '../../cluster/addons.js';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';

describe('manifests directory', () => {
  let c: TestCluster;
  let dir: string;
  const get = async (path: string) => {
    const r = await c.http('GET', path);
    return r.status === 200 ? r.json() : undefined;
  };
  before(async () => {
    c = await startTestCluster({ addons: { resyncMs: 500, disable: ['ingress-class'] } });
    dir = manifestsDir(c.dataDir);
  });
  after(async () => c?.stop());

  it('writes and applies the packaged add-ons, with the SSA field manager k8ts-addons', async () => {
    const sc = await eventually(() => get('/apis/storage.k8s.io/v1/storageclasses/local-path'), 20_000);
    assert.equal(sc.provisioner, 'rancher.io/local-path');
    assert.ok(sc.metadata.managedFields.some((f: any) => f.manager === 'k8ts-addons' && f.operation === 'Apply'));
    assert.ok(existsSync(join(dir, 'local-storage.yaml')));
    const crd = await eventually(() => get('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/httproutes.gateway.networking.k8s.io'), 20_000);
    assert.equal(crd.spec.group, 'gateway.networking.k8s.io');
    await eventually(() => get('/apis/gateway.networking.k8s.io/v1/httproutes'), 20_000);
  });

  it('--disable skips a packaged add-on: no file, no object', async () => {
    assert.equal(existsSync(join(dir, 'ingress-class.yaml')), false);
    assert.equal(await get('/apis/networking.k8s.io/v1/ingressclasses/k8ts'), undefined);
  });

  it('applies a dropped file, updates on edit, prunes what leaves it and what a deleted file held', async () => {
    const cm = (name: string, v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: {v: "${v}"}\n`;
    writeFileSync(join(dir, 'mine.yaml'), cm('one', '1') + '---\n' + cm('two', '1'));
    await eventually(async () => (await get('/api/v1/namespaces/default/configmaps/two'))?.data.v === '1' || undefined, 20_000);
    writeFileSync(join(dir, 'mine.yaml'), cm('one', '2'));
    await eventually(async () => (await get('/api/v1/namespaces/default/configmaps/one'))?.data.v === '2' || undefined, 20_000);
    await eventually(async () => (await get('/api/v1/namespaces/default/configmaps/two')) === undefined || undefined, 20_000);
    rmSync(join(dir, 'mine.yaml'));
    await eventually(async () => (await get('/api/v1/namespaces/default/configmaps/one')) === undefined || undefined, 20_000);
  });

  it('a .skip file keeps a file from being applied', async () => {
    writeFileSync(join(dir, 'skipped.yaml.skip'), '');
    writeFileSync(join(dir, 'skipped.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: skipped}\n');
    writeFileSync(join(dir, 'marker.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: marker}\n');
    await eventually(() => get('/api/v1/namespaces/default/configmaps/marker'), 20_000);
    assert.equal(await get('/api/v1/namespaces/default/configmaps/skipped'), undefined);
  });
});
