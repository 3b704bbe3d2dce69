// The scheduling framework's contracts: plugins for the filter and score extension points,
// the per-attempt cycle state they share, and statuses with upstream's codes.
import type { NamespaceLabels } from './match.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { SchedulerCache } from './cache.js';

export const MAX_NODE_SCORE = 100;

export enum Code {
  Success = 0,
  /** Removing pods (preemption) might make the node fit. */
  Unschedulable = 1,
  /** Nothing short of changing the node or the pod helps; preemption skips these nodes. */
  UnschedulableAndUnresolvable = 2,
  Error = 3,
  /** The plugin has nothing to do for this pod. */
  Skip = 4,
}

export interface Status {
  code: Code;
  reasons: string[];
  plugin?: string;
}

export const unschedulable = (...reasons: string[]): Status => ({ code: Code.Unschedulable, reasons });
export const unresolvable = (...reasons: string[]): Status => ({ code: Code.UnschedulableAndUnresolvable, reasons });
export const SKIP: Status = { code: Code.Skip, reasons: [] };

/** Data one scheduling attempt carries between extension points. */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** Plugins that returned Skip at PreFilter (their Filter is not called). */
  readonly skipFilter = new Set<string>();
  constructor(
    readonly pod: PodInfo,
    readonly cache: SchedulerCache,
    readonly nsLabels: NamespaceLabels,
    /** Pods to treat as gone (preemption's dry run). */
    readonly excluded: ReadonlySet<string> = new Set(),
  ) {}
  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }
}

export interface FilterPlugin {
  readonly name: string;
  /** Compute what Filter needs once per attempt; Skip means Filter need not run. */
  preFilter?(state: CycleState): Status | undefined;
  /** undefined: the node passes. */
  filter(state: CycleState, node: NodeInfo): Status | undefined;
}

/**
 * Reserve and Unreserve: claim, in the scheduler's own caches, what the chosen node needs (the
 * volumes a pod will bind), so the next pod scheduled before this one is bound does not take it.
 * Unreserve undoes it when a later step fails.
 */
export interface ReservePlugin {
  readonly name: string;
  reserve(state: CycleState, node: string): Status | undefined;
  unreserve(state: CycleState, node: string): void;
}

/** PreBind: API writes that must be done (and have taken effect) before the pod's Binding. */
export interface PreBindPlugin {
  readonly name: string;
  preBind(state: CycleState, node: string): Promise<Status | undefined>;
}

export interface ScorePlugin {
  readonly name: string;
  readonly weight: number;
  /** false: the plugin has nothing to say about this pod; it scores every node alike. */
  preScore?(state: CycleState, nodes: NodeInfo[]): boolean;
  score(state: CycleState, node: NodeInfo): number;
  /** Map raw scores onto 0..MAX_NODE_SCORE in place. */
  normalize?(state: CycleState, scores: number[], nodes: NodeInfo[]): void;
}

/** Upstream's DefaultNormalizeScore: scale by the maximum, optionally reversed. */
export function defaultNormalize(scores: number[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) {
    if (reverse) scores.fill(MAX_NODE_SCORE);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    let s = Math.trunc((MAX_NODE_SCORE * scores[i]!) / max);
    if (reverse) s = MAX_NODE_SCORE - s;
    scores[i] = s;
  }
}
