// Issuing service-account tokens: the claims upstream's kube-apiserver puts in a bound token
// (pkg/serviceaccount/claims.go), signed as a JWT.
import { randomUUID } from 'node:crypto';
import { signJwt } from '../../util/jws/jwt.js';
import type { SigningKey } from '../../util/jws/signing-key.js';

export const DEFAULT_SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** What kubelets ask for; such pod-bound tokens are issued for a year and only warned about after this. */
export const WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 60 * 60 + 7;
export const EXPIRATION_EXTENSION_SECONDS = 365 * 24 * 60 * 60;

export interface ObjectRefClaim {
  name: string;
  uid: string;
}

/** The `kubernetes.io` private claim. */
export interface KubernetesClaims {
  namespace: string;
  serviceaccount: ObjectRefClaim;
  pod?: ObjectRefClaim;
  secret?: ObjectRefClaim;
  node?: ObjectRefClaim;
  /** Seconds since the epoch after which use of an extended token is worth a warning. */
  warnafter?: number;
}

export interface TokenBinding {
  namespace: string;
  serviceAccount: ObjectRefClaim;
  pod?: ObjectRefClaim;
  secret?: ObjectRefClaim;
  node?: ObjectRefClaim;
}

export interface IssueOptions {
  audiences: readonly string[];
  expirationSeconds: number;
  /** Extended tokens: the requested lifetime, after which use is only warned about. */
  warnAfterSeconds?: number;
  nowMs: number;
}

export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

export class ServiceAccountTokenIssuer {
  constructor(
    private readonly key: SigningKey,
    readonly issuer: string = DEFAULT_SERVICE_ACCOUNT_ISSUER,
  ) {}

  issue(binding: TokenBinding, o: IssueOptions): string {
    const now = Math.floor(o.nowMs / 1000);
    // Keys sorted, nested ones too: upstream's JOSE library serializes claims from a map.
    const k8s: Record<string, unknown> = { namespace: binding.namespace };
    if (binding.node && !binding.secret) k8s['node'] = ref(binding.node);
    if (binding.pod) k8s['pod'] = ref(binding.pod);
    else if (binding.secret) k8s['secret'] = ref(binding.secret);
    k8s['serviceaccount'] = ref(binding.serviceAccount);
    if (o.warnAfterSeconds) k8s['warnafter'] = now + o.warnAfterSeconds;
    const claims: Record<string, unknown> = {
      aud: [...o.audiences],
      exp: now + o.expirationSeconds,
      iat: now,
      iss: this.issuer,
      jti: randomUUID(),
      'kubernetes.io': k8s,
      nbf: now,
      sub: serviceAccountUsername(binding.namespace, binding.serviceAccount.name),
    };
    return signJwt(this.key, claims);
  }
}

const ref = (r: ObjectRefClaim): ObjectRefClaim => ({ name: r.name, uid: r.uid });
