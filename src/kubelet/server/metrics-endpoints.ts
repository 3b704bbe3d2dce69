// The kubelet's /metrics/resource and /metrics/cadvisor, from the same readings as /stats/summary:
// /metrics/resource under upstream's stable names (pkg/kubelet/metrics/collectors/
// resource_metrics.go), /metrics/cadvisor under cAdvisor's with its labels (id, image, name,
// namespace, pod, container). Each sample carries the time it was read, as upstream's do.
import { cpus, totalmem } from 'node:os';
import type { Family, Sample } from '../../util/prometheus.js';
import type { Summary } from '../stats/types.js';

const at = (time: string | undefined): number | undefined => (time ? Date.parse(time) : undefined);
const seconds = (ns: number) => ns / 1e9;

function push(out: Sample[], value: number | undefined, labels: Record<string, string>, time?: string): void {
  if (value !== undefined && Number.isFinite(value)) out.push({ labels, value, timestampMs: at(time) });
}

/** /metrics/resource: what the metrics server and HPA read, as the kubelet's resource collector writes it. */
export function resourceFamilies(s: Summary | undefined): Family[] {
  const nodeCpu: Sample[] = [];
  const nodeMem: Sample[] = [];
  const cCpu: Sample[] = [];
  const cMem: Sample[] = [];
  const cStart: Sample[] = [];
  const pCpu: Sample[] = [];
  const pMem: Sample[] = [];
  if (s) {
    push(nodeCpu, s.node.cpu?.usageCoreNanoSeconds !== undefined ? seconds(s.node.cpu.usageCoreNanoSeconds) : undefined, {}, s.node.cpu?.time);
    push(nodeMem, s.node.memory?.workingSetBytes, {}, s.node.memory?.time);
    for (const p of s.pods) {
      const pod = { namespace: p.podRef.namespace, pod: p.podRef.name };
      for (const c of p.containers) {
        const labels = { container: c.name, ...pod };
        push(cCpu, c.cpu?.usageCoreNanoSeconds !== undefined ? seconds(c.cpu.usageCoreNanoSeconds) : undefined, labels, c.cpu?.time);
        push(cMem, c.memory?.workingSetBytes, labels, c.memory?.time);
        // Stamped with the start itself, as upstream's collector stamps it.
        cStart.push({ labels, value: Date.parse(c.startTime) / 1000, timestampMs: Date.parse(c.startTime) });
      }
      push(pCpu, p.cpu?.usageCoreNanoSeconds !== undefined ? seconds(p.cpu.usageCoreNanoSeconds) : undefined, pod, p.cpu?.time);
      push(pMem, p.memory?.workingSetBytes, pod, p.memory?.time);
    }
  }
  return [
    { name: 'container_cpu_usage_seconds_total', help: '[STABLE] Cumulative cpu time consumed by the container in core-seconds', type: 'counter', samples: cCpu },
    { name: 'container_memory_working_set_bytes', help: '[STABLE] Current working set of the container in bytes', type: 'gauge', samples: cMem },
    { name: 'container_start_time_seconds', help: '[STABLE] Start time of the container since unix epoch in seconds', type: 'gauge', samples: cStart },
    { name: 'node_cpu_usage_seconds_total', help: '[STABLE] Cumulative cpu time consumed by the node in core-seconds', type: 'counter', samples: nodeCpu },
    { name: 'node_memory_working_set_bytes', help: '[STABLE] Current working set of the node in bytes', type: 'gauge', samples: nodeMem },
    { name: 'pod_cpu_usage_seconds_total', help: '[STABLE] Cumulative cpu time consumed by the pod in core-seconds', type: 'counter', samples: pCpu },
    { name: 'pod_memory_working_set_bytes', help: '[STABLE] Current working set of the pod in bytes', type: 'gauge', samples: pMem },
    { name: 'resource_scrape_error', help: '[STABLE] 1 if there was an error while getting container metrics, 0 otherwise', type: 'gauge', samples: [{ value: s ? 0 : 1 }] },
  ];
}

/** What cAdvisor knows of a container beyond the summary: its id, image and cgroup. */
export interface ContainerIdentity {
  /** The runtime's container id (cAdvisor's `name` label). */
  id: string;
  image: string;
  /** The container's cgroup (cAdvisor's `id` label). */
  cgroup: string;
}

export interface CadvisorSources {
  container(namespace: string, pod: string, container: string): ContainerIdentity | undefined;
  /** The pod's cgroup, for its pod-level series. */
  podCgroup(namespace: string, pod: string, uid: string): string | undefined;
}

/**
 * /metrics/cadvisor: the machine ("/", with its interfaces and root filesystem), each pod's cgroup
 * and each container's. Pods' own network counters are not read (they live in the pods' network
 * namespaces, which the summary does not enter).
 */
