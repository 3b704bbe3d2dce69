// Issue 5, acceptance 1 on a real node: a busybox httpd pod reached over the pod network from
// another pod and from the host, and every kubectl command that reaches into a pod.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, freePort, KUBECTL, KUBECTL_VERSIONS } from '../harness.js';
import { podYaml, startNodeTestCluster, TEST_IMAGE, type NodeTestCluster } from '../node-harness.js';

const httpd = {
  name: 'httpd',
  image: TEST_IMAGE,
  imagePullPolicy: 'IfNotPresent',
  command: ['sh', '-c', 'mkdir -p /www && echo hello-k8ts > /www/index.html && echo serving && exec httpd -f -v -p 80 -h /www'],
  ports: [{ containerPort: 80 }],
};


/** Run a command under a pseudo-terminal (util-linux `script`), typing `keys` once it has started. */
function underPty(command: string, env: NodeJS.ProcessEnv, keys: string, timeoutMs = 30_000): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    // The command may be done before we type (nothing to type, or a fast exit): that is no error.
    child.stdin.on('error', () => undefined);
    const typing = setTimeout(() => keys && child.exitCode === null && child.stdin.write(keys), 1500);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      clearTimeout(typing);
      resolve({ code: code ?? -1, output });
    });
  });
}

describe('a real node: reaching pods', () => {
  let c: NodeTestCluster;
  let podIP = '';
  const env = () => ({ ...process.env, KUBECONFIG: c.kubeconfig, HOME: c.dataDir });

  before(async () => {
    c = await startNodeTestCluster();
    await c.apply(podYaml('web', { containers: [httpd] }));
    const pod = await c.waitPod('web', (p) => p.status?.phase === 'Running' && !!p.status.podIP);
    podIP = pod.status.podIP;
  });
  after(() => c?.stop());

  it('runs the pod with an IP from the node pod range, shown as Running', async () => {
    const prefix = c.podCIDR.split('.').slice(0, 3).join('.');
    assert.ok(podIP.startsWith(`${prefix}.`), `${podIP} not in ${c.podCIDR}`);
    const r = await c.kubectl(['get', 'pods', 'web', '-o', 'wide']);
    assert.match(r.stdout, /^web\s+1\/1\s+Running\s+0\s+/m);
    assert.ok(r.stdout.includes(podIP) && r.stdout.includes(c.nodeName), r.stdout);
  });

  it('serves the page to the host and to another pod', async () => {
    const body = await eventually(() => fetch(`http://${podIP}/`).then((r) => r.text()).catch(() => undefined), 10_000, 200);
    assert.equal(body.trim(), 'hello-k8ts');
    await c.apply(podYaml('client', { restartPolicy: 'Never', containers: [{ name: 'wget', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['wget', '-qO-', `http://${podIP}/`] }] }));
    await c.waitPod('client', (p) => p.status?.phase === 'Succeeded');
    const logs = await c.kubectl(['logs', 'client']);
    assert.equal(logs.stdout.trim(), 'hello-k8ts', logs.stderr);
  });

  it('a hostPort reaches the pod through the node address (portmap)', async () => {
    const hostPort = randomInt(30_000, 32_000);
    await c.apply(podYaml('hostport', { containers: [{ ...httpd, ports: [{ containerPort: 80, hostPort }] }] }));
    await c.waitPod('hostport', (p) => p.status?.phase === 'Running');
    const node = (await c.http('GET', `/api/v1/nodes/${c.nodeName}`)).json();
    const nodeIP = node.status.addresses.find((a: any) => a.type === 'InternalIP').address;
    const body = await eventually(() => fetch(`http://${nodeIP}:${hostPort}/`).then((r) => r.text()).catch(() => undefined), 10_000, 200);
    assert.equal(body.trim(), 'hello-k8ts');
  });

  it('kubectl exec runs a command, passes stdin through and returns the exit code', async () => {
    const date = await c.kubectl(['exec', 'web', '--', 'date', '-u']);
    assert.equal(date.code, 0, date.stderr);
    assert.match(date.stdout, /UTC \d{4}$/m);
    const cat = await c.kubectl(['exec', '-i', 'web', '--', 'sh', '-c', 'cat; echo " <done>"'], { input: 'from-stdin' });
    assert.equal(cat.stdout.trim(), 'from-stdin <done>', cat.stderr);
    const fail = await c.kubectl(['exec', 'web', '--', 'sh', '-c', 'exit 3']);
    assert.equal(fail.code, 3, fail.stderr);
    const spdy = await c.kubectl(['exec', 'web', '--', 'echo', 'over-spdy'], { env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' } });
    assert.equal(spdy.stdout.trim(), 'over-spdy', spdy.stderr);
  });

  it('kubectl exec -it gives a shell on a terminal', async () => {
    const r = await underPty(`${KUBECTL} exec -it web -- sh`, env(), 'echo tty-$((6*7)); tty; exit\r');
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /tty-42/);
    assert.match(r.output, /\/dev\/pts\/\d+/);
  });

  it('kubectl port-forward forwards a local port to the pod (WebSocket tunnel and SPDY)', async () => {
    for (const websockets of ['true', 'false']) {
      const port = await freePort();
      const pf = spawn(KUBECTL, ['port-forward', 'pod/web', `${port}:80`], { env: { ...env(), KUBECTL_PORT_FORWARD_WEBSOCKETS: websockets } });
      let out = '';
      pf.stdout.on('data', (d: Buffer) => (out += d.toString()));
      pf.stderr.on('data', (d: Buffer) => (out += d.toString()));
      try {
        await eventually(() => out.includes(`Forwarding from 127.0.0.1:${port}`), 15_000).catch((err) => {
          throw new Error(`${err.message} (websockets=${websockets}); kubectl said: ${out}`);
        });
        for (let i = 0; i < 3; i++) {
          const body = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
          assert.equal(body.trim(), 'hello-k8ts', out);
        }
      } finally {
        pf.kill('SIGINT');
      }
    }
  });

  it('kubectl logs -f streams new lines as they are written', async () => {
    await c.apply(podYaml('ticker', { containers: [{ name: 'tick', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'i=0; while true; do echo tick-$i; i=$((i+1)); sleep 0.3; done'] }] }));
    await c.waitPod('ticker', (p) => p.status?.phase === 'Running');
    const f = spawn(KUBECTL, ['logs', '-f', 'ticker'], { env: env() });
    let out = '';
    f.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await eventually(() => /tick-6\n/.test(out), 15_000);
    } finally {
      f.kill('SIGINT');
    }
    const tail = await c.kubectl(['logs', 'ticker', '--tail=2', '--timestamps']);
    const lines = tail.stdout.trim().split('\n');
    assert.equal(lines.length, 2, tail.stdout);
    for (const l of lines) assert.match(l, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z tick-\d+$/);
  });

  it('kubectl cp copies files out of and into a pod', async () => {
    const local = join(c.dataDir, 'index-copy.html');
    const out = await c.kubectl(['cp', 'web:/www/index.html', local]);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(readFileSync(local, 'utf8').trim(), 'hello-k8ts');
    const src = c.file('upload.txt', 'uploaded-through-cp\n');
    const up = await c.kubectl(['cp', src, 'web:/tmp/upload.txt']);
    assert.equal(up.code, 0, up.stderr);
    const cat = await c.kubectl(['exec', 'web', '--', 'cat', '/tmp/upload.txt']);
    assert.equal(cat.stdout, 'uploaded-through-cp\n');
  });

  it('kubectl run -it --rm attaches, prints, and deletes the pod', async () => {
    const r = await underPty(`${KUBECTL} run tmp --image=${TEST_IMAGE} --image-pull-policy=IfNotPresent --restart=Never -it --rm -- sh -c 'sleep 1; echo hi-from-run'`, env(), '');
    assert.match(r.output, /hi-from-run/);
    assert.match(r.output, /pod "tmp" deleted/);
    assert.equal(r.code, 0, r.output);
    const gone = await c.kubectl(['get', 'pod', 'tmp']);
    assert.match(gone.stderr, /NotFound|not found/);
  });

  it('kubectl 1.27 (SPDY only) and 1.33 exec, pass stdin, port-forward and read logs too', async () => {
    for (const [version, binary] of KUBECTL_VERSIONS.slice(1)) {
      const exec = await c.kubectl(['exec', '-i', 'web', '--', 'sh', '-c', 'cat; exit 4'], { binary, input: `stdin-${version}` });
      assert.equal(exec.stdout, `stdin-${version}`, `kubectl ${version}: ${exec.stderr}`);
      assert.equal(exec.code, 4, `kubectl ${version}`);
      const logs = await c.kubectl(['logs', 'web'], { binary });
      assert.match(logs.stdout, /^serving$/m, `kubectl ${version}: ${logs.stderr}`);
      const port = await freePort();
      const pf = spawn(binary, ['port-forward', 'pod/web', `${port}:80`], { env: env() });
      let out = '';
      pf.stdout.on('data', (d: Buffer) => (out += d.toString()));
      pf.stderr.on('data', (d: Buffer) => (out += d.toString()));
      try {
        await eventually(() => out.includes(`Forwarding from 127.0.0.1:${port}`), 15_000).catch((err) => {
          throw new Error(`${err.message} (kubectl ${version}); kubectl said: ${out}`);
        });
        assert.equal((await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text())).trim(), 'hello-k8ts');
      } finally {
        pf.kill('SIGINT');
      }
    }
  });
});
