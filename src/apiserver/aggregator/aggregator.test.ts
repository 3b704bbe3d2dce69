// The aggregation layer end to end: an extension API server (a small HTTPS server in this test,
// trusting only the front-proxy CA the cluster publishes) registered by an APIService; the real
// kubectl reaches it through the API server with its user in the X-Remote-* headers, discovery
// lists its group, and the Available condition follows the backend (MissingEndpoints → Passed →
// FailedDiscoveryCheck).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { createCa, issueCert } from '../../util/pki.js';
import { startTestCluster, type TestCluster } from '../../test/harness.js';

let c: TestCluster;
let backend: Server | undefined;
let hostIP = '';
let port = 0;
let caPem = '';
let serving: { key: string; cert: string };
let frontProxyCa = '';

function ownAddress(): string {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  throw new Error('no non-loopback IPv4 address on this host for the extension server');
}

const RESOURCES = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'example.k8ts.io/v1',
  resources: [{ name: 'widgets', singularName: 'widget', namespaced: true, kind: 'Widget', verbs: ['get', 'list'], shortNames: ['wg'] }],
};

async function startBackend(listenPort = 0): Promise<void> {
  const s = createServer({ key: serving.key, cert: serving.cert, ca: frontProxyCa, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const sock = req.socket as TLSSocket;
    const peer = sock.getPeerCertificate();
    // Request headers count only on a connection with the front-proxy client certificate.
    if (!sock.authorized || peer.subject?.CN !== 'front-proxy-client') {
      res.writeHead(401);
      return res.end();
    }
    if (req.url === '/apis/example.k8ts.io/v1') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(RESOURCES));
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: 'WidgetList',
        apiVersion: 'example.k8ts.io/v1',
        metadata: {},
        items: [],
        seen: { url: req.url, user: req.headers['x-remote-user'], groups: req.headers['x-remote-group'], authorization: req.headers['authorization'] ?? null },
      }),
    );
  });
  await new Promise<void>((resolve) => s.listen(listenPort, '0.0.0.0', resolve));
  port = (s.address() as AddressInfo).port;
  backend = s;
}

async function stopBackend(): Promise<void> {
  const s = backend;
  backend = undefined;
  if (!s) return;
  s.closeAllConnections();
  await new Promise<void>((resolve) => s.close(() => resolve()));
}

async function available(): Promise<{ status: string; reason: string; message: string } | undefined> {
  const r = await c.http('GET', '/apis/apiregistration.k8s.io/v1/apiservices/v1.example.k8ts.io');
  return r.json().status?.conditions?.find((x: { type: string }) => x.type === 'Available');
}

async function waitFor(what: string, ok: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  hostIP = ownAddress();
  c = await startTestCluster({ controlPlane: { apiServiceCheckIntervalMs: 500 } });
  const ca = await createCa('test-extension-ca');
  caPem = ca.cert;
  serving = await issueCert(ca, { commonName: 'test-api', dnsNames: ['test-api.default.svc'], usage: 'server' });
  const cm = await c.http('GET', '/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication');
  assert.equal(cm.status, 200);
  frontProxyCa = cm.json().data['requestheader-client-ca-file'];
  await startBackend();
});

after(async () => {
  await stopBackend();
  await c?.stop();
});

