// A deployment rollout on simulated nodes: the scheduler places the pods, the sim kubelet runs
// them and carries out graceful deletions; no test helper touches pod status.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { KubeList } from '../../api/meta/types.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { R, resourcePath } from '../../client/resources.js';
import { RestClient } from '../../client/rest.js';
import { eventually, startTestCluster, type TestCluster } from '../../test/harness.js';

describe('deployment on sim nodes', () => {
  let c: TestCluster;
  let client: RestClient;
  before(async () => {
    c = await startTestCluster({ simNodes: 2 });
    client = new RestClient(loadKubeconfig(c.kubeconfig));
  });
  after(async () => {
    client?.close();
    await c?.stop();
  });

  it('rolls out, updates and scales down with scheduled pods', async () => {
    const d = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'sim', namespace: 'default' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'sim' } }, template: { metadata: { labels: { app: 'sim' } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } } },
    };
    let r = await c.kubectl(['create', '-f', c.file('sim.json', JSON.stringify(d))]);
    assert.equal(r.code, 0, r.stderr);
    r = await c.kubectl(['rollout', 'status', 'deployment/sim', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    r = await c.kubectl(['set', 'image', 'deployment/sim', 'c=busybox:2']);
    assert.equal(r.code, 0, r.stderr);
    r = await c.kubectl(['rollout', 'status', 'deployment/sim', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    r = await c.kubectl(['scale', 'deployment/sim', '--replicas=1']);
    assert.equal(r.code, 0, r.stderr);
    const pods = await eventually(async () => {
      const l = (await client.get<KubeList<Pod>>(`${resourcePath(R.pods, 'default')}?labelSelector=app%3Dsim`)).items;
      return l.length === 1 ? l : undefined;
    }, 30_000);
    assert.ok(pods![0]!.spec?.nodeName, 'scheduled');
    assert.equal(pods![0]!.spec?.containers[0]?.image, 'busybox:2');
  });
});
