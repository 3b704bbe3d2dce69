// Informer.countByIndex: agrees with byIndex as objects are added, re-indexed and deleted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../api/meta/types.js';
import { eventually, startTestCluster, type TestCluster } from '../test/harness.js';
import { labelIndex, SharedInformerFactory } from './informer.js';
import { loadKubeconfig } from './kubeconfig.js';
import { R, resourcePath } from './resources.js';
import { RestClient } from './rest.js';

const cm = (name: string, tier: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { tier } } });

describe('Informer.countByIndex', () => {
  let c: TestCluster;
  let client: RestClient;
  before(async () => {
    c = await startTestCluster();
    client = new RestClient(loadKubeconfig(c.kubeconfig));
  });
  after(async () => {
    client?.close();
    await c?.stop();
  });

  it('counts what byIndex lists, through updates and deletes', async () => {
    const factory = new SharedInformerFactory(client);
    const cms = factory.informerFor<KubeObject>(R.configmaps, { namespace: 'default' });
    factory.start();
    after(() => factory.stop());
    await factory.waitForSync();
    const idx = labelIndex('tier');
    // Throws until both agree with n; true once they do (eventually() waits for a truthy value).
    const agree = (value: string, n: number): true => {
      assert.equal(cms.byIndex(idx, value).length, n);
      assert.equal(cms.countByIndex(idx, value), n);
      return true;
    };
    for (const [name, tier] of [['a', 'web'], ['b', 'web'], ['c', 'db']] as const) await client.create(resourcePath(R.configmaps, 'default'), cm(name, tier));
    // c is created after b: its event may still be on its way when both web ones are in.
    await eventually(() => agree('web', 2) && agree('db', 1), 30_000).catch((err: unknown) => {
      throw new Error(`${String(err)}; cached: ${JSON.stringify(cms.list().map((o) => [o.metadata.name, o.metadata.labels]))}`);
    });
    agree('cache', 0);

    await client.patch(resourcePath(R.configmaps, 'default', 'b'), { metadata: { labels: { tier: 'db' } } }, 'application/merge-patch+json');
    await eventually(() => agree('db', 2), 30_000);
    agree('web', 1);

    await client.delete(resourcePath(R.configmaps, 'default', 'a'));
    await eventually(() => agree('web', 0), 30_000);
    agree('db', 2);
  });
});
