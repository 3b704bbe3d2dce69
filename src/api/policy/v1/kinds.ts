// policy/v1 kind definitions. PodDisruptionBudgets have no defaults in policy/v1: an unset
// unhealthyPodEvictionPolicy already means IfHealthyBudget to the eviction logic.
import './schema.js';
import type { KindDefinition } from '../../scheme/kind.js';
import type { PodDisruptionBudget } from './types.js';
import { validatePodDisruptionBudget, validatePodDisruptionBudgetStatusUpdate, validatePodDisruptionBudgetUpdate } from './validation.js';

export const podDisruptionBudgetKind: KindDefinition<PodDisruptionBudget> = {
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  shortNames: ['pdb'],
  namespaced: true,
  schema: 'io.k8s.api.policy.v1.PodDisruptionBudget',
  hasStatus: true,
  prepareForCreate(pdb) {
    // These counters are serialized even when zero.
    pdb.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  },
  validateCreate: validatePodDisruptionBudget,
  validateUpdate: validatePodDisruptionBudgetUpdate,
  validateStatusUpdate: validatePodDisruptionBudgetStatusUpdate,
};

export const policyKinds: KindDefinition[] = [podDisruptionBudgetKind] as KindDefinition[];
