// `kubectl apply --server-side` against k8ts, with kubectl 1.32 and the oldest and newest
// kubectl beside it: create, update, a second manager's conflict and --force-conflicts,
// managedFields as kubectl shows them, moving an object from client-side to server-side
// apply, and `kubectl diff --server-side`. Each binary works in a namespace of its own.
import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KUBECTL, startTestCluster, type TestCluster } from '../harness.js';

function binaryFor(version: string): string {
  if (version === '1.32') return KUBECTL;
  const onPath = (process.env['PATH'] ?? '').split(':').map((d) => join(d, KUBECTL));
  for (const p of KUBECTL.includes('/') ? [KUBECTL] : onPath) {
    try {
      return join(dirname(realpathSync(p)), `kubectl.${version}`);
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${KUBECTL} not found on PATH`);
}

interface ManagedEntry {
  manager: string;
  operation: string;
  apiVersion: string;
  fieldsType: string;
  fieldsV1: Record<string, any>;
  time?: string;
}

function deployment(name: string, ns: string, opts: { image: string; replicas?: number; env?: [string, string][] }): string {
  const env = opts.env?.length ? `\n        env:\n${opts.env.map(([n, v]) => `        - name: ${n}\n          value: "${v}"`).join('\n')}` : '';
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app: ${name}
spec:
${opts.replicas !== undefined ? `  replicas: ${opts.replicas}\n` : ''}  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
      - name: web
        image: ${opts.image}
        ports:
        - containerPort: 80${env}
`;
}

describe('kubectl apply --server-side', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(() => c?.stop());

  it('answers an apply patch without a field manager, and force on other patches, as upstream', async () => {
    const ns = 'ssa-options';
    assert.equal((await c.http('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })).status, 201);
    const cm = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } });
    const noManager = await c.http('PATCH', `/api/v1/namespaces/${ns}/configmaps/c`, cm, { 'Content-Type': 'application/apply-patch+yaml' });
    assert.equal(noManager.status, 422);
    assert.equal(noManager.json().message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const created = await c.http('PATCH', `/api/v1/namespaces/${ns}/configmaps/c?fieldManager=tool`, cm, { 'Content-Type': 'application/apply-patch+yaml' });
    assert.equal(created.status, 201, created.body);
    const yamlBody = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: changed\n';
    const updated = await c.http('PATCH', `/api/v1/namespaces/${ns}/configmaps/c?fieldManager=tool`, yamlBody, { 'Content-Type': 'application/apply-patch+yaml' });
    assert.equal(updated.status, 200, updated.body);
    assert.deepEqual(updated.json().data, { a: 'changed' });
    const noop = await c.http('PATCH', `/api/v1/namespaces/${ns}/configmaps/c?fieldManager=tool`, yamlBody, { 'Content-Type': 'application/apply-patch+yaml' });
    assert.equal(noop.json().metadata.resourceVersion, updated.json().metadata.resourceVersion, 'the same configuration again writes nothing');
    const dry = await c.http('PATCH', `/api/v1/namespaces/${ns}/configmaps/c?fieldManager=tool&dryRun=All`, yamlBody.replace('changed', 'dry'), { 'Content-Type': 'application/apply-patch+yaml' });
    assert.equal(dry.status, 200, dry.body);
    assert.deepEqual(dry.json().data, { a: 'dry' });
    assert.deepEqual((await c.http('GET', `/api/v1/namespaces/${ns}/configmaps/c`)).json().data, { a: 'changed' }, 'dry run stores nothing');
    const forced = await c.http('PATCH', `/api/v1/namespaces/${ns}/configmaps/c?force=true`, { data: { a: 'x' } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(forced.status, 422);
    assert.match(forced.json().message, /force: Forbidden: may not be specified for non-apply patch/);
    const unknown = await c.http('PATCH', `/api/v1/namespaces/${ns}/configmaps/c?fieldManager=tool`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, datta: {} }, { 'Content-Type': 'application/apply-patch+yaml' });
    assert.equal(unknown.status, 500);
    assert.equal(unknown.json().message, `failed to create typed patch object (/c; /v1, Kind=ConfigMap): .datta: field not declared in schema`);
  });

  for (const version of ['1.32', '1.27', '1.33']) {
    describe(`with kubectl ${version}`, () => {
      const binary = binaryFor(version);
      const ns = `ssa-${version.replace('.', '-')}`;
      const run = (args: string[]) => c.kubectl(args, { binary });
      const ok = async (args: string[]) => {
        const r = await run(args);
        assert.equal(r.code, 0, `kubectl ${version} ${args.join(' ')} failed: ${r.stderr}`);
        return r.stdout;
      };
      const getJson = async (name: string) => JSON.parse(await ok(['get', 'deployment', name, '-n', ns, '-o', 'json', '--show-managed-fields']));
      const managers = (d: { metadata: { managedFields?: ManagedEntry[] } }) => Object.fromEntries((d.metadata.managedFields ?? []).map((m) => [`${m.manager}/${m.operation}`, m]));

      before(async () => {
        await ok(['create', 'namespace', ns]);
      });

      it('creates and updates, changing only what the configuration changed', async () => {
        const file = c.file(`web-${ns}.yaml`, deployment('web', ns, { image: 'nginx:1.7.9', replicas: 3, env: [['A', '1'], ['B', '2']] }));
        assert.match(await ok(['apply', '--server-side', '-f', file]), /deployment\.apps\/web serverside-applied/);
        let d = await getJson('web');
        const firstGeneration = d.metadata.generation;
        const mine = managers(d)['kubectl/Apply'];
        assert.ok(mine, `managedFields: ${JSON.stringify(d.metadata.managedFields)}`);
        assert.equal(mine.apiVersion, 'apps/v1');
        assert.equal(mine.fieldsType, 'FieldsV1');
        assert.deepEqual(mine.fieldsV1['f:spec']['f:replicas'], {});
        assert.deepEqual(Object.keys(mine.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']), ['k:{"name":"web"}']);
        // Defaults are the server's, not the applier's.
        assert.equal(d.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
        assert.equal(mine.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"web"}']['f:imagePullPolicy'], undefined);

        c.file(`web-${ns}.yaml`, deployment('web', ns, { image: 'nginx:1.9.1', replicas: 3, env: [['A', '1']] }));
        await ok(['apply', '--server-side', '-f', file]);
        d = await getJson('web');
        const container = d.spec.template.spec.containers[0];
        assert.equal(container.image, 'nginx:1.9.1');
        assert.deepEqual(container.env, [{ name: 'A', value: '1' }], 'the env entry dropped from the file is gone');
        assert.deepEqual(container.ports, [{ containerPort: 80, protocol: 'TCP' }]);
        assert.equal(d.spec.replicas, 3);
        assert.ok(d.metadata.generation > firstGeneration, 'a spec change is a new generation');
        // Re-applying the same file changes nothing kubectl owns. (The deployment controller may
        // write status meanwhile, so the resourceVersion is checked on a ConfigMap above.)
        assert.match(await ok(['apply', '--server-side', '-f', file]), /serverside-applied/);
        const again = await getJson('web');
        assert.deepEqual(managers(again)['kubectl/Apply'], managers(d)['kubectl/Apply']);
        assert.deepEqual(again.spec, d.spec);
      });

      it('refuses a second manager changing a field kubectl owns, until forced', async () => {
        const other = c.file(`web-replicas-${ns}.yaml`, `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: ${ns}\nspec:\n  replicas: 5\n`);
        const r = await run(['apply', '--server-side', '--field-manager=other', '-f', other]);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.spec\.replicas/);
        assert.match(r.stderr, /Please review the fields above--they currently have other managers/);
        assert.equal((await getJson('web')).spec.replicas, 3, 'nothing was written');

        // Agreeing on the value is shared ownership, not a conflict.
        const same = c.file(`web-same-${ns}.yaml`, `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: ${ns}\nspec:\n  replicas: 3\n`);
        await ok(['apply', '--server-side', '--field-manager=shared', '-f', same]);
        let m = managers(await getJson('web'));
        assert.deepEqual(m['shared/Apply']?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
        assert.ok(m['kubectl/Apply'].fieldsV1['f:spec']['f:replicas']);

        await ok(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', other]);
        const d = await getJson('web');
        assert.equal(d.spec.replicas, 5);
        m = managers(d);
        assert.deepEqual(m['other/Apply']?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
        assert.equal(m['kubectl/Apply'].fieldsV1['f:spec']['f:replicas'], undefined, 'kubectl lost replicas');
        assert.equal(m['shared/Apply'], undefined, 'a manager left with nothing is dropped');

        const yaml = await ok(['get', 'deployment', 'web', '-n', ns, '-o', 'yaml', '--show-managed-fields']);
        assert.match(yaml, /- apiVersion: apps\/v1\n\s+fieldsType: FieldsV1\n\s+fieldsV1:\n\s+f:metadata:/);
        assert.match(yaml, /manager: other\n\s+operation: Apply\n\s+time: "?\d{4}-\d\d-\d\dT/);
      });

      it('moves a client-side applied object to server-side apply without conflicts', async () => {
        const file = c.file(`mig-${ns}.yaml`, deployment('mig', ns, { image: 'nginx:1.7.9', replicas: 2 }));
        await ok(['apply', '-f', file]);
        assert.ok(managers(await getJson('mig'))['kubectl-client-side-apply/Update']);
        c.file(`mig-${ns}.yaml`, deployment('mig', ns, { image: 'nginx:1.9.1', replicas: 2 }));
        await ok(['apply', '--server-side', '-f', file]);
        const d = await getJson('mig');
        assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.9.1');
        const m = managers(d);
        assert.equal(m['kubectl-client-side-apply/Update'], undefined, `managedFields: ${JSON.stringify(d.metadata.managedFields)}`);
        const applied = m['kubectl/Apply'];
        assert.ok(applied);
        assert.deepEqual(applied.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"web"}']['f:image'], {});
        assert.deepEqual(applied.fieldsV1['f:spec']['f:replicas'], {});
        // kubectl's server-side apply keeps the client-side annotation current.
        const last = JSON.parse(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
        assert.equal(last.spec.template.spec.containers[0].image, 'nginx:1.9.1');
      });

      it('diff --server-side shows the change and stores nothing', async () => {
        const before = await getJson('web');
        const file = c.file(`web-diff-${ns}.yaml`, deployment('web', ns, { image: 'nginx:1.25', replicas: 5, env: [['A', '1']] }));
        const r = await run(['diff', '--server-side', '--force-conflicts', '-f', file]);
        assert.equal(r.code, 1, `diff exits 1 when there are differences: ${r.stderr}`);
        assert.match(r.stdout, /^-\s+image: nginx:1\.9\.1$/m);
        assert.match(r.stdout, /^\+\s+image: nginx:1\.25$/m);
        const afterDiff = await getJson('web');
        assert.equal(afterDiff.spec.template.spec.containers[0].image, 'nginx:1.9.1');
        assert.deepEqual(afterDiff.spec, before.spec);
        assert.deepEqual(afterDiff.metadata.managedFields.filter((m: ManagedEntry) => m.operation === 'Apply'), before.metadata.managedFields.filter((m: ManagedEntry) => m.operation === 'Apply'));
        // A new object is diffed against nothing and not created.
        const fresh = c.file(`fresh-${ns}.yaml`, deployment('fresh', ns, { image: 'nginx:1.25' }));
        const r2 = await run(['diff', '--server-side', '-f', fresh]);
        assert.equal(r2.code, 1, r2.stderr);
        assert.match(r2.stdout, /^\+\s+(- )?image: nginx:1\.25$/m);
        assert.notEqual((await run(['get', 'deployment', 'fresh', '-n', ns])).code, 0);
      });
    });
  }
});
