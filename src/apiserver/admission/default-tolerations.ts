// DefaultTolerationSeconds admission: a new pod that does not already tolerate the
// node.kubernetes.io/not-ready and /unreachable NoExecute taints gets tolerations for them, so
// taint-based eviction leaves it on a failed node for a while (300 s by default) rather than
// evicting it at once.
import type { Pod, Toleration } from '../../api/core/v1/pod/types.js';
import type { KubeObject } from '../../api/meta/types.js';
import type { AdmissionCheck } from '../rest/resource-store.js';

export const DEFAULT_TOLERATION_SECONDS = 300;
const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';

export interface DefaultTolerationOptions {
  /** kube-apiserver's --default-not-ready-toleration-seconds. */
  notReadySeconds?: number;
  /** kube-apiserver's --default-unreachable-toleration-seconds. */
  unreachableSeconds?: number;
}

/** Whether any toleration already covers a NoExecute taint with this key (upstream looks at key and effect only). */
function covers(tolerations: Toleration[], key: string): boolean {
  return tolerations.some((t) => (t.key === key || !t.key) && (!t.effect || t.effect === 'NoExecute'));
}

/** The pod's tolerations with the defaults added where missing (a new array; the input is untouched). */
export function withDefaultTolerations(tolerations: Toleration[] | undefined, opts: DefaultTolerationOptions = {}): Toleration[] {
  const out = [...(tolerations ?? [])];
  if (!covers(out, NOT_READY)) out.push({ key: NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: opts.notReadySeconds ?? DEFAULT_TOLERATION_SECONDS });
  if (!covers(out, UNREACHABLE)) out.push({ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: opts.unreachableSeconds ?? DEFAULT_TOLERATION_SECONDS });
  return out;
}

export function defaultTolerationSeconds(opts: DefaultTolerationOptions = {}): AdmissionCheck {
  return (entry, obj: KubeObject, op) => {
    if (op !== 'create' || entry.group !== '' || entry.resource !== 'pods') return;
    const pod = obj as Pod;
    if (!pod.spec) return;
    const next = withDefaultTolerations(pod.spec.tolerations, opts);
    if (next.length !== (pod.spec.tolerations ?? []).length) pod.spec.tolerations = next;
  };
}
