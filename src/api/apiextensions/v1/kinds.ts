// The kinds apiextensions.k8s.io/v1 serves: CustomResourceDefinition, with upstream's strategy
// (defaulted names, storedVersions kept, status through its subresource) and its deletion
// (the cleanup finalizer and Terminating condition, added by the first delete as upstream's REST).
import './schema.js';
import { rfc3339 } from '../../../util/time.js';
import type { KindDefinition } from '../../scheme/kind.js';
import { CRD_SCHEMA } from './schema.js';
import { CLEANUP_FINALIZER, GROUP, storageVersionOf, type CustomResourceDefinition, type CustomResourceDefinitionCondition } from './types.js';
import { validateCustomResourceDefinition, validateCustomResourceDefinitionUpdate } from './validation.js';

function defaultCrd(crd: CustomResourceDefinition): void {
  const s = crd.spec;
  if (!s || typeof s !== 'object') return;
  if (s.names?.kind) {
    s.names.singular ||= s.names.kind.toLowerCase();
    s.names.listKind ||= `${s.names.kind}List`;
  }
  s.conversion ??= { strategy: 'None' };
  for (const v of s.versions ?? []) {
    v.served ??= false;
    v.storage ??= false;
    for (const c of v.additionalPrinterColumns ?? []) c.priority ??= undefined;
  }
}

/** Sets a condition, keeping its transition time when its status does not change (upstream's SetCRDCondition). */
export function setCondition(crd: CustomResourceDefinition, c: CustomResourceDefinitionCondition, now: string): void {
  crd.status ??= {};
  const list = (crd.status.conditions ??= []);
  const i = list.findIndex((x) => x.type === c.type);
  if (i < 0) {
    list.push({ ...c, lastTransitionTime: now });
    return;
  }
  const was = list[i]!;
  list[i] = { ...c, lastTransitionTime: was.status === c.status && was.lastTransitionTime ? was.lastTransitionTime : now };
}

function keepStoredVersion(crd: CustomResourceDefinition): void {
  const storage = storageVersionOf(crd);
  if (!storage) return;
  crd.status ??= {};
  const stored = (crd.status.storedVersions ??= []);
  if (!stored.includes(storage)) stored.push(storage);
}

const customResourceDefinition: KindDefinition<CustomResourceDefinition> = {
  group: GROUP,
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  namespaced: false,
  schema: CRD_SCHEMA,
  hasStatus: true,
  default: defaultCrd,
  prepareForCreate(crd) {
    crd.status = { storedVersions: [] };
    keepStoredVersion(crd);
  },
  prepareForUpdate(crd) {
    keepStoredVersion(crd);
  },
  validateCreate: validateCustomResourceDefinition,
  validateUpdate: validateCustomResourceDefinitionUpdate,
  validateStatusUpdate: (crd, old) => validateCustomResourceDefinitionUpdate(crd, old).filter((e) => !e.field.startsWith('status.storedVersions')),
  pendingDeletion(crd) {
    if (!crd.metadata.deletionTimestamp) {
      const finalizers = (crd.metadata.finalizers ??= []);
      if (!finalizers.includes(CLEANUP_FINALIZER)) finalizers.push(CLEANUP_FINALIZER);
      setCondition(crd, { type: 'Terminating', status: 'True', reason: 'InstanceDeletionPending', message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon' }, rfc3339());
      return true;
    }
    return crd.metadata.finalizers?.includes(CLEANUP_FINALIZER) ?? false;
  },
};

export const apiextensionsKinds: readonly KindDefinition[] = [customResourceDefinition as unknown as KindDefinition];
