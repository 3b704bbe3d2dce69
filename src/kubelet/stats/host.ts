// The node's own figures, read from /proc and statfs as cadvisor reads them for the root cgroup.
import { readdir, readFile, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { FsStats, InterfaceStats, RlimitStats } from './types.js';

/** USER_HZ: the unit of /proc/stat, 100 on every Linux the kubelet runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface HostCpuSample {
  /** Cumulative busy CPU time over all cores, in nanoseconds. */
  usageCoreNanoSeconds: number;
  /** Boot time, epoch milliseconds. */
  bootTimeMs?: number;
}

export async function readHostCpu(procRoot = '/proc'): Promise<HostCpuSample> {
  const text = await readFile(join(procRoot, 'stat'), 'utf8');
  const out: HostCpuSample = { usageCoreNanoSeconds: 0 };
  for (const line of text.split('\n')) {
    if (line.startsWith('cpu ')) {
      // user nice system idle iowait irq softirq steal guest guest_nice: busy = all but idle and iowait
      // (guest time is already counted in user).
      const f = line.trim().split(/\s+/).slice(1).map(Number);
      const busy = (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
      out.usageCoreNanoSeconds = (busy * 1e9) / CLOCK_TICKS_PER_SECOND;
    } else if (line.startsWith('btime ')) {
      out.bootTimeMs = Number(line.slice(6)) * 1000;
    }
  }
  return out;
}

export interface HostMemory {
  capacityBytes: number;
  availableBytes: number;
  usageBytes: number;
  workingSetBytes: number;
  rssBytes: number;
  pageFaults?: number;
  majorPageFaults?: number;
}

function kvFile(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    const r = /^([^:\s]+):?\s+(\d+)(\s+kB)?/.exec(line);
    if (r) m.set(r[1]!, Number(r[2]) * (r[3] ? 1024 : 1));
  }
  return m;
}

/**
 * Memory as the root cgroup reports it: usage includes the page cache, the working set is usage
 * less inactive file pages (what could be dropped), available is capacity less the working set.
 */
export async function readHostMemory(procRoot = '/proc'): Promise<HostMemory> {
  const info = kvFile(await readFile(join(procRoot, 'meminfo'), 'utf8'));
  const total = info.get('MemTotal') ?? 0;
  const usage = total - (info.get('MemFree') ?? 0);
  const workingSet = Math.max(0, usage - (info.get('Inactive(file)') ?? 0));
  const out: HostMemory = {
    capacityBytes: total,
    availableBytes: Math.max(0, total - workingSet),
    usageBytes: usage,
    workingSetBytes: workingSet,
    rssBytes: info.get('AnonPages') ?? 0,
  };
  try {
    const vm = kvFile(await readFile(join(procRoot, 'vmstat'), 'utf8'));
    out.pageFaults = vm.get('pgfault');
    out.majorPageFaults = vm.get('pgmajfault');
  } catch {
    // vmstat is optional
  }
  return out;
}

export async function readFs(path: string, time: string): Promise<FsStats | undefined> {
  try {
    const s = await statfs(path);
    const capacity = s.blocks * s.bsize;
    const available = s.bavail * s.bsize;
    return {
      time,
      availableBytes: available,
      capacityBytes: capacity,
      usedBytes: (s.blocks - s.bfree) * s.bsize,
      inodesFree: s.ffree,
      inodes: s.files,
      inodesUsed: s.files - s.ffree,
    };
  } catch {
    return undefined;
  }
}

export async function readInterfaces(procRoot = '/proc'): Promise<InterfaceStats[]> {
  let text: string;
  try {
    text = await readFile(join(procRoot, 'net', 'dev'), 'utf8');
  } catch {
    return [];
  }
  const out: InterfaceStats[] = [];
  for (const line of text.split('\n').slice(2)) {
    const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === 'lo') continue;
    const f = m[2]!.trim().split(/\s+/).map(Number);
    out.push({ name: m[1]!, rxBytes: f[0], rxErrors: f[2], txBytes: f[8], txErrors: f[10] });
  }
  return out;
}

export async function readRlimit(procRoot: string, time: string): Promise<RlimitStats> {
  const out: RlimitStats = { time };
  try {
    out.maxpid = Number((await readFile(join(procRoot, 'sys', 'kernel', 'pid_max'), 'utf8')).trim());
  } catch {
    // leave unset
  }
  try {
    out.curproc = (await readdir(procRoot)).filter((n) => /^\d+$/.test(n)).length;
  } catch {
    // leave unset
  }
  return out;
}

/** Total size of the files under a directory (container logs), 0 when it does not exist. */
export async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (!e.isFile()) continue;
    try {
      total += (await stat(join(e.parentPath, e.name))).size;
    } catch {
      // removed meanwhile
    }
  }
  return total;
}
