// The reviews the kubelet's guard asks of the API server, sent under the node's own identity
// (system:node:<name>, which upstream's system:node role allows to create both).
import type { TokenReview, TokenReviewStatus } from '../../../api/authentication/v1/types.js';
import type { SubjectAccessReview, SubjectAccessReviewSpec, SubjectAccessReviewStatus } from '../../../api/authorization/v1/types.js';
import type { AccessReviewer } from './authorize.js';
import type { TokenReviewer } from './authenticate.js';

export interface ReviewClient {
  create<T>(path: string, body: unknown): Promise<T>;
}

export function tokenReviewer(client: ReviewClient): TokenReviewer {
  return async (token: string): Promise<TokenReviewStatus> => {
    const body: TokenReview = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: {}, spec: { token } };
    const r = await client.create<TokenReview>('/apis/authentication.k8s.io/v1/tokenreviews', body);
    return r?.status ?? {};
  };
}

export function accessReviewer(client: ReviewClient): AccessReviewer {
  return async (spec: SubjectAccessReviewSpec): Promise<SubjectAccessReviewStatus> => {
    const body: SubjectAccessReview = { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', metadata: {}, spec };
    const r = await client.create<SubjectAccessReview>('/apis/authorization.k8s.io/v1/subjectaccessreviews', body);
    return r?.status ?? { allowed: false };
  };
}
