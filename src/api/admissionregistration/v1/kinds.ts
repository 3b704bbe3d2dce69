// The kinds admissionregistration.k8s.io/v1 serves: ValidatingAdmissionPolicy (with status) and
// ValidatingAdmissionPolicyBinding, both cluster-scoped in the api-extensions category.
import './schema.js';
import type { KindDefinition } from '../../scheme/kind.js';
import { defaultValidatingAdmissionPolicy, defaultValidatingAdmissionPolicyBinding } from './defaults.js';
import { ADMISSIONREGISTRATION_GROUP, type ValidatingAdmissionPolicy, type ValidatingAdmissionPolicyBinding } from './types.js';
import {
  validateValidatingAdmissionPolicy, validateValidatingAdmissionPolicyBinding, validateValidatingAdmissionPolicyBindingUpdate,
  validateValidatingAdmissionPolicyUpdate,
} from './validation.js';

const AR = 'io.k8s.api.admissionregistration.v1';

const policy: KindDefinition<ValidatingAdmissionPolicy> = {
  group: ADMISSIONREGISTRATION_GROUP,
  version: 'v1',
  kind: 'ValidatingAdmissionPolicy',
  plural: 'validatingadmissionpolicies',
  singular: 'validatingadmissionpolicy',
  categories: ['api-extensions'],
  namespaced: false,
  schema: `${AR}.ValidatingAdmissionPolicy`,
  hasStatus: true,
  default: defaultValidatingAdmissionPolicy,
  prepareForCreate(obj) {
    delete obj.status;
  },
  validateCreate: validateValidatingAdmissionPolicy,
  validateUpdate: validateValidatingAdmissionPolicyUpdate,
};

const binding: KindDefinition<ValidatingAdmissionPolicyBinding> = {
  group: ADMISSIONREGISTRATION_GROUP,
  version: 'v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  plural: 'validatingadmissionpolicybindings',
  singular: 'validatingadmissionpolicybinding',
  categories: ['api-extensions'],
  namespaced: false,
  schema: `${AR}.ValidatingAdmissionPolicyBinding`,
  default: defaultValidatingAdmissionPolicyBinding,
  validateCreate: validateValidatingAdmissionPolicyBinding,
  validateUpdate: validateValidatingAdmissionPolicyBindingUpdate,
};

export const admissionRegistrationKinds: readonly KindDefinition[] = [policy, binding] as unknown as readonly KindDefinition[];
