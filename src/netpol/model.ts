// What the enforcer knows of the cluster, reduced to what policies match on: pods by address,
// labels, namespace, node and named ports; namespaces by labels. Built from the informers' objects.
import { isIPv4 } from 'node:net';
import type { Pod } from '../api/core/v1/pod/types.js';
import type { Namespace } from '../api/core/v1/types.js';
import type { NetworkPolicy } from '../api/networking/v1/types.js';

export interface NamedPort {
  name: string;
  /** Lower case, as nft writes it: tcp, udp, sctp. */
  protocol: string;
  port: number;
}

export interface PodInfo {
  /** namespace/name */
  key: string;
  namespace: string;
  ip: string;
  labels: Record<string, string>;
  nodeName?: string;
  ports: NamedPort[];
}

export interface PolicyState {
  pods: ReadonlyMap<string, PodInfo>;
  /** Namespace name → labels. */
  namespaces: ReadonlyMap<string, Record<string, string>>;
  /** namespace/name → policy. */
  policies: ReadonlyMap<string, NetworkPolicy>;
}

/**
 * The pod as a policy sees it, or undefined when policies do not apply to it: no IPv4 address
 * yet, finished (its address may be reused), or on the host's network (upstream leaves
 * hostNetwork pods out of both selection and peers).
 */
export function podInfo(pod: Pod): PodInfo | undefined {
  const ip = pod.status?.podIP;
  if (!ip || !isIPv4(ip) || pod.spec?.hostNetwork) return undefined;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return undefined;
  const ports: NamedPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name) ports.push({ name: p.name, protocol: (p.protocol ?? 'TCP').toLowerCase(), port: p.containerPort });
  }
  const namespace = pod.metadata.namespace ?? 'default';
  return { key: `${namespace}/${pod.metadata.name}`, namespace, ip, labels: pod.metadata.labels ?? {}, nodeName: pod.spec?.nodeName, ports };
}

export function namespaceLabels(ns: Namespace): Record<string, string> {
  return ns.metadata.labels ?? {};
}
