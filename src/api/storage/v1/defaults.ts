// Defaulting for storage.k8s.io/v1, as upstream's SetDefaults_StorageClass.
import type { StorageClass } from './types.js';

export function defaultStorageClass(sc: StorageClass): void {
  sc.reclaimPolicy ??= 'Delete';
  sc.volumeBindingMode ??= 'Immediate';
}
