// Seed scenarios end to end on simulated nodes, through the real kubectl.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';

const rc = `apiVersion: v1
kind: ReplicationController
metadata:
  name: web-rc
spec:
  replicas: 3
  selector:
    app: web-rc
  template:
    metadata:
      labels:
        app: web-rc
    spec:
      containers:
      - name: web
        image: nginx:1.25
`;

describe('seed scenarios on sim nodes', () => {
  let c: TestCluster;
  const ok = async (args: string[]) => {
    const r = await c.kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  before(async () => {
    c = await startTestCluster({ simNodes: 3 });
  });
  after(() => c?.stop());

  it('an RC with 3 replicas runs one pod on each of 3 nodes, and a deleted pod is replaced', async () => {
    await ok(['create', '-f', c.file('rc.yaml', rc)]);
    const running = async () => {
      const pods = JSON.parse(await ok(['get', 'pods', '-l', 'app=web-rc', '-o', 'json'])).items as { metadata: { name: string }; spec: { nodeName?: string }; status: { phase?: string } }[];
      return pods.filter((p) => p.status.phase === 'Running');
    };
    const pods = await eventually(async () => {
      const r = await running();
      return r.length === 3 ? r : undefined;
    }, 30_000);
    assert.equal(new Set(pods.map((p) => p.spec.nodeName)).size, 3, `pods share nodes: ${pods.map((p) => p.spec.nodeName).join(', ')}`);
    await ok(['delete', 'pod', pods[0]!.metadata.name]);
    await eventually(async () => {
      const r = await running();
      return r.length === 3 && !r.some((p) => p.metadata.name === pods[0]!.metadata.name);
    }, 30_000);
    assert.match(await ok(['get', 'rc', 'web-rc']), /web-rc\s+3\s+3\s+3\s+/);
  });

  it('kubectl get events lists what the controllers and scheduler did', async () => {
    const out = await eventually(async () => {
      const o = await ok(['get', 'events']);
      return /SuccessfulCreate/.test(o) && /Scheduled/.test(o) ? o : undefined;
    }, 30_000);
    assert.match(out.split('\n')[0]!, /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    assert.match(out, /Normal\s+SuccessfulCreate\s+replicationcontroller\/web-rc\s+Created pod: web-rc-[a-z0-9]{5}/);
    assert.match(out, /Normal\s+Scheduled\s+pod\/web-rc-[a-z0-9]{5}\s+Successfully assigned default\/web-rc-[a-z0-9]{5} to sim-\d/);
    const nodes = await ok(['get', 'nodes']);
    assert.match(nodes, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\n/);
    assert.equal((nodes.match(/\bReady\b/g) ?? []).length, 3);
  });
});
