// What a real kubelet reports about its host at registration: capacity from the kernel's
// figures, allocatable after reservations and the hard eviction thresholds (upstream's node
// allocatable), node info, the node IP, and the well-known labels.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, statfs, writeFile } from 'node:fs/promises';
import { availableParallelism, networkInterfaces, release } from 'node:os';
import { join } from 'node:path';
import { parseQuantity, sub } from '../../api/quantity/index.js';
import { KUBELET_VERSION, wellKnownLabels, type NodeDescription } from '../node-status.js';
import { binaryQuantity, defaultRouteInterface, goArch, osReleaseValue, parseMeminfo } from './procfs.js';
import { DEFAULT_THRESHOLDS, type EvictionThresholds } from './pressure.js';

export const DEFAULT_MAX_PODS = 110;

/** Resources held back from pods (kube-reserved plus system-reserved), as quantities. */
export interface Reserved {
  cpu?: string;
  memory?: string;
  'ephemeral-storage'?: string;
}

export interface DescribeHostOptions {
  nodeName: string;
  /** The kubelet's data dir: its filesystem is the node's ephemeral storage; a machine id may be kept there. */
  dataDir: string;
  /** The address to report; else that of the default-route interface. */
  nodeIP?: string;
  /** As the runtime reports it, e.g. containerd://1.6.20. */
  runtimeVersion: string;
  maxPods?: number;
  reserved?: Reserved;
  thresholds?: Partial<EvictionThresholds>;
  labels?: Record<string, string>;
}

const readText = async (path: string): Promise<string | undefined> => {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** /etc/machine-id, else an id generated once and kept in the data dir (stable across restarts). */
async function machineID(dataDir: string): Promise<string> {
  for (const p of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    const id = (await readText(p))?.trim();
    if (id && /^[0-9a-f]{32}$/i.test(id)) return id;
  }
  const kept = join(dataDir, 'machine-id');
  const id = (await readText(kept))?.trim();
  if (id && /^[0-9a-f]{32}$/i.test(id)) return id;
  const fresh = randomBytes(16).toString('hex');
  await mkdir(dataDir, { recursive: true });
  await writeFile(kept, `${fresh}\n`, { mode: 0o644 });
  return fresh;
}

/** The first IPv4 of the default-route interface, else of any external interface, else loopback. */
export async function detectNodeIP(): Promise<string> {
  const ifaces = networkInterfaces();
  const v4 = (name: string) => ifaces[name]?.find((a) => a.family === 'IPv4' && !a.internal)?.address;
  const routeIface = defaultRouteInterface((await readText('/proc/net/route')) ?? '');
  const viaRoute = routeIface ? v4(routeIface) : undefined;
  if (viaRoute) return viaRoute;
  for (const name of Object.keys(ifaces)) {
    const a = v4(name);
    if (a) return a;
  }
  return '127.0.0.1';
}

/** Total bytes of pre-allocated huge pages per size, keyed as the resource name ("hugepages-2Mi"). */
async function hugepages(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let dirs: string[] = [];
  try {
    dirs = await readdir('/sys/kernel/mm/hugepages');
  } catch {
    return out;
  }
  for (const d of dirs) {
    const m = /^hugepages-(\d+)kB$/.exec(d);
    if (!m) continue;
    const size = BigInt(m[1]!) * 1024n;
    const count = BigInt(((await readText(join('/sys/kernel/mm/hugepages', d, 'nr_hugepages'))) ?? '0').trim() || '0');
    out[`hugepages-${binaryQuantity(size)}`] = binaryQuantity(size * count);
  }
  return out;
}

/** capacity − reserved − threshold, never below zero; a percentage threshold is of capacity. */
function allocatableOf(capacity: string, reserved: string | undefined, threshold: string | number | undefined): string {
  let q = parseQuantity(capacity);
  if (reserved) q = sub(q, parseQuantity(reserved));
  if (typeof threshold === 'number') q = sub(q, parseQuantity(String(Math.floor(parseQuantity(capacity).value() * threshold))));
  else if (threshold) q = sub(q, parseQuantity(threshold));
  return q.sign() < 0 ? '0' : q.toString();
}

export async function describeHost(o: DescribeHostOptions): Promise<NodeDescription> {
  const thresholds = { ...DEFAULT_THRESHOLDS, ...o.thresholds };
  const meminfo = parseMeminfo((await readText('/proc/meminfo')) ?? '');
  const fs = await statfs(o.dataDir);
  const arch = goArch(process.arch);
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const capacity: Record<string, string> = {
    cpu: String(availableParallelism()),
    memory: binaryQuantity(BigInt(meminfo.get('MemTotal') ?? 0) * 1024n),
    pods: String(o.maxPods ?? DEFAULT_MAX_PODS),
    'ephemeral-storage': binaryQuantity(BigInt(fs.blocks) * BigInt(fs.bsize)),
    ...(await hugepages()),
  };
  const r = o.reserved ?? {};
  const allocatable: Record<string, string> = {
    ...capacity,
    cpu: allocatableOf(capacity['cpu']!, r.cpu, undefined),
    memory: allocatableOf(capacity['memory']!, r.memory, binaryQuantity(thresholds.memoryAvailableBytes)),
    'ephemeral-storage': allocatableOf(capacity['ephemeral-storage']!, r['ephemeral-storage'], thresholds.nodefsAvailable),
  };
  // Huge pages are not memory a pod can get as ordinary pages.
  for (const [k, v] of Object.entries(capacity)) if (k.startsWith('hugepages-')) allocatable.memory = allocatableOf(allocatable.memory!, v, undefined);
  const systemUUID = ((await readText('/sys/class/dmi/id/product_uuid')) ?? '').trim();
  return {
    name: o.nodeName,
    nodeIP: o.nodeIP ?? (await detectNodeIP()),
    capacity,
    allocatable,
    labels: { ...wellKnownLabels(o.nodeName, os, arch), ...o.labels },
    nodeInfo: {
      machineID: await machineID(o.dataDir),
      systemUUID,
      bootID: ((await readText('/proc/sys/kernel/random/boot_id')) ?? '').trim(),
      kernelVersion: release(),
      osImage: osReleaseValue((await readText('/etc/os-release')) ?? (await readText('/usr/lib/os-release')) ?? '', 'PRETTY_NAME') ?? 'Linux',
      containerRuntimeVersion: o.runtimeVersion,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: '',
      operatingSystem: os,
      architecture: arch,
    },
  };
}
