// Objects for the enforcer's unit tests: pods, namespaces and policies in a few lines each.
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Namespace } from '../../api/core/v1/types.js';
import type { NetworkPolicy, NetworkPolicySpec } from '../../api/networking/v1/types.js';

export function pod(ns: string, name: string, ip: string, labels: Record<string, string>, opts: { node?: string; ports?: { name: string; containerPort: number; protocol?: string }[] } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: ns, name, labels },
    spec: { nodeName: opts.node ?? 'n1', containers: [{ name: 'c', image: 'x', ports: opts.ports ?? [] }] },
    status: { phase: 'Running', podIP: ip },
  } as Pod;
}

export function namespace(name: string, labels: Record<string, string> = {}): Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } };
}

export function policy(ns: string, name: string, spec: NetworkPolicySpec): NetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: ns, name }, spec };
}