describe('aggregation layer', () => {
  test('local APIServices for the built-in groups, printed as upstream', async () => {
    const r = await c.kubectl(['get', 'apiservices']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAME\s+SERVICE\s+AVAILABLE\s+AGE/);
    assert.match(r.stdout, /\nv1\.\s+Local\s+True\s/);
    assert.match(r.stdout, /\nv1\.apps\s+Local\s+True\s/);
    assert.match(r.stdout, /\nv2\.autoscaling\s+Local\s+True\s/);
    const cm = await c.http('GET', '/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication');
    assert.deepEqual(JSON.parse(cm.json().data['requestheader-allowed-names']), ['front-proxy-client']);
    assert.deepEqual(JSON.parse(cm.json().data['requestheader-username-headers']), ['X-Remote-User']);
  });

  test('an APIService is validated as upstream', async () => {
    const bad = c.file('bad.yaml', 'apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata: {name: v1.wrong.io}\nspec: {group: example.k8ts.io, version: v1, groupPriorityMinimum: 0, versionPriority: 10, service: {namespace: default, name: x}}\n');
    const r = await c.kubectl(['apply', '-f', bad]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /metadata\.name: Invalid value: "v1\.wrong\.io": must be `spec\.version\+"\."\+spec\.group`: "v1\.example\.k8ts\.io"/);
    assert.match(r.stderr, /spec\.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000/);
  });

  test('the condition moves MissingEndpoints → Passed; requests are proxied with the user; discovery lists the group', async () => {
    const manifest = [
      'apiVersion: v1\nkind: Service\nmetadata: {name: test-api, namespace: default}\nspec:\n  ports: [{name: https, port: 443, targetPort: 8443}]\n',
      `apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata: {name: v1.example.k8ts.io}\nspec:\n  group: example.k8ts.io\n  version: v1\n  groupPriorityMinimum: 1000\n  versionPriority: 15\n  caBundle: ${Buffer.from(caPem).toString('base64')}\n  service: {namespace: default, name: test-api, port: 443}\n`,
    ].join('---\n');
    const r = await c.kubectl(['apply', '-f', c.file('api.yaml', manifest)]);
    assert.equal(r.code, 0, r.stderr);
    await waitFor('MissingEndpoints', async () => (await available())?.reason === 'MissingEndpoints');
    assert.equal((await available())?.status, 'False');
    assert.match((await available())!.message, /endpoints for service\/test-api in "default"/);
    // While unavailable the API server answers for it: 503.
    const down = await c.http('GET', '/apis/example.k8ts.io/v1/namespaces/default/widgets');
    assert.equal(down.status, 503);
    assert.equal(down.body, 'service unavailable\n', 'plain text, as upstream’s proxy handler writes it');

    const eps = `apiVersion: v1\nkind: Endpoints\nmetadata: {name: test-api, namespace: default}\nsubsets: [{addresses: [{ip: ${hostIP}}], ports: [{name: https, port: ${port}}]}]\n`;
    assert.equal((await c.kubectl(['apply', '-f', c.file('eps.yaml', eps)])).code, 0);
    await waitFor('Passed', async () => (await available())?.reason === 'Passed');
    assert.equal((await available())?.status, 'True');

    const got = await c.kubectl(['get', '--raw', '/apis/example.k8ts.io/v1/namespaces/default/widgets?limit=5']);
    assert.equal(got.code, 0, got.stderr);
    const seen = JSON.parse(got.stdout).seen;
    assert.equal(seen.url, '/apis/example.k8ts.io/v1/namespaces/default/widgets?limit=5');
    assert.equal(seen.user, 'system:admin');
    assert.deepEqual(seen.groups, 'system:masters, system:authenticated');
    assert.equal(seen.authorization, null, 'the client credential stays with the API server');
    // A client cannot claim another user through the headers.
    const forged = await c.http('GET', '/apis/example.k8ts.io/v1/namespaces/default/widgets', undefined, { 'X-Remote-User': 'mallory', 'X-Remote-Group': 'system:masters' });
    assert.equal(forged.json().seen.user, 'system:admin');

    const list = await c.kubectl(['get', 'apiservices', 'v1.example.k8ts.io']);
    assert.match(list.stdout, /v1\.example\.k8ts\.io\s+default\/test-api\s+True\s/);
    const groups = await c.http('GET', '/apis', undefined, { Accept: 'application/json' });
    assert.ok(groups.json().groups.some((g: { name: string }) => g.name === 'example.k8ts.io'));
    const group = await c.http('GET', '/apis/example.k8ts.io');
    assert.equal(group.json().preferredVersion.groupVersion, 'example.k8ts.io/v1');
    // kubectl 1.32 reads the aggregated discovery document.
    const resources = await c.kubectl(['api-resources', '--api-group=example.k8ts.io']);
    assert.equal(resources.code, 0, resources.stderr);
    assert.match(resources.stdout, /widgets\s+wg\s+example\.k8ts\.io\/v1\s+true\s+Widget/);
    // RBAC applies before the proxy: an unprivileged user is refused by the API server itself.
    const anon = await c.kubectl(['get', '--raw', '/apis/example.k8ts.io/v1/namespaces/default/widgets', '--as=nobody']);
    assert.notEqual(anon.code, 0);
    assert.match(anon.stderr, /forbidden/i);
  });

  test('a backend that stops answering fails the discovery check; answering again passes', async () => {
    const was = port;
    await stopBackend();
    await waitFor('FailedDiscoveryCheck', async () => (await available())?.reason === 'FailedDiscoveryCheck');
    assert.match((await available())!.message, new RegExp(`failing or missing response from https://${hostIP.replace(/\./g, '\\.')}:${was}/apis/example\\.k8ts\\.io/v1`));
    // What was read before is still listed, marked Stale (clients report the group version as failed).
    const agg = await c.http('GET', '/apis', undefined, { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' });
    const item = agg.json().items.find((i: { metadata: { name: string } }) => i.metadata.name === 'example.k8ts.io');
    assert.equal(item.versions[0].freshness, 'Stale');
    await startBackend(was);
    await waitFor('Passed again', async () => (await available())?.reason === 'Passed');
  });
});
