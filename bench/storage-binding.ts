// PV binding at scale (issue 13): 500 PersistentVolumes created and Available, then 500 claims
// created by 50 clients at once; the clock runs from the first claim create until a watch has
// seen every claim Bound. One in-process control plane (the PV binder among its controllers)
// on the sqlite store, as `k8ts server` runs by default. Goal: all bound in <= 10 s.
// BENCH_VOLUMES sets the count, BENCH_STORE=memory the store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PersistentVolumeClaim } from '../src/api/core/v1/types.js';
import { startControlPlane } from '../src/cluster/control-plane.js';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { R, resourcePath } from '../src/client/resources.js';
import { RestClient } from '../src/client/rest.js';

const COUNT = Number(process.env['BENCH_VOLUMES'] ?? 500);
const CLIENTS = 50;
const GOAL_S = 10;

async function inParallel(n: number, clients: number, make: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < n) await make(next++);
    }),
  );
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-bench-storage-'));
  const memory = process.env['BENCH_STORE'] === 'memory';
  const cp = await startControlPlane({ disableMetricsServer: true, dataDir, port: 0, bindAddress: '127.0.0.1', datastoreEndpoint: memory ? 'memory://' : `sqlite://${join(dataDir, 'state.db')}`, log: () => undefined });
  const client = new RestClient(loadKubeconfig(cp.kubeconfigPath), 'bench-storage');
  try {
    const t0 = performance.now();
    // Sizes vary (1..5 Gi) so each claim's search for the smallest fit is a real one.
    await inParallel(COUNT, CLIENTS, (i) =>
      client.create(resourcePath(R.persistentvolumes), {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: `pv-${i}` },
        spec: { capacity: { storage: `${1 + (i % 5)}Gi` }, accessModes: ['ReadWriteOnce'], storageClassName: 'bench', hostPath: { path: `/tmp/bench/pv-${i}` } },
      }),
    );
    for (;;) {
      const list = await client.get<{ items: { status?: { phase?: string } }[] }>(resourcePath(R.persistentvolumes));
      if (list.items.filter((v) => v.status?.phase === 'Available').length === COUNT) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const volumesReady = performance.now() - t0;

    const bound = new Set<string>();
    let allBound!: () => void;
    const done = new Promise<void>((r) => (allBound = r));
    const watch = client.watch<PersistentVolumeClaim>(`${resourcePath(R.persistentvolumeclaims, 'default')}?watch=1`, (ev) => {
      if (ev.object.status?.phase === 'Bound') bound.add(ev.object.metadata.name ?? '');
      if (bound.size === COUNT) allBound();
    });
    const start = performance.now();
    await inParallel(COUNT, CLIENTS, (i) =>
      client.create(resourcePath(R.persistentvolumeclaims, 'default'), {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: `claim-${i}` },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'bench', resources: { requests: { storage: `${1 + (i % 5)}Gi` } } },
      }),
    );
    const created = performance.now() - start;
    const timeout = setTimeout(() => allBound(), 120_000);
    await done;
    clearTimeout(timeout);
    const elapsed = (performance.now() - start) / 1000;
    watch.stop();
    console.log(`storage binding (${memory ? 'memory' : 'sqlite'} store): ${COUNT} PVs created and Available in ${(volumesReady / 1000).toFixed(2)} s`);
    console.log(`  ${COUNT} claims created in ${(created / 1000).toFixed(2)} s by ${CLIENTS} clients`);
    console.log(`  ${bound.size}/${COUNT} claims Bound ${elapsed.toFixed(2)} s after the first create (goal <= ${GOAL_S} s): ${bound.size === COUNT && elapsed <= GOAL_S ? 'met' : 'NOT met'}`);
  } finally {
    client.close();
    await cp.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
