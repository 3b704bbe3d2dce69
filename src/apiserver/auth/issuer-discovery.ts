// Service-account issuer discovery, what kube-apiserver serves so that other parties can
// verify its tokens: the OpenID provider configuration and the JSON Web Key Set.
import { publicJwk, type VerificationKey } from '../../util/jws/signing-key.js';

export const OPENID_CONFIGURATION_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/openid/v1/jwks';

export function openIdConfiguration(issuer: string, keys: readonly VerificationKey[], jwksUri = `${issuer.replace(/\/+$/, '')}${JWKS_PATH}`): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: jwksUri,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...new Set(keys.map((k) => k.alg))].sort(),
  };
}

export function jwks(keys: readonly VerificationKey[]): Record<string, unknown> {
  return { keys: keys.map(publicJwk) };
}
