// The Service kind: names, strategy hooks and field selectors.
import type { KindDefinition } from '../../scheme/kind.js';
import './service-schema.js';
import { defaultService, prepareServiceForCreate, prepareServiceForUpdate } from './service-strategy.js';
import { validateService, validateServiceStatusUpdate, validateServiceUpdate } from './service-validation.js';
import type { Service } from './types.js';

export const serviceKind: KindDefinition<Service> = {
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  singular: 'service',
  shortNames: ['svc'],
  categories: ['all'],
  namespaced: true,
  schema: 'io.k8s.api.core.v1.Service',
  hasStatus: true,
  tracksGeneration: false,
  default: defaultService,
  prepareForCreate: prepareServiceForCreate,
  prepareForUpdate: prepareServiceForUpdate,
  validateCreate: validateService,
  validateUpdate: validateServiceUpdate,
  validateStatusUpdate: validateServiceStatusUpdate,
  fieldSelectors: {
    'spec.clusterIP': (s) => s.spec?.clusterIP ?? '',
    'spec.type': (s) => s.spec?.type ?? '',
  },
};
