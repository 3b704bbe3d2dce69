// The real kubectl (1.32, and 1.27 and 1.33 beside it) reading our OpenAPI documents: explain
// (v3, and v2 protobuf with --output=plaintext-openapiv2), server-side strict field validation
// found through the fieldValidation parameter of each kind's PATCH operation, and apply when
// /openapi/v3 is unavailable so kubectl must fall back to the protobuf v2 document.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fieldSchema, lookupDefinition, ref } from '../../api/schema/dsl.js';
import '../../api/scheme/all.js';
import { KUBECTL, KUBECTL_VERSIONS, startTestCluster, type KubectlResult, type TestCluster } from '../harness.js';

const VERSIONS = KUBECTL_VERSIONS;

/** Whitespace-insensitive: explain wraps descriptions at 76-78 columns. */
const flat = (s: string) => s.replace(/\s+/g, ' ');

/** A field's description as the schema DSL declares it. */
function fieldDescription(definition: string, field: string): string {
  const d = fieldSchema(ref(definition), field)?.description;
  assert.ok(d, `${definition}.${field} has no description`);
  return d;
}

function definitionDescription(definition: string): string {
  const d = lookupDefinition(definition)?.description;
  assert.ok(d, `${definition} has no description`);
  return d;
}

const UNKNOWN_FIELD_DEPLOYMENT = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  foo: 1
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
`;

const APPLIED_DEPLOYMENT = (name: string, image: string, env: string[]) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: ${image}
        env:
${env.map((e) => `        - {name: ${e}, value: "${e.toLowerCase()}"}`).join('\n')}
`;

const strictMessage = (file: string) =>
  `Error from server (BadRequest): error when creating "${file}": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"`;

/**
 * A plain-HTTP front for the API server that answers 404 for everything under /openapi/v3, as
 * a server without OpenAPI v3 does, and forwards the rest. kubectl must then use /openapi/v2.
 */
