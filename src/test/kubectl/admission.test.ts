// Admission plugins as a kubectl user meets them: LimitRange defaults and bounds, a pod quota
// with upstream's refusal and `describe quota`, PodSecurity enforce (403) and warn (kubectl's
// `Warning:` lines), PriorityClass resolution, and quota admission under concurrent creates.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';

function pod(name: string, extra: Record<string, unknown> = {}, container: Record<string, unknown> = {}): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox', ...container }], ...extra } });
}

describe('admission plugins through kubectl', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(async () => {
    await c?.stop();
  });

  async function ok(args: string[], input?: string): Promise<string> {
    const r = await c.kubectl(args, { input });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  it('LimitRange defaults appear on a pod and its bounds refuse one that exceeds them', async () => {
    await ok(['create', 'namespace', 'lr']);
    const lr = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'limits' }, spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '128Mi' }, defaultRequest: { cpu: '100m' }, max: { cpu: '1' } }] } };
    await ok(['apply', '-n', 'lr', '-f', '-'], JSON.stringify(lr));
    await ok(['create', '-n', 'lr', '-f', '-'], pod('defaulted'));
    const got = JSON.parse(await ok(['get', 'pod', 'defaulted', '-n', 'lr', '-o', 'json']));
    assert.deepEqual(got.spec.containers[0].resources, { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m', memory: '128Mi' } });
    assert.equal(got.metadata.annotations['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu, memory request for container c; cpu, memory limit for container c');
    const big = await c.kubectl(['create', '-n', 'lr', '-f', '-'], { input: pod('big', {}, { resources: { limits: { cpu: '2' } } }) });
    assert.notEqual(big.code, 0);
    assert.match(big.stderr, /pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2/);
    const described = await ok(['describe', 'limitrange', 'limits', '-n', 'lr']);
    assert.match(described, /Container\s+cpu\s+-\s+1\s+100m\s+500m\s+-/);
  });

  it('a quota of 2 pods refuses the third with upstream\'s text; describe quota shows Used/Hard', async () => {
    await ok(['create', 'namespace', 'rq']);
    await ok(['create', 'quota', 'q', '-n', 'rq', '--hard=pods=2,services=5']);
    await ok(['create', '-n', 'rq', '-f', '-'], pod('p1'));
    await ok(['create', '-n', 'rq', '-f', '-'], pod('p2'));
    const third = await c.kubectl(['create', '-n', 'rq', '-f', '-'], { input: pod('p3') });
    assert.notEqual(third.code, 0);
    assert.match(third.stderr, /pods "p3" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2/);
    await eventually(async () => {
      const d = (await c.kubectl(['describe', 'quota', 'q', '-n', 'rq'])).stdout;
      return /Resource\s+Used\s+Hard/.test(d) && /pods\s+2\s+2/.test(d) && /services\s+0\s+5/.test(d);
    }, 20_000);
    // Freed quota is usable again.
    await ok(['delete', 'pod', 'p1', '-n', 'rq', '--grace-period=0', '--force', '--wait=false']);
    await eventually(async () => (await c.kubectl(['create', '-n', 'rq', '-f', '-'], { input: pod('p4') })).code === 0, 20_000);
  });

  it('a quota on cpu requires pods to state it', async () => {
    await ok(['create', 'namespace', 'rq-cpu']);
    await ok(['create', 'quota', 'compute', '-n', 'rq-cpu', '--hard=requests.cpu=1,limits.memory=1Gi']);
    const r = await c.kubectl(['create', '-n', 'rq-cpu', '-f', '-'], { input: pod('bare') });
    assert.match(r.stderr, /pods "bare" is forbidden: failed quota: compute: must specify limits.memory for: c; requests.cpu for: c/);
    await ok(['create', '-n', 'rq-cpu', '-f', '-'], pod('sized', {}, { resources: { requests: { cpu: '600m' }, limits: { memory: '256Mi' } } }));
    const over = await c.kubectl(['create', '-n', 'rq-cpu', '-f', '-'], { input: pod('over', {}, { resources: { requests: { cpu: '600m' }, limits: { memory: '256Mi' } } }) });
    assert.match(over.stderr, /exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1/);
  });

  it('10 concurrent creates against a quota of 2 admit exactly 2', async () => {
    await ok(['create', 'namespace', 'rq-race']);
    await ok(['create', 'quota', 'q', '-n', 'rq-race', '--hard=pods=2']);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => c.http('POST', '/api/v1/namespaces/rq-race/pods', JSON.parse(pod(`r${i}`)))));
    const codes = results.map((r) => r.status).sort();
    assert.deepEqual(codes, [201, 201, 403, 403, 403, 403, 403, 403, 403, 403]);
    const list = JSON.parse(await ok(['get', 'pods', '-n', 'rq-race', '-o', 'json']));
    assert.equal(list.items.length, 2);
  });

  it('a restricted namespace refuses a privileged pod; warn mode prints a warning', async () => {
    await ok(['create', 'namespace', 'psa']);
    await ok(['label', 'namespace', 'psa', 'pod-security.kubernetes.io/enforce=restricted']);
    const r = await c.kubectl(['create', '-n', 'psa', '-f', '-'], { input: pod('priv', {}, { securityContext: { privileged: true } }) });
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /pods "priv" is forbidden: violates PodSecurity "restricted:latest": privileged \(container "c" must not set securityContext.privileged=true\), allowPrivilegeEscalation != false \(container "c" must set securityContext.allowPrivilegeEscalation=false\), unrestricted capabilities \(container "c" must set securityContext.capabilities.drop=\["ALL"\]\), runAsNonRoot != true \(pod or container "c" must set securityContext.runAsNonRoot=true\), seccompProfile \(pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"\)/,
    );
    const compliant = { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } };
    await ok(['create', '-n', 'psa', '-f', '-'], pod('fine', {}, compliant));

    await ok(['create', 'namespace', 'psa-warn']);
    await ok(['label', 'namespace', 'psa-warn', 'pod-security.kubernetes.io/warn=baseline', 'pod-security.kubernetes.io/warn-version=v1.32']);
    const w = await c.kubectl(['create', '-n', 'psa-warn', '-f', '-'], { input: pod('priv', { hostNetwork: true }, { securityContext: { privileged: true } }) });
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stderr, /Warning: would violate PodSecurity "baseline:v1.32": host namespaces \(hostNetwork\), privileged \(container "c" must not set securityContext.privileged=true\)/);
    const tmpl = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'hp' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { hostPID: true, containers: [{ name: 'c', image: 'busybox' }] } } } };
    const dw = await c.kubectl(['apply', '-n', 'psa-warn', '-f', '-'], { input: JSON.stringify(tmpl) });
    assert.equal(dw.code, 0, dw.stderr);
    assert.match(dw.stderr, /Warning: would violate PodSecurity "baseline:v1.32": host namespaces \(hostPID\)/);
    // Tightening enforcement over an existing violating pod warns about it.
    const label = await c.kubectl(['label', 'namespace', 'psa-warn', 'pod-security.kubernetes.io/enforce=baseline']);
    assert.equal(label.code, 0, label.stderr);
    assert.match(label.stderr, /Warning: existing pods in namespace "psa-warn" violate the new PodSecurity enforce level "baseline:latest"/);
    assert.match(label.stderr, /Warning: priv: host namespaces, privileged/);
    const bad = await c.kubectl(['label', 'namespace', 'psa-warn', '--overwrite', 'pod-security.kubernetes.io/enforce=strict']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /must be one of privileged, baseline, restricted/);
  });

  it('a PriorityClass resolves to the pod\'s priority; unknown classes are refused', async () => {
    const out = await ok(['get', 'priorityclasses']);
    assert.match(out, /system-cluster-critical\s+2000000000/);
    assert.match(out, /system-node-critical\s+2000001000/);
    await ok(['create', 'priorityclass', 'high', '--value=1000', '--preemption-policy=Never']);
    await ok(['create', '-f', '-'], pod('prio', { priorityClassName: 'high' }));
    const got = JSON.parse(await ok(['get', 'pod', 'prio', '-o', 'json']));
    assert.equal(got.spec.priority, 1000);
    assert.equal(got.spec.preemptionPolicy, 'Never');
    const unknown = await c.kubectl(['create', '-f', '-'], { input: pod('nope', { priorityClassName: 'nope' }) });
    assert.match(unknown.stderr, /pods "nope" is forbidden: no PriorityClass with name nope was found/);
    const del = await c.kubectl(['delete', 'priorityclass', 'system-node-critical']);
    assert.match(del.stderr, /this is a system priority class and cannot be deleted/);
    await ok(['create', 'priorityclass', 'dflt', '--value=7', '--global-default']);
    const second = await c.kubectl(['create', 'priorityclass', 'dflt2', '--value=8', '--global-default']);
    assert.match(second.stderr, /PriorityClass dflt is marked as default. Only one default can exist/);
    await ok(['create', '-f', '-'], pod('plain'));
    const plain = JSON.parse(await ok(['get', 'pod', 'plain', '-o', 'json']));
    assert.equal(plain.spec.priority, 7);
    assert.equal(plain.spec.priorityClassName, 'dflt');
  });
});
