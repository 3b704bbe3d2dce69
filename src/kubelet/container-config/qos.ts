// QoS class, the pod's cgroup under the node's cgroup root, and the per-container OOM score
// adjustment that follows from it (upstream's qos policy).
import { computeQOSClass } from '../../api/core/v1/pod/qos.js';
import type { Container, Pod, PodQOSClass } from '../../api/core/v1/pod/types.js';
import { parseQuantity } from '../../api/quantity/index.js';

const GUARANTEED_OOM_SCORE_ADJ = -997;
const BESTEFFORT_OOM_SCORE_ADJ = 1000;

/** The pod's QoS class: the one in its status when set (it never changes), else computed from the spec. */
export function qosClass(pod: Pod): PodQOSClass {
  const s = pod.status?.qosClass;
  if (s === 'Guaranteed' || s === 'Burstable' || s === 'BestEffort') return s;
  return computeQOSClass(pod);
}

/** The pod's cgroupfs parent: `<root>/pod<uid>`, `<root>/burstable/pod<uid>` or `<root>/besteffort/pod<uid>`. */
export function cgroupParentFor(pod: Pod, root = '/k8ts'): string {
  const base = root.replace(/\/+$/, '');
  const leaf = `pod${pod.metadata.uid ?? ''}`;
  switch (qosClass(pod)) {
    case 'Guaranteed':
      return `${base}/${leaf}`;
    case 'Burstable':
      return `${base}/burstable/${leaf}`;
    default:
      return `${base}/besteffort/${leaf}`;
  }
}

/** Bytes of a quantity in a resource list; absent or malformed counts as zero (validation reports it). */
export function quantityValue(raw: string | number | undefined, milli = false): number {
  if (raw === undefined) return 0;
  try {
    const q = parseQuantity(raw);
    return milli ? q.milliValue() : q.value();
  } catch {
    return 0;
  }
}

const memoryRequest = (c: Container): number => quantityValue(c.resources?.requests?.memory);

function isNodeCritical(pod: Pod): boolean {
  return pod.spec?.priorityClassName === 'system-node-critical';
}

function isSidecar(pod: Pod, c: Container): boolean {
  return c.restartPolicy === 'Always' && (pod.spec?.initContainers ?? []).some((x) => x.name === c.name);
}

/**
 * Upstream's GetContainerOOMScoreAdjust: Guaranteed -997, BestEffort 1000, Burstable
 * 1000 - 1000*request/capacity kept within [3, 999] so it stays between the two; a sidecar never
 * scores above the smallest-requesting app container.
 */
export function oomScoreAdj(pod: Pod, container: Container, memoryCapacity: number): number {
  if (isNodeCritical(pod)) return GUARANTEED_OOM_SCORE_ADJ;
  const qos = qosClass(pod);
  if (qos === 'Guaranteed') return GUARANTEED_OOM_SCORE_ADJ;
  if (qos === 'BestEffort') return BESTEFFORT_OOM_SCORE_ADJ;
  const cap = memoryCapacity > 0 ? memoryCapacity : 1;
  const score = (request: number) => 1000 - Math.trunc((1000 * request) / cap);
  let adj = score(memoryRequest(container));
  const apps = pod.spec?.containers ?? [];
  if (isSidecar(pod, container) && apps.length) {
    const minApp = Math.min(...apps.map(memoryRequest));
    adj = Math.min(adj, score(minApp));
  }
  if (adj < 1000 + GUARANTEED_OOM_SCORE_ADJ) return 1000 + GUARANTEED_OOM_SCORE_ADJ;
  if (adj === BESTEFFORT_OOM_SCORE_ADJ) return adj - 1;
  return adj;
}
