// Issue 16, acceptance 4: an operator written against the k8ts client library (webapp-operator.ts)
// reconciles a custom resource into a Deployment, reports through the status subresource, and
// `kubectl scale` works on the custom resource, all with the real kubectl on sim nodes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';
import { WEBAPP_CRD, WebAppOperator } from './webapp-operator.js';

const WEBAPP = `apiVersion: example.k8ts.io/v1
kind: WebApp
metadata:
  name: shop
  namespace: default
spec:
  image: busybox:stable
  replicas: 2
`;

describe('an operator on the k8ts client library', { timeout: 120_000 }, () => {
  let c: TestCluster;
  let operator: WebAppOperator;
  let client: RestClient;

  before(async () => {
    c = await startTestCluster({ simNodes: 2 });
    const crd = await c.kubectl(['apply', '-f', '-'], { input: WEBAPP_CRD });
    assert.equal(crd.code, 0, crd.stderr);
    const est = await c.kubectl(['wait', '--for', 'condition=Established', '--timeout=20s', 'crd/webapps.example.k8ts.io']);
    assert.equal(est.code, 0, est.stderr);
    client = new RestClient(loadKubeconfig(c.kubeconfig), 'webapp-operator');
    operator = new WebAppOperator(client);
    await operator.start();
  });
  after(async () => {
    await operator?.stop();
    client?.close();
    await c?.stop();
  });

  const json = async (args: string[]): Promise<any> => {
    const r = await c.kubectl([...args, '-o', 'json']);
    return r.code === 0 ? JSON.parse(r.stdout) : undefined;
  };
  const why = (): string => `operator errors: ${JSON.stringify(operator.errors)}`;

  it('creates the Deployment the WebApp describes, owned by it, and reports its pods in the status', async () => {
    const r = await c.kubectl(['apply', '-f', '-'], { input: WEBAPP });
    assert.equal(r.code, 0, r.stderr);
    const app = await json(['get', 'webapp', 'shop']);
    const deploy = await eventually(() => json(['get', 'deployment', 'shop']), 10_000);
    assert.equal(deploy.spec.replicas, 2);
    assert.equal(deploy.spec.template.spec.containers[0].image, 'busybox:stable');
    assert.deepEqual(
      deploy.metadata.ownerReferences.map((o: any) => [o.kind, o.name, o.uid, o.controller]),
      [['WebApp', 'shop', app.metadata.uid, true]],
    );
    const ready = await eventually(async () => {
      const a = await json(['get', 'wa', 'shop']);
      return a?.status?.readyReplicas === 2 && a.status.conditions?.[0]?.status === 'True' ? a : undefined;
    }, 30_000).catch((err) => assert.fail(`${err}; ${why()}`));
    assert.equal(ready.status.selector, 'example.k8ts.io/webapp=shop');
    assert.equal(ready.status.observedGeneration, ready.metadata.generation);
    assert.equal(ready.status.conditions[0].reason, 'MinimumReplicasAvailable');
    // The printer columns read the status the operator wrote.
    const table = await c.kubectl(['get', 'webapps']);
    assert.match(table.stdout, /^NAME\s+IMAGE\s+DESIRED\s+READY\s+AVAILABLE\s+AGE\n/);
    assert.match(table.stdout, /\nshop\s+busybox:stable\s+2\s+2\s+True\s+\S+\n/);
  });

  it('status goes through the status subresource only: a user writing status on the main resource changes nothing', async () => {
    const r = await c.kubectl(['patch', 'webapp', 'shop', '--type=merge', '-p', '{"status":{"readyReplicas":99}}']);
    assert.equal(r.code, 0, r.stderr);
    const a = await json(['get', 'webapp', 'shop']);
    assert.equal(a.status.readyReplicas, 2);
  });

  it('kubectl scale on the custom resource scales the Deployment, and the status follows', async () => {
    const raw = await c.kubectl(['get', '--raw', '/apis/example.k8ts.io/v1/namespaces/default/webapps/shop/scale']);
    assert.equal(raw.code, 0, raw.stderr);
    const s = JSON.parse(raw.stdout);
    assert.deepEqual([s.kind, s.apiVersion, s.spec.replicas, s.status.replicas, s.status.selector], ['Scale', 'autoscaling/v1', 2, 2, 'example.k8ts.io/webapp=shop']);

    const r = await c.kubectl(['scale', 'webapp/shop', '--replicas=4']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'webapp.example.k8ts.io/shop scaled');
    await eventually(async () => (await json(['get', 'deployment', 'shop']))?.spec.replicas === 4, 10_000);
    const a = await eventually(async () => {
      const w = await json(['get', 'webapp', 'shop']);
      return w?.status?.readyReplicas === 4 ? w : undefined;
    }, 30_000).catch((err) => assert.fail(`${err}; ${why()}`));
    assert.equal(a.status.replicas, 4);
    const pods = await json(['get', 'pods', '-l', 'example.k8ts.io/webapp=shop']);
    assert.equal(pods.items.length, 4);
  });

  it('puts back a Deployment changed behind its back', async () => {
    const r = await c.kubectl(['scale', 'deployment/shop', '--replicas=1']);
    assert.equal(r.code, 0, r.stderr);
    await eventually(async () => (await json(['get', 'deployment', 'shop']))?.spec.replicas === 4, 10_000);
  });

  it('a WebApp deleted in the foreground waits for its Deployment and pods to go first', async () => {
    const del = await c.kubectl(['delete', 'webapp', 'shop', '--cascade=foreground', '--timeout=60s']);
    assert.equal(del.code, 0, `${del.stderr}; ${why()}`);
    assert.equal((await c.kubectl(['get', 'deployment', 'shop'])).code, 1, 'the Deployment is gone before its owner');
    assert.equal((await json(['get', 'pods', '-l', 'example.k8ts.io/webapp=shop']))?.items.length, 0);
  });

  it('a WebApp deleted in the background takes its Deployment with it; an orphaning delete leaves it', async () => {
    for (const name of ['blog', 'wiki']) {
      const r = await c.kubectl(['apply', '-f', '-'], { input: WEBAPP.replace('name: shop', `name: ${name}`).replace('replicas: 2', 'replicas: 1') });
      assert.equal(r.code, 0, r.stderr);
      await eventually(() => json(['get', 'deployment', name]), 10_000);
    }
    const bg = await c.kubectl(['delete', 'webapp', 'blog']);
    assert.equal(bg.code, 0, bg.stderr);
    await eventually(async () => (await c.kubectl(['get', 'deployment', 'blog'])).code !== 0, 10_000);

    const orphan = await c.kubectl(['delete', 'webapp', 'wiki', '--cascade=orphan', '--timeout=30s']);
    assert.equal(orphan.code, 0, orphan.stderr);
    const left = await eventually(async () => {
      const d = await json(['get', 'deployment', 'wiki']);
      return d && !d.metadata.ownerReferences ? d : undefined;
    }, 10_000);
    assert.equal(left.spec.replicas, 1);
    assert.deepEqual(operator.errors.filter((e) => !/conflict|modified/i.test(e)), []);
  });
});
