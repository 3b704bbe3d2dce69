// Admission webhooks against an in-process control plane and the test webhook server on this
// host, reached through a Service whose Endpoints name the host (as a pod's would), with the real
// kubectl: configuration validation and printing, mutation, denial, warnings, failurePolicy with
// the webhook down, timeouts, a bad caBundle, and the exemption of the configurations themselves.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestCluster, type TestCluster } from '../harness.js';
import { freePort, serviceYaml, startWebhookServer, type TestWebhookServer } from './serve.js';

let c: TestCluster;
let hooks: TestWebhookServer;
let downPort: number;

async function apply(yaml: string): Promise<void> {
  const r = await c.kubectl(['apply', '-f', c.file(`m-${Math.random().toString(36).slice(2)}.yaml`, yaml)]);
  assert.equal(r.code, 0, r.stderr);
}

/** A webhook on configmaps (and pods) of namespaces labelled test=<ns>, through the `hooks` Service. */
function webhookYaml(kind: 'Mutating' | 'Validating', name: string, ns: string, o: { path: string; service?: string; failurePolicy?: string; timeoutSeconds?: number; caBundle?: string; extra?: string }): string {
  return `apiVersion: admissionregistration.k8s.io/v1
kind: ${kind}WebhookConfiguration
metadata: {name: ${name}}
webhooks:
- name: ${name}
  admissionReviewVersions: [v1]
  sideEffects: None
  failurePolicy: ${o.failurePolicy ?? 'Fail'}
  timeoutSeconds: ${o.timeoutSeconds ?? 10}
  namespaceSelector: {matchLabels: {test: ${ns}}}
  rules: [{operations: [CREATE, UPDATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps, pods]}]
  clientConfig:
    caBundle: ${o.caBundle ?? hooks.caBundle}
    service: {namespace: default, name: ${o.service ?? 'hooks'}, path: ${o.path}}
${o.extra ?? ''}`;
}

async function namespace(name: string): Promise<void> {
  await apply(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}, labels: {test: ${name}}}\n`);
}

function configMap(ns: string, name: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${ns}}\ndata: {a: b}\n`;
}

before(async () => {
  c = await startTestCluster();
  hooks = await startWebhookServer(['hooks.default.svc', 'slow.default.svc'], { SLEEP_MS: '5000' });
  downPort = await freePort();
  await apply(serviceYaml('hooks', hooks.port, hooks.ip) + '---\n' + serviceYaml('down', downPort, hooks.ip));
});

after(async () => {
  await hooks?.stop();
  await c?.stop();
});

