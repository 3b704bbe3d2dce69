// CustomResourceDefinitions with the real kubectl: the CRDs of Gateway API, cert-manager and
// prometheus-operator (../shared/crds, used in place) apply unchanged and become Established;
// objects of each are created, listed with their printer columns, explained, refused when
// invalid with the schema's and the CEL rules' messages, and applied server-side; a CRD with
// status and scale subresources is scaled; bad CRDs are refused with upstream's errors; a
// deleted CRD takes its objects with it.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
// ../shared from the project root; a worktree under /work/wt/ finds the same folder one level further up.
const SHARED_CRDS = [join(REPO, '../shared/crds'), join(REPO, '../../shared/crds')].find((d) => existsSync(d)) ?? join(REPO, '../shared/crds');

const GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: web
  namespace: default
spec:
  gatewayClassName: k8ts
  listeners:
  - name: http
    protocol: HTTP
    port: 80
`;

const HTTPROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: shop
  namespace: default
spec:
  parentRefs:
  - name: web
  hostnames: ["shop.example.com"]
  rules:
  - matches:
    - path:
        type: PathPrefix
        value: /cart
    backendRefs:
    - name: cart
      port: 8080
`;

const CERTIFICATE = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: site
  namespace: default
spec:
  secretName: site-tls
  dnsNames: ["example.com"]
  issuerRef:
    name: letsencrypt
    kind: ClusterIssuer
`;

const SERVICE_MONITOR = `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: api
  namespace: default
spec:
  selector:
    matchLabels:
      app: api
  endpoints:
  - port: metrics
    interval: 30s
`;

const POD_MONITOR = `apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata:
  name: pods
  namespace: default
spec:
  selector:
    matchLabels:
      app: api
  podMetricsEndpoints:
  - port: metrics
`;

const WIDGETS = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names:
    kind: Widget
    plural: widgets
    shortNames: [wd]
    categories: [all]
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
        labelSelectorPath: .status.selector
    additionalPrinterColumns:
    - name: Replicas
      type: integer
      jsonPath: .spec.replicas
    - name: Color
      type: string
      jsonPath: .spec.color
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [color]
            x-kubernetes-validations:
            - rule: self.replicas <= self.maxReplicas
              message: replicas must not exceed maxReplicas
            - rule: "!has(oldSelf.color) || self.color == oldSelf.color || self.color != 'black'"
              message: a widget cannot turn black
            properties:
              replicas:
                type: integer
                minimum: 0
                default: 1
              maxReplicas:
                type: integer
                default: 10
              color:
                type: string
                enum: [red, green, blue, black]
              size:
                x-kubernetes-int-or-string: true
              ports:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string}
                    port: {type: integer}
          status:
            type: object
            properties:
              replicas: {type: integer}
              selector: {type: string}
  - name: v1beta1
    served: true
    storage: false
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
`;

function widget(name: string, spec: string): string {
  return `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: ${name}\n  namespace: default\nspec:\n${spec}`;
}