async function startV3Blackout(c: TestCluster): Promise<{ kubeconfig: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if ((req.url ?? '').startsWith('/openapi/v3')) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 }));
      return;
    }
    const upstream = httpsRequest(
      // kubectl sends no bearer token over plain HTTP, so the front adds the admin's.
      { host: '127.0.0.1', port: c.cp.port, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${c.cp.port}`, authorization: `Bearer ${c.cp.adminToken}` }, ca: c.cp.caPem, servername: 'localhost' },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const kubeconfig = c.file(
    'kubeconfig-no-v3.yaml',
    `apiVersion: v1
kind: Config
clusters:
- name: no-v3
  cluster: {server: "http://127.0.0.1:${port}"}
users:
- name: admin
  user: {}
contexts:
- name: no-v3
  context: {cluster: no-v3, user: admin, namespace: default}
current-context: no-v3
`,
  );
  return {
    kubeconfig,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('kubectl reads the OpenAPI documents', () => {
  let c: TestCluster;
  let blackout: Awaited<ReturnType<typeof startV3Blackout>>;

  before(async () => {
    c = await startTestCluster();
    blackout = await startV3Blackout(c);
  });
  after(async () => {
    await blackout?.close();
    await c?.stop();
  });

  for (const [version, binary] of VERSIONS) {
    describe(`kubectl ${version}`, () => {
      const run = (args: string[], kubeconfig?: string): Promise<KubectlResult> => c.kubectl(args, { binary, env: kubeconfig ? { KUBECONFIG: kubeconfig } : undefined });
      const ok = async (args: string[], kubeconfig?: string) => {
        const r = await run(args, kubeconfig);
        assert.equal(r.code, 0, `kubectl ${version} ${args.join(' ')} failed: ${r.stderr}`);
        return r.stdout;
      };
      const suffix = version.replace('.', '');

      it('explain pods lists the fields of Pod with types and descriptions', async () => {
        const out = await ok(['explain', 'pods']);
        assert.match(out, /^KIND:\s+Pod\nVERSION:\s+v1\n/);
        assert.ok(flat(out).includes(flat(definitionDescription('io.k8s.api.core.v1.Pod'))), out);
        assert.match(out, /\n {2}spec\t<PodSpec>\n/);
        assert.match(out, /\n {2}metadata\t<ObjectMeta>\n/);
        assert.ok(flat(out).includes(flat(fieldDescription('io.k8s.api.core.v1.Pod', 'spec'))));
        assert.doesNotMatch(out, /<no description>/);
      });

      it('explain pod.spec.containers.ports shows the list item type and its fields', async () => {
        const out = await ok(['explain', 'pod.spec.containers.ports']);
        assert.match(out, /FIELD: ports <\[\]ContainerPort>/);
        assert.ok(flat(out).includes(flat(fieldDescription('io.k8s.api.core.v1.Container', 'ports'))), out);
        assert.match(out, /containerPort\t<integer> -required-/);
        // kubectl 1.27's explain template predates the enum line.
        if (version === '1.27') assert.match(out, /protocol\t<string>\n/);
        else assert.match(out, /protocol\t<string>\n\s+enum: SCTP, TCP, UDP/);
      });

      it('explain deployment.spec.strategy.rollingUpdate names the group and the IntOrString fields', async () => {
        const out = await ok(['explain', 'deployment.spec.strategy.rollingUpdate']);
        assert.match(out, /^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n/);
        assert.match(out, /FIELD: rollingUpdate <RollingUpdateDeployment>/);
        assert.match(out, /maxSurge\t<IntOrString>/);
        assert.ok(flat(out).includes(flat(fieldDescription('io.k8s.api.apps.v1.DeploymentStrategy', 'rollingUpdate'))), out);
      });

      it('explain service.spec.ports.targetPort and configmap.data show scalar and map types', async () => {
        const port = await ok(['explain', 'service.spec.ports.targetPort']);
        assert.match(port, /FIELD: targetPort <IntOrString>/);
        assert.ok(flat(port).includes(flat(fieldDescription('io.k8s.api.core.v1.ServicePort', 'targetPort'))), port);
        const data = await ok(['explain', 'configmap.data']);
        assert.match(data, /FIELD: data <map\[string\]string>/);
        assert.ok(flat(data).includes(flat(fieldDescription('io.k8s.api.core.v1.ConfigMap', 'data'))), data);
      });

      it('explain --recursive prints the nested field tree', async () => {
        const out = await ok(['explain', 'deployment.spec', '--recursive']);
        assert.match(out, /\n {2}template\t<PodTemplateSpec> -required-\n {4}metadata\t<ObjectMeta>\n/);
        assert.match(out, /\n {6}containers\t<\[\]Container> -required-\n/);
      });

      it('explain --output=plaintext-openapiv2 reads the protobuf v2 document', async () => {
        const out = await ok(['explain', 'deployment.spec', '--output=plaintext-openapiv2']);
        assert.match(out, /KIND:\s+Deployment\nVERSION:\s+apps\/v1\n\nRESOURCE: spec <Object>/);
        assert.match(out, /replicas\t<integer>/);
        assert.ok(flat(out).includes(flat(fieldDescription('io.k8s.api.apps.v1.DeploymentSpec', 'replicas'))), out);
      });

      it('create -f and apply -f of an unknown field fail with the server strict-decoding message; --validate=warn warns', async () => {
        const name = `strict-${suffix}`;
        const file = c.file(`${name}.yaml`, UNKNOWN_FIELD_DEPLOYMENT(name));
        for (const verb of ['create', 'apply']) {
          const r = await run([verb, '-f', file]);
          assert.notEqual(r.code, 0, `${verb} succeeded`);
          assert.equal(r.stderr.trim(), strictMessage(file), verb);
        }
        const warned = await run(['apply', '--validate=warn', '-f', file]);
        assert.equal(warned.code, 0, warned.stderr);
        assert.match(warned.stderr, /Warning: unknown field "spec\.foo"/);
        const stored = JSON.parse(await ok(['get', 'deployment', name, '-o', 'json']));
        assert.equal(stored.spec.foo, undefined);
        await ok(['delete', 'deployment', name]);
      });

      it('without /openapi/v3: strict validation is still found (in v2) and apply still merges', async () => {
        const explained = await ok(['explain', 'deployment.spec', '--output=plaintext-openapiv2'], blackout.kubeconfig);
        assert.match(explained, /RESOURCE: spec <Object>/);

        const strictFile = c.file(`strict-nov3-${suffix}.yaml`, UNKNOWN_FIELD_DEPLOYMENT(`strict-nov3-${suffix}`));
        const strict = await run(['create', '-f', strictFile], blackout.kubeconfig);
        assert.notEqual(strict.code, 0);
        assert.equal(strict.stderr.trim(), strictMessage(strictFile));

        const name = `nov3-${suffix}`;
        const file = c.file(`${name}.yaml`, APPLIED_DEPLOYMENT(name, 'nginx:1.25', ['A', 'B']));
        await ok(['apply', '-f', file], blackout.kubeconfig);
        await ok(['scale', 'deployment', name, '--replicas=3'], blackout.kubeconfig);
        writeFileSync(file, APPLIED_DEPLOYMENT(name, 'nginx:1.26', ['A']));
        assert.match(await ok(['apply', '-f', file], blackout.kubeconfig), /configured/);
        const d = JSON.parse(await ok(['get', 'deployment', name, '-o', 'json']));
        assert.equal(d.spec.replicas, 3);
        assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.26');
        assert.deepEqual(d.spec.template.spec.containers[0].env, [{ name: 'A', value: 'a' }]);
        await ok(['delete', 'deployment', name]);
      });
    });
  }
});
