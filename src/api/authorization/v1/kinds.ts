// authorization.k8s.io/v1 kinds: create-only reviews the API server answers from its
// authorizer; nothing is stored.
import './schema.js';
import './protobuf-tags.js';
import type { KindDefinition } from '../../scheme/kind.js';
import { AUTHORIZATION_GROUP } from './types.js';

function review(kind: string, namespaced: boolean): KindDefinition {
  return {
    group: AUTHORIZATION_GROUP,
    version: 'v1',
    kind,
    plural: `${kind.toLowerCase()}s`,
    singular: kind.toLowerCase(),
    namespaced,
    schema: `io.k8s.api.authorization.v1.${kind}`,
    verbs: ['create'],
    tracksGeneration: false,
  } as KindDefinition;
}

export const authorizationKinds: readonly KindDefinition[] = [
  review('LocalSubjectAccessReview', true),
  review('SelfSubjectAccessReview', false),
  review('SelfSubjectRulesReview', false),
  review('SubjectAccessReview', false),
];
