// kubectl → these handlers → a real containerd's streaming server, with a private containerd
// (../testing/private-containerd.ts) and a host-network sandbox, so no CNI is involved. Needs root,
// containerd, runc and busybox-static, as CI has.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ContainerdRuntime } from '../cri/runtime.js';
import type { PodSandboxConfig } from '../runtime.js';
import { startPrivateContainerd, type PrivateContainerd } from '../testing/private-containerd.js';
import { handleRemoteCommand } from './remote-command.js';
import { handlePortForward } from './port-forward.js';
import { echoRoundTrip, startKubectlApi, type KubectlApi } from './testing/kubectl-api.js';

describe('kubectl through the streaming handlers into a real containerd', { timeout: 90_000 }, () => {
  let ctd: PrivateContainerd | undefined;
  let rt: ContainerdRuntime | undefined;
  let api: KubectlApi | undefined;
  let sandboxId = '';
  let containerId = '';

  before(async () => {
    ctd = await startPrivateContainerd({ prefix: 'k8tst-stream-' });
    const runtime = new ContainerdRuntime({ endpoint: ctd.endpoint, watchTaskExits: false });
    rt = runtime;
    await runtime.connect(20_000);
    const sandbox: PodSandboxConfig = {
      metadata: { name: 'p', namespace: 'ns', uid: randomBytes(8).toString('hex'), attempt: 0 },
      hostNetwork: true,
      labels: {},
      annotations: {},
      logDirectory: join(ctd.dir, 'logs'),
      linux: { cgroupParent: `${ctd.cgroupRoot}/podp` },
    };
    mkdirSync(join(ctd.dir, 'logs'));
    sandboxId = await runtime.runPodSandbox(sandbox);
    containerId = await runtime.createContainer(sandboxId, { metadata: { name: 'c', attempt: 0 }, image: ctd.busyboxImage, command: ['sleep', '3600'], labels: {}, annotations: {}, logPath: 'c.log' }, sandbox);
    await runtime.startContainer(containerId);

    api = await startKubectlApi({
      pod: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'c', image: ctd.busyboxImage }] }, status: { phase: 'Running' } },
      onUpgrade: (req, socket, head, url) => {
        const flag = (n: string): boolean => url.searchParams.get(n) === 'true';
        if (url.pathname.endsWith('/exec')) {
          const o = { stdin: flag('stdin'), stdout: flag('stdout'), stderr: flag('stderr'), tty: flag('tty') };
          runtime.exec({ containerId, cmd: url.searchParams.getAll('command'), ...o }).then(
            (backendUrl) => handleRemoteCommand(req, socket, head, { kind: 'exec', backendUrl, ...o }),
            () => socket.destroy(),
          );
        } else if (url.pathname.endsWith('/portforward')) {
          runtime.portForward(sandboxId, []).then(
            (backendUrl) => handlePortForward(req, socket, head, { backendUrl }),
            () => socket.destroy(),
          );
        } else socket.destroy();
      },
    });
  });

  after(async () => {
    await api?.close();
    rt?.close();
    await ctd?.stop();
  });

  for (const [name, env] of [
    ['WebSocket v5', {}],
    ['SPDY', { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' }],
  ] as const) {
    it(`kubectl exec (${name}) runs in the container and reports the exit code`, async () => {
      const r = await api!.kubectl(['exec', 'p', '--', 'sh', '-c', 'echo hi from $(cat /proc/1/comm); echo oops >&2; exit 7'], { env });
      assert.equal(r.stdout, 'hi from sleep\n', r.stderr);
      assert.match(r.stderr, /oops/);
      assert.equal(r.code, 7, r.stderr);
      const i = await api!.kubectl(['exec', '-i', 'p', '--', 'wc', '-c'], { env, input: 'q'.repeat(100_000) });
      assert.equal(i.stdout.trim(), '100000', i.stderr);
      assert.equal(i.code, 0);
    });
  }

  for (const [name, env] of [
    ['WebSocket tunnel', {}],
    ['SPDY', { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }],
  ] as const) {
    it(`kubectl port-forward (${name}) reaches a port in the pod's network`, async () => {
      const pf = await api!.portForward(env);
      try {
        const payload = Buffer.alloc(150_000, 'f');
        const got = await echoRoundTrip(pf.localPort, payload);
        assert.ok(got.equals(payload), `echoed ${got.length} bytes; kubectl: ${pf.output()}`);
      } finally {
        pf.stop();
      }
    });
  }
});
