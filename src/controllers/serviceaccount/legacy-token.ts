// The long-lived token of a kubernetes.io/service-account-token Secret, as upstream's
// JWTTokenGenerator with LegacyClaims (pkg/serviceaccount/legacy.go): the account and the
// Secret named in private claims, no audience and no expiry. The API server accepts it while
// the Secret still holds it and the account still has the uid it names.
import type { Secret, ServiceAccount } from '../../api/core/v1/types.js';
import { signJwt } from '../../util/jws/jwt.js';
import type { SigningKey } from '../../util/jws/signing-key.js';

export const LEGACY_ISSUER = 'kubernetes/serviceaccount';

export type TokenGenerator = (sa: ServiceAccount, secret: Secret) => string;

export function legacyTokenGenerator(key: SigningKey): TokenGenerator {
  return (sa, secret) => {
    const namespace = sa.metadata.namespace ?? '';
    const name = sa.metadata.name ?? '';
    // Keys sorted: upstream's JOSE library serializes public and private claims from one map.
    return signJwt(key, {
      iss: LEGACY_ISSUER,
      'kubernetes.io/serviceaccount/namespace': namespace,
      'kubernetes.io/serviceaccount/secret.name': secret.metadata.name ?? '',
      'kubernetes.io/serviceaccount/service-account.name': name,
      'kubernetes.io/serviceaccount/service-account.uid': sa.metadata.uid ?? '',
      sub: `system:serviceaccount:${namespace}:${name}`,
    });
  };
}
