// The kinds admissionregistration.k8s.io/v1 serves: ValidatingAdmissionPolicy (with status) and
// ValidatingAdmissionPolicyBinding, MutatingWebhookConfiguration and ValidatingWebhookConfiguration,
// all cluster-scoped in the api-extensions category.
import './schema.js';
import './webhook-schema.js';
import type { KindDefinition } from '../../scheme/kind.js';
import { defaultMutatingWebhookConfiguration, defaultValidatingAdmissionPolicy, defaultValidatingAdmissionPolicyBinding, defaultValidatingWebhookConfiguration } from './defaults.js';
import { ADMISSIONREGISTRATION_GROUP, type MutatingWebhookConfiguration, type ValidatingAdmissionPolicy, type ValidatingAdmissionPolicyBinding, type ValidatingWebhookConfiguration } from './types.js';
import {
  validateMutatingWebhookConfiguration, validateMutatingWebhookConfigurationUpdate, validateValidatingWebhookConfiguration,
  validateValidatingWebhookConfigurationUpdate,
} from './webhook-validation.js';
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

const validatingWebhooks: KindDefinition<ValidatingWebhookConfiguration> = {
  group: ADMISSIONREGISTRATION_GROUP,
  version: 'v1',
  kind: 'ValidatingWebhookConfiguration',
  plural: 'validatingwebhookconfigurations',
  singular: 'validatingwebhookconfiguration',
  categories: ['api-extensions'],
  namespaced: false,
  schema: `${AR}.ValidatingWebhookConfiguration`,
  default: defaultValidatingWebhookConfiguration,
  validateCreate: validateValidatingWebhookConfiguration,
  validateUpdate: validateValidatingWebhookConfigurationUpdate,
};

const mutatingWebhooks: KindDefinition<MutatingWebhookConfiguration> = {
  group: ADMISSIONREGISTRATION_GROUP,
  version: 'v1',
  kind: 'MutatingWebhookConfiguration',
  plural: 'mutatingwebhookconfigurations',
  singular: 'mutatingwebhookconfiguration',
  categories: ['api-extensions'],
  namespaced: false,
  schema: `${AR}.MutatingWebhookConfiguration`,
  default: defaultMutatingWebhookConfiguration,
  validateCreate: validateMutatingWebhookConfiguration,
  validateUpdate: validateMutatingWebhookConfigurationUpdate,
};

export const admissionRegistrationKinds: readonly KindDefinition[] = [policy, binding, validatingWebhooks, mutatingWebhooks] as unknown as readonly KindDefinition[];
