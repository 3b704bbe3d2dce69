// The kinds scheduling.k8s.io/v1 serves.
import './schema.js';
import type { KindDefinition } from '../../scheme/kind.js';
import { defaultPriorityClass } from './defaults.js';
import type { PriorityClass } from './types.js';
import { validatePriorityClass, validatePriorityClassUpdate } from './validation.js';

const priorityClass: KindDefinition<PriorityClass> = {
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  plural: 'priorityclasses',
  singular: 'priorityclass',
  shortNames: ['pc'],
  namespaced: false,
  schema: 'io.k8s.api.scheduling.v1.PriorityClass',
  // Upstream stamps generation 1 at creation and never moves it (value and policy are immutable).
  tracksGeneration: false,
  default: defaultPriorityClass,
  prepareForCreate(obj) {
    obj.metadata.generation = 1;
  },
  validateCreate: validatePriorityClass,
  validateUpdate: validatePriorityClassUpdate,
};

export const schedulingKinds: readonly KindDefinition[] = [priorityClass] as unknown as readonly KindDefinition[];
