// authentication.k8s.io/v1 kinds. TokenReview and SelfSubjectReview are create-only and never stored: the API server
// answers it from its authenticators. TokenRequest has no resource of its own (it is the body
// of serviceaccounts/token), so only its schema is registered, by the import below.
import './schema.js';
// The protobuf tag tables register themselves on import; kubectl's typed client sends protobuf.
import './protobuf-tags.js';
import type { KindDefinition } from '../../scheme/kind.js';
import type { TokenReview } from './types.js';

export const TOKEN_REQUEST_SCHEMA = 'io.k8s.api.authentication.v1.TokenRequest';

const tokenReview: KindDefinition<TokenReview> = {
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'TokenReview',
  plural: 'tokenreviews',
  singular: 'tokenreview',
  namespaced: false,
  schema: 'io.k8s.api.authentication.v1.TokenReview',
  verbs: ['create'],
  tracksGeneration: false,
};

/** SelfSubjectReview (`kubectl auth whoami`): the caller's own user as authenticated. */
const selfSubjectReview: KindDefinition = {
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectReview',
  plural: 'selfsubjectreviews',
  singular: 'selfsubjectreview',
  namespaced: false,
  schema: 'io.k8s.api.authentication.v1.SelfSubjectReview',
  verbs: ['create'],
  tracksGeneration: false,
};

export const authenticationKinds: readonly KindDefinition[] = [selfSubjectReview, tokenReview] as unknown as readonly KindDefinition[];
