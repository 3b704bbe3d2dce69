// Authenticating service-account JWTs, as upstream's jwtTokenAuthenticator and its validators:
// our issuer, a signature by one of our keys, an audience the caller accepts, inside its
// validity window, and the service account (and the pod, secret or node the token is bound
// to) still there with the same uid. Legacy tokens (issuer kubernetes/serviceaccount, kept in
// Secrets) pass the same signature and audience checks, then their own validator's.
// Lookups go to the watch cache only, synchronously.
import type { KubeObject } from '../../api/meta/types.js';
import { LEGACY_ISSUER, validateLegacyToken } from './legacy-token-validator.js';
import { parseJwt, verifyJwt } from '../../util/jws/jwt.js';
import { serviceAccountUsername, type KubernetesClaims, type ObjectRefClaim } from './serviceaccount-claims.js';
import type { VerificationKey } from '../../util/jws/signing-key.js';
import { bearerToken, type TokenAuthenticator, type TokenResult, type UserInfo } from './token.js';

/** go-jose's DefaultLeeway: clock skew tolerated on nbf, iat and exp, and on deletions. */
const LEEWAY_S = 60;

export const SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';
export const EXTRA_POD_NAME = 'authentication.kubernetes.io/pod-name';
export const EXTRA_POD_UID = 'authentication.kubernetes.io/pod-uid';
export const EXTRA_NODE_NAME = 'authentication.kubernetes.io/node-name';
export const EXTRA_NODE_UID = 'authentication.kubernetes.io/node-uid';
export const EXTRA_CREDENTIAL_ID = 'authentication.kubernetes.io/credential-id';

/** Current objects, or undefined when absent. */
export interface BoundObjectGetter {
  serviceAccount(namespace: string, name: string): KubeObject | undefined;
  pod(namespace: string, name: string): KubeObject | undefined;
  secret(namespace: string, name: string): KubeObject | undefined;
  node(name: string): KubeObject | undefined;
}

export interface ServiceAccountAuthenticatorOptions {
  /** Issuers of bound tokens accepted; tokens of other issuers are left to other authenticators. */
  issuers: readonly string[];
  /** Accept legacy Secret-held tokens signed by these keys (upstream's --service-account-key-file). Default true. */
  legacyTokens?: boolean;
  keys: readonly VerificationKey[];
  /** The API server's audiences: what a token must be for when the caller names none. */
  apiAudiences: readonly string[];
  getter: BoundObjectGetter;
  clock?: () => number;
}

const invalidated = (): TokenResult => ({ ok: false, error: 'Token has been invalidated' });
const goQuoteList = (xs: readonly string[]): string => `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`;

function refClaim(v: unknown): ObjectRefClaim | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const r = v as Record<string, unknown>;
  return { name: typeof r['name'] === 'string' ? r['name'] : '', uid: typeof r['uid'] === 'string' ? r['uid'] : '' };
}

function kubernetesClaims(v: unknown): KubernetesClaims | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const k = v as Record<string, unknown>;
  const sa = refClaim(k['serviceaccount']);
  if (typeof k['namespace'] !== 'string' || !sa) return undefined;
  return { namespace: k['namespace'], serviceaccount: sa, pod: refClaim(k['pod']), secret: refClaim(k['secret']), node: refClaim(k['node']) };
}

function audiencesOf(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}

const numericDate = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Deleted longer ago than the leeway: an object whose grace period a token may not outlive. */
function deletedBefore(obj: KubeObject, limitMs: number): boolean {
  const ts = obj.metadata.deletionTimestamp;
  return typeof ts === 'string' && Date.parse(ts) < limitMs;
}

