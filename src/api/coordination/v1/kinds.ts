// The kinds coordination.k8s.io/v1 serves.
import './schema.js';
import type { KindDefinition } from '../../scheme/kind.js';
import type { Lease } from './types.js';
import { validateLease, validateLeaseUpdate } from './validation.js';

const lease: KindDefinition<Lease> = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  singular: 'lease',
  namespaced: true,
  schema: 'io.k8s.api.coordination.v1.Lease',
  // Upstream's lease strategy never sets metadata.generation: renewals are not new desired states.
  tracksGeneration: false,
  validateCreate: validateLease,
  validateUpdate: validateLeaseUpdate,
};

export const coordinationKinds: readonly KindDefinition[] = [lease] as unknown as readonly KindDefinition[];
