// The ServiceAccount kind.
import type { KindDefinition } from '../../scheme/kind.js';
import { path, type FieldError } from '../../validation/field.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import './serviceaccount-schema.js';
import type { ServiceAccount } from './types.js';

export function validateServiceAccount(sa: ServiceAccount): FieldError[] {
  return validateObjectMeta(sa.metadata, true, nameIsDNSSubdomain);
}

export function validateServiceAccountUpdate(sa: ServiceAccount, old: ServiceAccount): FieldError[] {
  return validateObjectMetaUpdate(sa.metadata, old.metadata, path('metadata'));
}

export const serviceAccountKind: KindDefinition<ServiceAccount> = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  shortNames: ['sa'],
  namespaced: true,
  schema: 'io.k8s.api.core.v1.ServiceAccount',
  tracksGeneration: false,
  validateCreate: validateServiceAccount,
  validateUpdate: validateServiceAccountUpdate,
};
