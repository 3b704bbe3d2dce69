// Client-side `kubectl apply` (three-way strategic merge against last-applied-configuration),
// strict field validation, server dry-run and `kubectl diff`, run with kubectl 1.32 and with
// the oldest and newest kubectl beside it: each binary works in a namespace of its own.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { errors } from '../../apiserver/errors.js';
import { KUBECTL, startTestCluster, type TestCluster } from '../harness.js';
import { seed } from './fixtures.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function binaryPath(version: string): string {
  if (version === '1.32') return KUBECTL;
  let dir: string;
  try {
    dir = dirname(realpathSync(execPath(KUBECTL)));
  } catch {
    dir = '/usr/bin';
  }
  return join(dir, `kubectl.${version}`);
}

/** Resolve a command name on PATH, as `which` would. */
function execPath(cmd: string): string {
  if (cmd.includes('/')) return cmd;
  for (const d of (process.env['PATH'] ?? '').split(':')) {
    const p = join(d, cmd);
    try {
      realpathSync(p);
      return p;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${cmd} not found on PATH`);
}

const VERSIONS = ['1.32', '1.27', '1.33'];


/**
 * Nothing the user owns changed. (Controllers write status concurrently, so the
 * resourceVersion is no witness.)
 */
function assertUntouched(after: { spec: unknown; metadata: { generation?: number; labels?: unknown; annotations?: unknown } }, before: typeof after): void {
  assert.deepEqual(after.spec, before.spec);
  assert.equal(after.metadata.generation, before.metadata.generation);
  assert.deepEqual(after.metadata.labels, before.metadata.labels);
  assert.deepEqual(after.metadata.annotations, before.metadata.annotations);
}

describe('kubectl apply (client-side)', () => {
  let c: TestCluster;
  const injected = new Set<string>();
  before(async () => {
    c = await startTestCluster();
    // A 409 injected once into the update of any object named conflict-once-*: kubectl apply
    // must re-read the object and patch again (its Conflict retry loop).
    c.cp.apiServer.resources.addAdmission((entry, obj, op) => {
      const name = obj.metadata.name ?? '';
      const key = `${obj.metadata.namespace}/${name}`;
      if (op === 'update' && name.startsWith('conflict-once-') && !injected.has(key)) {
        injected.add(key);
        throw errors.modified(entry, name);
      }
    });
  });
  after(() => c?.stop());

  for (const version of VERSIONS) {
    describe(`with kubectl ${version}`, () => {
      const bin = binaryPath(version);
      const ns = `apply-${version.replace('.', '-')}`;
      let dir: string;
      const run = (args: string[]) => c.kubectl([...args, '-n', ns], { binary: bin });
      const ok = async (args: string[]) => {
        const r = await run(args);
        assert.equal(r.code, 0, `kubectl ${version} ${args.join(' ')} failed: ${r.stderr}`);
        return r;
      };
      const get = async (kind: string, name: string) => JSON.parse((await ok(['get', kind, name, '-o', 'json'])).stdout);
      const write = (name: string, text: string) => {
        const p = join(dir, name);
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, text);
        return p;
      };
      const seedText = (name: string) => readFileSync(seed(name), 'utf8');
      /** A Deployment manifest of our own, shaped like the seed's, without replicas. */
      const deployment = (name: string, image: string, extra: { env?: string[]; ports?: number[] } = {}) => {
        let text = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  labels:\n    app: ${name}\nspec:\n  selector:\n    matchLabels:\n      app: ${name}\n  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n      containers:\n      - name: main\n        image: ${image}\n`;
        if (extra.env) text += `        env:\n${extra.env.map((e) => `        - name: ${e}\n          value: "${e.toLowerCase()}"\n`).join('')}`;
        if (extra.ports) text += `        ports:\n${extra.ports.map((p) => `        - containerPort: ${p}\n`).join('')}`;
        return text;
      };

      before(async () => {
        const v = await c.kubectl(['version', '--client', '-o', 'json'], { binary: bin });
        assert.equal(v.code, 0, v.stderr);
        assert.ok(JSON.parse(v.stdout).clientVersion.gitVersion.startsWith(`v${version}.`), `${bin} is kubectl ${version}`);
        dir = join(c.dataDir, `manifests-${version}`);
        mkdirSync(dir, { recursive: true });
        const r = await c.kubectl(['create', '-f', write('ns.yaml', `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`)]);
        assert.equal(r.code, 0, r.stderr);
      });

      it('creates from a seed manifest and records last-applied-configuration', async () => {
        const r = await ok(['apply', '-f', seed('nginx-deployment.yaml')]);
        assert.equal(r.stdout.trim(), 'deployment.apps/nginx-deployment created');
        const d = await get('deployment', 'nginx-deployment');
        assert.equal(d.spec.replicas, 3);
        const applied = JSON.parse(d.metadata.annotations[LAST_APPLIED]);
        assert.equal(applied.metadata.name, 'nginx-deployment');
        assert.equal(applied.metadata.namespace, ns);
        assert.equal(applied.spec.template.spec.containers[0].image, 'nginx:1.7.9');
        assert.equal(applied.spec.replicas, 3);
        // Applying the same file again changes nothing.
        assert.equal((await ok(['apply', '-f', seed('nginx-deployment.yaml')])).stdout.trim(), 'deployment.apps/nginx-deployment unchanged');
        // The deployment controller writes status meanwhile, so the resourceVersion moves; what the
        // user owns does not.
        const again = await get('deployment', 'nginx-deployment');
        assert.deepEqual(again.spec, d.spec);
        assert.equal(again.metadata.generation, d.metadata.generation);
        assert.equal(again.metadata.annotations[LAST_APPLIED], d.metadata.annotations[LAST_APPLIED]);
      });

      it('a changed image in the file changes only the image', async () => {
        const before = await get('deployment', 'nginx-deployment');
        const file = write('nginx-deployment.yaml', seedText('nginx-deployment.yaml').replace('nginx:1.7.9', 'nginx:1.9.1'));
        assert.equal((await ok(['apply', '-f', file])).stdout.trim(), 'deployment.apps/nginx-deployment configured');
        const afterApply = await get('deployment', 'nginx-deployment');
        assert.equal(afterApply.spec.template.spec.containers[0].image, 'nginx:1.9.1');
        before.spec.template.spec.containers[0].image = 'nginx:1.9.1';
        assert.deepEqual(afterApply.spec, before.spec);
        assert.deepEqual(afterApply.metadata.labels, before.metadata.labels);
        assert.equal(afterApply.metadata.uid, before.metadata.uid);
        assert.equal(afterApply.metadata.generation, before.metadata.generation + 1);
        assert.equal(JSON.parse(afterApply.metadata.annotations[LAST_APPLIED]).spec.template.spec.containers[0].image, 'nginx:1.9.1');
      });

      it('replicas set by kubectl scale and a label added by kubectl label survive a re-apply', async () => {
        await ok(['apply', '-f', write('web.yaml', deployment('web', 'nginx:1.25'))]);
        assert.equal((await get('deployment', 'web')).spec.replicas, 1);
        await ok(['scale', 'deployment', 'web', '--replicas=4']);
        await ok(['label', 'deployment', 'web', 'team=blue']);
        await ok(['apply', '-f', write('web.yaml', deployment('web', 'nginx:1.26'))]);
        const d = await get('deployment', 'web');
        assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.26');
        assert.equal(d.spec.replicas, 4);
        assert.equal(d.metadata.labels.team, 'blue');
        assert.equal(d.metadata.labels.app, 'web');
      });

      it('an env entry or a container port removed from the file is removed from the object', async () => {
        await ok(['apply', '-f', write('envy.yaml', deployment('envy', 'busybox', { env: ['A', 'B', 'C'], ports: [80, 81] }))]);
        let c0 = (await get('deployment', 'envy')).spec.template.spec.containers[0];
        assert.deepEqual(c0.env.map((e: { name: string }) => e.name), ['A', 'B', 'C']);
        await ok(['apply', '-f', write('envy.yaml', deployment('envy', 'busybox', { env: ['A', 'C'], ports: [80] }))]);
        c0 = (await get('deployment', 'envy')).spec.template.spec.containers[0];
        assert.deepEqual(c0.env, [
          { name: 'A', value: 'a' },
          { name: 'C', value: 'c' },
        ]);
        assert.deepEqual(c0.ports, [{ containerPort: 80, protocol: 'TCP' }]);
      });

      it('apply -f dir/ applies the directory, -R its subdirectories too', async () => {
        write('tree/one.yaml', deployment('tree-one', 'busybox'));
        write('tree/two.yaml', seedText('configmap-secret.yaml'));
        write('tree/nested/three.yaml', deployment('tree-three', 'busybox'));
        const flat = await ok(['apply', '-f', join(dir, 'tree')]);
        assert.match(flat.stdout, /deployment\.apps\/tree-one created/);
        assert.match(flat.stdout, /configmap\/app-config created/);
        assert.match(flat.stdout, /secret\/db-secret created/);
        assert.notEqual((await run(['get', 'deployment', 'tree-three'])).code, 0);
        const deep = await ok(['apply', '-R', '-f', join(dir, 'tree')]);
        assert.match(deep.stdout, /deployment\.apps\/tree-three created/);
        assert.match(deep.stdout, /deployment\.apps\/tree-one unchanged/);
        assert.match(deep.stdout, /configmap\/app-config unchanged/);
        assert.equal((await get('deployment', 'tree-three')).metadata.name, 'tree-three');
      });

      it('re-applying a Service keeps its allocated cluster IP', async () => {
        await ok(['apply', '-f', seed('sampleservice.yaml')]);
        const before = await get('service', 'wordpress');
        assert.match(before.spec.clusterIP, /^10\./);
        const file = write('svc.yaml', seedText('sampleservice.yaml').replace('tier: frontend', 'tier: web'));
        assert.equal((await ok(['apply', '-f', file])).stdout.trim(), 'service/wordpress configured');
        const afterApply = await get('service', 'wordpress');
        assert.equal(afterApply.spec.selector.tier, 'web');
        assert.equal(afterApply.spec.clusterIP, before.spec.clusterIP);
        assert.deepEqual(afterApply.spec.clusterIPs, before.spec.clusterIPs);
      });

      it('an unknown field fails create and apply with the strict decoding error', async () => {
        const text = deployment('strict', 'busybox').replace('spec:\n  selector:', 'spec:\n  foo: bar\n  selector:');
        const file = write('strict.yaml', text);
        const created = await run(['create', '-f', file]);
        assert.notEqual(created.code, 0);
        assert.equal(
          created.stderr.trim(),
          `Error from server (BadRequest): error when creating "${file}": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"`,
        );
        const applied = await run(['apply', '-f', file]);
        assert.notEqual(applied.code, 0);
        assert.equal(
          applied.stderr.trim(),
          `Error from server (BadRequest): error when creating "${file}": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"`,
        );
        assert.notEqual((await run(['get', 'deployment', 'strict'])).code, 0);
        // On an existing object apply patches; upstream rejects the patch as invalid and
        // kubectl prints the patch as the server saw it.
        await ok(['apply', '-f', write('strict.yaml', deployment('strict', 'busybox'))]);
        const before = await get('deployment', 'strict');
        const patched = await run(['apply', '-f', write('strict.yaml', text.replace('image: busybox', 'image: busybox:1.36'))]);
        assert.notEqual(patched.code, 0);
        assert.match(patched.stderr, /^The request is invalid: patch: Invalid value: "map\[metadata:map\[annotations:map\[kubectl\.kubernetes\.io\/last-applied-configuration:\{.*\]\] spec:map\[foo:bar template:map\[spec:map\[\$setElementOrder\/containers:\[map\[name:main\]\] containers:\[map\[image:busybox:1\.36 name:main\]\]\]\]\]\]": strict decoding error: unknown field "spec\.foo"$/m);
        const unchanged = await get('deployment', 'strict');
        assertUntouched(unchanged, before);
      });

      it('--validate=warn applies and prints the warning; --validate=false applies silently', async () => {
        const text = deployment('lenient', 'busybox').replace('spec:\n  selector:', 'spec:\n  foo: bar\n  selector:');
        const created = await ok(['apply', '--validate=warn', '-f', write('lenient.yaml', text)]);
        assert.match(created.stderr, /^Warning: unknown field "spec\.foo"$/m);
        assert.equal(created.stdout.trim(), 'deployment.apps/lenient created');
        const d = await get('deployment', 'lenient');
        assert.equal(d.spec.foo, undefined);
        const patched = await ok(['apply', '--validate=warn', '-f', write('lenient.yaml', text.replace('image: busybox', 'image: busybox:1.36'))]);
        assert.match(patched.stderr, /^Warning: unknown field "spec\.foo"$/m);
        assert.equal((await get('deployment', 'lenient')).spec.template.spec.containers[0].image, 'busybox:1.36');
        const silent = await ok(['apply', '--validate=false', '-f', write('lenient.yaml', text.replace('image: busybox', 'image: busybox:1.37'))]);
        assert.equal(silent.stderr, '');
        assert.equal((await get('deployment', 'lenient')).spec.template.spec.containers[0].image, 'busybox:1.37');
      });

      it('apply --dry-run=server stores nothing', async () => {
        const fresh = await ok(['apply', '--dry-run=server', '-f', write('dry.yaml', deployment('dry', 'busybox'))]);
        assert.equal(fresh.stdout.trim(), 'deployment.apps/dry created (server dry run)');
        assert.notEqual((await run(['get', 'deployment', 'dry'])).code, 0);
        const before = await get('deployment', 'web');
        const changed = await ok(['apply', '--dry-run=server', '-f', write('web-dry.yaml', deployment('web', 'nginx:9.9'))]);
        assert.equal(changed.stdout.trim(), 'deployment.apps/web configured (server dry run)');
        const afterDry = await get('deployment', 'web');
        assertUntouched(afterDry, before);
        assert.equal(afterDry.spec.template.spec.containers[0].image, 'nginx:1.26');
      });

      it('kubectl diff shows a unified diff and exits 1 when different, 0 when not, storing nothing', async () => {
        const before = await get('deployment', 'web');
        const same = await run(['diff', '-f', join(dir, 'web.yaml')]);
        assert.equal(same.code, 0, same.stderr);
        assert.equal(same.stdout, '');
        const different = await run(['diff', '-f', write('web-diff.yaml', deployment('web', 'nginx:2.0'))]);
        assert.equal(different.code, 1, different.stderr);
        assert.match(different.stdout, /^--- .*apps\.v1\.Deployment\..*\.web/m);
        assert.match(different.stdout, /^\+\+\+ .*apps\.v1\.Deployment\..*\.web/m);
        assert.match(different.stdout, /^-\s+(- )?image: nginx:1\.26$/m);
        assert.match(different.stdout, /^\+\s+(- )?image: nginx:2\.0$/m);
        const afterDiff = await get('deployment', 'web');
        assertUntouched(afterDiff, before);
        assert.equal(afterDiff.spec.template.spec.containers[0].image, 'nginx:1.26');
      });

      it('apply retries after a 409 Conflict and succeeds', async () => {
        await ok(['apply', '-f', write('conflict.yaml', deployment('conflict-once-web', 'busybox'))]);
        assert.equal(injected.has(`${ns}/conflict-once-web`), false);
        const r = await ok(['apply', '-f', write('conflict.yaml', deployment('conflict-once-web', 'busybox:1.36'))]);
        assert.equal(injected.has(`${ns}/conflict-once-web`), true, 'the first patch was answered with 409');
        assert.equal(r.stdout.trim(), 'deployment.apps/conflict-once-web configured');
        assert.equal((await get('deployment', 'conflict-once-web')).spec.template.spec.containers[0].image, 'busybox:1.36');
      });

      it('apply while other clients patch the same object keeps every change', async () => {
        await ok(['apply', '-f', write('busy.yaml', deployment('busy', 'busybox'))]);
        const annotate = [1, 2, 3, 4].map((i) => ok(['annotate', 'deployment', 'busy', `note-${i}=x`]));
        const apply = ok(['apply', '-f', write('busy.yaml', deployment('busy', 'busybox:1.36', { env: ['X'] }))]);
        const scale = ok(['scale', 'deployment', 'busy', '--replicas=2']);
        await Promise.all([...annotate, apply, scale]);
        const d = await get('deployment', 'busy');
        assert.equal(d.spec.template.spec.containers[0].image, 'busybox:1.36');
        assert.deepEqual(d.spec.template.spec.containers[0].env, [{ name: 'X', value: 'x' }]);
        assert.equal(d.spec.replicas, 2);
        for (const i of [1, 2, 3, 4]) assert.equal(d.metadata.annotations[`note-${i}`], 'x');
      });
    });
  }
});

