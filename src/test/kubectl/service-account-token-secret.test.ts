// A long-lived ServiceAccount token made by hand, as the 1.24+ docs describe: a Secret of type
// kubernetes.io/service-account-token naming the account is filled by the token controller, its
// token authenticates as the account (plain HTTPS and kubectl --token), and deleting the
// account deletes the Secret and revokes the token.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';

const MANIFEST = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: build-robot
---
apiVersion: v1
kind: Secret
metadata:
  name: build-robot-secret
  annotations:
    kubernetes.io/service-account.name: build-robot
type: kubernetes.io/service-account-token
`;

describe('service-account token Secrets', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(() => c?.stop());

  it('are filled within seconds, authenticate as their account, and die with it', async () => {
    const applied = await c.kubectl(['apply', '-f', c.file('build-robot.yaml', MANIFEST)]);
    assert.equal(applied.code, 0, applied.stderr);

    const secret = await eventually(async () => {
      const r = await c.kubectl(['get', 'secret', 'build-robot-secret', '-o', 'json']);
      const s = r.code === 0 ? JSON.parse(r.stdout) : undefined;
      return s?.data?.token ? s : undefined;
    }, 5_000);
    const decode = (k: string) => Buffer.from(secret.data[k], 'base64').toString('utf8');
    assert.equal(decode('ca.crt'), c.cp.caPem);
    assert.equal(decode('namespace'), 'default');
    const sa = JSON.parse((await c.kubectl(['get', 'serviceaccount', 'build-robot', '-o', 'json'])).stdout);
    assert.equal(secret.metadata.annotations['kubernetes.io/service-account.uid'], sa.metadata.uid);
    const described = await c.kubectl(['describe', 'secret', 'build-robot-secret']);
    assert.match(described.stdout, /Type:\s+kubernetes\.io\/service-account-token/);
    assert.match(described.stdout, /token:\s+\S+/);

    const token = decode('token');
    // The account may read pods only once RBAC says so (the default Node,RBAC).
    const denied = await c.http('GET', '/api/v1/namespaces/default/pods', undefined, { Authorization: `Bearer ${token}` });
    assert.equal(denied.status, 403, denied.body);
    assert.equal((await c.kubectl(['create', 'rolebinding', 'build-robot-view', '--clusterrole=view', '--serviceaccount=default:build-robot'])).code, 0);
    const asRobot = { Authorization: `Bearer ${token}` };
    const pods = await eventually(async () => {
      const r = await c.http('GET', '/api/v1/namespaces/default/pods', undefined, asRobot);
      return r.status === 200 ? r : undefined;
    }, 5_000);
    assert.equal(pods.json().kind, 'PodList');
    const viaKubectl = await c.kubectl(['get', 'pods', '--token', token]);
    assert.equal(viaKubectl.code, 0, viaKubectl.stderr);

    const review = await c.http('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } });
    assert.equal(review.status, 201, review.body);
    const status = review.json().status;
    assert.equal(status.authenticated, true, review.body);
    assert.equal(status.user.username, 'system:serviceaccount:default:build-robot');
    assert.equal(status.user.uid, sa.metadata.uid);
    assert.deepEqual(status.user.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);

    const deleted = await c.kubectl(['delete', 'serviceaccount', 'build-robot']);
    assert.equal(deleted.code, 0, deleted.stderr);
    await eventually(async () => (await c.kubectl(['get', 'secret', 'build-robot-secret'])).code !== 0, 5_000);
    const gone = await c.kubectl(['get', 'secret', 'build-robot-secret']);
    assert.match(gone.stderr, /NotFound|not found/);
    const refused = await eventually(async () => {
      const r = await c.http('GET', '/api/v1/namespaces/default/pods', undefined, asRobot);
      return r.status === 401 ? r : undefined;
    }, 5_000);
    assert.equal(refused.json().reason, 'Unauthorized');
  });

  it('a token Secret naming an account that does not exist is deleted', async () => {
    const orphan = `apiVersion: v1
kind: Secret
metadata:
  name: nobody-secret
  annotations:
    kubernetes.io/service-account.name: nobody
type: kubernetes.io/service-account-token
`;
    const created = await c.kubectl(['create', '-f', c.file('nobody.yaml', orphan)]);
    assert.equal(created.code, 0, created.stderr);
    await eventually(async () => (await c.kubectl(['get', 'secret', 'nobody-secret'])).code !== 0, 5_000);
  });
});
