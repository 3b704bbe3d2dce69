// Quality of service class of a pod, from the cpu and memory requests and limits of its app
// and init containers (upstream GetPodQOS, without pod-level resources).
import { parseQuantity, type Quantity } from '../../../quantity/index.js';
import type { Container, Pod, PodQOSClass, ResourceList } from './types.js';

const qosResources = new Set(['cpu', 'memory']);

function positiveQosQuantities(list: ResourceList | undefined): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const [name, raw] of Object.entries(list ?? {})) {
    if (!qosResources.has(name)) continue;
    let q: Quantity;
    try {
      q = parseQuantity(String(raw));
    } catch {
      continue; // validation reports malformed quantities; they count for nothing here
    }
    if (q.sign() > 0) out.set(name, q);
  }
  return out;
}

function addInto(total: Map<string, Quantity>, more: Map<string, Quantity>): void {
  for (const [name, q] of more) total.set(name, total.has(name) ? total.get(name)!.add(q) : q);
}

export function computeQOSClass(pod: Pod): PodQOSClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  const containers: Container[] = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  for (const c of containers) {
    addInto(requests, positiveQosQuantities(c.resources?.requests));
    const lim = positiveQosQuantities(c.resources?.limits);
    addInto(limits, lim);
    // Guaranteed needs every container to limit both cpu and memory.
    if (!lim.has('cpu') || !lim.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || lim.cmp(req) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
