// authentication.k8s.io/v1 TokenReview: who a bearer token belongs to, by the API server's own
// authenticators. Nothing is stored.
import type { TokenReview, TokenReviewStatus } from '../../api/authentication/v1/types.js';
import type { TokenAuthenticator } from '../auth/token.js';
import { errors } from '../errors.js';
import { decodeWriteBody } from './codec.js';
import { sendJson } from '../http/respond.js';
import type { ResourceHandler } from '../registry/entry.js';

export function reviewToken(review: TokenReview, authenticator: TokenAuthenticator, apiAudiences: readonly string[]): TokenReview {
  const spec = review.spec && typeof review.spec === 'object' ? review.spec : {};
  const token = spec.token;
  if (typeof token !== 'string' || token === '') throw errors.badRequest('token is required for TokenReview in authentication');
  const requested = Array.isArray(spec.audiences) && spec.audiences.length ? spec.audiences.filter((a) => typeof a === 'string') : [...apiAudiences];
  const r = authenticator.authenticateToken(token, requested);
  const status: TokenReviewStatus = {};
  if (r.ok) {
    status.authenticated = true;
    status.user = { username: r.user.name, groups: [...r.user.groups] };
    if (r.user.uid) status.user.uid = r.user.uid;
    if (r.user.extra) status.user.extra = r.user.extra;
    status.audiences = r.audiences;
  } else {
    status.user = {};
    if (r.error) status.error = r.error;
  }
  return { kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null as unknown as string }, spec, status };
}

/** TokenReview's create: answered from the server's authenticators, never stored. */
export function tokenReviewCreate(authenticator: TokenAuthenticator, apiAudiences: readonly string[]): ResourceHandler {
  return async ({ entry, req, res }) => {
    const body = (await decodeWriteBody(entry, req, undefined)) as TokenReview;
    sendJson(res, 201, reviewToken(body, authenticator, apiAudiences));
  };
}
