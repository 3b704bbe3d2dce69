// /stats/summary: per-container figures from the runtime's ListContainerStats, summed per pod,
// and the node's from /proc and statfs. CPU rates (usageNanoCores) need two samples of the
// cumulative counters: each call keeps its sample for the next, and when there is no recent one
// it takes a second sample a moment later, so that every answer carries a rate.
import { CONTAINER_NAME_LABEL, POD_NAME_LABEL, POD_NAMESPACE_LABEL, POD_UID_LABEL, type RuntimeService, type StreamingRuntime } from '../runtime.js';
import { podLogDir } from '../logs/paths.js';
import { directoryBytes, readFs, readHostCpu, readHostMemory, readInterfaces, readRlimit } from './host.js';
import type { ContainerStatsSummary, CPUStats, FsStats, MemoryStats, PodStats, Summary } from './types.js';
import { rfc3339, rfc3339Micro } from '../../util/time.js';

export type StatsRuntime = Pick<RuntimeService, 'listPodSandbox' | 'listContainers'> & Pick<StreamingRuntime, 'listContainerStats'>;

export interface SummaryProviderOptions {
  nodeName: string;
  runtime: StatsRuntime;
  /** The filesystem of the kubelet's data (the node's `fs`). */
  rootFsPath?: string;
  /** The filesystem holding images (the runtime's root). */
  imageFsPath?: string;
  /** Where container logs live (their sizes count as the pods' ephemeral storage). */
  logsDir?: string;
  procRoot?: string;
  now?: () => number;
  /** Pause before a second sample when there is no earlier one (default 100 ms). */
  sampleGapMs?: number;
  /** Samples older than this are not used for rates (default 2 min). */
  maxSampleAgeMs?: number;
}

interface CpuSample {
  at: number;
  total: number;
}

function rate(prev: CpuSample | undefined, cur: CpuSample): number | undefined {
  if (!prev || cur.at <= prev.at || cur.total < prev.total) return undefined;
  return Math.round(((cur.total - prev.total) / ((cur.at - prev.at) * 1e6)) * 1e9);
}

function sumDefined(values: (number | undefined)[]): number | undefined {
  const present = values.filter((v): v is number => v !== undefined);
  return present.length ? present.reduce((a, b) => a + b, 0) : undefined;
}

export class SummaryProvider {
  private readonly containerCpu = new Map<string, CpuSample>();
  private nodeCpu?: CpuSample;
  private readonly now: () => number;
  private readonly procRoot: string;

  constructor(private readonly o: SummaryProviderOptions) {
    this.now = o.now ?? Date.now;
    this.procRoot = o.procRoot ?? '/proc';
  }

