// RBAC with the real kubectl: users from a --token-auth-file bound to the default roles, each
// request answered as upstream answers it, and `kubectl auth can-i` agreeing with the request.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';

const TOKENS = ['viewer-token,viewer,uid-viewer,"team-a"', 'editor-token,editor,uid-editor', 'nsadmin-token,nsadmin,uid-nsadmin', 'nobody-token,nobody,uid-nobody'].join('\n');

describe('RBAC with kubectl', () => {
  let c: TestCluster;
  const as = (user: string, args: string[]) => c.kubectl([...args, '--token', `${user}-token`]);
  const canI = async (user: string, args: string[]) => {
    const r = await as(user, ['auth', 'can-i', ...args]);
    return r.stdout.trim();
  };

  before(async () => {
    c = await startTestCluster({ authorizationMode: 'RBAC', tokenAuthFile: `${TOKENS}\n` });
    for (const args of [
      ['create', 'namespace', 'a'],
      ['create', 'namespace', 'b'],
      ['create', 'rolebinding', 'viewer-view', '--clusterrole=view', '--user=viewer', '-n', 'default'],
      ['create', 'rolebinding', 'editor-edit', '--clusterrole=edit', '--user=editor', '-n', 'default'],
      ['create', 'rolebinding', 'nsadmin-admin', '--clusterrole=admin', '--user=nsadmin', '-n', 'a'],
      ['create', 'secret', 'generic', 's1', '--from-literal=k=v', '-n', 'default'],
    ]) {
      const r = await c.kubectl(args);
      assert.equal(r.code, 0, r.stderr);
    }
    // view, edit and admin get their rules from the aggregation controller.
    await eventually(async () => (await canI('nsadmin', ['create', 'roles', '-n', 'a'])) === 'yes', 15_000);
    await eventually(async () => (await canI('viewer', ['list', 'pods', '-n', 'default'])) === 'yes', 15_000);
  });
  after(() => c?.stop());

  it('reconciles the default roles and bindings, labelled and annotated as upstream', async () => {
    const r = await c.kubectl(['get', 'clusterrole', 'cluster-admin', '-o', 'json']);
    const role = JSON.parse(r.stdout);
    assert.equal(role.metadata.labels['kubernetes.io/bootstrapping'], 'rbac-defaults');
    assert.equal(role.metadata.annotations['rbac.authorization.kubernetes.io/autoupdate'], 'true');
    assert.deepEqual(role.rules, [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ]);
    const b = JSON.parse((await c.kubectl(['get', 'clusterrolebinding', 'cluster-admin', '-o', 'json'])).stdout);
    assert.deepEqual(b.subjects, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' }]);
    const names = (await c.kubectl(['get', 'clusterroles', '-o', 'name'])).stdout;
    for (const n of ['admin', 'edit', 'view', 'system:node', 'system:kube-scheduler', 'system:kube-controller-manager', 'system:basic-user', 'system:discovery', 'system:public-info-viewer', 'system:auth-delegator', 'system:node-bootstrapper', 'system:certificates.k8s.io:certificatesigningrequests:nodeclient']) {
      assert.ok(names.includes(`clusterrole.rbac.authorization.k8s.io/${n}\n`), n);
    }
  });

  it('lets a viewer read pods but not create them nor read Secrets', async () => {
    assert.equal((await as('viewer', ['get', 'pods', '-n', 'default'])).code, 0);
    assert.equal(await canI('viewer', ['watch', 'pods', '-n', 'default']), 'yes');
    const create = await as('viewer', ['run', 'p', '--image=busybox', '-n', 'default']);
    assert.notEqual(create.code, 0);
    assert.match(create.stderr, /Error from server \(Forbidden\): pods is forbidden: User "viewer" cannot create resource "pods" in API group "" in the namespace "default"/);
    assert.equal(await canI('viewer', ['create', 'pods', '-n', 'default']), 'no');
    const secrets = await as('viewer', ['get', 'secrets', '-n', 'default']);
    assert.match(secrets.stderr, /secrets is forbidden: User "viewer" cannot list resource "secrets" in API group "" in the namespace "default"/);
    const one = await as('viewer', ['get', 'secret', 's1', '-n', 'default']);
    assert.match(one.stderr, /secrets "s1" is forbidden: User "viewer" cannot get resource "secrets" in API group "" in the namespace "default"/);
    assert.equal(await canI('viewer', ['get', 'secrets', '-n', 'default']), 'no');
    // Bound in default only.
    assert.match((await as('viewer', ['get', 'pods', '-n', 'a'])).stderr, /cannot list resource "pods" in API group "" in the namespace "a"/);
    assert.equal(await canI('viewer', ['list', 'pods', '-n', 'a']), 'no');
  });

  it('lets an editor create Deployments but not Roles', async () => {
    const dep = await as('editor', ['create', 'deployment', 'web', '--image=nginx', '-n', 'default']);
    assert.equal(dep.code, 0, dep.stderr);
    assert.equal(await canI('editor', ['create', 'deployments.apps', '-n', 'default']), 'yes');
    const role = await as('editor', ['create', 'role', 'r', '--verb=get', '--resource=pods', '-n', 'default']);
    assert.match(role.stderr, /roles\.rbac\.authorization\.k8s\.io is forbidden: User "editor" cannot create resource "roles" in API group "rbac\.authorization\.k8s\.io" in the namespace "default"/);
    assert.equal(await canI('editor', ['create', 'roles', '-n', 'default']), 'no');
    assert.equal(await canI('editor', ['get', 'secrets', '-n', 'default']), 'yes');
  });

  it('keeps a namespace admin to its namespace, and refuses grants it does not hold', async () => {
    const ok = await as('nsadmin', ['create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods', '-n', 'a']);
    assert.equal(ok.code, 0, ok.stderr);
    const rb = await as('nsadmin', ['create', 'rolebinding', 'nobody-reads', '--role=pod-reader', '--user=nobody', '-n', 'a']);
    assert.equal(rb.code, 0, rb.stderr);
    await eventually(async () => (await canI('nobody', ['list', 'pods', '-n', 'a'])) === 'yes');
    // Taking the binding away takes the right away.
    assert.equal((await c.kubectl(['delete', 'rolebinding', 'nobody-reads', '-n', 'a'])).code, 0);
    await eventually(async () => (await canI('nobody', ['list', 'pods', '-n', 'a'])) === 'no');
    assert.match((await as('nobody', ['get', 'pods', '-n', 'a'])).stderr, /User "nobody" cannot list resource "pods"/);
    const other = await as('nsadmin', ['create', 'role', 'pod-reader', '--verb=get', '--resource=pods', '-n', 'b']);
    assert.match(other.stderr, /roles\.rbac\.authorization\.k8s\.io is forbidden: User "nsadmin" cannot create resource "roles" in API group "rbac\.authorization\.k8s\.io" in the namespace "b"/);
    assert.equal(await canI('nsadmin', ['create', 'roles', '-n', 'b']), 'no');
    assert.match((await as('nsadmin', ['get', 'pods', '-n', 'b'])).stderr, /User "nsadmin" cannot list resource "pods" in API group "" in the namespace "b"/);
    const esc = await as('nsadmin', ['create', 'role', 'node-reader', '--verb=get,list', '--resource=nodes', '-n', 'a']);
    assert.notEqual(esc.code, 0);
    assert.match(
      esc.stderr,
      /roles\.rbac\.authorization\.k8s\.io "node-reader" is forbidden: user "nsadmin" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\[""\], Resources:\["nodes"\], Verbs:\["get" "list"\]\}/,
    );
    const bindAdmin = await as('nsadmin', ['create', 'rolebinding', 'grab', '--clusterrole=cluster-admin', '--user=nsadmin', '-n', 'a']);
    assert.match(bindAdmin.stderr, /rolebindings\.rbac\.authorization\.k8s\.io "grab" is forbidden: user "nsadmin" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:/);
  });

  it('answers can-i --list and --as as the requests are answered', async () => {
    const list = await as('viewer', ['auth', 'can-i', '--list', '-n', 'default']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
    assert.match(list.stdout, /^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
    assert.doesNotMatch(list.stdout, /^secrets\s/m);
    // The admin (system:masters) may impersonate; can-i and the request agree for the impersonated user.
    const yes = await c.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'default', '--as', 'viewer']);
    assert.equal(yes.stdout.trim(), 'yes');
    const no = await c.kubectl(['auth', 'can-i', 'create', 'pods', '-n', 'default', '--as', 'viewer']);
    assert.equal(no.stdout.trim(), 'no');
    assert.equal(no.code, 1);
    assert.equal((await c.kubectl(['get', 'pods', '-n', 'default', '--as', 'viewer'])).code, 0);
    assert.match((await c.kubectl(['delete', 'deployment', 'web', '-n', 'default', '--as', 'viewer'])).stderr, /deployments\.apps "web" is forbidden: User "viewer" cannot delete resource "deployments" in API group "apps" in the namespace "default"/);
    const group = await c.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'a', '--as', 'someone', '--as-group', 'system:masters']);
    assert.equal(group.stdout.trim(), 'yes');
    // Impersonating needs the impersonate verb.
    const imp = await as('editor', ['get', 'pods', '-n', 'default', '--as', 'nsadmin']);
    assert.match(imp.stderr, /users "nsadmin" is forbidden: User "editor" cannot impersonate resource "users" in API group "" at the cluster scope/);
    // Non-resource checks.
    assert.equal(await canI('nobody', ['get', '/healthz']), 'yes');
    assert.equal(await canI('nobody', ['get', '/metrics']), 'no');
  });

  it('reports who the caller is (auth whoami), impersonated or not', async () => {
    const me = await as('viewer', ['auth', 'whoami', '-o', 'json']);
    assert.equal(me.code, 0, me.stderr);
    const info = JSON.parse(me.stdout).status.userInfo;
    assert.deepEqual(info, { username: 'viewer', uid: 'uid-viewer', groups: ['team-a', 'system:authenticated'] });
    const imp = await c.kubectl(['auth', 'whoami', '--as', 'jane', '--as-group', 'devs']);
    assert.match(imp.stdout, /Username\s+jane/);
    assert.match(imp.stdout, /Groups\s+\[devs system:authenticated\]/);
  });

  it('serves anonymous requests as system:anonymous: health and version only', async () => {
    const secrets = await c.http('GET', '/api/v1/namespaces/default/secrets', undefined, { Authorization: '' });
    assert.equal(secrets.status, 403);
    assert.deepEqual(secrets.json(), {
      apiVersion: 'v1',
      kind: 'Status',
      metadata: {},
      status: 'Failure',
      message: 'secrets is forbidden: User "system:anonymous" cannot list resource "secrets" in API group "" in the namespace "default"',
      reason: 'Forbidden',
      details: { kind: 'secrets' },
      code: 403,
    });
    assert.equal((await c.http('GET', '/healthz', undefined, { Authorization: '' })).status, 200);
    assert.equal((await c.http('GET', '/version', undefined, { Authorization: '' })).status, 200);
    const api = await c.http('GET', '/api', undefined, { Authorization: '' });
    assert.equal(api.status, 403);
    assert.equal(api.json().message, 'forbidden: User "system:anonymous" cannot get path "/api"');
    const nodes = await c.http('GET', '/api/v1/nodes', undefined, { Authorization: '' });
    assert.equal(nodes.json().message, 'nodes is forbidden: User "system:anonymous" cannot list resource "nodes" in API group "" at the cluster scope');
    // A bearer token that fails is refused, not made anonymous.
    assert.equal((await c.http('GET', '/api/v1/namespaces', undefined, { Authorization: 'Bearer wrong' })).status, 401);
  });

  it('answers SubjectAccessReview and LocalSubjectAccessReview for other users', async () => {
    const sar = await c.http('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: 'editor', resourceAttributes: { namespace: 'default', verb: 'create', group: 'apps', resource: 'deployments' } },
    });
    assert.equal(sar.status, 201, sar.body);
    assert.equal(sar.json().status.allowed, true);
    const lsar = await c.http('POST', '/apis/authorization.k8s.io/v1/namespaces/b/localsubjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'LocalSubjectAccessReview',
      spec: { user: 'nsadmin', resourceAttributes: { verb: 'get', resource: 'pods' } },
    });
    assert.equal(lsar.status, 201, lsar.body);
    assert.equal(lsar.json().status.allowed, false);
    // A user without auth-delegator rights may not ask about others.
    const denied = await c.http(
      'POST',
      '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'x', nonResourceAttributes: { verb: 'get', path: '/' } } },
      { Authorization: 'Bearer nobody-token' },
    );
    assert.equal(denied.status, 403);
  });
});