export function cadvisorFamilies(s: Summary, src: CadvisorSources): Family[] {
  const f = {
    cpu: [] as Sample[],
    ws: [] as Sample[],
    rss: [] as Sample[],
    usage: [] as Sample[],
    start: [] as Sample[],
    rx: [] as Sample[],
    tx: [] as Sample[],
    rxErr: [] as Sample[],
    txErr: [] as Sample[],
    fsUsage: [] as Sample[],
    fsLimit: [] as Sample[],
  };
  const root = { container: '', id: '/', image: '', name: '', namespace: '', pod: '' };
  const n = s.node;
  push(f.cpu, n.cpu?.usageCoreNanoSeconds !== undefined ? seconds(n.cpu.usageCoreNanoSeconds) : undefined, { ...root, cpu: 'total' }, n.cpu?.time);
  push(f.ws, n.memory?.workingSetBytes, root, n.memory?.time);
  push(f.rss, n.memory?.rssBytes, root, n.memory?.time);
  push(f.usage, n.memory?.usageBytes, root, n.memory?.time);
  for (const i of n.network?.interfaces ?? []) {
    const labels = { ...root, interface: i.name };
    push(f.rx, i.rxBytes, labels, n.network?.time);
    push(f.tx, i.txBytes, labels, n.network?.time);
    push(f.rxErr, i.rxErrors, labels, n.network?.time);
    push(f.txErr, i.txErrors, labels, n.network?.time);
  }
  if (n.fs) {
    const labels = { ...root, device: '/' };
    push(f.fsUsage, n.fs.usedBytes, labels, n.fs.time);
    push(f.fsLimit, n.fs.capacityBytes, labels, n.fs.time);
  }
  for (const p of s.pods) {
    const { namespace, name: pod, uid } = p.podRef;
    const podCgroup = src.podCgroup(namespace, pod, uid);
    if (podCgroup) {
      const labels = { container: '', id: podCgroup, image: '', name: '', namespace, pod };
      push(f.cpu, p.cpu?.usageCoreNanoSeconds !== undefined ? seconds(p.cpu.usageCoreNanoSeconds) : undefined, { ...labels, cpu: 'total' }, p.cpu?.time);
      push(f.ws, p.memory?.workingSetBytes, labels, p.memory?.time);
      push(f.rss, p.memory?.rssBytes, labels, p.memory?.time);
      push(f.usage, p.memory?.usageBytes, labels, p.memory?.time);
    }
    for (const c of p.containers) {
      const who = src.container(namespace, pod, c.name);
      if (!who) continue;
      const labels = { container: c.name, id: who.cgroup, image: who.image, name: who.id, namespace, pod };
      push(f.cpu, c.cpu?.usageCoreNanoSeconds !== undefined ? seconds(c.cpu.usageCoreNanoSeconds) : undefined, { ...labels, cpu: 'total' }, c.cpu?.time);
      push(f.ws, c.memory?.workingSetBytes, labels, c.memory?.time);
      push(f.rss, c.memory?.rssBytes, labels, c.memory?.time);
      push(f.usage, c.memory?.usageBytes, labels, c.memory?.time);
      push(f.start, Date.parse(c.startTime) / 1000, labels);
      if (c.rootfs) push(f.fsUsage, c.rootfs.usedBytes, { ...labels, device: 'rootfs' }, c.rootfs.time);
    }
  }
  return [
    { name: 'container_cpu_usage_seconds_total', help: 'Cumulative cpu time consumed in seconds.', type: 'counter', samples: f.cpu },
    { name: 'container_fs_limit_bytes', help: 'Number of bytes that can be consumed by the container on this filesystem.', type: 'gauge', samples: f.fsLimit },
    { name: 'container_fs_usage_bytes', help: 'Number of bytes that are consumed by the container on this filesystem.', type: 'gauge', samples: f.fsUsage },
    { name: 'container_memory_rss', help: 'Size of RSS in bytes.', type: 'gauge', samples: f.rss },
    { name: 'container_memory_usage_bytes', help: 'Current memory usage in bytes, including all memory regardless of when it was accessed', type: 'gauge', samples: f.usage },
    { name: 'container_memory_working_set_bytes', help: 'Current working set in bytes.', type: 'gauge', samples: f.ws },
    { name: 'container_network_receive_bytes_total', help: 'Cumulative count of bytes received', type: 'counter', samples: f.rx },
    { name: 'container_network_receive_errors_total', help: 'Cumulative count of errors encountered while receiving', type: 'counter', samples: f.rxErr },
    { name: 'container_network_transmit_bytes_total', help: 'Cumulative count of bytes transmitted', type: 'counter', samples: f.tx },
    { name: 'container_network_transmit_errors_total', help: 'Cumulative count of errors encountered while transmitting', type: 'counter', samples: f.txErr },
    { name: 'container_start_time_seconds', help: 'Start time of the container since unix epoch in seconds.', type: 'gauge', samples: f.start },
    { name: 'machine_cpu_cores', help: 'Number of logical CPU cores.', type: 'gauge', samples: [{ value: cpus().length }] },
    { name: 'machine_memory_bytes', help: 'Amount of memory installed on the machine.', type: 'gauge', samples: [{ value: totalmem() }] },
  ];
}