describe('CustomResourceDefinitions', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(() => c?.stop());

  it('applies every CRD in ../shared/crds unchanged, and each becomes Established', async () => {
    assert.ok(existsSync(SHARED_CRDS), SHARED_CRDS);
    const files = readdirSync(SHARED_CRDS).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.length >= 10);
    for (const f of files) {
      const r = await c.kubectl(['apply', '--server-side', '-f', join(SHARED_CRDS, f)]);
      assert.equal(r.code, 0, `${f}: ${r.stderr}`);
    }
    const names = ['gateways.gateway.networking.k8s.io', 'httproutes.gateway.networking.k8s.io', 'certificates.cert-manager.io', 'servicemonitors.monitoring.coreos.com', 'podmonitors.monitoring.coreos.com'];
    const r = await c.kubectl(['wait', '--for', 'condition=Established', '--timeout=20s', ...names.map((n) => `crd/${n}`)]);
    assert.equal(r.code, 0, r.stderr);
    const crd = JSON.parse((await c.kubectl(['get', 'crd', 'gateways.gateway.networking.k8s.io', '-o', 'json'])).stdout);
    const cond = (t: string) => crd.status.conditions.find((x: { type: string }) => x.type === t);
    assert.equal(cond('NamesAccepted').status, 'True');
    assert.equal(cond('NamesAccepted').reason, 'NoConflicts');
    assert.equal(cond('Established').reason, 'InitialNamesAccepted');
    assert.equal(cond('KubernetesAPIApprovalPolicyConformant').status, 'True');
    assert.deepEqual(crd.status.storedVersions, ['v1']);
    assert.equal(crd.status.acceptedNames.kind, 'Gateway');
  });

  it('creates, lists (with printer columns and short names) and explains objects of each', async () => {
    for (const [doc, what] of [[GATEWAY, 'gateway'], [HTTPROUTE, 'httproute'], [CERTIFICATE, 'certificate'], [SERVICE_MONITOR, 'servicemonitor'], [POD_MONITOR, 'podmonitor']] as const) {
      const r = await c.kubectl(['apply', '-f', '-'], { input: doc });
      assert.equal(r.code, 0, `${what}: ${r.stderr}`);
    }
    const gtw = await c.kubectl(['get', 'gtw', '-n', 'default']);
    assert.equal(gtw.code, 0, gtw.stderr);
    assert.match(gtw.stdout, /^NAME\s+CLASS\s+ADDRESS\s+PROGRAMMED\s+AGE\n/);
    assert.match(gtw.stdout, /\nweb\s+k8ts\s+/);
    const routes = await c.kubectl(['get', 'httproutes', '-n', 'default']);
    assert.match(routes.stdout, /^NAME\s+HOSTNAMES\s+AGE\n/);
    assert.match(routes.stdout, /\nshop\s+\["shop\.example\.com"\]\s+/);
    const certs = await c.kubectl(['get', 'certificates', '-n', 'default']);
    assert.match(certs.stdout, /^NAME\s+READY\s+SECRET\s+AGE\n/);
    assert.match(certs.stdout, /\nsite\s+site-tls\s+/);
    const sm = await c.kubectl(['get', 'servicemonitors', '-n', 'default', '-o', 'name']);
    assert.equal(sm.stdout.trim(), 'servicemonitor.monitoring.coreos.com/api');
    // Defaults and pruning happened server-side: unknown fields never stored.
    const got = JSON.parse((await c.kubectl(['get', 'gateway', 'web', '-n', 'default', '-o', 'json'])).stdout);
    assert.equal(got.apiVersion, 'gateway.networking.k8s.io/v1');
    assert.equal(got.spec.listeners[0].allowedRoutes.namespaces.from, 'Same', 'the schema default is applied');
    const v1beta1 = JSON.parse((await c.kubectl(['get', 'gateways.v1beta1.gateway.networking.k8s.io', 'web', '-n', 'default', '-o', 'json'])).stdout);
    assert.equal(v1beta1.apiVersion, 'gateway.networking.k8s.io/v1beta1', 'conversion None rewrites apiVersion');

    const explain = await c.kubectl(['explain', 'certificate.spec']);
    assert.equal(explain.code, 0, explain.stderr);
    assert.match(explain.stdout, /GROUP:\s+cert-manager\.io/);
    assert.match(explain.stdout, /KIND:\s+Certificate/);
    assert.match(explain.stdout, /secretName\s+<string> -required-/);
    const explainRoute = await c.kubectl(['explain', 'httproute.spec.rules.matches.path.type']);
    assert.equal(explainRoute.code, 0, explainRoute.stderr);
    assert.match(explainRoute.stdout, /PathPrefix/);
  });

  it('refuses invalid objects with the schema\'s message and enforces the Gateway API CEL rules', async () => {
    const badType = await c.kubectl(['apply', '-f', '-'], { input: GATEWAY.replace('port: 80', 'port: "eighty"').replace('name: web', 'name: bad') });
    assert.notEqual(badType.code, 0);
    assert.match(badType.stderr, /spec\.listeners\[0\]\.port: Invalid value: "string": spec\.listeners\[0\]\.port in body must be of type integer: "string"/);
    const badEnum = await c.kubectl(['apply', '-f', '-'], { input: CERTIFICATE.replace('kind: ClusterIssuer', 'kind: ClusterIssuer\n  privateKey:\n    algorithm: DSA').replace('name: site', 'name: bad') });
    assert.notEqual(badEnum.code, 0);
    assert.match(badEnum.stderr, /spec\.privateKey\.algorithm: Unsupported value: "DSA": supported values: "RSA", "ECDSA", "Ed25519"/);
    const required = await c.kubectl(['apply', '-f', '-'], { input: CERTIFICATE.replace('  secretName: site-tls\n', '').replace('name: site', 'name: bad') });
    assert.match(required.stderr, /spec\.secretName: Required value/);
    // Gateway API: listener names are unique (a CEL rule on spec.listeners).
    const dup = GATEWAY.replace('name: web', 'name: dup') + '  - name: http\n    protocol: HTTP\n    port: 8080\n';
    const cel = await c.kubectl(['apply', '-f', '-'], { input: dup });
    assert.notEqual(cel.code, 0);
    assert.match(cel.stderr, /spec\.listeners: Invalid value: "array": Listener name must be unique within the Gateway/);
    // HTTPRoute: a path value must start with '/' (CEL on the match's path).
    const path = await c.kubectl(['apply', '-f', '-'], { input: HTTPROUTE.replace('value: /cart', 'value: cart').replace('name: shop', 'name: badpath') });
    assert.notEqual(path.code, 0);
    assert.match(path.stderr, /value must be an absolute path and start with '\/' when type one of \['Exact', 'PathPrefix'\]/);
    const strict = await c.kubectl(['apply', '--validate=strict', '-f', '-'], { input: SERVICE_MONITOR.replace('interval: 30s', 'interval: 30s\n    bogus: 1').replace('name: api', 'name: strict') });
    assert.notEqual(strict.code, 0);
    assert.match(strict.stderr, /unknown field "spec\.endpoints\[0\]\.bogus"/);
  });

  it('patches custom resources with server-side apply (list map keys), merge and JSON patch; strategic merge is refused', async () => {
    const applied = await c.kubectl(['apply', '--server-side', '--field-manager=ops', '-f', '-'], { input: HTTPROUTE.replace('name: shop', 'name: ssa') });
    assert.equal(applied.code, 0, applied.stderr);
    const other = `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: ssa\n  namespace: default\nspec:\n  hostnames: ["other.example.com"]\n`;
    const conflict = await c.kubectl(['apply', '--server-side', '--field-manager=team', '-f', '-'], { input: other });
    assert.notEqual(conflict.code, 0);
    assert.match(conflict.stderr, /conflict with "ops"/);
    const forced = await c.kubectl(['apply', '--server-side', '--field-manager=team', '--force-conflicts', '-f', '-'], { input: other });
    assert.equal(forced.code, 0, forced.stderr);
    const route = JSON.parse((await c.kubectl(['get', 'httproute', 'ssa', '-n', 'default', '-o', 'json', '--show-managed-fields'])).stdout);
    assert.deepEqual(route.spec.hostnames, ['other.example.com']);
    assert.equal(route.spec.rules.length, 1, 'fields of the other manager stay');
    assert.ok(route.metadata.managedFields.some((m: { manager: string; operation: string }) => m.manager === 'team' && m.operation === 'Apply'));

    const merge = await c.kubectl(['patch', 'httproute', 'ssa', '-n', 'default', '--type=merge', '-p', '{"spec":{"hostnames":["m.example.com"]}}']);
    assert.equal(merge.code, 0, merge.stderr);
    const json = await c.kubectl(['patch', 'httproute', 'ssa', '-n', 'default', '--type=json', '-p', '[{"op":"add","path":"/spec/hostnames/-","value":"j.example.com"}]']);
    assert.equal(json.code, 0, json.stderr);
    const smp = await c.kubectl(['patch', 'httproute', 'ssa', '-n', 'default', '-p', '{"spec":{"hostnames":["s.example.com"]}}']);
    assert.notEqual(smp.code, 0);
    assert.match(smp.stderr, /the body of the request was in an unknown format - accepted media types include: application\/json-patch\+json, application\/merge-patch\+json, application\/apply-patch\+yaml/);
  });

  it('serves a CRD with status and scale subresources, defaults, transition rules, categories and kubectl scale', async () => {
    const r = await c.kubectl(['apply', '-f', '-'], { input: WIDGETS });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await c.kubectl(['wait', '--for', 'condition=Established', '--timeout=20s', 'crd/widgets.example.com'])).code, 0);
    const created = await c.kubectl(['apply', '-f', '-'], { input: widget('w1', '  color: red\n') });
    assert.equal(created.code, 0, created.stderr);
    const w = JSON.parse((await c.kubectl(['get', 'wd', 'w1', '-n', 'default', '-o', 'json'])).stdout);
    assert.equal(w.spec.replicas, 1);
    assert.equal(w.spec.maxReplicas, 10);
    assert.equal(w.metadata.generation, 1);

    const tooMany = await c.kubectl(['apply', '-f', '-'], { input: widget('w2', '  color: red\n  replicas: 20\n') });
    assert.match(tooMany.stderr, /spec: Invalid value: "object": replicas must not exceed maxReplicas/);
    const negative = await c.kubectl(['apply', '-f', '-'], { input: widget('w3', '  color: red\n  replicas: -1\n') });
    assert.match(negative.stderr, /spec\.replicas: Invalid value: -1: spec\.replicas in body should be greater than or equal to 0/);
    // A transition rule sees the stored object: red may not turn black, but a new widget may be black.
    const black = await c.kubectl(['patch', 'widget', 'w1', '-n', 'default', '--type=merge', '-p', '{"spec":{"color":"black"}}']);
    assert.match(black.stderr, /a widget cannot turn black/);
    assert.equal((await c.kubectl(['apply', '-f', '-'], { input: widget('w4', '  color: black\n  size: 3\n') })).code, 0);
    assert.equal((await c.kubectl(['apply', '-f', '-'], { input: widget('w5', '  color: blue\n  size: large\n') })).code, 0, 'int-or-string takes a string');

    const scaled = await c.kubectl(['scale', 'widget', 'w1', '-n', 'default', '--replicas=3']);
    assert.equal(scaled.code, 0, scaled.stderr);
    const scale = (await c.http('GET', '/apis/example.com/v1/namespaces/default/widgets/w1/scale')).json();
    assert.equal(scale.kind, 'Scale');
    assert.equal(scale.spec.replicas, 3);
    const status = await c.http('PATCH', '/apis/example.com/v1/namespaces/default/widgets/w1/status', { status: { replicas: 3, selector: 'app=w1' }, spec: { replicas: 9 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(status.status, 200, status.body);
    assert.equal(status.json().spec.replicas, 3, 'the status subresource does not write spec');
    const scale2 = (await c.http('GET', '/apis/example.com/v1/namespaces/default/widgets/w1/scale')).json();
    assert.deepEqual(scale2.status, { replicas: 3, selector: 'app=w1' });

    const table = await c.kubectl(['get', 'widgets', '-n', 'default']);
    assert.match(table.stdout, /^NAME\s+REPLICAS\s+COLOR\n/);
    assert.match(table.stdout, /\nw1\s+3\s+red\n/);
    const all = await c.kubectl(['get', 'all', '-n', 'default']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /widget\.example\.com\/w1/);
    const bySelector = await c.kubectl(['get', 'widgets', '-n', 'default', '--field-selector', 'metadata.name=w4', '-o', 'name']);
    assert.equal(bySelector.stdout.trim(), 'widget.example.com/w4');
    const beta = (await c.http('GET', '/apis/example.com/v1beta1/namespaces/default/widgets/w1')).json();
    assert.equal(beta.apiVersion, 'example.com/v1beta1');
    // Both versions are in discovery, the storage version preferred.
    const group = (await c.http('GET', '/apis/example.com')).json();
    assert.equal(group.preferredVersion.version, 'v1');
  });

  it('refuses a non-structural schema and a CEL rule that does not compile, with upstream\'s errors', async () => {
    const nonStructural = WIDGETS.replace('widgets.example.com', 'gadgets.example.com').replace('kind: Widget', 'kind: Gadget').replace('plural: widgets', 'plural: gadgets').replace('shortNames: [wd]', 'shortNames: [gd]')
      .replace('              maxReplicas:\n                type: integer\n', '              maxReplicas:\n');
    const r = await c.kubectl(['apply', '-f', '-'], { input: nonStructural });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec\.versions\[0\]\.schema\.openAPIV3Schema\.properties\[spec\]\.properties\[maxReplicas\]\.type: Required value: must not be empty for specified object fields/);
    const badRule = WIDGETS.replace('widgets.example.com', 'gizmos.example.com').replace('kind: Widget', 'kind: Gizmo').replace('plural: widgets', 'plural: gizmos').replace('shortNames: [wd]', 'shortNames: [gz]')
      .replace('rule: self.replicas <= self.maxReplicas', 'rule: self.replicas <= <');
    const b = await c.kubectl(['apply', '-f', '-'], { input: badRule });
    assert.notEqual(b.code, 0);
    assert.match(b.stderr, /spec\.versions\[0\]\.schema\.openAPIV3Schema\.properties\[spec\]\.x-kubernetes-validations\[0\]\.rule: Invalid value: apiextensions\.ValidationRule\{Rule:"self\.replicas <= <", Message:"replicas must not exceed maxReplicas"/);
    assert.match(b.stderr, /compilation failed: ERROR: <input>:1:/);
    const undef = badRule.replace('rule: self.replicas <= <', 'rule: self.nonExistingField > 0');
    const u = await c.kubectl(['apply', '-f', '-'], { input: undef });
    assert.match(u.stderr, /undefined field 'nonExistingField'/);
    const noSchema = `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\nspec:\n  group: example.com\n  names: {kind: Thing, plural: things}\n  scope: Namespaced\n  versions:\n  - {name: v1, served: true, storage: false}\n`;
    const n = await c.kubectl(['apply', '-f', '-'], { input: noSchema });
    assert.match(n.stderr, /spec\.versions\[0\]\.schema\.openAPIV3Schema: Required value: schemas are required/);
    assert.match(n.stderr, /must have exactly one version marked as storage version/);
  });

  it('reports a name conflict in NamesAccepted and does not serve the loser', async () => {
    const clash = `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: sprockets.example.com\nspec:\n  group: example.com\n  names: {kind: Sprocket, plural: sprockets, shortNames: [wd]}\n  scope: Cluster\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema: {openAPIV3Schema: {type: object}}\n`;
    assert.equal((await c.kubectl(['apply', '-f', '-'], { input: clash })).code, 0);
    const crd = await eventually(async () => {
      const o = JSON.parse((await c.kubectl(['get', 'crd', 'sprockets.example.com', '-o', 'json'])).stdout);
      return o.status?.conditions?.some((x: { type: string }) => x.type === 'NamesAccepted') ? o : undefined;
    });
    const names = crd.status.conditions.find((x: { type: string }) => x.type === 'NamesAccepted');
    assert.equal(names.status, 'False');
    assert.equal(names.reason, 'ShortNamesConflict');
    assert.equal(names.message, '"wd" is already in use');
    assert.equal((await c.http('GET', '/apis/example.com/v1/sprockets')).status, 404);
  });

  it('deletes a CRD\'s objects with it, then stops serving the resource', async () => {
    const before = (await c.http('GET', '/apis/example.com/v1/namespaces/default/widgets')).json();
    assert.ok(before.items.length >= 3);
    const r = await c.kubectl(['delete', 'crd', 'widgets.example.com', '--timeout=30s']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await c.http('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com')).status, 404);
    assert.equal((await c.http('GET', '/apis/example.com/v1/namespaces/default/widgets')).status, 404);
    // Recreated, it starts empty: the objects were deleted, not orphaned in storage.
    assert.equal((await c.kubectl(['apply', '-f', '-'], { input: WIDGETS })).code, 0);
    await c.kubectl(['wait', '--for', 'condition=Established', '--timeout=20s', 'crd/widgets.example.com']);
    const after = await eventually(async () => {
      const res = await c.http('GET', '/apis/example.com/v1/namespaces/default/widgets');
      return res.status === 200 ? res.json() : undefined;
    });
    assert.deepEqual(after.items, []);
  });
});
