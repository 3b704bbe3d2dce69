// Resource arithmetic as the scheduler sees it: a pod's effective requests (the init-container
// max rule, sidecars, overhead) and a node's allocatable amounts, as plain numbers so a filter
// is a handful of comparisons rather than Quantity arithmetic.
import { parseQuantity } from '../api/quantity/index.js';
import type { Container, Pod, ResourceList } from '../api/core/v1/pod/types.js';

export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Only meaningful for node allocatable: how many pods the node accepts. */
  allowedPodNumber: number;
  /** Extended resources, hugepages and other countable names. */
  scalar: Map<string, number>;
}

/** The minimum the scorer assumes for a container that requests nothing (upstream's non-zero defaults). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

const CORE = new Set(['cpu', 'memory', 'ephemeral-storage', 'pods', 'storage']);

export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: new Map() };
}

export function cloneResource(r: Resource): Resource {
  return { milliCPU: r.milliCPU, memory: r.memory, ephemeralStorage: r.ephemeralStorage, allowedPodNumber: r.allowedPodNumber, scalar: new Map(r.scalar) };
}

function quantity(v: string | number | undefined, milli = false): number {
  if (v === undefined) return 0;
  try {
    const q = parseQuantity(v);
    return milli ? q.milliValue() : q.value();
  } catch {
    return 0;
  }
}

/** Resource from a ResourceList (node allocatable or one container's requests). */
export function resourceFromList(list: ResourceList | undefined): Resource {
  const r = emptyResource();
  if (!list) return r;
  for (const [name, v] of Object.entries(list)) {
    switch (name) {
      case 'cpu':
        r.milliCPU = quantity(v, true);
        break;
      case 'memory':
        r.memory = quantity(v);
        break;
      case 'ephemeral-storage':
        r.ephemeralStorage = quantity(v);
        break;
      case 'pods':
        r.allowedPodNumber = quantity(v);
        break;
      default:
        if (!CORE.has(name)) r.scalar.set(name, quantity(v));
    }
  }
  return r;
}

export function addTo(into: Resource, r: Resource, sign = 1): void {
  into.milliCPU += sign * r.milliCPU;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  for (const [k, v] of r.scalar) into.scalar.set(k, (into.scalar.get(k) ?? 0) + sign * v);
}

function maxInto(into: Resource, r: Resource): void {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  for (const [k, v] of r.scalar) into.scalar.set(k, Math.max(into.scalar.get(k) ?? 0, v));
}

function containerRequests(c: Container, nonZero: boolean): Resource {
  const requests = c.resources?.requests;
  const r = resourceFromList(requests);
  if (nonZero) {
    // Only an absent request is replaced; an explicit zero stays zero, as upstream.
    if (requests?.['cpu'] === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (requests?.['memory'] === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * The pod's effective request: the sum over app containers and sidecars (restartable init
 * containers), or the largest single init container plus the sidecars started before it if that
 * is more, plus the pod overhead.
 */
export function podRequests(pod: Pod, nonZero = false): Resource {
  const spec = pod.spec;
  const reqs = emptyResource();
  if (!spec) return reqs;
  for (const c of spec.containers ?? []) addTo(reqs, containerRequests(c, nonZero));
  const sidecars = emptyResource();
  const maxInit = emptyResource();
  for (const c of spec.initContainers ?? []) {
    const cr = containerRequests(c, nonZero);
    if (c.restartPolicy === 'Always') {
      addTo(reqs, cr);
      addTo(sidecars, cr);
    } else {
      const withSidecars = cloneResource(cr);
      addTo(withSidecars, sidecars);
      maxInto(maxInit, withSidecars);
    }
  }
  maxInto(reqs, maxInit);
  if (spec.overhead) addTo(reqs, resourceFromList(spec.overhead));
  return reqs;
}
