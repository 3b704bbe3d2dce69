// Defaulting for scheduling.k8s.io/v1, as upstream's SetDefaults_PriorityClass.
import type { PriorityClass } from './types.js';

export function defaultPriorityClass(pc: PriorityClass): void {
  pc.preemptionPolicy ??= 'PreemptLowerPriority';
}
