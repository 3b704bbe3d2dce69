// A pod with everything the plugins need computed once: requests, host ports, priority and
// compiled affinity terms. Built when a pod enters the cache or the queue, not per node.
import type { Pod } from '../api/core/v1/pod/types.js';
import { compileAffinityTerm, type AffinityTerm } from './match.js';
import { podRequests, type Resource } from './resources.js';

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

export interface PodInfo {
  key: string;
  pod: Pod;
  requests: Resource;
  nonZeroRequests: Resource;
  hostPorts: HostPort[];
  priority: number;
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: AffinityTerm[];
  preferredAntiAffinity: AffinityTerm[];
}

export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

export function hostPortsOf(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  return out;
}

export function newPodInfo(pod: Pod, priority = pod.spec?.priority ?? 0): PodInfo {
  const aff = pod.spec?.affinity;
  const safe = <T>(f: () => T[]): T[] => {
    // A term whose selector does not parse matches nothing rather than failing the pod.
    try {
      return f();
    } catch {
      return [];
    }
  };
  return {
    key: podKey(pod),
    pod,
    requests: podRequests(pod),
    nonZeroRequests: podRequests(pod, true),
    hostPorts: hostPortsOf(pod),
    priority,
    requiredAffinity: safe(() => (aff?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileAffinityTerm(pod, t))),
    requiredAntiAffinity: safe(() => (aff?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileAffinityTerm(pod, t))),
    preferredAffinity: safe(() => (aff?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => compileAffinityTerm(pod, w.podAffinityTerm, w.weight))),
    preferredAntiAffinity: safe(() => (aff?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => compileAffinityTerm(pod, w.podAffinityTerm, w.weight))),
  };
}

export function hasAffinity(pi: PodInfo): boolean {
  return pi.requiredAffinity.length + pi.requiredAntiAffinity.length + pi.preferredAffinity.length + pi.preferredAntiAffinity.length > 0;
}
