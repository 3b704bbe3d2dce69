// The kubelet API's authentication and authorization, and the default wiring through the API.
import { KubeletRequestAuthenticator, TokenReviewAuthenticator, X509RequestAuthenticator } from './authenticate.js';
import { accessReviewer, tokenReviewer, type ReviewClient } from './api-reviews.js';
import { SubjectAccessReviewAuthorizer } from './authorize.js';
import type { KubeletAuthenticator, KubeletAuthorizer } from './types.js';

export * from './types.js';
export { KubeletGuard, needsClientCertificate, type GuardVerdict } from './guard.js';
export { requestAttributes, subresourcesFor } from './attributes.js';
export { bearerToken, KubeletRequestAuthenticator, TokenReviewAuthenticator, X509RequestAuthenticator, TOKEN_CACHE_TTL_MS, type TokenReviewer } from './authenticate.js';
export { SubjectAccessReviewAuthorizer, ALLOWED_CACHE_TTL_MS, DENIED_CACHE_TTL_MS, type AccessReviewer } from './authorize.js';
export { accessReviewer, tokenReviewer, type ReviewClient } from './api-reviews.js';

export interface ApiAuthOptions {
  /** Client certificates must chain to this CA. */
  clientCaPem: string;
  /** An API client under the node's identity. */
  client: ReviewClient;
  tokenCacheTtlMs?: number;
  allowedCacheTtlMs?: number;
  deniedCacheTtlMs?: number;
  clock?: () => number;
  log?: (line: string) => void;
}

/** Upstream's --anonymous-auth=false --authentication-token-webhook --authorization-mode=Webhook. */
export function apiBackedAuth(o: ApiAuthOptions): { authenticator: KubeletAuthenticator; authorizer: KubeletAuthorizer } {
  const tokens = new TokenReviewAuthenticator({ review: tokenReviewer(o.client), cacheTtlMs: o.tokenCacheTtlMs, clock: o.clock, log: o.log });
  return {
    authenticator: new KubeletRequestAuthenticator(new X509RequestAuthenticator(o.clientCaPem, o.clock), tokens),
    authorizer: new SubjectAccessReviewAuthorizer({ review: accessReviewer(o.client), allowedTtlMs: o.allowedCacheTtlMs, deniedTtlMs: o.deniedCacheTtlMs, clock: o.clock }),
  };
}
