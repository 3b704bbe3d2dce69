// Images on a real node, from Debian's docker-registry on loopback: a pull through a
// registries.yaml mirror; a private registry (TLS with its own CA, htpasswd) reached with the
// credentials of registries.yaml or of the pod's imagePullSecrets; the pull policies; and
// ErrImagePull turning into ImagePullBackOff.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import https from 'node:https';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import { createCa, issueCert } from '../../util/pki.js';
import { endpointSocket } from '../../kubelet/containerd/supervisor.js';
import { eventually, freePort } from '../harness.js';
import { podYaml, startNodeTestCluster, TEST_IMAGE, type NodeTestCluster } from '../node-harness.js';

const run = promisify(execFile);
const MIRRORED = 'mirror.k8ts.test';
const PRIVATE_USER = 'puller';
const PRIVATE_PASSWORD = 's3cret-pull';

/** docker-registry serving `dir`/data on `port`; with `tls` files and an htpasswd file, a private one. */
async function startRegistry(dir: string, port: number, secure?: { cert: string; key: string; htpasswd: string; ca: string }): Promise<ChildProcess> {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const lines = ['version: 0.1', 'storage:', '  filesystem:', `    rootdirectory: ${join(dir, 'data')}`, 'http:', `  addr: 127.0.0.1:${port}`];
  if (secure) lines.push('  tls:', `    certificate: ${secure.cert}`, `    key: ${secure.key}`, 'auth:', '  htpasswd:', '    realm: k8ts-test', `    path: ${secure.htpasswd}`);
  writeFileSync(join(dir, 'config.yml'), lines.join('\n') + '\n');
  const proc = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  // Any HTTP answer (401 from the private one) means it listens.
  const answers = () =>
    new Promise<boolean>((resolve) => {
      const req = (secure ? https : http).get(`${secure ? 'https' : 'http'}://127.0.0.1:${port}/v2/`, { ca: secure?.ca }, (res) => (res.resume(), resolve(true)));
      req.on('error', () => resolve(false));
    });
  await eventually(answers, 15_000, 100);
  return proc;
}