function serviceAccountUser(namespace: string, name: string, uid: string): UserInfo {
  return { name: serviceAccountUsername(namespace, name), uid, groups: [SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${namespace}`] };
}

export class ServiceAccountTokenAuthenticator implements TokenAuthenticator {
  private readonly clock: () => number;

  constructor(private readonly o: ServiceAccountAuthenticatorOptions) {
    this.clock = o.clock ?? Date.now;
  }

  authenticate(authorization: string | undefined): UserInfo | undefined {
    const token = bearerToken(authorization);
    if (token === undefined) return undefined;
    const r = this.authenticateToken(token);
    return r.ok ? r.user : undefined;
  }

  authenticateToken(token: string, requested?: readonly string[]): TokenResult {
    const jwt = parseJwt(token);
    const iss = jwt?.claims['iss'];
    const legacy = iss === LEGACY_ISSUER && this.o.legacyTokens !== false;
    // Not a JWT, or another issuer's: some other authenticator may know it.
    if (!jwt || typeof iss !== 'string' || (!legacy && !this.o.issuers.includes(iss))) return { ok: false };
    if (!verifyJwt(jwt, this.o.keys)) return { ok: false, error: 'go-jose/go-jose: error in cryptographic primitive' };
    const c = jwt.claims;

    let tokenAudiences = audiencesOf(c['aud']);
    if (!tokenAudiences.length) tokenAudiences = [...this.o.apiAudiences];
    const wanted = requested?.length ? requested : this.o.apiAudiences;
    const audiences = tokenAudiences.filter((a) => wanted.includes(a));
    if (!audiences.length) return { ok: false, error: `token audiences ${goQuoteList(tokenAudiences)} is invalid for the target audiences ${goQuoteList(wanted)}` };

    if (legacy) {
      const r = validateLegacyToken(token, c, this.o.getter);
      return r.ok ? { ok: true, user: serviceAccountUser(r.account.namespace, r.account.name, r.account.uid), audiences } : r;
    }

    const nowMs = this.clock();
    const now = nowMs / 1000;
    const exp = numericDate(c['exp']);
    const nbf = numericDate(c['nbf']);
    const iat = numericDate(c['iat']);
    // A bound token without an expiry is not one we issued: no expiry, no trust.
    if (exp === undefined) return { ok: false, error: 'service account token has no expiration' };
    if (nbf !== undefined && now + LEEWAY_S < nbf) return { ok: false, error: 'service account token is not valid yet' };
    if (now - LEEWAY_S > exp) return { ok: false, error: 'service account token has expired' };
    if (iat !== undefined && now + LEEWAY_S < iat) return { ok: false, error: 'service account token is issued in the future' };

    const k8s = kubernetesClaims(c['kubernetes.io']);
    if (!k8s) return { ok: false, error: 'service account token claims could not be retrieved' };
    const invalidIfDeletedBefore = nowMs - LEEWAY_S * 1000;
    const ns = k8s.namespace;
    const saRef = k8s.serviceaccount;
    const sa = this.o.getter.serviceAccount(ns, saRef.name);
    if (!sa) return { ok: false, error: `serviceaccounts "${saRef.name}" not found` };
    if (deletedBefore(sa, invalidIfDeletedBefore)) return { ok: false, error: `service account ${ns}/${saRef.name} has been deleted` };
    if (sa.metadata.uid !== saRef.uid) return { ok: false, error: `service account UID (${sa.metadata.uid ?? ''}) does not match claim (${saRef.uid})` };

    if (k8s.secret) {
      const secret = this.o.getter.secret(ns, k8s.secret.name);
      if (!secret || deletedBefore(secret, invalidIfDeletedBefore)) return invalidated();
      if (secret.metadata.uid !== k8s.secret.uid) return { ok: false, error: `secret UID (${secret.metadata.uid ?? ''}) does not match service account secret ref claim (${k8s.secret.uid})` };
    }
    const extra: Record<string, string[]> = {};
    if (k8s.pod) {
      const pod = this.o.getter.pod(ns, k8s.pod.name);
      if (!pod || deletedBefore(pod, invalidIfDeletedBefore)) return invalidated();
      if (pod.metadata.uid !== k8s.pod.uid) return { ok: false, error: `pod UID (${pod.metadata.uid ?? ''}) does not match service account pod ref claim (${k8s.pod.uid})` };
      extra[EXTRA_POD_NAME] = [k8s.pod.name];
      extra[EXTRA_POD_UID] = [k8s.pod.uid];
    }
    if (k8s.node) {
      // A pod-bound token only reports the node it was issued on; a node-bound one needs the node.
      if (!k8s.pod) {
        const node = this.o.getter.node(k8s.node.name);
        if (!node || deletedBefore(node, invalidIfDeletedBefore)) return invalidated();
        if (node.metadata.uid !== k8s.node.uid) return { ok: false, error: `node UID (${node.metadata.uid ?? ''}) does not match service account node ref claim (${k8s.node.uid})` };
      }
      extra[EXTRA_NODE_NAME] = [k8s.node.name];
      extra[EXTRA_NODE_UID] = [k8s.node.uid];
    }
    if (typeof c['jti'] === 'string' && c['jti']) extra[EXTRA_CREDENTIAL_ID] = [`JTI=${c['jti']}`];

    const user = serviceAccountUser(ns, saRef.name, saRef.uid);
    if (Object.keys(extra).length) user.extra = extra;
    return { ok: true, user, audiences };
  }
}
