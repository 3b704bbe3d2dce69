// Whether the API server's authorizer allows a request to this kubelet: one SubjectAccessReview
// per question, answers cached as upstream's webhook authorizer caches them (allowed 5 min,
// denied 30 s), so a burst of log reads costs the API server one review.
import type { SubjectAccessReviewSpec, SubjectAccessReviewStatus } from '../../../api/authorization/v1/types.js';
import { TtlCache } from './ttl-cache.js';
import type { KubeletAuthorizer, NodeAttributes } from './types.js';

/** Upstream's --authorization-webhook-cache-authorized-ttl / -unauthorized-ttl defaults. */
export const ALLOWED_CACHE_TTL_MS = 5 * 60_000;
export const DENIED_CACHE_TTL_MS = 30_000;

export type AccessReviewer = (spec: SubjectAccessReviewSpec) => Promise<SubjectAccessReviewStatus>;

export interface AccessReviewAuthorizerOptions {
  review: AccessReviewer;
  allowedTtlMs?: number;
  deniedTtlMs?: number;
  clock?: () => number;
}

export function accessReviewSpec(a: NodeAttributes): SubjectAccessReviewSpec {
  const spec: SubjectAccessReviewSpec = {
    user: a.user.name,
    groups: [...a.user.groups],
    resourceAttributes: { verb: a.verb, version: 'v1', resource: a.resource, subresource: a.subresource, name: a.name },
  };
  if (a.user.uid) spec.uid = a.user.uid;
  if (a.user.extra) spec.extra = a.user.extra;
  return spec;
}

export class SubjectAccessReviewAuthorizer implements KubeletAuthorizer {
  private readonly cache: TtlCache<{ allowed: boolean; reason?: string }>;

  constructor(private readonly o: AccessReviewAuthorizerOptions) {
    this.cache = new TtlCache(10_000, o.clock ?? Date.now);
  }

  async authorize(a: NodeAttributes): Promise<{ allowed: boolean; reason?: string }> {
    const spec = accessReviewSpec(a);
    const key = JSON.stringify(spec);
    const cached = this.cache.get(key);
    if (cached) return cached;
    // A failed review rejects and is not cached.
    const status = await this.o.review(spec);
    const answer = { allowed: status?.allowed === true && status.denied !== true, ...(status?.reason ? { reason: status.reason } : {}) };
    this.cache.set(key, answer, answer.allowed ? (this.o.allowedTtlMs ?? ALLOWED_CACHE_TTL_MS) : (this.o.deniedTtlMs ?? DENIED_CACHE_TTL_MS));
    return answer;
  }
}
