// The Namespace kind: the metadata-name label, the kubernetes finalizer, phases, and deletion
// that waits on spec.finalizers (the namespace controller empties it once content is gone).
import type { KindDefinition } from '../../scheme/kind.js';
import { invalid, path, type FieldError, type FieldPath } from '../../validation/field.js';
import { isQualifiedName } from '../../validation/names.js';
import { nameIsDNSLabel, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import './namespace-schema.js';
import type { Namespace } from './types.js';

export const LABEL_METADATA_NAME = 'kubernetes.io/metadata.name';
export const FINALIZER_KUBERNETES = 'kubernetes';
const STANDARD_FINALIZERS = new Set([FINALIZER_KUBERNETES, 'orphan', 'foregroundDeletion']);

/** SetDefaults_Namespace and SetDefaults_NamespaceStatus. */
export function defaultNamespace(ns: Namespace): void {
  setNameLabel(ns);
  if (ns.status && !ns.status.phase) ns.status.phase = 'Active';
}

function setNameLabel(ns: Namespace): void {
  const name = ns.metadata.name;
  if (name) (ns.metadata.labels ??= {})[LABEL_METADATA_NAME] = name;
}

export function prepareNamespaceForCreate(ns: Namespace): void {
  // The name may only now exist (generateName), so the label is set here too.
  setNameLabel(ns);
  ns.status = { phase: 'Active' };
  const spec = (ns.spec ??= {});
  const finalizers = spec.finalizers ?? [];
  if (!finalizers.includes(FINALIZER_KUBERNETES)) spec.finalizers = [...finalizers, FINALIZER_KUBERNETES];
}

/** Main-resource writes never move spec.finalizers; the finalize subresource does. */
export function prepareNamespaceForUpdate(ns: Namespace, old: Namespace): void {
  if (old.spec === undefined) delete ns.spec;
  else ns.spec = structuredClone(old.spec);
}

/** Deleting a namespace with spec.finalizers marks it Terminating and keeps it. */
export function namespacePendingDeletion(ns: Namespace): boolean {
  if (!ns.spec?.finalizers?.length) return false;
  (ns.status ??= {}).phase = 'Terminating';
  return true;
}

function validateFinalizerName(name: string, p: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => invalid(p, name, msg));
  if (errs.length === 0 && !name.includes('/') && !STANDARD_FINALIZERS.has(name)) {
    errs.push(invalid(p, name, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return errs;
}

function validateSpecFinalizers(ns: Namespace): FieldError[] {
  return (ns.spec?.finalizers ?? []).flatMap((f) => validateFinalizerName(f, path('spec', 'finalizers')));
}

export function validateNamespace(ns: Namespace): FieldError[] {
  return [...validateObjectMeta(ns.metadata, false, nameIsDNSLabel), ...validateSpecFinalizers(ns)];
}

export function validateNamespaceUpdate(ns: Namespace, old: Namespace): FieldError[] {
  return [...validateObjectMetaUpdate(ns.metadata, old.metadata, path('metadata')), ...validateSpecFinalizers(ns)];
}

export function validateNamespaceStatusUpdate(ns: Namespace, old: Namespace): FieldError[] {
  const errs = validateObjectMetaUpdate(ns.metadata, old.metadata, path('metadata'));
  const phase = ns.status?.phase;
  if (!ns.metadata.deletionTimestamp) {
    if (phase !== 'Active') errs.push(invalid(path('status', 'Phase'), phase ?? '', "may only be 'Active' if `deletionTimestamp` is empty"));
  } else if (phase !== 'Terminating') {
    errs.push(invalid(path('status', 'Phase'), phase ?? '', "may only be 'Terminating' if `deletionTimestamp` is not empty"));
  }
  return errs;
}

/** What the finalize subresource checks: the new spec.finalizers list. */
export function validateNamespaceFinalizeUpdate(ns: Namespace, old: Namespace): FieldError[] {
  return [...validateObjectMetaUpdate(ns.metadata, old.metadata, path('metadata')), ...validateSpecFinalizers(ns)];
}

export const namespaceKind: KindDefinition<Namespace> = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  shortNames: ['ns'],
  namespaced: false,
  schema: 'io.k8s.api.core.v1.Namespace',
  hasStatus: true,
  tracksGeneration: false,
  default: defaultNamespace,
  prepareForCreate: prepareNamespaceForCreate,
  prepareForUpdate: prepareNamespaceForUpdate,
  validateCreate: validateNamespace,
  validateUpdate: validateNamespaceUpdate,
  validateStatusUpdate: validateNamespaceStatusUpdate,
  pendingDeletion: namespacePendingDeletion,
  fieldSelectors: {
    'status.phase': (ns) => ns.status?.phase ?? '',
  },
};
