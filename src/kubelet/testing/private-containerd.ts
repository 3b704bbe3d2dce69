// For tests only: a containerd of the test's own, started the way the node agent starts one
// (supervisor, CNI conflist, builtin images) but with every name the host sees unique to the run:
// temp data dir and socket, bridge k8tst<random> on a 10.x.y.0/24 no host route uses, cgroup root
// /k8tst-<random>. stop() leaves the host as it was, even after a test failed midway.
// Needs root, containerd, runc, the CNI plugins in /usr/lib/cni, busybox-static and dist/pause.
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeCniConfig } from '../containerd/cni.js';
import { startContainerd, type ContainerdProcess } from '../containerd/supervisor.js';
import { removeCgroupRoot } from '../host/cgroups.js';
import { ContainerdRuntime } from '../cri/runtime.js';
import { BUSYBOX_IMAGE, ensureBuiltinImages, PAUSE_IMAGE } from '../images/builtin.js';

const run = promisify(execFile);

export interface PrivateContainerd {
  /** The data dir: containerd's root and state, CNI leases, built images; scratch for the test. */
  readonly dir: string;
  /** unix://<socket>, for CRI clients. */
  readonly endpoint: string;
  readonly socket: string;
  /** The CNI bridge pods attach to; it exists once the first non-host-network sandbox ran. */
  readonly bridge: string;
  /** The pods' subnet, 10.x.y.0/24. */
  readonly subnet: string;
  /** The subnet's first three octets, "10.x.y". */
  readonly subnetPrefix: string;
  /** A cgroupfs parent unique to the run: give sandboxes parents under it so stop() finds them. */
  readonly cgroupRoot: string;
  readonly pauseImage: string;
  readonly busyboxImage: string;
  /** Removes every sandbox, stops containerd, deletes the bridge, the cgroups and the data dir. */
  stop(): Promise<void>;
}

interface Ipv4Net {
  base: number;
  prefix: number;
}

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + p, 0);
}

function overlaps(a: Ipv4Net, b: Ipv4Net): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  const size = 2 ** (32 - prefix);
  return Math.floor(a.base / size) === Math.floor(b.base / size);
}

/** The destinations of the host's IPv4 routes, but the default one (which covers everything). */
async function routedNets(): Promise<Ipv4Net[]> {
  const { stdout } = await run('ip', ['-4', 'route', 'show', 'table', 'all']);
  const nets: Ipv4Net[] = [];
  for (const line of stdout.split('\n')) {
    // Typed routes ("local 10.1.2.3 dev …", "broadcast …") put the destination second.
    const words = line.trim().split(/\s+/);
    const dst = /^\d/.test(words[0] ?? '') ? words[0] : words[1];
    if (!dst || dst === 'default') continue;
    const [ip = '', len] = dst.split('/');
    const base = ipv4ToInt(ip);
    if (base !== undefined) nets.push({ base, prefix: len === undefined ? 32 : Number(len) });
  }
  return nets;
}

/**
 * A 10.x.y.0/24 that no route on this host touches. The second octet stays below the 10.100+
 * ranges the node end-to-end harness picks its cluster CIDRs from, and clear of k8ts' defaults.
 */
export async function unusedPodSubnet(): Promise<string> {
  const used = await routedNets();
  for (let i = 0; i < 1000; i++) {
    const prefix = `10.${randomInt(16, 96)}.${randomInt(0, 256)}`;
    if (!used.some((n) => overlaps(n, { base: ipv4ToInt(`${prefix}.0`)!, prefix: 24 }))) return `${prefix}.0/24`;
  }
  throw new Error('no free 10.x.y.0/24 on this host');
}

/** Sandboxes (and their containers) through the CRI, so that CNI releases addresses and rules. */
export async function removeAllSandboxes(endpoint: string): Promise<void> {
  const rt = new ContainerdRuntime({ endpoint, watchTaskExits: false });
  try {
    await rt.connect(2000);
    for (const sb of await rt.listPodSandbox()) {
      await rt.stopPodSandbox(sb.id).catch(() => undefined);
      await rt.removePodSandbox(sb.id).catch(() => undefined);
    }
  } catch {
    // containerd is not answering: the process, cgroup and mount sweep below still cleans up
  } finally {
    rt.close();
  }
}

/** Shims outlive containerd; ours are the ones dialling our socket. */
async function killShims(socket: string): Promise<void> {
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('containerd-shim') && cmdline.split('\0').includes(socket)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
  }
}

async function unmountUnder(dir: string): Promise<void> {
  const mounts = (await readFile('/proc/self/mountinfo', 'utf8'))
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => !!m && (m === dir || m.startsWith(`${dir}/`)))
    .reverse();
  for (const m of mounts) await run('umount', ['-l', m]).catch(() => undefined);
}

export interface PrivateContainerdOptions {
  /** Temp dir name prefix (default k8tst-ctd-). */
  prefix?: string;
}

/** Starts a private containerd with a CNI network and the builtin pause and busybox images. */
export async function startPrivateContainerd(o: PrivateContainerdOptions = {}): Promise<PrivateContainerd> {
  const tag = randomBytes(3).toString('hex');
  const dir = await mkdtemp(join(tmpdir(), o.prefix ?? 'k8tst-ctd-'));
  const bridge = `k8tst${tag}`;
  const network = `k8tst-${tag}`;
  const cgroupRoot = `/k8tst-${tag}`;
  let containerd: ContainerdProcess | undefined;
  let socket = '';

  const stop = async (): Promise<void> => {
    if (containerd) {
      await removeAllSandboxes(containerd.endpoint);
      await containerd.stop();
      await killShims(socket);
    }
    await removeCgroupRoot(cgroupRoot);
    await unmountUnder(dir);
    await run('ip', ['link', 'del', bridge]).catch(() => undefined);
    // libcni's cache of ADD results, named <network>-<container id>-<interface>; DEL removes it,
    // unless a test died before its sandboxes were torn down.
    const results = '/var/lib/cni/results';
    for (const f of await readdir(results).catch(() => [])) if (f.startsWith(`${network}-`)) await rm(join(results, f), { force: true });
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const subnet = await unusedPodSubnet();
    containerd = await startContainerd({ dataDir: dir, sandboxImage: PAUSE_IMAGE });
    socket = containerd.socket;
    await writeCniConfig(containerd.cniConfDir, { podCIDR: subnet, bridge, name: network });
    const [pauseImage = PAUSE_IMAGE, busyboxImage = BUSYBOX_IMAGE] = await ensureBuiltinImages(containerd.endpoint, dir, ['pause', 'busybox']);
    return {
      dir,
      endpoint: containerd.endpoint,
      socket,
      bridge,
      subnet,
      subnetPrefix: subnet.replace(/\.0\/24$/, ''),
      cgroupRoot,
      pauseImage,
      busyboxImage,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
