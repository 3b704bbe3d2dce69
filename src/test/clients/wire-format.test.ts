// Issue 18: the bytes the API writes. Clients other than kubectl compare error bodies as text
// and show objects as they come, so Status bodies must be upstream's exact text and every
// object's fields must come in upstream's (Go struct) order.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { allKinds } from '../../api/scheme/all.js';
import { lookupDefinition, type Schema } from '../../api/schema/dsl.js';
import { GO_FIELD_ORDER } from '../../api/schema/go-field-order.js';
import { startTestCluster, type TestCluster } from '../harness.js';

const deployment = (name: string, replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
});

/** Every object below `value` whose keys break the declared order, as "path: keys". */
function misordered(value: unknown, schema: Schema, path: string, out: string[]): void {
  if (typeof value !== 'object' || value === null) return;
  let s: Schema | undefined = schema;
  let name: string | undefined;
  while (s && s.type === 'ref') {
    name = s.ref;
    s = lookupDefinition(s.ref);
  }
  if (!s) return;
  if (s.type === 'array' && Array.isArray(value)) return value.forEach((v, i) => misordered(v, s.items, `${path}[${i}]`, out));
  if (Array.isArray(value)) return;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (s.type === 'map') {
    if (keys.join('\0') !== [...keys].sort().join('\0')) out.push(`${path}: ${keys.join(',')} (map keys unsorted)`);
    for (const k of keys) misordered(obj[k], s.values, `${path}.${k}`, out);
    return;
  }
  if (s.type !== 'object') return;
  const order = name ? GO_FIELD_ORDER[name] : undefined;
  if (order) {
    const expected = [...order.filter((k) => k in obj), ...keys.filter((k) => !order.includes(k))];
    if (keys.join(',') !== expected.join(',')) out.push(`${path} (${name}): ${keys.join(',')} — expected ${expected.join(',')}`);
  }
  for (const k of keys) {
    const fs = s.properties[k];
    if (fs) misordered(obj[k], fs, `${path}.${k}`, out);
  }
}

