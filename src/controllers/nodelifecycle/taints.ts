// The taints the node lifecycle controller owns, derived from a node's conditions: the
// NoExecute not-ready/unreachable taints of taint-based eviction (stamped with timeAdded, which
// eviction timers count from) and the NoSchedule taints of TaintNodesByCondition.
import type { Node, Taint } from '../../api/core/v1/types.js';
import { condition } from './conditions.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

const OWNED_KEYS = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_MEMORY_PRESSURE, TAINT_DISK_PRESSURE, TAINT_PID_PRESSURE, TAINT_NETWORK_UNAVAILABLE, TAINT_UNSCHEDULABLE]);

/** Condition (type, status) pairs that each call for a NoSchedule taint. */
const NO_SCHEDULE_BY_CONDITION: [string, string, string][] = [
  ['Ready', 'False', TAINT_NOT_READY],
  ['Ready', 'Unknown', TAINT_UNREACHABLE],
  ['MemoryPressure', 'True', TAINT_MEMORY_PRESSURE],
  ['DiskPressure', 'True', TAINT_DISK_PRESSURE],
  ['PIDPressure', 'True', TAINT_PID_PRESSURE],
  ['NetworkUnavailable', 'True', TAINT_NETWORK_UNAVAILABLE],
];

const ownedBy = (t: Taint): boolean => OWNED_KEYS.has(t.key) && (t.effect === 'NoSchedule' || (t.effect === 'NoExecute' && (t.key === TAINT_NOT_READY || t.key === TAINT_UNREACHABLE)));

/** The controller-owned taints a node should carry, keyed "key:effect". */
function wanted(node: Node): Map<string, Taint> {
  const out = new Map<string, Taint>();
  const add = (key: string, effect: Taint['effect']) => out.set(`${key}:${effect}`, { key, effect });
  for (const [type, status, key] of NO_SCHEDULE_BY_CONDITION) {
    // A node that never posted Ready counts as unreachable.
    const s = condition(node, type)?.status ?? (type === 'Ready' ? 'Unknown' : undefined);
    if (s === status) add(key, 'NoSchedule');
  }
  if (node.spec?.unschedulable) add(TAINT_UNSCHEDULABLE, 'NoSchedule');
  const ready = condition(node, 'Ready')?.status ?? 'Unknown';
  if (ready === 'False') add(TAINT_NOT_READY, 'NoExecute');
  if (ready === 'Unknown') add(TAINT_UNREACHABLE, 'NoExecute');
  return out;
}

/**
 * The node's full taint list after reconciling the controller-owned ones, or undefined when
 * nothing changes. Other taints are kept as they are; a NoExecute taint already present keeps
 * its timeAdded (eviction deadlines must not move), a new one gets `nowIso`.
 */
export function reconcileTaints(node: Node, nowIso: string): Taint[] | undefined {
  const current = node.spec?.taints ?? [];
  const want = wanted(node);
  const next: Taint[] = [];
  let changed = false;
  for (const t of current) {
    const id = `${t.key}:${t.effect}`;
    if (!ownedBy(t)) next.push(t);
    else if (want.has(id)) {
      next.push(t);
      want.delete(id);
    } else changed = true;
  }
  for (const t of want.values()) {
    next.push(t.effect === 'NoExecute' ? { ...t, timeAdded: nowIso } : t);
    changed = true;
  }
  return changed ? next : undefined;
}
