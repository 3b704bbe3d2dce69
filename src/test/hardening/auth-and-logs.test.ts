// Acceptance 6 of issue 11, the bad-input half: malformed tokens, certificates that vouch for
// nobody (expired, or from a foreign CA), wrong audiences and tokens of deleted accounts all
// get 401; and neither the verbose server log nor a Metadata-level audit log ever holds a
// Secret's value or a token. The audit events follow the policy's levels as upstream.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCa, issueCert } from '../../util/pki.js';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';

const SECRET_VALUE = 'correct-horse-battery-staple-81f3';
const STATIC_TOKEN = 'static-token-5d2c9e0a7b';

const POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  nonResourceURLs: ["/healthz*", "/version"]
- level: Metadata
  resources:
  - group: ""
    resources: ["secrets", "serviceaccounts/token"]
- level: RequestResponse
  resources:
  - group: ""
    resources: ["configmaps"]
  omitManagedFields: true
- level: Metadata
`;

interface Event {
  level: string;
  stage: string;
  verb: string;
  requestURI: string;
  user: { username?: string; groups?: string[] };
  impersonatedUser?: { username: string };
  objectRef?: Record<string, string>;
  responseStatus?: { code: number; reason?: string; message?: string };
  requestObject?: Record<string, unknown>;
  responseObject?: Record<string, unknown> & { metadata?: Record<string, unknown> };
  annotations?: Record<string, string>;
  auditID: string;
  sourceIPs: string[];
  userAgent?: string;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
}

describe('authentication failures, audit and logs', () => {
  let c: TestCluster;
  const lines: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-audit-'));
  const auditPath = join(dir, 'audit.log');
  const events = (): Event[] =>
    readFileSync(auditPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Event);
  const tokens: string[] = [STATIC_TOKEN];

  /** A GET with exactly these headers and, optionally, a client certificate. */
  const get = (path: string, headers: Record<string, string>, cert?: { cert: string; key: string }) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: c.cp.port, path, ca: c.cp.caPem, servername: 'localhost', headers, ...(cert ?? {}) }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  const bearer = (token: string) => get('/api/v1/namespaces/default/configmaps', { Authorization: `Bearer ${token}` });
  const assert401 = (r: { status: number; body: string }, what: string) => {
    assert.equal(r.status, 401, `${what}: ${r.body}`);
    assert.deepEqual(JSON.parse(r.body), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  };

  before(async () => {
    writeFileSync(join(dir, 'policy.yaml'), POLICY);
    // AlwaysAllow, not the default Node,RBAC: what is tested is who gets a 401, and anonymous is
    // off in that mode (as upstream), so a request without credentials is refused too.
    c = await startTestCluster({
      authorizationMode: 'AlwaysAllow',
      tokenAuthFile: `${STATIC_TOKEN},alice,uid-alice,"dev"\n`,
      controlPlane: { log: (l) => lines.push(l), accessLog: true, auditPolicyFile: join(dir, 'policy.yaml'), auditLog: { path: auditPath } },
    });
    tokens.push(c.cp.adminToken);
  });
  after(async () => {
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses malformed bearer tokens with 401', async () => {
    for (const t of ['garbage', 'a.b.c', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', `${STATIC_TOKEN}x`, STATIC_TOKEN.slice(0, -1)]) assert401(await bearer(t), t);
    assert401(await get('/api/v1/namespaces', { Authorization: 'Bearer ' }), 'empty bearer');
    assert401(await get('/api/v1/namespaces', { Authorization: `Bearer ${STATIC_TOKEN} extra` }), 'two-part bearer');
    assert401(await get('/api/v1/namespaces', {}), 'no credentials (anonymous is off under AlwaysAllow)');
    assert.equal((await bearer(STATIC_TOKEN)).status, 200);
  });

  it('refuses expired and foreign client certificates: they vouch for nobody', async () => {
    const ca = { cert: readFileSync(join(c.dataDir, 'tls', 'server-ca.crt'), 'utf8'), key: readFileSync(join(c.dataDir, 'tls', 'server-ca.key'), 'utf8') };
    const expired = await issueCert(ca, { commonName: 'system:admin', organization: 'system:masters', usage: 'client', days: 1 }, Date.now() - 30 * 24 * 3600 * 1000);
    const foreign = await issueCert(await createCa('not-the-cluster'), { commonName: 'system:admin', organization: 'system:masters', usage: 'client' });
    assert401(await get('/api/v1/namespaces', {}, expired), 'expired certificate');
    assert401(await get('/api/v1/namespaces', {}, foreign), 'foreign certificate');
  });

  it('refuses bound tokens for another audience, and tokens of a deleted ServiceAccount', async () => {
    for (const sa of ['robot', 'doomed']) assert.equal((await c.kubectl(['create', 'serviceaccount', sa])).code, 0);
    const good = (await c.kubectl(['create', 'token', 'robot'])).stdout.trim();
    const vault = (await c.kubectl(['create', 'token', 'robot', '--audience', 'vault'])).stdout.trim();
    const doomed = (await c.kubectl(['create', 'token', 'doomed'])).stdout.trim();
    tokens.push(good, vault, doomed);
    assert.equal((await bearer(good)).status, 200);
    assert401(await bearer(vault), 'wrong audience');
    assert.equal((await bearer(doomed)).status, 200);
    assert.equal((await c.kubectl(['delete', 'serviceaccount', 'doomed'])).code, 0);
    await eventually(async () => (await bearer(doomed)).status === 401, 10_000);
    assert401(await bearer(doomed), 'deleted service account');
  });

  it('keeps Secret values and tokens out of the verbose log and the Metadata-level audit log', async () => {
    assert.equal((await c.kubectl(['create', 'secret', 'generic', 'db', `--from-literal=password=${SECRET_VALUE}`])).code, 0);
    const applied = await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'api' }, stringData: { key: SECRET_VALUE } }) });
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal((await c.kubectl(['get', 'secret', 'db', '-o', 'yaml'])).code, 0);
    assert.equal((await c.kubectl(['patch', 'secret', 'db', '-p', JSON.stringify({ stringData: { other: SECRET_VALUE } })])).code, 0);
    // A Secret refused for bad input: its value must not come back in the error either.
    const bad = await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'Bad_Name' }, stringData: { key: SECRET_VALUE } }) });
    assert.notEqual(bad.code, 0);
    assert.ok(!bad.stderr.includes(SECRET_VALUE), bad.stderr);
    assert.ok(lines.some((l) => /secrets/.test(l)), 'the verbose log saw the requests');
    const forbidden = [SECRET_VALUE, Buffer.from(SECRET_VALUE).toString('base64'), ...tokens];
    const log = lines.join('\n');
    const audit = readFileSync(auditPath, 'utf8');
    for (const s of forbidden) {
      assert.ok(!log.includes(s), `server log holds ${s.slice(0, 12)}…`);
      assert.ok(!audit.includes(s), `audit log holds ${s.slice(0, 12)}…`);
    }
  });

  it('writes upstream audit events at the levels the policy gives', async () => {
    assert.equal((await c.kubectl(['create', 'configmap', 'audited', '--from-literal=k=v1'])).code, 0);
    assert.equal((await c.kubectl(['get', 'configmap', 'audited', '-o', 'json'])).code, 0);
    assert.equal((await c.kubectl(['get', 'namespaces', '--as', 'alice', '--as-group', 'dev'])).code, 0);
    const evs = events();
    assert.ok(evs.every((e) => e.stage !== 'RequestReceived'), 'omitStages at the policy level');
    assert.ok(!evs.some((e) => e.requestURI.startsWith('/healthz') || e.requestURI === '/version'), 'level None');
    for (const e of evs) {
      assert.equal((e as unknown as { kind: string }).kind, 'Event');
      assert.equal((e as unknown as { apiVersion: string }).apiVersion, 'audit.k8s.io/v1');
      assert.match(e.auditID, /^[0-9a-f-]{36}$/);
      assert.match(e.requestReceivedTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      assert.ok(e.sourceIPs.includes('127.0.0.1'), JSON.stringify(e));
    }
    // Upstream's field order.
    const first = Object.keys(evs.find((e) => e.objectRef && e.responseStatus)!);
    const order = ['kind', 'apiVersion', 'level', 'auditID', 'stage', 'requestURI', 'verb', 'user', 'impersonatedUser', 'sourceIPs', 'userAgent', 'objectRef', 'responseStatus', 'requestObject', 'responseObject', 'requestReceivedTimestamp', 'stageTimestamp', 'annotations'];
    assert.deepEqual(first, order.filter((k) => first.includes(k)));

    const create = evs.find((e) => e.verb === 'create' && e.objectRef?.resource === 'configmaps' && (e.requestObject?.['metadata'] as { name?: string } | undefined)?.name === 'audited')!;
    assert.ok(create, 'configmap create event');
    assert.equal(create.level, 'RequestResponse');
    assert.equal(create.stage, 'ResponseComplete');
    assert.equal(create.user.username, 'system:admin');
    assert.deepEqual(create.objectRef, { resource: 'configmaps', namespace: 'default', apiVersion: 'v1' });
    assert.equal((create.requestObject as { data: Record<string, string> }).data['k'], 'v1');
    assert.equal((create.responseObject?.metadata as { name: string } | undefined)?.name, 'audited', JSON.stringify(create));
    assert.equal(create.responseObject!.metadata!['managedFields'], undefined, 'omitManagedFields');
    assert.deepEqual(create.annotations, { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' });
    assert.match(create.userAgent ?? '', /^kubectl/);

    const secret = evs.find((e) => e.verb === 'create' && e.objectRef?.resource === 'secrets')!;
    assert.equal(secret.level, 'Metadata');
    assert.equal(secret.requestObject, undefined);
    assert.equal(secret.responseObject, undefined);
    assert.deepEqual(secret.responseStatus, { metadata: {}, code: 201 });

    const impersonated = evs.find((e) => e.impersonatedUser)!;
    assert.equal(impersonated.user.username, 'system:admin');
    assert.equal(impersonated.impersonatedUser!.username, 'alice');

    const refused = evs.find((e) => e.responseStatus?.code === 401 && e.requestURI === '/api/v1/namespaces')!;
    assert.equal(refused.level, 'Metadata');
    assert.deepEqual(refused.user, {});
    assert.equal(refused.responseStatus!.reason, 'Unauthorized');
    assert.equal(refused.responseStatus!.message, 'Unauthorized');
    // An exec upgrade refused for a bad token: one ResponseComplete with the 401 Status.
    const reply = await new Promise<string>((resolve, reject) => {
      const sock = tlsConnect({ host: '127.0.0.1', port: c.cp.port, ca: c.cp.caPem, servername: 'localhost', ALPNProtocols: ['http/1.1'] }, () => {
        sock.write('POST /api/v1/namespaces/default/pods/p/exec?command=sh&stdout=true HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer nonsense\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n');
      });
      let text = '';
      sock.on('data', (d: Buffer) => (text += d));
      sock.on('close', () => resolve(text));
      sock.on('error', reject);
    });
    assert.match(reply, /^HTTP\/1\.1 401/);
    const execEvents = () => events().filter((e) => e.objectRef?.subresource === 'exec');
    await eventually(() => execEvents().length >= 1, 5000);
    assert.deepEqual(execEvents().map((e) => [e.stage, e.responseStatus?.code, e.responseStatus?.reason]), [['ResponseComplete', 401, 'Unauthorized']]);
    // A watch is long-running: ResponseStarted when it begins, ResponseComplete when it ends.
    await c.http('GET', '/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1');
    const ofWatch = () => events().filter((e) => e.requestURI === '/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1');
    await eventually(() => ofWatch().length >= 2, 5000).catch(() => undefined);
    const watch = ofWatch();
    assert.deepEqual(watch.map((e) => e.stage), ['ResponseStarted', 'ResponseComplete']);
    assert.equal(new Set(watch.map((e) => e.auditID)).size, 1);
  });
  it("records admission's audit annotations: a ValidatingAdmissionPolicy in Audit mode", async () => {
    const policy = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: audited-data}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["configmaps"]}
  validations:
  - expression: "!has(object.data) || !('forbidden' in object.data)"
    message: no forbidden key
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: audited-data}
spec:
  policyName: audited-data
  validationActions: [Audit]
`;
    writeFileSync(join(dir, 'vap.yaml'), policy);
    assert.equal((await c.kubectl(['apply', '-f', join(dir, 'vap.yaml')])).code, 0);
    const failureOf = (name: string) =>
      events().find((e) => e.verb === 'create' && e.objectRef?.resource === 'configmaps' && e.requestURI.includes('configmaps') && (e.requestObject?.['metadata'] as { name?: string } | undefined)?.name === name)?.annotations?.['validation.policy.admission.k8s.io/validation_failure'];
    // The policy takes effect once the plugin's informer has it: try until one create is annotated.
    let n = 0;
    await eventually(async () => {
      const name = `flagged-${n++}`;
      // Audit never refuses: each create succeeds.
      assert.equal((await c.kubectl(['create', 'configmap', name, '--from-literal=forbidden=1'])).code, 0);
      return eventually(() => failureOf(name) !== undefined, 2000).then(() => true, () => false);
    }, 20000);
    const flagged = JSON.parse(failureOf(`flagged-${n - 1}`)!) as Array<Record<string, unknown>>;
    assert.deepEqual(flagged, [{ message: 'no forbidden key', policy: 'audited-data', binding: 'audited-data', expressionIndex: 0, validationActions: ['Audit'] }]);
  });
});
