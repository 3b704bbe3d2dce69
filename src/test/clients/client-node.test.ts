// Issue 18: the official JavaScript client (@kubernetes/client-node) against k8ts on a real
// node: exec with stdin, attach, port-forward, followed logs, a watch, an informer, and
// server-side apply through KubernetesObjectApi, each used as its documentation shows.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { PassThrough, Writable } from 'node:stream';
import { Attach, CoreV1Api, Exec, KubeConfig, KubernetesObjectApi, Log, PatchStrategy, PortForward, Watch, makeInformer, type KubernetesObject, type V1ConfigMap, type V1Status } from '@kubernetes/client-node';
import { eventually } from '../harness.js';
import { podYaml, startNodeTestCluster, TEST_IMAGE, type NodeTestCluster } from '../node-harness.js';

/** A Writable that keeps what it is given. */
function collector(): Writable & { text(): string } {
  let text = '';
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return Object.assign(w, { text: () => text });
}

const container = (name: string, command: string, extra: Record<string, unknown> = {}) => ({ name, image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', command], ...extra });

describe('@kubernetes/client-node on a real node', { timeout: 180_000 }, () => {
  let c: NodeTestCluster;
  let kc: KubeConfig;

  before(async () => {
    c = await startNodeTestCluster();
    kc = new KubeConfig();
    kc.loadFromFile(c.kubeconfig);
    await c.apply(podYaml('web', { containers: [container('web', 'mkdir -p /www && echo hello-k8ts > /www/index.html && exec httpd -f -p 80 -h /www', { ports: [{ containerPort: 80 }] })] }));
    await c.apply(podYaml('talker', { containers: [container('talker', 'i=0; while true; do echo "line $i"; i=$((i+1)); sleep 0.2; done')] }));
    await c.apply(podYaml('echo', { containers: [container('echo', 'while read l; do echo "got $l"; done', { stdin: true })] }));
    for (const name of ['web', 'talker', 'echo']) await c.waitPod(name, (p) => p.status?.containerStatuses?.[0]?.ready === true, 60_000);
  });
  after(() => c?.stop());

  it('Exec: stdin in, stdout and stderr apart, the exit status from the error channel', async () => {
    const stdout = collector();
    const stderr = collector();
    const stdin = new PassThrough();
    let status: V1Status | undefined;
    const ws = await new Exec(kc).exec('default', 'web', 'web', ['sh', '-c', 'read line; echo "out $line"; echo "err $line" >&2; exit 4'], stdout, stderr, stdin, false, (s) => (status = s));
    stdin.end('from-js\n');
    await once(ws, 'close');
    assert.equal(stdout.text(), 'out from-js\n');
    assert.equal(stderr.text(), 'err from-js\n');
    assert.equal(status?.status, 'Failure');
    assert.equal(status?.reason, 'NonZeroExitCode');
    assert.deepEqual(status?.details?.causes, [{ reason: 'ExitCode', message: '4' }]);
  });

  it('Attach: writes to the container\'s stdin and reads its output', async () => {
    const stdout = collector();
    const stdin = new PassThrough();
    const ws = await new Attach(kc).attach('default', 'echo', 'echo', stdout, collector(), stdin, false);
    try {
      stdin.write('attached\n');
      await eventually(() => stdout.text().includes('got attached'), 10_000);
    } finally {
      ws.close();
    }
  });

  it('PortForward: a local socket reaches the pod\'s HTTP server', async () => {
    const pf = new PortForward(kc);
    const server = createServer((socket: Socket) => void pf.portForward('default', 'web', [80], socket, null, socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      for (let i = 0; i < 2; i++) {
        const body = await fetch(`http://127.0.0.1:${port}/`, { headers: { Connection: 'close' } }).then((r) => r.text());
        assert.equal(body, 'hello-k8ts\n');
      }
    } finally {
      server.close();
    }
  });

  it('Log with follow streams lines as the container writes them', async () => {
    const out = collector();
    const ctl = await new Log(kc).log('default', 'talker', 'talker', out, { follow: true, tailLines: 1 });
    try {
      const first = await eventually(() => /line (\d+)/.exec(out.text()), 10_000);
      await eventually(() => out.text().includes(`line ${Number(first[1]) + 3}`), 10_000);
    } finally {
      ctl.abort();
    }
  });

  it('Watch sees a ConfigMap added, modified and deleted', async () => {
    // The generated patch calls send a JSON patch (application/json-patch+json) by default.
    const core = kc.makeApiClient(CoreV1Api);
    const seen: string[] = [];
    const ctl = await new Watch(kc).watch('/api/v1/namespaces/default/configmaps', { labelSelector: 'test=watch' }, (phase, obj: V1ConfigMap) => seen.push(`${phase} ${obj.metadata?.name} ${obj.data?.['k'] ?? ''}`), () => undefined);
    try {
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'watched', labels: { test: 'watch' } }, data: { k: '1' } } });
      await core.patchNamespacedConfigMap({ name: 'watched', namespace: 'default', body: [{ op: 'replace', path: '/data/k', value: '2' }] });
      await core.deleteNamespacedConfigMap({ name: 'watched', namespace: 'default' });
      await eventually(() => seen.length >= 3, 10_000);
      assert.deepEqual(seen, ['ADDED watched 1', 'MODIFIED watched 2', 'DELETED watched 2']);
    } finally {
      ctl.abort();
    }
  });

  it('an informer lists, then sees add, update and delete, and keeps its cache', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'test=informer' }), 'test=informer');
    const events: string[] = [];
    informer.on('add', (o) => events.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => events.push(`update ${o.metadata?.name} ${o.data?.['k']}`));
    informer.on('delete', (o) => events.push(`delete ${o.metadata?.name}`));
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'listed', labels: { test: 'informer' } }, data: { k: '0' } } });
    await informer.start();
    try {
      await eventually(() => events.includes('add listed'), 10_000);
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'informed', labels: { test: 'informer' } }, data: { k: '1' } } });
      await eventually(() => events.includes('add informed'), 10_000);
      await core.patchNamespacedConfigMap({ name: 'informed', namespace: 'default', body: [{ op: 'replace', path: '/data/k', value: '2' }] });
      await eventually(() => events.includes('update informed 2'), 10_000);
      assert.equal(informer.get('informed', 'default')?.data?.['k'], '2');
      await core.deleteNamespacedConfigMap({ name: 'informed', namespace: 'default' });
      await eventually(() => events.includes('delete informed'), 10_000);
      assert.deepEqual(informer.list('default').map((o) => o.metadata?.name), ['listed']);
    } finally {
      await informer.stop();
    }
  });

  it('KubernetesObjectApi: server-side apply creates, a second manager conflicts, force takes the field over', async () => {
    // A kind without pods: a Deployment here would start containers the node is still tearing
    // down when the test ends.
    const client = KubernetesObjectApi.makeApiClient(kc);
    const applied = (value: string): KubernetesObject & { data: Record<string, string> } => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: 'default' }, data: { k: value } });
    const created = await client.patch(applied('1'), undefined, undefined, 'js-client', undefined, PatchStrategy.ServerSideApply);
    assert.ok(created.metadata?.uid);
    assert.deepEqual(created.metadata?.managedFields?.map((m) => [m.manager, m.operation]), [['js-client', 'Apply']]);
    await assert.rejects(client.patch(applied('2'), undefined, undefined, 'other', undefined, PatchStrategy.ServerSideApply), (err: { code?: number; body?: unknown }) => {
      assert.equal(err.code, 409);
      assert.equal(JSON.parse(String(err.body)).message, 'Apply failed with 1 conflict: conflict with "js-client": .data.k');
      return true;
    });
    const forced = await client.patch(applied('2'), undefined, undefined, 'other', true, PatchStrategy.ServerSideApply);
    assert.equal((forced as V1ConfigMap).data?.['k'], '2');
    assert.deepEqual(forced.metadata?.managedFields?.map((m) => m.manager), ['other']);
    const read = await client.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: 'default' } });
    assert.equal((read as V1ConfigMap).data?.['k'], '2');
    const listed = await client.list('v1', 'Pod', 'default');
    assert.ok(listed.items.some((p) => p.metadata?.name === 'web'));
    await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: 'default' } });
  });
});