describe('strict decoding of request bodies (any client)', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(() => c?.stop());
  const cms = '/api/v1/namespaces/default/configmaps';
  const dupBody = (name: string) => `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}"},"data":{"a":"1","a":"2"}}`;

  it('Strict rejects a JSON body with a repeated key, naming its path', async () => {
    const r = await c.http('POST', `${cms}?fieldValidation=Strict`, dupBody('dup-strict'));
    assert.equal(r.status, 400);
    assert.equal(r.json().reason, 'BadRequest');
    assert.equal(r.json().message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "data.a"');
    assert.equal((await c.http('GET', `${cms}/dup-strict`)).status, 404);
  });

  it('Warn stores the last value and warns; Ignore stores it silently', async () => {
    const warned = await c.http('POST', `${cms}?fieldValidation=Warn`, dupBody('dup-warn'));
    assert.equal(warned.status, 201);
    assert.equal(warned.headers['warning'], '299 - "duplicate field \\"data.a\\""');
    assert.equal(warned.json().data.a, '2');
    const ignored = await c.http('POST', `${cms}?fieldValidation=Ignore`, dupBody('dup-ignore'));
    assert.equal(ignored.status, 201);
    assert.equal(ignored.headers['warning'], undefined);
    // Without the parameter the server warns, as upstream's default.
    const byDefault = await c.http('POST', cms, dupBody('dup-default'));
    assert.equal(byDefault.status, 201);
    assert.match(String(byDefault.headers['warning']), /duplicate field/);
  });

  it('unknown and repeated fields are reported together', async () => {
    const body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"both","name":"both"},"bogus":1}';
    const r = await c.http('POST', `${cms}?fieldValidation=Strict`, body);
    assert.equal(r.status, 400);
    assert.equal(r.json().message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus", duplicate field "metadata.name"');
  });

  it('a YAML body with a repeated key gets the strict YAML converter error', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup-yaml\ndata:\n  a: "1"\n  a: "2"\n';
    const r = await c.http('POST', `${cms}?fieldValidation=Strict`, yaml, { 'Content-Type': 'application/yaml' });
    assert.equal(r.status, 400);
    assert.equal(
      r.json().message,
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: error converting YAML to JSON: yaml: unmarshal errors:\n  line 7: key "a" already set in map',
    );
    const warned = await c.http('POST', `${cms}?fieldValidation=Warn`, yaml, { 'Content-Type': 'application/yaml' });
    assert.equal(warned.status, 201);
    assert.equal(warned.headers['warning'], '299 - "error converting YAML to JSON: yaml: unmarshal errors:   line 7: key \\"a\\" already set in map"');
  });

  it('PUT is checked like create', async () => {
    const current = (await c.http('GET', `${cms}/dup-warn`)).json();
    const body = JSON.stringify(current).replace('"data":{', '"data":{"b":"1","b":"2",');
    const r = await c.http('PUT', `${cms}/dup-warn?fieldValidation=Strict`, body);
    assert.equal(r.status, 400);
    assert.match(r.json().message, /strict decoding error: duplicate field "data\.b"$/);
  });

  it('patches: repeats in the patch and unknown fields of the result are rejected as an invalid patch', async () => {
    const smp = await c.http('PATCH', `${cms}/dup-warn?fieldValidation=Strict`, '{"metadata":{"labels":{"x":"1","x":"2"}},"bogus":true}', {
      'Content-Type': 'application/strategic-merge-patch+json',
    });
    assert.equal(smp.status, 422);
    const s = smp.json();
    assert.equal(s.reason, 'Invalid');
    assert.equal(s.message, ' "" is invalid: patch: Invalid value: "map[bogus:true metadata:map[labels:map[x:2]]]": strict decoding error: duplicate field "metadata.labels.x", unknown field "bogus"');
    assert.deepEqual(s.details, {
      causes: [{ reason: 'FieldValueInvalid', field: 'patch', message: 'Invalid value: "map[bogus:true metadata:map[labels:map[x:2]]]": strict decoding error: duplicate field "metadata.labels.x", unknown field "bogus"' }],
    });

    const merge = await c.http('PATCH', `${cms}/dup-warn?fieldValidation=Strict`, '{"bogus":1}', { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(merge.status, 422);
    assert.match(merge.json().details.causes[0].message, /^Invalid value: "\{.*\\"bogus\\":1.*\}": strict decoding error: unknown field "bogus"$/);

    const jsonPatch = await c.http('PATCH', `${cms}/dup-warn?fieldValidation=Strict`, '[{"op":"add","path":"/data/c","value":"3","extra":1}]', { 'Content-Type': 'application/json-patch+json' });
    assert.equal(jsonPatch.status, 422);
    assert.match(jsonPatch.json().details.causes[0].message, /strict decoding error: json patch unknown field "\[0\]\.extra"$/);

    const warned = await c.http('PATCH', `${cms}/dup-warn?fieldValidation=Warn`, '{"metadata":{"labels":{"x":"1","x":"2"}},"bogus":true}', {
      'Content-Type': 'application/strategic-merge-patch+json',
    });
    assert.equal(warned.status, 200);
    assert.deepEqual(warned.headers['warning'], '299 - "duplicate field \\"metadata.labels.x\\"", 299 - "unknown field \\"bogus\\""');
    assert.equal(warned.json().metadata.labels.x, '2');
    assert.equal(warned.json().bogus, undefined);
  });
});