describe('the wire format: Status bytes and field order', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ simNodes: 1 });
  });
  after(() => c?.stop());

  it('AlreadyExists, NotFound and Invalid Status bodies are upstream\'s exact text', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'twice' }, data: { a: 'b' } };
    assert.equal((await c.http('POST', '/api/v1/namespaces/default/configmaps', cm)).status, 201);
    const core = await c.http('POST', '/api/v1/namespaces/default/configmaps', cm);
    assert.equal(core.status, 409);
    assert.equal(core.body, '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \\"twice\\" already exists","reason":"AlreadyExists","details":{"name":"twice","kind":"configmaps"},"code":409}');

    assert.equal((await c.http('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('twice', 1))).status, 201);
    const grouped = await c.http('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('twice', 1));
    assert.equal(grouped.status, 409);
    assert.equal(grouped.body, '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \\"twice\\" already exists","reason":"AlreadyExists","details":{"name":"twice","group":"apps","kind":"deployments"},"code":409}');

    const missing = await c.http('GET', '/api/v1/namespaces/default/pods/missing');
    assert.equal(missing.body, '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"missing\\" not found","reason":"NotFound","details":{"name":"missing","kind":"pods"},"code":404}');
    const missingGrouped = await c.http('GET', '/apis/apps/v1/namespaces/default/deployments/missing');
    assert.equal(missingGrouped.body, '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \\"missing\\" not found","reason":"NotFound","details":{"name":"missing","group":"apps","kind":"deployments"},"code":404}');

    const invalid = await c.http('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('negative', -1));
    assert.equal(invalid.status, 422);
    assert.equal(invalid.body, '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Deployment.apps \\"negative\\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0","reason":"Invalid","details":{"name":"negative","group":"apps","kind":"Deployment","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: -1: must be greater than or equal to 0","field":"spec.replicas"}]},"code":422}');
    const invalidCore = await c.http('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'empty' }, spec: { containers: [] } });
    assert.equal(invalidCore.status, 422);
    assert.equal(invalidCore.body, '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Pod \\"empty\\" is invalid: spec.containers: Required value","reason":"Invalid","details":{"name":"empty","kind":"Pod","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.containers"}]},"code":422}');
  });

  it('a created and a read object come back in Go field order, metadata as upstream writes it', async () => {
    // Sent in an order of its own (kubectl sends sorted keys; this is reversed).
    const pod = { status: {}, spec: { restartPolicy: 'Never', containers: [{ image: 'busybox', name: 'c', ports: [{ protocol: 'TCP', containerPort: 80, name: 'http' }] }] }, metadata: { labels: { b: '2', a: '1' }, name: 'ordered', annotations: { z: '1', y: '2' } }, kind: 'Pod', apiVersion: 'v1' };
    const created = await c.http('POST', '/api/v1/namespaces/default/pods', pod);
    assert.equal(created.status, 201, created.body);
    for (const body of [created.body, (await c.http('GET', '/api/v1/namespaces/default/pods/ordered')).body]) {
      assert.match(body, /^\{"kind":"Pod","apiVersion":"v1","metadata":\{"name":"ordered","namespace":"default","uid":"[^"]+","resourceVersion":"\d+","creationTimestamp":"[^"]+","labels":\{"a":"1","b":"2"\},"annotations":\{"y":"2","z":"1"\},"managedFields":/);
      assert.match(body, /"spec":\{"volumes":\[\{"name":"kube-api-access-[a-z0-9]+","projected":\{"sources":\[.*\],"containers":\[\{"name":"c","image":"busybox","ports":\[\{"name":"http","containerPort":80,"protocol":"TCP"\}\],"resources":\{\},"volumeMounts":\[\{"name":"kube-api-access-[a-z0-9]+","readOnly":true,"mountPath":"[^"]+"\}\],"terminationMessagePath"/);
      assert.match(body, /\},"status":\{/);
    }
  });

  it('every kind, listed, begins with kind, apiVersion and metadata and follows the declared order throughout', async () => {
    // Something of most kinds exists: what the cluster made for itself, and these.
    await c.kubectl(['create', 'deployment', 'web', '--image=busybox', '--replicas=2']);
    await c.kubectl(['create', 'job', 'once', '--image=busybox']);
    await c.kubectl(['create', 'cronjob', 'often', '--image=busybox', '--schedule=*/5 * * * *']);
    await c.kubectl(['expose', 'deployment', 'web', '--port=80']);
    await c.kubectl(['create', 'secret', 'generic', 's', '--from-literal=k=v']);
    await c.kubectl(['create', 'role', 'r', '--verb=get', '--resource=pods']);
    await c.kubectl(['create', 'rolebinding', 'rb', '--role=r', '--user=u']);
    await c.kubectl(['create', 'pdb', 'pdb', '--selector=app=web', '--min-available=1']);
    await c.kubectl(['autoscale', 'deployment', 'web', '--max=3']);
    await c.kubectl(['create', 'ingress', 'ing', '--rule=a.example/=web:80']);
    await c.kubectl(['create', 'priorityclass', 'high', '--value=1000']);
    await c.kubectl(['create', 'quota', 'q', '--hard=pods=10']);
    const failures: string[] = [];
    let checked = 0;
    for (const k of allKinds) {
      if (k.verbs && !k.verbs.includes('list')) continue;
      const path = `${k.group ? `/apis/${k.group}/${k.version}` : '/api/v1'}/${k.plural}`;
      const r = await c.http('GET', path);
      if (r.status !== 200) {
        failures.push(`${path}: ${r.status}`);
        continue;
      }
      const apiVersion = k.group ? `${k.group}/${k.version}` : k.version;
      if (!r.body.startsWith(`{"kind":"${k.kind}List","apiVersion":"${apiVersion}","metadata":{`)) failures.push(`${path}: list begins ${r.body.slice(0, 80)}`);
      const list = JSON.parse(r.body) as { items: Record<string, unknown>[] };
      for (const item of list.items) {
        checked++;
        const raw = JSON.stringify(item);
        if (!raw.startsWith(`{"kind":"${k.kind}","apiVersion":"${apiVersion}","metadata":{`)) failures.push(`${path}: item begins ${raw.slice(0, 80)}`);
        misordered(item, { type: 'ref', ref: k.schema }, `${k.kind}/${(item['metadata'] as { name: string }).name}`, failures);
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(checked >= 20, `only ${checked} objects checked`);
  });

  it('a Table lists its envelope, columns and rows in upstream\'s order', async () => {
    const r = await c.http('GET', '/api/v1/namespaces/default/configmaps', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    assert.match(r.body, /^\{"kind":"Table","apiVersion":"meta.k8s.io\/v1","metadata":\{"resourceVersion":"\d+"\},"columnDefinitions":\[\{"name":"Name","type":"string","format":"name","description":"[^"]*","priority":0\}/);
    assert.match(r.body, /"rows":\[\{"cells":\[[^\]]*\],"object":\{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io\/v1","metadata":\{"name":/);
  });
});
