// The kinds storage.k8s.io/v1 serves.
import './schema.js';
import type { KindDefinition } from '../../scheme/kind.js';
import { defaultStorageClass } from './defaults.js';
import type { StorageClass } from './types.js';
import { validateStorageClass, validateStorageClassUpdate } from './validation.js';

const storageClass: KindDefinition<StorageClass> = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  plural: 'storageclasses',
  singular: 'storageclass',
  shortNames: ['sc'],
  namespaced: false,
  schema: 'io.k8s.api.storage.v1.StorageClass',
  // StorageClass has no spec; upstream keeps no generation for it.
  tracksGeneration: false,
  default: defaultStorageClass,
  validateCreate: validateStorageClass,
  validateUpdate: validateStorageClassUpdate,
};

export const storageKinds: readonly KindDefinition[] = [storageClass] as unknown as readonly KindDefinition[];
