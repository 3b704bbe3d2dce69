// Taint-based eviction decisions for one pod on one node (upstream's NoExecute taint manager):
// evict at once when some NoExecute taint is not tolerated, at the earliest tolerationSeconds
// deadline (counted from the taint's timeAdded) when all are tolerated for a while, never when
// all are tolerated forever.
import type { Toleration } from '../../api/core/v1/pod/types.js';
import type { Taint } from '../../api/core/v1/types.js';

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  // An empty key matches every key (validation allows that only with Exists).
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  if (t.operator && t.operator !== 'Equal') return false;
  return (t.value ?? '') === (taint.value ?? '');
}

export type EvictionDecision = { evict: 'never' } | { evict: 'now' } | { evict: 'at'; at: number };

export function noExecuteTaints(taints: Taint[] | undefined): Taint[] {
  return (taints ?? []).filter((t) => t.effect === 'NoExecute');
}

/** When a pod with `tolerations` must leave a node carrying `taints` (NoExecute ones count). */
export function evictionDecision(tolerations: Toleration[] | undefined, taints: Taint[] | undefined, now: number): EvictionDecision {
  const noExecute = noExecuteTaints(taints);
  if (noExecute.length === 0) return { evict: 'never' };
  let deadline = Infinity;
  for (const taint of noExecute) {
    // As upstream, the first toleration that matches a taint is the one that governs it.
    const used = (tolerations ?? []).find((t) => tolerates(t, taint));
    if (!used) return { evict: 'now' };
    const s = used.tolerationSeconds;
    if (s === undefined || s === null) continue;
    const allowedMs = Math.max(0, s) * 1000;
    const added = Date.parse(taint.timeAdded ?? '');
    deadline = Math.min(deadline, (Number.isNaN(added) ? now : added) + allowedMs);
  }
  if (deadline === Infinity) return { evict: 'never' };
  return deadline <= now ? { evict: 'now' } : { evict: 'at', at: deadline };
}
