// The kinds networking.k8s.io/v1 serves.
import './schema.js';
import type { KindDefinition } from '../../scheme/kind.js';
import { defaultIngressClass, defaultNetworkPolicy } from './defaults.js';
import type { Ingress, IngressClass, NetworkPolicy } from './types.js';
import {
  validateIngressClass,
  validateIngressClassUpdate,
  validateIngressCreate,
  validateIngressStatusUpdate,
  validateIngressUpdate,
  validateNetworkPolicy,
  validateNetworkPolicyUpdate,
} from './validation.js';

const group = 'networking.k8s.io';
const version = 'v1';

const ingress: KindDefinition<Ingress> = {
  group,
  version,
  kind: 'Ingress',
  plural: 'ingresses',
  singular: 'ingress',
  shortNames: ['ing'],
  namespaced: true,
  schema: 'io.k8s.api.networking.v1.Ingress',
  hasStatus: true,
  prepareForCreate(obj) {
    // Only the ingress controller reports where the Ingress is reachable.
    obj.status = { loadBalancer: {} };
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
  },
  validateCreate: validateIngressCreate,
  validateUpdate: validateIngressUpdate,
  validateStatusUpdate: validateIngressStatusUpdate,
};

const ingressClass: KindDefinition<IngressClass> = {
  group,
  version,
  kind: 'IngressClass',
  plural: 'ingressclasses',
  singular: 'ingressclass',
  namespaced: false,
  schema: 'io.k8s.api.networking.v1.IngressClass',
  default: defaultIngressClass,
  validateCreate: validateIngressClass,
  validateUpdate: validateIngressClassUpdate,
};

const networkPolicy: KindDefinition<NetworkPolicy> = {
  group,
  version,
  kind: 'NetworkPolicy',
  plural: 'networkpolicies',
  singular: 'networkpolicy',
  shortNames: ['netpol'],
  namespaced: true,
  schema: 'io.k8s.api.networking.v1.NetworkPolicy',
  default: defaultNetworkPolicy,
  validateCreate: validateNetworkPolicy,
  validateUpdate: validateNetworkPolicyUpdate,
};

export const networkingKinds: readonly KindDefinition[] = [ingress, ingressClass, networkPolicy] as unknown as readonly KindDefinition[];
