// Whether the host is under memory, disk or PID pressure, judged by upstream's default hard
// eviction thresholds: memory.available<100Mi, nodefs.available<10%, nodefs.inodesFree<5%,
// imagefs.available<15%, imagefs.inodesFree<5%. Upstream sets no PID threshold by default;
// k8ts reports PID pressure when fewer than 10% of pid_max remain.
import { readFile, statfs } from 'node:fs/promises';
import type { NodePressure } from '../node-status.js';
import { loadavgTaskCount, parseMeminfo } from './procfs.js';

export interface EvictionThresholds {
  memoryAvailableBytes: bigint;
  /** Fractions of the filesystem that must stay available. */
  nodefsAvailable: number;
  nodefsInodesFree: number;
  imagefsAvailable: number;
  imagefsInodesFree: number;
  /** Fraction of pid_max that must stay free. */
  pidAvailable: number;
}

export const DEFAULT_THRESHOLDS: EvictionThresholds = {
  memoryAvailableBytes: 100n * 1024n * 1024n,
  nodefsAvailable: 0.1,
  nodefsInodesFree: 0.05,
  imagefsAvailable: 0.15,
  imagefsInodesFree: 0.05,
  pidAvailable: 0.1,
};

const readText = async (path: string): Promise<string | undefined> => {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * Bytes available to new work: as upstream's eviction manager, the memory capacity less the root
 * cgroup's working set (usage minus inactive file pages) where cgroup v1 exposes it, else the
 * kernel's MemAvailable estimate (cgroup v2 has no root usage file).
 */
export async function memoryAvailableBytes(): Promise<bigint | undefined> {
  const meminfo = parseMeminfo((await readText('/proc/meminfo')) ?? '');
  const total = meminfo.get('MemTotal');
  const usage = await readText('/sys/fs/cgroup/memory/memory.usage_in_bytes');
  const stat = await readText('/sys/fs/cgroup/memory/memory.stat');
  if (total !== undefined && usage && stat) {
    const inactive = /^total_inactive_file (\d+)$/m.exec(stat)?.[1];
    const workingSet = BigInt(usage.trim()) - BigInt(inactive ?? '0');
    const available = BigInt(total) * 1024n - (workingSet > 0n ? workingSet : 0n);
    return available > 0n ? available : 0n;
  }
  const avail = meminfo.get('MemAvailable');
  return avail === undefined ? undefined : BigInt(avail) * 1024n;
}

/** Available fractions of space and inodes of the filesystem holding `path`. */
export async function fsAvailable(path: string): Promise<{ bytes: number; inodes: number } | undefined> {
  try {
    const s = await statfs(path);
    return { bytes: s.blocks > 0 ? s.bavail / s.blocks : 1, inodes: s.files > 0 ? s.ffree / s.files : 1 };
  } catch {
    return undefined;
  }
}

/** Tasks running and the kernel's pid_max. */
export async function pidUsage(): Promise<{ running: number; max: number } | undefined> {
  const running = loadavgTaskCount((await readText('/proc/loadavg')) ?? '');
  const max = Number(((await readText('/proc/sys/kernel/pid_max')) ?? '').trim());
  return running === undefined || !max ? undefined : { running, max };
}

/**
 * The pressure conditions now. `dataDir` holds the node filesystem (pod volumes, logs); the image
 * filesystem (the runtime's root) is `imageFsDir` when it differs. What cannot be read counts as
 * no pressure, as upstream does when a stat is missing.
 */
export async function hostPressure(dataDir: string, o: { imageFsDir?: string; thresholds?: Partial<EvictionThresholds> } = {}): Promise<NodePressure> {
  const t = { ...DEFAULT_THRESHOLDS, ...o.thresholds };
  const [mem, nodefs, imagefs, pids] = await Promise.all([memoryAvailableBytes(), fsAvailable(dataDir), fsAvailable(o.imageFsDir ?? dataDir), pidUsage()]);
  return {
    memory: mem !== undefined && mem < t.memoryAvailableBytes,
    disk:
      (!!nodefs && (nodefs.bytes < t.nodefsAvailable || nodefs.inodes < t.nodefsInodesFree)) ||
      (!!imagefs && (imagefs.bytes < t.imagefsAvailable || imagefs.inodes < t.imagefsInodesFree)),
    pid: !!pids && pids.max - pids.running < pids.max * t.pidAvailable,
  };
}
