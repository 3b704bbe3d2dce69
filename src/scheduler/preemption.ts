// Default preemption (PostFilter): when a pod fits nowhere, find nodes where evicting pods of
// lower priority makes it fit, keep as few victims as possible (reprieving the most important
// first), and pick the node whose victims matter least.
import type { Pod } from '../api/core/v1/pod/types.js';
import type { Framework } from './algorithm.js';
import { Code, unresolvable, type CycleState, type Status } from './framework.js';
import { fitErrorMessage, type Diagnosis } from './fit-error.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';

export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_VICTIMS = 'No preemption victims found for incoming pod';

export interface Candidate {
  node: string;
  victims: PodInfo[];
}

export interface PreemptionOutcome {
  candidate?: Candidate;
  /** The PostFilter message ("preemption: ..."), empty on success. */
  message: string;
}

export interface PreemptionInput {
  framework: Framework;
  pod: PodInfo;
  nodes: NodeInfo[];
  diagnosis: Diagnosis;
  /** A cycle state for the pod with some pods treated as gone. */
  newState(excluded: Set<string>): CycleState;
  priorityOf(pod: Pod): number;
  random?: () => number;
}

/** Upstream's PodEligibleToPreemptOthers; undefined when eligible, else why not. */
export function notEligible(pod: PodInfo, nodes: NodeInfo[], priorityOf: (p: Pod) => number): string | undefined {
  if (pod.pod.spec?.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
  const nominated = pod.pod.status?.nominatedNodeName;
  if (nominated) {
    const ni = nodes.find((n) => n.name === nominated);
    // Victims of an earlier preemption are still leaving: wait for them rather than preempt again.
    if (ni) for (const other of ni.pods.values()) if (other.pod.metadata.deletionTimestamp && priorityOf(other.pod) < pod.priority) return 'not eligible due to a terminating pod on the nominated node.';
  }
  return undefined;
}

function fits(input: PreemptionInput, node: NodeInfo, excluded: Set<string>): Status | undefined {
  const state = input.newState(excluded);
  const pre = input.framework.runPreFilters(state);
  if (pre) return pre;
  return input.framework.runFilters(state, node);
}

/** Upstream's SelectVictimsOnNode, without PodDisruptionBudgets. */
function selectVictims(input: PreemptionInput, node: NodeInfo): { victims?: PodInfo[]; status?: Status } {
  const lower = [...node.pods.values()].filter((p) => input.priorityOf(p.pod) < input.pod.priority);
  if (lower.length === 0) return { status: unresolvable(NO_VICTIMS) };
  const copy = node.clone();
  const excluded = new Set<string>();
  for (const p of lower) {
    copy.removePod(p.key);
    excluded.add(p.key);
  }
  const st = fits(input, copy, excluded);
  if (st) return { status: st };
  // Try to keep the most important pods: add each back and keep it if the pod still fits.
  lower.sort((a, b) => input.priorityOf(b.pod) - input.priorityOf(a.pod) || startTime(a) - startTime(b));
  const victims: PodInfo[] = [];
  for (const p of lower) {
    copy.addPod(p);
    excluded.delete(p.key);
    if (fits(input, copy, excluded)) {
      copy.removePod(p.key);
      excluded.add(p.key);
      victims.push(p);
    }
  }
  return { victims };
}

function startTime(p: PodInfo): number {
  const t = p.pod.status?.startTime ?? p.pod.metadata.creationTimestamp;
  return t ? Date.parse(t) : 0;
}

/** Upstream's pickOneNodeForPreemption criteria, minus PDB violations and start times. */
function pickBest(candidates: Candidate[], priorityOf: (p: Pod) => number): Candidate {
  const highest = (c: Candidate) => Math.max(...c.victims.map((v) => priorityOf(v.pod)));
  const sum = (c: Candidate) => c.victims.reduce((s, v) => s + priorityOf(v.pod) + 2 ** 31 + 1, 0);
  return [...candidates].sort((a, b) => highest(a) - highest(b) || sum(a) - sum(b) || a.victims.length - b.victims.length)[0]!;
}

export function preempt(input: PreemptionInput): PreemptionOutcome {
  const why = notEligible(input.pod, input.nodes, input.priorityOf);
  if (why) return { message: `preemption: ${why}` };
  const potential = input.nodes.filter((n) => {
    const st = input.diagnosis.nodeStatuses.get(n.name);
    return st !== undefined && st.code === Code.Unschedulable;
  });
  const statuses = new Map<string, Status>();
  const candidates: Candidate[] = [];
  // Enough candidates to choose well without dry-running every node of a large cluster.
  const enough = Math.max(100, Math.trunc(potential.length / 10));
  const offset = potential.length ? Math.floor((input.random ?? Math.random)() * potential.length) : 0;
  for (let i = 0; i < potential.length && candidates.length < enough; i++) {
    const node = potential[(offset + i) % potential.length]!;
    const r = selectVictims(input, node);
    if (r.victims && r.victims.length) candidates.push({ node: node.name, victims: r.victims });
    else if (r.status) statuses.set(node.name, r.status);
  }
  if (candidates.length === 0) {
    const msg = fitErrorMessage({ numAllNodes: input.nodes.length, nodeStatuses: statuses, absentStatus: unresolvable(NOT_HELPFUL), unschedulablePlugins: new Set() });
    return { message: `preemption: ${msg}` };
  }
  return { candidate: pickBest(candidates, input.priorityOf), message: '' };
}