describe('admission webhook configurations', () => {
  test('validated as upstream', async () => {
    const bad = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: bad}
webhooks:
- name: short.name
  admissionReviewVersions: [v2]
  timeoutSeconds: 31
  clientConfig: {url: "http://example.com/x"}
- name: both.k8ts.io
  sideEffects: Some
  admissionReviewVersions: [v1]
  clientConfig: {url: "https://example.com/x", service: {namespace: default, name: x}}
`;
    const r = await c.kubectl(['apply', '-f', c.file('bad.yaml', bad)]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /webhooks\[0\]\.name: Invalid value: "short\.name": should be a domain with at least three segments separated by dots/);
    assert.match(r.stderr, /webhooks\[0\]\.sideEffects: Required value: must specify one of None, NoneOnDryRun/);
    assert.match(r.stderr, /webhooks\[0\]\.timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds/);
    assert.match(r.stderr, /webhooks\[0\]\.admissionReviewVersions: Invalid value: \[\]string\{"v2"\}: must include at least one of v1, v1beta1/);
    assert.match(r.stderr, /webhooks\[0\]\.clientConfig\.url: Invalid value: "http": 'https' is the only allowed URL scheme; desired format: https:\/\/host\[\/path\]/);
    assert.match(r.stderr, /webhooks\[1\]\.sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"/);
    assert.match(r.stderr, /webhooks\[1\]\.clientConfig: Required value: exactly one of url or service is required/);
  });

  test('defaulted and printed as upstream', async () => {
    await namespace('print');
    await apply(webhookYaml('Validating', 'print.k8ts.io', 'print', { path: '/validate' }).replace(/  failurePolicy: Fail\n  timeoutSeconds: 10\n/, ''));
    const got = await c.http('GET', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/print.k8ts.io');
    const h = got.json().webhooks[0];
    assert.equal(h.failurePolicy, 'Fail');
    assert.equal(h.matchPolicy, 'Equivalent');
    assert.equal(h.timeoutSeconds, 10);
    assert.deepEqual(h.objectSelector, {});
    assert.equal(h.clientConfig.service.port, 443);
    assert.equal(h.rules[0].scope, '*');
    const r = await c.kubectl(['get', 'validatingwebhookconfigurations']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAME\s+WEBHOOKS\s+AGE\n/);
    assert.match(r.stdout, /\nprint\.k8ts\.io\s+1\s+\d+s\n/);
    await c.kubectl(['delete', 'validatingwebhookconfiguration', 'print.k8ts.io']);
  });
});

describe('admission webhooks', () => {
  test('a mutating webhook injects a label and a sidecar', async () => {
    await namespace('mutate');
    await apply(webhookYaml('Mutating', 'inject.k8ts.io', 'mutate', { path: '/mutate' }));
    await apply(configMap('mutate', 'cm1'));
    const cm = (await c.http('GET', '/api/v1/namespaces/mutate/configmaps/cm1')).json();
    assert.equal(cm.metadata.labels['webhook.k8ts.io/injected'], 'true');
    const r = await c.kubectl(['run', 'app', '-n', 'mutate', '--image=busybox', '--', 'sleep', '10']);
    assert.equal(r.code, 0, r.stderr);
    const pod = (await c.http('GET', '/api/v1/namespaces/mutate/pods/app')).json();
    assert.deepEqual(pod.spec.containers.map((x: { name: string }) => x.name), ['app', 'sidecar']);
    // The injected container was defaulted as the client's are.
    assert.equal(pod.spec.containers[1].terminationMessagePath, '/dev/termination-log');
    assert.equal(pod.metadata.labels['webhook.k8ts.io/injected'], 'true');
    await c.kubectl(['delete', 'mutatingwebhookconfiguration', 'inject.k8ts.io']);
  });

  test('a validating webhook denies a name and its warnings reach kubectl', async () => {
    await namespace('deny');
    await apply(webhookYaml('Validating', 'deny.k8ts.io', 'deny', { path: '/validate' }));
    const denied = await c.kubectl(['create', 'configmap', 'forbidden-name', '-n', 'deny']);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /admission webhook "deny\.k8ts\.io" denied the request: the name forbidden-name is not allowed/);
    const status = await c.http('POST', '/api/v1/namespaces/deny/configmaps', { metadata: { name: 'forbidden-name' } });
    assert.equal(status.status, 403);
    const warned = await c.kubectl(['create', 'configmap', 'warn-me', '-n', 'deny']);
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stderr, /Warning: the name warn-me is discouraged/);
    // A namespace the selector leaves out is not sent to the webhook.
    await apply(`apiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n`);
    assert.equal((await c.kubectl(['create', 'configmap', 'forbidden-name', '-n', 'other'])).code, 0);
    await c.kubectl(['delete', 'validatingwebhookconfiguration', 'deny.k8ts.io']);
  });

  test('webhook down: Ignore lets the request through, Fail refuses with upstream\'s text', async () => {
    await namespace('down');
    await apply(webhookYaml('Validating', 'ignore.k8ts.io', 'down', { path: '/validate', service: 'down', failurePolicy: 'Ignore' }));
    assert.equal((await c.kubectl(['create', 'configmap', 'through', '-n', 'down'])).code, 0);
    await apply(webhookYaml('Validating', 'fail.k8ts.io', 'down', { path: '/validate', service: 'down', failurePolicy: 'Fail' }));
    const r = await c.http('POST', '/api/v1/namespaces/down/configmaps', { metadata: { name: 'refused' } });
    assert.equal(r.status, 500);
    assert.equal(r.json().reason, 'InternalError');
    assert.equal(r.json().message, `Internal error occurred: failed calling webhook "fail.k8ts.io": failed to call webhook: Post "https://down.default.svc:443/validate?timeout=10s": dial tcp ${hooks.ip}:${downPort}: connect: connection refused`);
    await c.kubectl(['delete', 'validatingwebhookconfiguration', 'ignore.k8ts.io', 'fail.k8ts.io']);
  });

  test('a webhook slower than timeoutSeconds fails after that long, not later', async () => {
    await namespace('slow');
    await apply(webhookYaml('Validating', 'slow.k8ts.io', 'slow', { path: '/sleep', timeoutSeconds: 1 }));
    const t0 = Date.now();
    const r = await c.http('POST', '/api/v1/namespaces/slow/configmaps', { metadata: { name: 'late' } });
    const took = Date.now() - t0;
    assert.equal(r.status, 500);
    assert.equal(r.json().message, 'Internal error occurred: failed calling webhook "slow.k8ts.io": failed to call webhook: Post "https://hooks.default.svc:443/sleep?timeout=1s": context deadline exceeded');
    assert.ok(took >= 950 && took < 2500, `took ${took} ms`);
    await c.kubectl(['delete', 'validatingwebhookconfiguration', 'slow.k8ts.io']);
  });

  test('an invalid caBundle: upstream\'s error for what it matches, nothing else affected', async () => {
    await namespace('badca');
    await apply(webhookYaml('Validating', 'badca.k8ts.io', 'badca', { path: '/validate', caBundle: Buffer.from('not a certificate').toString('base64') }));
    const r = await c.http('POST', '/api/v1/namespaces/badca/configmaps', { metadata: { name: 'x' } });
    assert.equal(r.status, 500);
    assert.equal(r.json().message, 'Internal error occurred: failed calling webhook "badca.k8ts.io": could not get REST client: unable to load root certificates: unable to parse bytes as PEM block');
    // Another CA than the server's: Go's verification error.
    await namespace('wrongca');
    const other = await startWebhookServer(['elsewhere.example']);
    await apply(webhookYaml('Validating', 'wrongca.k8ts.io', 'wrongca', { path: '/validate', caBundle: other.caBundle }));
    await other.stop();
    const w = await c.http('POST', '/api/v1/namespaces/wrongca/configmaps', { metadata: { name: 'x' } });
    assert.equal(w.status, 500);
    assert.match(w.json().message, /failed calling webhook "wrongca\.k8ts\.io": failed to call webhook: Post "https:\/\/hooks\.default\.svc:443\/validate\?timeout=10s": tls: failed to verify certificate: x509: certificate signed by unknown authority$/);
    assert.equal((await c.kubectl(['create', 'configmap', 'fine', '-n', 'default'])).code, 0);
    assert.equal((await c.kubectl(['get', 'configmaps', '-n', 'badca'])).code, 0);
    await c.kubectl(['delete', 'validatingwebhookconfiguration', 'badca.k8ts.io', 'wrongca.k8ts.io']);
  });

  test('webhook configurations are exempt: a webhook failing closed on everything can be removed', async () => {
    const all = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: everything.k8ts.io}
webhooks:
- name: everything.k8ts.io
  admissionReviewVersions: [v1]
  sideEffects: None
  rules: [{operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*/*"]}]
  clientConfig: {service: {namespace: default, name: down}}
`;
    await apply(all);
    const blocked = await c.http('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'blocked' } });
    assert.equal(blocked.status, 500);
    const del = await c.kubectl(['delete', 'validatingwebhookconfiguration', 'everything.k8ts.io']);
    assert.equal(del.code, 0, del.stderr);
  });

  test('matchConditions leave out what they exclude', async () => {
    await namespace('cond');
    await apply(webhookYaml('Validating', 'cond.k8ts.io', 'cond', {
      path: '/validate',
      service: 'down',
      extra: `  matchConditions:\n  - name: only-checked\n    expression: "has(object.metadata.labels) && 'checked' in object.metadata.labels"\n`,
    }));
    assert.equal((await c.kubectl(['create', 'configmap', 'unchecked', '-n', 'cond'])).code, 0);
    const r = await c.http('POST', '/api/v1/namespaces/cond/configmaps', { metadata: { name: 'checked', labels: { checked: 'yes' } } });
    assert.equal(r.status, 500);
    assert.match(r.json().message, /failed calling webhook "cond\.k8ts\.io"/);
    await c.kubectl(['delete', 'validatingwebhookconfiguration', 'cond.k8ts.io']);
  });
});
