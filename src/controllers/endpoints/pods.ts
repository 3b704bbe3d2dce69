// How a pod appears behind a Service, shared by the Endpoints and EndpointSlice controllers
// (upstream's endpointutil): whether it belongs at all, which IP, which port a service port
// reaches on it, its hostname, and when it last changed in a way endpoints care about.
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Service, ServicePort } from '../../api/core/v1/types.js';
import { rfc3339 } from '../../util/time.js';

/** Terminal pods and pods without an IP never appear; terminating ones only when asked. */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Failed' || phase === 'Succeeded') return false;
  if (!pod.status?.podIP) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

export type IpFamily = 'IPv4' | 'IPv6';

export const familyOf = (ip: string): IpFamily => (ip.includes(':') ? 'IPv6' : 'IPv4');

/** The service's primary address family (IPv4 unless the service says otherwise). */
export function serviceFamily(svc: Service): IpFamily {
  return svc.spec?.ipFamilies?.[0] ?? (svc.spec?.clusterIP && svc.spec.clusterIP !== 'None' ? familyOf(svc.spec.clusterIP) : 'IPv4');
}

/** The pod's IP of `family`, or undefined. */
export function podIpOf(pod: Pod, family: IpFamily): string | undefined {
  const ips = pod.status?.podIPs?.map((p) => p.ip) ?? (pod.status?.podIP ? [pod.status.podIP] : []);
  return ips.find((ip) => familyOf(ip) === family);
}

/**
 * The port a service port reaches on the pod: a named targetPort is looked up among the pod's
 * container ports (same protocol), a number is used as is. Undefined when the name is unknown.
 */
export function findPort(pod: Pod, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = sp.protocol ?? 'TCP';
  // Sidecars (init containers that keep running) serve ports too.
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
  for (const c of containers) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

/** A pod's hostname is published when its subdomain names the service. */
export function hostnameFor(pod: Pod, svc: Service): string | undefined {
  const spec = pod.spec as { hostname?: string; subdomain?: string } | undefined;
  return spec?.hostname && spec.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace ? spec.hostname : undefined;
}

/**
 * The last change behind the endpoints: the latest of the service's creation and each pod's
 * Ready transition (or creation). Upstream's trigger-time tracker, computed from the state.
 */
export function lastChangeTriggerTime(svc: Service, pods: Pod[]): string | undefined {
  let latest = svc.metadata.creationTimestamp ? Date.parse(svc.metadata.creationTimestamp) : NaN;
  for (const p of pods) {
    const ready = p.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
    const t = Date.parse(ready ?? p.metadata.creationTimestamp ?? '');
    if (!Number.isNaN(t) && (Number.isNaN(latest) || t > latest)) latest = t;
  }
  return Number.isNaN(latest) ? undefined : rfc3339(latest);
}

export const TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
