// Images on a real node: a pull through a registries.yaml mirror served by Debian's
// docker-registry on loopback, the pull policies, and ErrImagePull turning into ImagePullBackOff.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { endpointSocket } from '../../kubelet/containerd/supervisor.js';
import { eventually, freePort } from '../harness.js';
import { podYaml, startNodeTestCluster, TEST_IMAGE, type NodeTestCluster } from '../node-harness.js';

const run = promisify(execFile);
const MIRRORED = 'mirror.k8ts.test';


describe('a real node: images', () => {
  let c: NodeTestCluster;
  let registry: ChildProcess | undefined;
  let port = 0;
  let dir = '';

  before(async () => {
    port = await freePort();
    dir = join('/tmp', `k8ts-registry-${process.pid}-${port}`);
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(join(dir, 'config.yml'), `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: 127.0.0.1:${port}\n`);
    registry = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
    await eventually(() => fetch(`http://127.0.0.1:${port}/v2/`).then((r) => r.ok).catch(() => false), 15_000, 100);
    const registries = join(dir, 'registries.yaml');
    writeFileSync(registries, `mirrors:\n  ${MIRRORED}:\n    endpoint:\n      - "http://127.0.0.1:${port}"\n`);
    c = await startNodeTestCluster({ agent: { registries } });
    // Push the test image into the registry, then forget the pushed name on the node, so the
    // pod below can only get it by pulling through the mirror.
    const sock = endpointSocket(c.agent.containerdEndpoint);
    const pushed = `127.0.0.1:${port}/library/busybox:pushed`;
    await run('ctr', ['-a', sock, '-n', 'k8s.io', 'images', 'tag', TEST_IMAGE, pushed]);
    await run('ctr', ['-a', sock, '-n', 'k8s.io', 'images', 'push', '--plain-http', pushed]);
    await run('ctr', ['-a', sock, '-n', 'k8s.io', 'images', 'rm', pushed]);
  });
  after(async () => {
    await c?.stop();
    registry?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pulls through a registries.yaml mirror and records Pulling and Pulled events', async () => {
    await c.apply(podYaml('mirrored', { containers: [{ name: 'app', image: `${MIRRORED}/library/busybox:pushed`, command: ['sleep', '600'] }] }));
    await c.waitPod('mirrored', (p) => p.status?.phase === 'Running', 30_000);
    const events = await c.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=mirrored', '-o', 'jsonpath={range .items[*]}{.reason}:{.message}{"\\n"}{end}']);
    assert.match(events.stdout, new RegExp(`^Pulling:Pulling image "${MIRRORED.replace(/\./g, '\\.')}/library/busybox:pushed"$`, 'm'));
    assert.match(events.stdout, /^Pulled:Successfully pulled image ".*" in [\d.]+m?s \(/m);
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
