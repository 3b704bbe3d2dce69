// Acceptance 4 of issue 14 for the control plane: the API server's /metrics (with the in-process
// scheduler's and controller manager's) is a valid Prometheus exposition with upstream's names and
// labels, its figures move with the traffic, and RBAC guards it as the non-resource URL /metrics.
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';
import { family, parseExposition, samples, total, type ParsedFamily } from '../prometheus.js';

function get(c: TestCluster, path: string, token?: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: c.cp.port, path, ca: c.cp.caPem, servername: 'localhost', headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Prometheus /metrics on the API server', () => {
  let c: TestCluster;
  const scrape = async () => {
    const r = await c.kubectl(['get', '--raw', '/metrics']);
    assert.equal(r.code, 0, r.stderr);
    return parseExposition(r.stdout);
  };

  before(async () => {
    c = await startTestCluster({ store: 'sqlite', simNodes: 2, tokenAuthFile: 'monitor-token,monitor,uid-m\nnobody-token,nobody,uid-n\n' });
    const bound = await c.kubectl(['create', 'clusterrolebinding', 'monitor', '--clusterrole=system:monitoring', '--user=monitor']);
    assert.equal(bound.code, 0, bound.stderr);
  });
  after(() => c?.stop());

  it('is authorized as the non-resource URL /metrics: anonymous and unbound users get 403, system:monitoring gets it', async () => {
    const anonymous = await get(c, '/metrics');
    assert.equal(anonymous.status, 403, anonymous.body);
    assert.match(anonymous.body, /forbidden: User \\?"system:anonymous\\?" cannot get path \\?"\/metrics\\?"/);
    assert.equal((await get(c, '/metrics', 'nobody-token')).status, 403);
    const monitor = await eventually(async () => {
      const r = await get(c, '/metrics', 'monitor-token');
      return r.status === 200 && r;
    });
    assert.equal(monitor.type, 'text/plain; version=0.0.4; charset=utf-8');
    assert.ok(parseExposition(monitor.body).has('apiserver_request_total'));
    const index = (await c.http('GET', '/')).json().paths as string[];
    assert.ok(index.includes('/metrics'));
  });

  it('carries upstream names and labels, for the API server, its storage, the scheduler and the controllers', async () => {
    const m = await scrape();
    const requests = family(m, 'apiserver_request_total');
    assert.equal(requests.type, 'counter');
    const labelled = requests.metrics.find((s) => s.labels?.['resource'] === 'pods');
    assert.ok(labelled, 'a pods series');
    assert.deepEqual(Object.keys(labelled.labels!).sort(), ['code', 'component', 'dry_run', 'group', 'resource', 'scope', 'subresource', 'verb', 'version']);
    const durations = family(m, 'apiserver_request_duration_seconds');
    assert.equal(durations.type, 'histogram');
    assert.ok(durations.metrics[0]!.buckets!['0.005'] !== undefined && durations.metrics[0]!.buckets!['60'] !== undefined, 'upstream buckets');
    assert.deepEqual(samples(family(m, 'apiserver_current_inflight_requests')).map((s) => s.labels!['request_kind']).sort(), ['mutating', 'readOnly']);
    for (const name of ['apiserver_longrunning_requests', 'apiserver_watch_events_total', 'apiserver_storage_objects', 'etcd_request_duration_seconds', 'process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes']) family(m, name);
    // The informers of the scheduler and controllers hold watches open.
    assert.ok(total(family(m, 'apiserver_longrunning_requests'), { verb: 'WATCH', resource: 'pods' }) >= 1);
    assert.equal(total(family(m, 'leader_election_master_status'), { name: 'kube-scheduler' }), 1);
    assert.equal(total(family(m, 'leader_election_master_status'), { name: 'kube-controller-manager' }), 1);
    for (const queue of ['active', 'backoff', 'unschedulable', 'gated']) assert.equal(samples(family(m, 'scheduler_pending_pods'), { queue }).length, 1, queue);
    for (const name of ['workqueue_depth', 'workqueue_adds_total', 'workqueue_queue_duration_seconds', 'workqueue_work_duration_seconds', 'workqueue_retries_total', 'workqueue_unfinished_work_seconds', 'workqueue_longest_running_processor_seconds']) {
      assert.ok(samples(family(m, name), { name: 'namespace' }).length === 1, `${name}{name="namespace"}`);
    }
  });

  it('counts a kubectl get pods as LIST pods, and scheduling, queues, stored objects and storage latency follow the workload', async () => {
    const before = await scrape();
    const listPods = (f: ParsedFamily) => total(f, { verb: 'LIST', resource: 'pods', scope: 'namespace', code: '200', group: '', version: 'v1', component: 'apiserver' });
    const r = await c.kubectl(['get', 'pods']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(listPods(family(await scrape(), 'apiserver_request_total')), listPods(family(before, 'apiserver_request_total')) + 1);
    const scheduledBefore = total(family(before, 'scheduler_schedule_attempts_total'), { result: 'scheduled', profile: 'default-scheduler' });
    assert.equal((await c.kubectl(['create', 'deployment', 'web', '--image=busybox', '--replicas=3'])).code, 0);
    await eventually(async () => (await c.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.nodeName}'])).stdout.trim().split(/\s+/).filter(Boolean).length === 3, 20_000);
    const m = await eventually(async () => {
      const s = await scrape();
      return total(family(s, 'scheduler_schedule_attempts_total'), { result: 'scheduled' }) >= scheduledBefore + 3 && s;
    });
    assert.ok(total(family(m, 'apiserver_request_duration_seconds'), { verb: 'LIST', resource: 'pods', scope: 'namespace' }) >= 1);
    assert.equal(total(family(m, 'apiserver_request_duration_seconds'), { verb: 'WATCH' }), 0, 'long-running requests have no latency');
    assert.ok(total(family(m, 'apiserver_request_total'), { verb: 'POST', resource: 'deployments', group: 'apps', code: '201' }) >= 1);
    const sli = family(m, 'scheduler_pod_scheduling_sli_duration_seconds');
    assert.ok(total(sli) >= 3);
    assert.ok(samples(sli).every((s) => Number(s.sum) >= 0 && Number(s.sum) < 60 * Number(s.count)), 'plausible latencies');
    assert.ok(total(family(m, 'scheduler_scheduling_attempt_duration_seconds'), { result: 'scheduled', profile: 'default-scheduler' }) >= 3);
    assert.ok(total(family(m, 'scheduler_queue_incoming_pods_total'), { queue: 'active', event: 'PodAdd' }) >= 3);
    for (const name of ['deployment', 'replicaset']) assert.ok(total(family(m, 'workqueue_adds_total'), { name }) >= 1, name);
    const pods = (await c.kubectl(['get', 'pods', '-A', '-o', 'name'])).stdout.trim().split('\n').filter(Boolean).length;
    assert.equal(total(family(m, 'apiserver_storage_objects'), { resource: 'pods' }), pods);
    assert.ok(total(family(m, 'apiserver_storage_objects'), { resource: 'deployments.apps' }) >= 1);
    assert.ok(total(family(m, 'etcd_request_duration_seconds'), { operation: 'create', type: 'pods' }) >= 3);
    assert.ok(total(family(m, 'etcd_request_duration_seconds'), { operation: 'create', type: 'deployments.apps' }) >= 1);
    assert.ok(total(family(m, 'apiserver_watch_events_total'), { group: '', version: 'v1', resource: 'pods' }) >= 3);
  });
});
