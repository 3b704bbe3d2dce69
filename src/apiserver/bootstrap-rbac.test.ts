// The default policy reconciled at start, across a restart on the same storage: what is missing
// comes back, what users added stays, autoupdate=false is left alone.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ClusterRole, ClusterRoleBinding } from '../api/rbac/v1/types.js';
import { startControlPlane, type ControlPlane } from '../cluster/control-plane.js';

const G = 'rbac.authorization.k8s.io';

function start(dataDir: string): Promise<ControlPlane> {
  return startControlPlane({ dataDir, port: 0, bindAddress: '127.0.0.1', disableControllers: true, disableScheduler: true, authorizationModes: ['RBAC'], log: () => undefined });
}

describe('RBAC bootstrap reconciliation', () => {
  it('adds missing rules and subjects, keeps additions, and skips autoupdate=false', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-rbac-bootstrap-'));
    try {
      let cp = await start(dataDir);
      const s = cp.apiServer;
      const roles = s.registry.lookup(G, 'v1', 'clusterroles')!;
      const bindings = s.registry.lookup(G, 'v1', 'clusterrolebindings')!;
      const own = { fieldManager: 'test' };
      const extra = { apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get'] };
      try {
        // cluster-admin loses a rule and gains one; basic-user's binding gains a subject and loses one;
        // public-info-viewer opts out of updates and loses its rules.
        await s.resources.update(roles, undefined, 'cluster-admin', (r) => ({ ...r, rules: [(r as ClusterRole).rules![0]!, extra] }), own);
        await s.resources.update(bindings, undefined, 'system:basic-user', (b) => ({ ...b, subjects: [{ apiGroup: G, kind: 'User', name: 'extra-user' }] }), own);
        await s.resources.update(roles, undefined, 'system:public-info-viewer', (r) => ({ ...r, metadata: { ...r.metadata, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'false' } }, rules: [] }), own);
        await s.resources.delete(roles, undefined, 'system:discovery', {});
      } finally {
        await cp.stop();
      }
      cp = await start(dataDir);
      try {
        const get = async (entry: typeof roles, name: string) => cp.apiServer.resources.get(entry, undefined, name);
        const admin = (await get(roles, 'cluster-admin')) as ClusterRole;
        assert.deepEqual(admin.rules, [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, extra, { nonResourceURLs: ['*'], verbs: ['*'] }]);
        const basic = (await get(bindings, 'system:basic-user')) as ClusterRoleBinding;
        assert.deepEqual(basic.subjects, [
          { apiGroup: G, kind: 'User', name: 'extra-user' },
          { apiGroup: G, kind: 'Group', name: 'system:authenticated' },
        ]);
        const optedOut = (await get(roles, 'system:public-info-viewer')) as ClusterRole;
        assert.deepEqual(optedOut.rules ?? [], []);
        const discovery = (await get(roles, 'system:discovery')) as ClusterRole;
        assert.equal(discovery.metadata.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults');
        assert.ok(discovery.rules?.[0]?.nonResourceURLs?.includes('/apis/*'));
      } finally {
        await cp.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
