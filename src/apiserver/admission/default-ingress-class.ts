// DefaultIngressClass admission: a new Ingress that names no class (neither spec.ingressClassName
// nor the legacy kubernetes.io/ingress.class annotation) gets the default IngressClass, the one
// annotated ingressclass.kubernetes.io/is-default-class=true. Several defaults: the newest wins,
// as upstream since 1.28. Updates are left alone, as upstream.
import type { KubeObject } from '../../api/meta/types.js';
import type { ResourceEntry } from '../registry/entry.js';
import type { AdmissionCheck } from '../rest/resource-store.js';
import type { WatchCache } from '../watchcache/watch-cache.js';

const DEFAULT_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/** The default class's name among these IngressClasses, or undefined. */
export function defaultClassName(classes: KubeObject[]): string | undefined {
  const defaults = classes.filter((c) => c.metadata.annotations?.[DEFAULT_ANNOTATION] === 'true' && !c.metadata.deletionTimestamp);
  defaults.sort((a, b) => {
    const ta = a.metadata.creationTimestamp ?? '';
    const tb = b.metadata.creationTimestamp ?? '';
    if (ta !== tb) return ta > tb ? -1 : 1;
    return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
  });
  return defaults[0]?.metadata.name;
}

export function defaultIngressClass(cache: WatchCache, ingressClasses: ResourceEntry): AdmissionCheck {
  return (entry, obj: KubeObject, op) => {
    if (op !== 'create' || entry.group !== 'networking.k8s.io' || entry.resource !== 'ingresses') return;
    const spec = (obj['spec'] ??= {}) as { ingressClassName?: string };
    if (spec.ingressClassName || obj.metadata.annotations?.[LEGACY_CLASS_ANNOTATION]) return;
    const classes = [...cache.resource(ingressClasses.keyPrefix).items.values()].map((i) => i.obj);
    const name = defaultClassName(classes);
    if (name) spec.ingressClassName = name;
  };
}
