// DenyServiceExternalIPs admission (CVE-2020-8554): whoever may create a Service could set
// spec.externalIPs to any address and have every node's proxy capture traffic meant for it, so
// new external IPs are refused. k8ts runs it unless the server is started with
// --allow-service-external-ips. As upstream, an update may keep or drop addresses the Service
// already had; only adding one is refused.
import type { Service } from '../../api/core/v1/types.js';
import type { KubeObject } from '../../api/meta/types.js';
import { errors } from '../errors.js';
import type { AdmissionCheck } from '../rest/resource-store.js';

/** Every external IP of `next` was already on `prev`. */
function onlyKnownIPs(next: Service, prev: Service | undefined): boolean {
  const ips = next.spec?.externalIPs ?? [];
  if (ips.length === 0) return true;
  if (!prev) return false;
  const known = new Set(prev.spec?.externalIPs ?? []);
  return ips.every((ip) => known.has(ip));
}

export function denyServiceExternalIPs(): AdmissionCheck {
  return (entry, obj: KubeObject, op, old) => {
    if (op === 'delete' || entry.group !== '' || entry.resource !== 'services') return;
    if (onlyKnownIPs(obj as Service, old as Service | undefined)) return;
    throw errors.forbidden(entry, obj.metadata.name ?? '', 'Use of external IPs is denied by admission control');
  };
}
