// The Node object a kubelet registers and the status it reports: capacity, addresses, node
// info, the pressure conditions and Ready, with heartbeat and transition times kept the way
// upstream's setters keep them (a transition time moves only when the status does).
import type { Node, NodeCondition, NodeStatus } from '../api/core/v1/types.js';
import { rfc3339 } from '../util/time.js';

export const KUBELET_VERSION = 'v1.32.0+k8ts';
export const KUBELET_PORT = 10250;

export interface NodeDescription {
  name: string;
  nodeIP: string;
  podCIDR?: string;
  capacity: Record<string, string>;
  /** What pods may use (capacity less reservations and hard eviction thresholds); capacity when absent. */
  allocatable?: Record<string, string>;
  /** Where the kubelet API listens (status.daemonEndpoints); 10250 when absent. */
  kubeletPort?: number;
  /** The host's resource pressure as last observed; none when absent. */
  pressure?: NodePressure;
  labels: Record<string, string>;
  nodeInfo: {
    machineID: string;
    systemUUID: string;
    bootID: string;
    kernelVersion: string;
    osImage: string;
    containerRuntimeVersion: string;
    kubeletVersion: string;
    kubeProxyVersion: string;
    operatingSystem: string;
    architecture: string;
  };
}

export interface NodePressure {
  memory: boolean;
  disk: boolean;
  pid: boolean;
}

/** The labels every kubelet puts on its node (upstream's well-known labels). */
export function wellKnownLabels(name: string, os: string, arch: string): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': os,
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': os,
  };
}

/** The object the kubelet creates when it registers. */
export function registrationNode(d: NodeDescription, now: number): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: d.name,
      labels: { ...d.labels },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: d.podCIDR ? { podCIDR: d.podCIDR, podCIDRs: [d.podCIDR] } : {},
    status: nodeStatus(d, undefined, now),
  };
}

function condition(old: NodeStatus | undefined, type: string, status: string, reason: string, message: string, now: number): NodeCondition {
  const prior = old?.conditions?.find((c) => c.type === type);
  const ts = rfc3339(now);
  return { type, status, lastHeartbeatTime: ts, lastTransitionTime: prior && prior.status === status && prior.lastTransitionTime ? prior.lastTransitionTime : ts, reason, message };
}

/** The status to report now, given the status the API holds. */
export function nodeStatus(d: NodeDescription, old: NodeStatus | undefined, now: number): NodeStatus {
  const p = d.pressure;
  return {
    capacity: { ...d.capacity },
    allocatable: { ...(d.allocatable ?? d.capacity) },
    conditions: [
      p?.memory
        ? condition(old, 'MemoryPressure', 'True', 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available', now)
        : condition(old, 'MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', now),
      p?.disk
        ? condition(old, 'DiskPressure', 'True', 'KubeletHasDiskPressure', 'kubelet has disk pressure', now)
        : condition(old, 'DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', now),
      p?.pid
        ? condition(old, 'PIDPressure', 'True', 'KubeletHasInsufficientPID', 'kubelet has insufficient PID available', now)
        : condition(old, 'PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', now),
      condition(old, 'Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', now),
    ],
    addresses: [
      { type: 'InternalIP', address: d.nodeIP },
      { type: 'Hostname', address: d.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: d.kubeletPort ?? KUBELET_PORT } },
    nodeInfo: { ...d.nodeInfo },
  };
}

/**
 * Whether the API's copy differs from what the kubelet would report, heartbeat times aside:
 * a difference is a change to post now rather than at the next periodic report.
 */
export function nodeStatusChanged(current: NodeStatus | undefined, desired: NodeStatus): boolean {
  if (!current) return true;
  const conds = (s: NodeStatus) => (s.conditions ?? []).map((c) => `${c.type}=${c.status}/${c.reason ?? ''}`).sort().join(',');
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const sortedObj = (o: Record<string, unknown> | undefined) => (o ? Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b))) : undefined);
  return (
    conds(current) !== conds(desired) ||
    !same(sortedObj(current.capacity), sortedObj(desired.capacity)) ||
    !same(sortedObj(current.allocatable), sortedObj(desired.allocatable)) ||
    !same(current.addresses, desired.addresses) ||
    !same(sortedObj(current.nodeInfo), sortedObj(desired.nodeInfo))
  );
}
