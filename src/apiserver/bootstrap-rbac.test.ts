import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { KubeObject } from '../api/meta/types.js';
import { RBAC_GROUP } from '../api/rbac/v1/types.js';
import { allKinds, PREFERRED_VERSIONS } from '../api/scheme/all.js';
import { MemoryStore } from '../storage/memory.js';
import { bootstrapRbac } from './bootstrap-rbac.js';
import { Registry } from './registry/registry.js';
import { ResourceStore } from './rest/resource-store.js';
import { WatchCache } from './watchcache/watch-cache.js';

const STOPGAP = 'system:k8ts:kube-controller-manager';

function stopgap(labels: Record<string, string>, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: STOPGAP, labels, annotations },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:kube-controller-manager' }],
  };
}

describe('bootstrapRbac on an upgraded cluster', () => {
  let cache: WatchCache;
  let registry: Registry;
  let resources: ResourceStore;
  const bindings = () => registry.lookup(RBAC_GROUP, 'v1', 'clusterrolebindings')!;
  const exists = async (name: string) => resources.get(bindings(), undefined, name).then(() => true, () => false);

  beforeEach(async () => {
    const store = new MemoryStore();
    registry = new Registry(allKinds, PREFERRED_VERSIONS);
    cache = new WatchCache(store, registry.storedResources().map((e) => e.keyPrefix));
    await cache.start();
    resources = new ResourceStore(store, cache);
  });
  afterEach(() => cache.stop());

  it('deletes the retired binding of the controller manager to cluster-admin and adds the controller roles', async () => {
    await resources.create(bindings(), stopgap({ 'kubernetes.io/bootstrapping': 'rbac-defaults' }, { 'rbac.authorization.kubernetes.io/autoupdate': 'true' }), { fieldManager: 'test' });
    await bootstrapRbac(registry, resources);
    assert.equal(await exists(STOPGAP), false);
    assert.equal(await exists('system:controller:replicaset-controller'), true);
  });

  it('leaves a same-named binding alone when it is not a bootstrap object or its admin took it over', async () => {
    await resources.create(bindings(), stopgap({}), { fieldManager: 'test' });
    await bootstrapRbac(registry, resources);
    assert.equal(await exists(STOPGAP), true, 'no bootstrapping label: a user made it');
    await resources.delete(bindings(), undefined, STOPGAP, {});
    await resources.create(bindings(), stopgap({ 'kubernetes.io/bootstrapping': 'rbac-defaults' }, { 'rbac.authorization.kubernetes.io/autoupdate': 'false' }), { fieldManager: 'test' });
    await bootstrapRbac(registry, resources);
    assert.equal(await exists(STOPGAP), true, 'autoupdate=false');
  });
});
