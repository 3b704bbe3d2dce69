// The default StorageClass: the one annotated is-default-class=true (GA or beta annotation).
// Several defaults: the newest wins, ties to the first name, as upstream's GetDefaultClass since
// 1.28. Read by DefaultStorageClass admission and by the PV binder's retroactive assignment.
import type { StorageClass } from './types.js';

export const IS_DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const BETA_IS_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';

export function isDefaultClass(sc: StorageClass): boolean {
  const a = sc.metadata.annotations ?? {};
  return a[IS_DEFAULT_CLASS_ANNOTATION] === 'true' || a[BETA_IS_DEFAULT_CLASS_ANNOTATION] === 'true';
}

export function defaultStorageClassOf(classes: Iterable<StorageClass>): StorageClass | undefined {
  const defaults = [...classes].filter(isDefaultClass);
  defaults.sort((a, b) => {
    const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
    const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
    if (ta !== tb) return tb - ta;
    return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
  });
  return defaults[0];
}
