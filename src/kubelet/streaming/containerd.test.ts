// kubectl → these handlers → a real containerd's streaming server, with a private containerd
// started here (own root, state, socket; a busybox image built from /bin/busybox; a host-network
// sandbox so no CNI is involved). Needs root, containerd and runc, as CI has.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import net from 'node:net';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, copyFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ContainerdRuntime } from '../cri/runtime.js';
import type { PodSandboxConfig } from '../runtime.js';
import { handleRemoteCommand } from './remote-command.js';
import { handlePortForward } from './port-forward.js';

const rand = randomBytes(3).toString('hex');
const IMAGE = `docker.io/library/busybox:k8tst-stream-${rand}`;
const PAUSE = `k8ts.io/pause:k8tst-stream-${rand}`;
const sha256 = (d: Buffer | string): string => createHash('sha256').update(d).digest('hex');

/** An OCI image layout tar holding a busybox rootfs. */
function buildImage(work: string, name: string, config: Record<string, unknown>): string {
  const root = join(work, sha256(name).slice(0, 8));
  const rootfs = join(root, 'rootfs');
  for (const d of ['bin', 'etc', 'tmp', 'proc', 'sys', 'dev']) mkdirSync(join(rootfs, d), { recursive: true });
  copyFileSync('/bin/busybox', join(rootfs, 'bin/busybox'));
  for (const a of ['sh', 'sleep', 'echo', 'cat', 'wc', 'tr']) symlinkSync('busybox', join(rootfs, 'bin', a));
  const blobs = join(root, 'layout/blobs/sha256');
  mkdirSync(blobs, { recursive: true });
  execFileSync('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', rootfs, '-cf', join(root, 'layer.tar'), '.']);
  const layer = readFileSync(join(root, 'layer.tar'));
  writeFileSync(join(blobs, sha256(layer)), layer);
  const blob = (obj: unknown): { digest: string; size: number } => {
    const data = Buffer.from(JSON.stringify(obj));
    writeFileSync(join(blobs, sha256(data)), data);
    return { digest: `sha256:${sha256(data)}`, size: data.length };
  };
  const cfg = blob({ architecture: 'amd64', os: 'linux', config: { Env: ['PATH=/bin'], ...config }, rootfs: { type: 'layers', diff_ids: [`sha256:${sha256(layer)}`] } });
  const manifest = blob({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...cfg },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${sha256(layer)}`, size: layer.length }],
  });
  writeFileSync(join(root, 'layout/index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'io.containerd.image.name': name } }] }));
  writeFileSync(join(root, 'layout/oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const out = join(root, 'image.tar');
  execFileSync('tar', ['-C', join(root, 'layout'), '-cf', out, 'oci-layout', 'index.json', 'blobs']);
  return out;
}

function removeCgroupTree(dir: string): void {
  for (const e of readdirSync(dir)) {
    try {
      if (statSync(join(dir, e)).isDirectory()) removeCgroupTree(join(dir, e));
    } catch {
      // raced with removal
    }
  }
  try {
    for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
  } catch {
    // no processes left
  }
  for (let i = 0; i < 50; i++) {
    try {
      return rmdirSync(dir);
    } catch {
      execFileSync('sleep', ['0.05']);
    }
  }
}

describe('kubectl through the streaming handlers into a real containerd', { timeout: 90_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8tst-stream-'));
  const socketPath = join(dir, 'containerd.sock');
  const cgroupParent = `/k8tst-stream-${rand}`;
  let containerd: ChildProcess | undefined;
  let rt: ContainerdRuntime;
  let sandboxId = '';
  let containerId = '';
  let server: https.Server;
  let port = 0;
  const echo = net.createServer((c) => c.pipe(c));
  let echoPort = 0;
  const sockets = new Set<Duplex>();

  before(async () => {
    const conf = join(dir, 'config.toml');
    mkdirSync(join(dir, 'cni'));
    writeFileSync(
      conf,
      [
        'version = 2',
        `root = "${dir}/root"`,
        `state = "${dir}/state"`,
        '[grpc]',
        `  address = "${socketPath}"`,
        '[plugins."io.containerd.internal.v1.opt"]',
        `  path = "${dir}/opt"`,
        '[plugins."io.containerd.grpc.v1.cri"]',
        `  sandbox_image = "${PAUSE}"`,
        '  stream_server_address = "127.0.0.1"',
        '  stream_server_port = "0"',
        '  restrict_oom_score_adj = true',
        '  [plugins."io.containerd.grpc.v1.cri".cni]',
        '    bin_dir = "/usr/lib/cni"',
        `    conf_dir = "${dir}/cni"`,
        '  [plugins."io.containerd.grpc.v1.cri".containerd]',
        '    snapshotter = "overlayfs"',
        '',
      ].join('\n'),
    );
    const log = openSync(join(dir, 'containerd.log'), 'a');
    containerd = spawn('containerd', ['--config', conf], { stdio: ['ignore', log, log] });
    containerd.on('error', () => undefined);
    rt = new ContainerdRuntime({ endpoint: `unix://${socketPath}`, watchTaskExits: false });
    await rt.connect(20_000);
    for (const [name, cfg] of [[IMAGE, { Cmd: ['sh'] }], [PAUSE, { Entrypoint: ['/bin/busybox', 'sleep', '2147483647'] }]] as const) {
      execFileSync('ctr', ['-a', socketPath, '-n', 'k8s.io', 'images', 'import', buildImage(join(dir, 'images'), name, cfg)], { stdio: 'pipe' });
    }
    const sandbox: PodSandboxConfig = {
      metadata: { name: 'p', namespace: 'ns', uid: randomBytes(8).toString('hex'), attempt: 0 },
      hostNetwork: true,
      labels: {},
      annotations: {},
      logDirectory: join(dir, 'logs'),
      linux: { cgroupParent },
    };
    mkdirSync(join(dir, 'logs'));
    sandboxId = await rt.runPodSandbox(sandbox);
    containerId = await rt.createContainer(sandboxId, { metadata: { name: 'c', attempt: 0 }, image: IMAGE, command: ['sleep', '3600'], labels: {}, annotations: {}, logPath: 'c.log' }, sandbox);
    await rt.startContainer(containerId);

    echo.listen(0, '127.0.0.1');
    await once(echo, 'listening');
    echoPort = (echo.address() as net.AddressInfo).port;
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
      const path = new URL(req.url ?? '/', 'https://x').pathname;
      res.setHeader('Content-Type', 'application/json');
      const bodies: Record<string, unknown> = {
        '/api/v1/namespaces/ns/pods/p': { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'c', image: IMAGE }] }, status: { phase: 'Running' } },
        '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] },
        '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [] },
        '/api/v1': { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get'] }] },
      };
      if (bodies[path]) return res.end(JSON.stringify(bodies[path]));
      res.statusCode = 404;
      res.end('{}');
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      const url = new URL(req.url ?? '/', 'https://x');
      const flag = (n: string): boolean => url.searchParams.get(n) === 'true';
      if (url.pathname.endsWith('/exec')) {
        const o = { stdin: flag('stdin'), stdout: flag('stdout'), stderr: flag('stderr'), tty: flag('tty') };
        rt.exec({ containerId, cmd: url.searchParams.getAll('command'), ...o }).then(
          (backendUrl) => handleRemoteCommand(req, socket, head, { kind: 'exec', backendUrl, ...o }),
          () => socket.destroy(),
        );
      } else if (url.pathname.endsWith('/portforward')) {
        rt.portForward(sandboxId, []).then(
          (backendUrl) => handlePortForward(req, socket, head, { backendUrl }),
          () => socket.destroy(),
        );
      } else socket.destroy();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as net.AddressInfo).port;
  });

  after(async () => {
    for (const s of sockets) s.destroy();
    server?.close();
    echo.close();
    try {
      if (sandboxId) {
        await rt.stopPodSandbox(sandboxId);
        await rt.removePodSandbox(sandboxId);
      }
    } catch {
      // torn down below regardless
    }
    rt?.close();
    if (containerd && containerd.exitCode === null) {
      const exited = once(containerd, 'exit');
      containerd.kill('SIGTERM');
      const t = setTimeout(() => containerd?.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(socketPath)) process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    for (const ctrl of readdirSync('/sys/fs/cgroup')) {
      const base = join('/sys/fs/cgroup', ctrl, cgroupParent);
      if (existsSync(base)) removeCgroupTree(base);
    }
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((m): m is string => !!m && m.startsWith(dir)).reverse();
    for (const m of mounts) {
      try {
        execFileSync('umount', ['-l', m], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const kubectl = (args: string[], env: Record<string, string>, input = ''): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn('kubectl', ['--server', `https://127.0.0.1:${port}`, '--insecure-skip-tls-verify', '--token', 'x', '-n', 'ns', ...args], { env: { ...process.env, KUBECONFIG: '/dev/null', ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.stdin.end(input);
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });

  for (const [name, env] of [
    ['WebSocket v5', {}],
    ['SPDY', { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' }],
  ] as const) {
    it(`kubectl exec (${name}) runs in the container and reports the exit code`, async () => {
      const r = await kubectl(['exec', 'p', '--', 'sh', '-c', 'echo hi from $(cat /proc/1/comm); echo oops >&2; exit 7'], env);
      assert.equal(r.stdout, 'hi from sleep\n', r.stderr);
      assert.match(r.stderr, /oops/);
      assert.equal(r.code, 7, r.stderr);
      const i = await kubectl(['exec', '-i', 'p', '--', 'wc', '-c'], env, 'q'.repeat(100_000));
      assert.equal(i.stdout.trim(), '100000', i.stderr);
      assert.equal(i.code, 0);
    });
  }

  for (const [name, env] of [
    ['WebSocket tunnel', {}],
    ['SPDY', { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }],
  ] as const) {
    it(`kubectl port-forward (${name}) reaches a port in the pod's network`, async () => {
      const child = spawn('kubectl', ['--server', `https://127.0.0.1:${port}`, '--insecure-skip-tls-verify', '--token', 'x', '-n', 'ns', 'port-forward', 'pod/p', `:${echoPort}`], { env: { ...process.env, KUBECONFIG: '/dev/null', ...env } });
      try {
        let out = '';
        child.stderr.on('data', (c) => (out += c));
        const local = await new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no forwarding: ${out}`)), 20_000);
          child.stdout.on('data', (c) => {
            out += c;
            const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
            if (m) {
              clearTimeout(timer);
              resolve(Number(m[1]));
            }
          });
        });
        const conn = net.connect(local, '127.0.0.1');
        const payload = Buffer.alloc(150_000, 'f');
        const got: Buffer[] = [];
        conn.on('data', (c: Buffer) => got.push(c));
        conn.write(payload);
        const deadline = Date.now() + 15_000;
        while (Buffer.concat(got).length < payload.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        conn.destroy();
        assert.ok(Buffer.concat(got).equals(payload), `echoed ${Buffer.concat(got).length} bytes; kubectl: ${out}`);
      } finally {
        child.kill('SIGKILL');
      }
    });
  }
});