  /** The Summary; `onlyCpuAndMemory` leaves out filesystems, network and rlimit as upstream's flag does. */
  async summary(onlyCpuAndMemory = false): Promise<Summary> {
    if (this.needsWarmup()) {
      await this.sampleCpu();
      await new Promise((r) => setTimeout(r, this.o.sampleGapMs ?? 100));
    }
    const now = this.now();
    // Sample times to the millisecond (Go's RFC 3339 parser takes the fraction): rates are
    // computed between two of them, and a window of seconds cannot lose up to one.
    const time = rfc3339Micro(now);
    const [sandboxes, containers, stats, hostCpu, mem] = await Promise.all([
      this.o.runtime.listPodSandbox({ state: 'SANDBOX_READY' }),
      this.o.runtime.listContainers({ state: 'CONTAINER_RUNNING' }),
      this.o.runtime.listContainerStats(),
      readHostCpu(this.procRoot),
      readHostMemory(this.procRoot),
    ]);
    const nodeSample = { at: now, total: hostCpu.usageCoreNanoSeconds };
    const nodeCpu: CPUStats = { time, usageNanoCores: rate(this.nodeCpu, nodeSample), usageCoreNanoSeconds: Math.round(hostCpu.usageCoreNanoSeconds) };
    this.nodeCpu = nodeSample;
    const rootFs = onlyCpuAndMemory ? undefined : await readFs(this.o.rootFsPath ?? '/', time);

    const containerById = new Map(containers.map((c) => [c.id, c]));
    const seen = new Set<string>();
    const pods = new Map<string, PodStats>();
    const sandboxById = new Map(sandboxes.map((s) => [s.id, s]));
    for (const s of sandboxes) {
      pods.set(s.id, {
        podRef: { name: s.metadata.name, namespace: s.metadata.namespace, uid: s.metadata.uid },
        startTime: rfc3339(s.createdAt),
        containers: [],
      });
    }
    for (const st of stats) {
      const c = containerById.get(st.id);
      if (!c) continue; // not running: upstream reports running containers only
      const pod = pods.get(c.podSandboxId);
      if (!pod) continue;
      seen.add(st.id);
      const at = st.timestamp || now;
      const sampleTime = rfc3339Micro(at);
      const entry: ContainerStatsSummary = { name: st.metadata.name || c.labels[CONTAINER_NAME_LABEL] || c.metadata.name, startTime: rfc3339(c.createdAt) };
      if (st.cpuUsageCoreNanoSeconds !== undefined) {
        const sample = { at, total: st.cpuUsageCoreNanoSeconds };
        entry.cpu = { time: sampleTime, usageNanoCores: rate(this.containerCpu.get(st.id), sample), usageCoreNanoSeconds: st.cpuUsageCoreNanoSeconds };
        this.containerCpu.set(st.id, sample);
      }
      if (st.memoryWorkingSetBytes !== undefined || st.memoryUsageBytes !== undefined) {
        entry.memory = { time: sampleTime, usageBytes: st.memoryUsageBytes, workingSetBytes: st.memoryWorkingSetBytes, rssBytes: st.memoryRssBytes };
      }
      if (!onlyCpuAndMemory && rootFs) {
        entry.rootfs = { ...fsShare(rootFs, sampleTime), usedBytes: st.writableLayerUsedBytes ?? 0 };
      }
      pod.containers.push(entry);
    }
    for (const id of this.containerCpu.keys()) if (!seen.has(id)) this.containerCpu.delete(id);

    for (const [sandboxId, pod] of pods) {
      pod.containers.sort((a, b) => a.name.localeCompare(b.name));
      pod.cpu = { time, usageNanoCores: sumDefined(pod.containers.map((c) => c.cpu?.usageNanoCores)), usageCoreNanoSeconds: sumDefined(pod.containers.map((c) => c.cpu?.usageCoreNanoSeconds)) };
      pod.memory = {
        time,
        usageBytes: sumDefined(pod.containers.map((c) => c.memory?.usageBytes)),
        workingSetBytes: sumDefined(pod.containers.map((c) => c.memory?.workingSetBytes)),
        rssBytes: sumDefined(pod.containers.map((c) => c.memory?.rssBytes)),
      };
      if (!onlyCpuAndMemory && rootFs) {
        const sandbox = sandboxById.get(sandboxId)!;
        const logs = this.o.logsDir ? await directoryBytes(podLogDir(this.o.logsDir, sandbox.metadata.namespace, sandbox.metadata.name, sandbox.metadata.uid)) : 0;
        pod['ephemeral-storage'] = { ...fsShare(rootFs, time), usedBytes: (sumDefined(pod.containers.map((c) => c.rootfs?.usedBytes)) ?? 0) + logs };
      }
    }

    const memory: MemoryStats = {
      time,
      availableBytes: mem.availableBytes,
      usageBytes: mem.usageBytes,
      workingSetBytes: mem.workingSetBytes,
      rssBytes: mem.rssBytes,
      pageFaults: mem.pageFaults,
      majorPageFaults: mem.majorPageFaults,
    };
    const summary: Summary = {
      node: { nodeName: this.o.nodeName, startTime: hostCpu.bootTimeMs ? rfc3339(hostCpu.bootTimeMs) : undefined, cpu: nodeCpu, memory },
      pods: [...pods.values()].sort((a, b) => `${a.podRef.namespace}/${a.podRef.name}`.localeCompare(`${b.podRef.namespace}/${b.podRef.name}`)),
    };
    if (!onlyCpuAndMemory) {
      const interfaces = await readInterfaces(this.procRoot);
      if (interfaces.length) summary.node.network = { time, ...interfaces[0]!, interfaces };
      summary.node.fs = rootFs;
      const imageFs = this.o.imageFsPath ? await readFs(this.o.imageFsPath, time) : rootFs;
      summary.node.runtime = { imageFs, containerFs: imageFs };
      summary.node.rlimit = await readRlimit(this.procRoot, time);
    }
    return summary;
  }

  private needsWarmup(): boolean {
    const maxAge = this.o.maxSampleAgeMs ?? 120_000;
    return !this.nodeCpu || this.now() - this.nodeCpu.at > maxAge;
  }

  private async sampleCpu(): Promise<void> {
    const now = this.now();
    const [host, stats] = await Promise.all([readHostCpu(this.procRoot), this.o.runtime.listContainerStats()]);
    this.nodeCpu = { at: now, total: host.usageCoreNanoSeconds };
    for (const st of stats) if (st.cpuUsageCoreNanoSeconds !== undefined) this.containerCpu.set(st.id, { at: st.timestamp || now, total: st.cpuUsageCoreNanoSeconds });
  }
}

/** A filesystem's capacity and free space, as every container and pod on it reports them. */
function fsShare(fs: FsStats, time: string): FsStats {
  return { time, availableBytes: fs.availableBytes, capacityBytes: fs.capacityBytes, inodesFree: fs.inodesFree, inodes: fs.inodes };
}

