// Everything service-account tokens add to the API server, behind one object: the issuer, the
// authenticator of its tokens, the serviceaccounts/token subresource, TokenReview, and issuer
// discovery (/.well-known/openid-configuration, /openid/v1/jwks).
import { watchCacheGetter } from '../auth/cache-getter.js';
import { JWKS_PATH, jwks, OPENID_CONFIGURATION_PATH, openIdConfiguration } from '../auth/issuer-discovery.js';
import { DEFAULT_SERVICE_ACCOUNT_ISSUER, ServiceAccountTokenIssuer } from '../auth/serviceaccount-claims.js';
import { ServiceAccountTokenAuthenticator } from '../auth/serviceaccount-authenticator.js';
import { verificationKey, type SigningKey, type VerificationKey } from '../auth/signing-key.js';
import type { TokenAuthenticator } from '../auth/token.js';
import { errors } from '../errors.js';
import type { AnyRequest } from '../http/body.js';
import type { ResourceRequest } from '../http/request-info.js';
import type { ApiContext } from './resources.js';
import { sendJson, type AnyResponse } from '../http/respond.js';
import type { Registry } from '../registry/registry.js';
import type { WatchCache } from '../watchcache/watch-cache.js';
import { serveTokenRequest, type TokenRequestPolicy } from './token-request.js';
import { serveTokenReview } from './token-review.js';

/** kube-apiserver's --service-account-* settings. */
export interface ServiceAccountTokenOptions {
  signingKey: SigningKey;
  /** --service-account-issuer. */
  issuer?: string;
  /** --api-audiences; defaults to the issuer. */
  apiAudiences?: readonly string[];
  /** --service-account-max-token-expiration, seconds; 0 for none. Default 48 h. */
  maxExpirationSeconds?: number;
  /** --service-account-extend-token-expiration. Default true. */
  extendExpiration?: boolean;
  /** Further public keys whose tokens are accepted (a previous key, during rotation). */
  extraVerificationKeys?: readonly VerificationKey[];
}

export const DEFAULT_MAX_EXPIRATION_SECONDS = 48 * 60 * 60;

export class ServiceAccountTokens {
  readonly issuer: ServiceAccountTokenIssuer;
  readonly authenticator: ServiceAccountTokenAuthenticator;
  readonly apiAudiences: readonly string[];
  private readonly keys: readonly VerificationKey[];
  private readonly policy: TokenRequestPolicy;

  constructor(o: ServiceAccountTokenOptions, registry: Registry, cache: WatchCache, clock: () => number) {
    const issuerName = o.issuer ?? DEFAULT_SERVICE_ACCOUNT_ISSUER;
    this.issuer = new ServiceAccountTokenIssuer(o.signingKey, issuerName);
    this.apiAudiences = o.apiAudiences?.length ? [...o.apiAudiences] : [issuerName];
    this.keys = [verificationKey(o.signingKey), ...(o.extraVerificationKeys ?? [])];
    this.authenticator = new ServiceAccountTokenAuthenticator({ issuers: [issuerName], keys: this.keys, apiAudiences: this.apiAudiences, getter: watchCacheGetter(registry, cache), clock });
    this.policy = { issuer: this.issuer, apiAudiences: this.apiAudiences, maxExpirationSeconds: o.maxExpirationSeconds ?? DEFAULT_MAX_EXPIRATION_SECONDS, extendExpiration: o.extendExpiration ?? true };
  }

  /** Serves serviceaccounts/token; false for every other resource request. */
  async serveResource(ctx: ApiContext, info: ResourceRequest, req: AnyRequest, res: AnyResponse): Promise<boolean> {
    if (info.group !== '' || info.version !== 'v1' || info.resource !== 'serviceaccounts' || info.subresource !== 'token' || !info.name || !info.namespace) return false;
    if (info.verb !== 'create') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
    await serveTokenRequest(ctx, this.policy, info.namespace, info.name, req, res);
    return true;
  }

  /** Serves the issuer discovery documents; false for other paths. */
  serveDiscovery(path: string, res: AnyResponse): boolean {
    if (path === OPENID_CONFIGURATION_PATH) {
      res.setHeader('Cache-Control', 'public, max-age=3600');
      sendJson(res, 200, openIdConfiguration(this.issuer.issuer, this.keys));
      return true;
    }
    if (path === JWKS_PATH) {
      res.setHeader('Cache-Control', 'public, max-age=3600');
      sendJson(res, 200, jwks(this.keys), 'application/jwk-set+json');
      return true;
    }
    return false;
  }
}

/** Serves POST /apis/authentication.k8s.io/v1/tokenreviews with the server's authenticators; false otherwise. */
export async function serveAuthenticationResource(ctx: ApiContext, info: ResourceRequest, authenticator: TokenAuthenticator, apiAudiences: readonly string[], req: AnyRequest, res: AnyResponse): Promise<boolean> {
  if (info.group !== 'authentication.k8s.io' || info.resource !== 'tokenreviews' || info.verb !== 'create' || info.name || info.subresource) return false;
  const entry = ctx.registry.lookup(info.group, info.version, info.resource);
  if (!entry) return false;
  await serveTokenReview(entry, authenticator, apiAudiences, req, res);
  return true;
}
