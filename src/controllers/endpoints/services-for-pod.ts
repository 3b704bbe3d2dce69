// Which services select a pod: how a pod change becomes work for the endpoint controllers.
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Service } from '../../api/core/v1/types.js';
import { selectorFromSet } from '../../api/labels/index.js';
import type { Informer } from '../../client/informer.js';
import { keyOf } from '../../client/resources.js';

export function selectsPod(svc: Service, pod: Pod): boolean {
  const sel = svc.spec?.selector;
  return !!sel && svc.metadata.namespace === pod.metadata.namespace && selectorFromSet(sel).matches(pod.metadata.labels ?? {});
}

/** Keys of the services selecting the pod now or before the change. */
export function servicesForPodChange(services: Informer<Service>, oldPod: Pod | undefined, pod: Pod): string[] {
  const out = new Set<string>();
  for (const svc of services.list(pod.metadata.namespace ?? '')) {
    if (selectsPod(svc, pod) || (oldPod && selectsPod(svc, oldPod))) out.add(keyOf(svc));
  }
  return [...out];
}

/** Pod changes that cannot alter endpoints (most status churn) are ignored. */
export function podChangeMatters(oldPod: Pod, pod: Pod): boolean {
  if (oldPod.metadata.resourceVersion === pod.metadata.resourceVersion) return true;
  const view = (p: Pod) =>
    JSON.stringify([
      p.metadata.labels,
      p.metadata.deletionTimestamp,
      p.status?.podIP,
      p.status?.podIPs,
      p.status?.phase,
      p.status?.conditions?.find((c) => c.type === 'Ready')?.status,
      p.spec?.nodeName,
      (p.spec as { hostname?: string } | undefined)?.hostname,
      (p.spec as { subdomain?: string } | undefined)?.subdomain,
    ]);
  return view(oldPod) !== view(pod);
}