describe('a real node: images', () => {
  let c: NodeTestCluster;
  const registries: ChildProcess[] = [];
  let port = 0;
  let privatePort = 0;
  let dir = '';

  before(async () => {
    port = await freePort();
    privatePort = await freePort();
    dir = join('/tmp', `k8ts-registry-${process.pid}-${port}`);
    registries.push(await startRegistry(join(dir, 'mirror'), port));
    // The private registry: a certificate from a CA of its own, for 127.0.0.1 and localhost, and one user.
    const ca = await createCa('k8ts-test-registry-ca');
    const leaf = await issueCert(ca, { commonName: 'registry', dnsNames: ['localhost'], ips: ['127.0.0.1'], usage: 'server' });
    const pki = join(dir, 'pki');
    mkdirSync(pki, { recursive: true });
    const file = (name: string, text: string) => (writeFileSync(join(pki, name), text), join(pki, name));
    const caFile = file('ca.crt', ca.cert);
    const secure = { ca: ca.cert, cert: file('tls.crt', leaf.cert), key: file('tls.key', leaf.key), htpasswd: file('htpasswd', `${PRIVATE_USER}:${bcrypt.hashSync(PRIVATE_PASSWORD, 10)}\n`) };
    registries.push(await startRegistry(join(dir, 'private'), privatePort, secure));
    // The node trusts the CA for both names of the private registry, and has credentials for one.
    const registriesYaml = join(dir, 'registries.yaml');
    writeFileSync(
      registriesYaml,
      [
        'mirrors:',
        `  ${MIRRORED}:`,
        '    endpoint:',
        `      - "http://127.0.0.1:${port}"`,
        'configs:',
        `  "127.0.0.1:${privatePort}":`,
        `    auth: { username: ${PRIVATE_USER}, password: ${PRIVATE_PASSWORD} }`,
        `    tls: { ca_file: ${caFile} }`,
        `  "localhost:${privatePort}":`,
        `    tls: { ca_file: ${caFile} }`,
      ].join('\n') + '\n',
    );
    c = await startNodeTestCluster({ agent: { registries: registriesYaml } });
    // Push the test image into the registry, then forget the pushed name on the node, so the
    // pod below can only get it by pulling through the mirror.
    const sock = endpointSocket(c.agent.containerdEndpoint);
    const pushed = `127.0.0.1:${port}/library/busybox:pushed`;
    await run('ctr', ['-a', sock, '-n', 'k8s.io', 'images', 'tag', TEST_IMAGE, pushed]);
    await run('ctr', ['-a', sock, '-n', 'k8s.io', 'images', 'push', '--plain-http', pushed]);
    await run('ctr', ['-a', sock, '-n', 'k8s.io', 'images', 'rm', pushed]);
    const secret = `127.0.0.1:${privatePort}/private/busybox:1`;
    await run('ctr', ['-a', sock, '-n', 'k8s.io', 'images', 'tag', TEST_IMAGE, secret]);
    // Through the hosts directory the agent wrote from registries.yaml: HTTPS with the CA, as the pulls go.
    await run('ctr', ['-a', sock, '-n', 'k8s.io', 'images', 'push', '--hosts-dir', join(dirname(sock), 'certs.d'), '--user', `${PRIVATE_USER}:${PRIVATE_PASSWORD}`, secret]);
    await run('ctr', ['-a', sock, '-n', 'k8s.io', 'images', 'rm', secret]);
  });
  after(async () => {
    await c?.stop();
    for (const r of registries) r.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pulls through a registries.yaml mirror and records Pulling and Pulled events', async () => {
    await c.apply(podYaml('mirrored', { containers: [{ name: 'app', image: `${MIRRORED}/library/busybox:pushed`, command: ['sleep', '600'] }] }));
    await c.waitPod('mirrored', (p) => p.status?.phase === 'Running', 30_000);
    const events = await c.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=mirrored', '-o', 'jsonpath={range .items[*]}{.reason}:{.message}{"\\n"}{end}']);
    assert.match(events.stdout, new RegExp(`^Pulling:Pulling image "${MIRRORED.replace(/\./g, '\\.')}/library/busybox:pushed"$`, 'm'));
    assert.match(events.stdout, /^Pulled:Successfully pulled image ".*" in [\d.]+m?s \(/m);
  });

  it('pulls from a private registry with the credentials and CA of registries.yaml', async () => {
    await c.apply(podYaml('private', { containers: [{ name: 'app', image: `127.0.0.1:${privatePort}/private/busybox:1`, command: ['sleep', '600'] }] }));
    await c.waitPod('private', (p) => p.status?.phase === 'Running', 30_000);
  });

  it("a pod's imagePullSecrets carry the credentials for a registry the node has none for", async () => {
    // The same registry under its other name: the node trusts its CA but has no password for it.
    const image = `localhost:${privatePort}/private/busybox:1`;
    await c.apply(podYaml('no-secret', { containers: [{ name: 'app', image, command: ['sleep', '600'] }] }));
    const refused = await c.waitPod('no-secret', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImagePull', 30_000);
    assert.match(refused.status.containerStatuses[0].state.waiting.message, /401 Unauthorized|unauthorized|authorization failed/i);
    const secret = await c.kubectl(['create', 'secret', 'docker-registry', 'regcred', `--docker-server=localhost:${privatePort}`, `--docker-username=${PRIVATE_USER}`, `--docker-password=${PRIVATE_PASSWORD}`]);
    assert.equal(secret.code, 0, secret.stderr);
    await c.apply(podYaml('with-secret', { imagePullSecrets: [{ name: 'regcred' }], containers: [{ name: 'app', image, command: ['sleep', '600'] }] }));
    await c.waitPod('with-secret', (p) => p.status?.phase === 'Running', 30_000);
  });

  it('an image that cannot be pulled shows ErrImagePull, then ImagePullBackOff', async () => {
    await c.apply(podYaml('missing', { containers: [{ name: 'app', image: `${MIRRORED}/library/nothing:here`, command: ['true'] }] }));
    await c.waitPod('missing', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImagePull', 20_000);
    const backingOff = await c.waitPod('missing', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff', 30_000);
    // As upstream since 1.32, the back-off names the error of the pull that failed.
    assert.match(backingOff.status.containerStatuses[0].state.waiting.message, /^Back-off pulling image ".*\/library\/nothing:here": ErrImagePull: failed to pull and unpack image /);
    const get = await c.kubectl(['get', 'pod', 'missing']);
    assert.match(get.stdout, /missing\s+0\/1\s+(ErrImagePull|ImagePullBackOff)\s+0/);
  });

  it('deleting a pod abandons the pull it waits on', async () => {
    // A "registry" that accepts connections and never answers: the pull hangs until cancelled.
    const sockets = new Set<net.Socket>();
    const stuck = net.createServer((s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
    await new Promise<void>((r) => stuck.listen(0, '127.0.0.1', r));
    try {
      const image = `127.0.0.1:${(stuck.address() as net.AddressInfo).port}/stuck/app:1`;
      await c.apply(podYaml('stuck', { containers: [{ name: 'app', image, command: ['true'] }] }));
      await eventually(() => sockets.size > 0, 20_000, 100);
      const started = Date.now();
      const del = await c.kubectl(['delete', 'pod', 'stuck', '--wait=true'], { timeoutMs: 30_000 });
      assert.equal(del.code, 0, del.stderr);
      assert.ok(Date.now() - started < 10_000, `deleted in ${Date.now() - started} ms`);
      // Not asserted: that containerd drops its request. The CRI call is cancelled, but containerd 1.6
      // sometimes keeps the registry connection open after it.
      const events = await c.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=stuck', '-o', 'jsonpath={.items[*].reason}']);
      assert.doesNotMatch(events.stdout, /Failed|BackOff/, 'an abandoned pull is not a failed one');
    } finally {
      for (const s of sockets) s.destroy();
      stuck.close();
    }
  });

  it('imagePullPolicy Never runs a present image and refuses an absent one', async () => {
    await c.apply(podYaml('never-ok', { containers: [{ name: 'app', image: TEST_IMAGE, imagePullPolicy: 'Never', command: ['sleep', '600'] }] }));
    await c.apply(podYaml('never-absent', { containers: [{ name: 'app', image: 'docker.io/library/absent:1', imagePullPolicy: 'Never', command: ['true'] }] }));
    await c.waitPod('never-ok', (p) => p.status?.phase === 'Running', 20_000);
    const pod = await c.waitPod('never-absent', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImageNeverPull', 20_000);
    assert.equal(pod.status.containerStatuses[0].state.waiting.message, 'Container image "docker.io/library/absent:1" is not present with pull policy of Never');
  });

  it('k8ts image ls lists what the node holds', async () => {
    const ls = await run(process.execPath, [join(import.meta.dirname, '../../cli/main.js'), 'image', 'ls', '--container-runtime-endpoint', c.agent.containerdEndpoint], { encoding: 'utf8' });
    assert.match(ls.stdout, /^k8ts\.io\/pause\s+3\.10\s/m);
    assert.match(ls.stdout, /^docker\.io\/library\/busybox\s+k8ts-test\s/m);
    await eventually(async () => (await c.kubectl(['get', 'pod', 'mirrored', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running');
  });
});
