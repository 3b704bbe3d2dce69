// From the metrics' proposal to the replica count the HPA sets, as upstream's horizontal.go:
// stabilization (the highest recommendation of the scale-down window, the lowest of the
// scale-up one), then min/max and the rate limits: without `behavior` at most max(2×current, 4)
// up; with it, each policy's limit from the replicas at the start of its period (the scale
// events of that period undone), chosen by selectPolicy.
import type { HorizontalPodAutoscalerBehavior, HPAScalingRules } from '../../api/autoscaling/v2/types.js';

export interface Recommendation {
  at: number;
  replicas: number;
}

export interface ScaleEvent {
  at: number;
  change: number;
}

/** What the controller remembers per HPA between syncs (upstream keeps the same in memory). */
export interface HpaMemory {
  recommendations: Recommendation[];
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
}

export interface Outcome {
  replicas: number;
  ableToScale: { reason: string; message: string };
  scalingLimited: { status: 'True' | 'False'; reason: string; message: string };
}

const WITHIN = { reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
const TOO_FEW = { reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
const TOO_MANY = { reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
const UP_LIMIT = { reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' };
const DOWN_LIMIT = { reason: 'ScaleDownLimit', message: 'the desired replica count is decreasing faster than the maximum scale rate' };
const READY = { reason: 'ReadyForNewScale', message: 'recommended size matches current size' };
const DOWN_STABILIZED = { reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
const UP_STABILIZED = { reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' };

function limited(desired: number, chosen: number, r: { reason: string; message: string }): Outcome['scalingLimited'] {
  return { status: desired === chosen ? 'False' : 'True', ...r };
}

/** Keeps recommendations no older than the window (the latest one always). */
function prune(m: HpaMemory, now: number, windowMs: number): void {
  m.recommendations = m.recommendations.filter((r) => r.at > now - windowMs);
}

/** normalizeDesiredReplicas: no behavior given. */
export function normalizeWithoutBehavior(m: HpaMemory, now: number, downscaleWindowMs: number, current: number, proposal: number, min: number, max: number): Outcome {
  prune(m, now, downscaleWindowMs);
  let stabilized = proposal;
  for (const r of m.recommendations) stabilized = Math.max(stabilized, r.replicas);
  m.recommendations.push({ at: now, replicas: proposal });
  const ableToScale = stabilized !== proposal ? DOWN_STABILIZED : READY;
  const scaleUpLimit = Math.max(2 * current, 4);
  let replicas = stabilized;
  let r = WITHIN;
  if (stabilized < min) {
    replicas = min;
    r = TOO_FEW;
  } else {
    const allowed = Math.min(max, scaleUpLimit);
    if (stabilized > allowed) {
      replicas = allowed;
      r = allowed === max ? TOO_MANY : UP_LIMIT;
    }
  }
  return { replicas, ableToScale, scalingLimited: limited(stabilized, replicas, r) };
}

function changeInPeriod(events: readonly ScaleEvent[], now: number, periodSeconds: number): number {
  let n = 0;
  for (const e of events) if (e.at > now - periodSeconds * 1000) n += e.change;
  return n;
}

function scaleUpLimit(current: number, m: HpaMemory, rules: HPAScalingRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
  let result = rules.selectPolicy === 'Min' ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  for (const p of rules.policies ?? []) {
    const start = current - changeInPeriod(m.scaleUpEvents, now, p.periodSeconds ?? 0) + changeInPeriod(m.scaleDownEvents, now, p.periodSeconds ?? 0);
    const proposed = p.type === 'Pods' ? start + (p.value ?? 0) : Math.ceil(start * (1 + (p.value ?? 0) / 100));
    result = pick(result, proposed);
  }
  return result;
}

function scaleDownLimit(current: number, m: HpaMemory, rules: HPAScalingRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  // Min picks the policy that changes least: the highest limit.
  const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
  let result = rules.selectPolicy === 'Min' ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  for (const p of rules.policies ?? []) {
    const start = current - changeInPeriod(m.scaleUpEvents, now, p.periodSeconds ?? 0) + changeInPeriod(m.scaleDownEvents, now, p.periodSeconds ?? 0);
    const proposed = p.type === 'Pods' ? start - (p.value ?? 0) : Math.trunc(start * (1 - (p.value ?? 0) / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** normalizeDesiredReplicasWithBehaviors. `downscaleWindowMs` stands in for an unset scaleDown window. */
export function normalizeWithBehavior(m: HpaMemory, now: number, behavior: HorizontalPodAutoscalerBehavior, downscaleWindowMs: number, current: number, proposal: number, min: number, max: number): Outcome {
  const up = behavior.scaleUp ?? {};
  const down = behavior.scaleDown ?? {};
  const upWindow = (up.stabilizationWindowSeconds ?? 0) * 1000;
  const downWindow = down.stabilizationWindowSeconds !== undefined ? down.stabilizationWindowSeconds * 1000 : downscaleWindowMs;
  let upRec = proposal;
  let downRec = proposal;
  for (const r of m.recommendations) {
    if (r.at > now - upWindow) upRec = Math.min(upRec, r.replicas);
    if (r.at > now - downWindow) downRec = Math.max(downRec, r.replicas);
  }
  let stabilized = current;
  if (stabilized < upRec) stabilized = upRec;
  if (stabilized > downRec) stabilized = downRec;
  m.recommendations = m.recommendations.filter((r) => r.at > now - Math.max(upWindow, downWindow));
  m.recommendations.push({ at: now, replicas: proposal });
  const ableToScale = stabilized === proposal ? READY : proposal > current ? UP_STABILIZED : DOWN_STABILIZED;

  let replicas = stabilized;
  let r = WITHIN;
  if (stabilized > current) {
    const limit = Math.max(scaleUpLimit(current, m, up, now), current);
    const allowed = Math.min(max, limit);
    const why = max > limit ? UP_LIMIT : TOO_MANY;
    if (stabilized > allowed) {
      replicas = allowed;
      r = why;
    }
  } else if (stabilized < current) {
    const limit = Math.min(scaleDownLimit(current, m, down, now), current);
    const allowed = Math.max(min, limit);
    const why = min < limit ? DOWN_LIMIT : TOO_FEW;
    if (stabilized < allowed) {
      replicas = allowed;
      r = why;
    }
  }
  return { replicas, ableToScale, scalingLimited: limited(stabilized, replicas, r) };
}

/** storeScaleEvent: remembered for the longest policy period of that direction. */
export function recordScale(m: HpaMemory, behavior: HorizontalPodAutoscalerBehavior | undefined, now: number, from: number, to: number): void {
  if (!behavior || from === to) return;
  const rules = to > from ? behavior.scaleUp : behavior.scaleDown;
  const longest = Math.max(0, ...(rules?.policies ?? []).map((p) => p.periodSeconds ?? 0)) * 1000;
  const list = to > from ? m.scaleUpEvents : m.scaleDownEvents;
  const kept = list.filter((e) => e.at > now - longest);
  kept.push({ at: now, change: Math.abs(to - from) });
  if (to > from) m.scaleUpEvents = kept;
  else m.scaleDownEvents = kept;
}
