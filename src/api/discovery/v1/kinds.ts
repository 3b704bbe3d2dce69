// The kinds discovery.k8s.io/v1 serves.
import './schema.js';
import type { KindDefinition } from '../../scheme/kind.js';
import { defaultEndpointSlice } from './defaults.js';
import type { EndpointSlice } from './types.js';
import { validateEndpointSliceCreate, validateEndpointSliceUpdate } from './validation.js';

const endpointSlice: KindDefinition<EndpointSlice> = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  singular: 'endpointslice',
  namespaced: true,
  schema: 'io.k8s.api.discovery.v1.EndpointSlice',
  // Generation moves whenever endpoints, ports or addressType change, as upstream's strategy does.
  tracksGeneration: true,
  default: defaultEndpointSlice,
  validateCreate: validateEndpointSliceCreate,
  validateUpdate: validateEndpointSliceUpdate,
};

export const discoveryKinds: readonly KindDefinition[] = [endpointSlice] as unknown as readonly KindDefinition[];
