// Everything service-account tokens add to the API server, behind one object: the issuer, the
// authenticator of its tokens, the policy the serviceaccounts/token subresource issues by, and
// issuer discovery (/.well-known/openid-configuration, /openid/v1/jwks).
import { watchCacheGetter } from '../auth/cache-getter.js';
import { JWKS_PATH, jwks, OPENID_CONFIGURATION_PATH, openIdConfiguration } from '../auth/issuer-discovery.js';
import { DEFAULT_SERVICE_ACCOUNT_ISSUER, ServiceAccountTokenIssuer } from '../auth/serviceaccount-claims.js';
import { ServiceAccountTokenAuthenticator } from '../auth/serviceaccount-authenticator.js';
import { verificationKey, type SigningKey, type VerificationKey } from '../../util/jws/signing-key.js';
import { sendJson, type AnyResponse } from '../http/respond.js';
import type { Registry } from '../registry/registry.js';
import type { WatchCache } from '../watchcache/watch-cache.js';
import type { TokenRequestPolicy } from './subresources/token-request.js';

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
  /** What the serviceaccounts/token subresource issues by. */
  readonly requestPolicy: TokenRequestPolicy;

  constructor(o: ServiceAccountTokenOptions, registry: Registry, cache: WatchCache, clock: () => number) {
    const issuerName = o.issuer ?? DEFAULT_SERVICE_ACCOUNT_ISSUER;
    this.issuer = new ServiceAccountTokenIssuer(o.signingKey, issuerName);
    this.apiAudiences = o.apiAudiences?.length ? [...o.apiAudiences] : [issuerName];
    this.keys = [verificationKey(o.signingKey), ...(o.extraVerificationKeys ?? [])];
    this.authenticator = new ServiceAccountTokenAuthenticator({ issuers: [issuerName], keys: this.keys, apiAudiences: this.apiAudiences, getter: watchCacheGetter(registry, cache), clock });
    this.requestPolicy = { issuer: this.issuer, apiAudiences: this.apiAudiences, maxExpirationSeconds: o.maxExpirationSeconds ?? DEFAULT_MAX_EXPIRATION_SECONDS, extendExpiration: o.extendExpiration ?? true };
  }

  /** The issuer discovery documents' paths, as `GET /` lists them. */
  readonly discoveryPaths: readonly string[] = [OPENID_CONFIGURATION_PATH, JWKS_PATH];

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
