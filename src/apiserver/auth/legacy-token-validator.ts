// Legacy service-account tokens: the long-lived JWTs the token controller writes into Secrets
// of type kubernetes.io/service-account-token (upstream's pkg/serviceaccount/legacy.go). They
// carry no audience and no expiry; what keeps them revocable is the lookup: the Secret must
// still exist, not be terminating and hold exactly this token, and the ServiceAccount must
// still exist with the uid the token names.
import type { KubeObject } from '../../api/meta/types.js';
import { constantTimeEqual } from './token.js';

export const LEGACY_ISSUER = 'kubernetes/serviceaccount';
/** Set by upstream's legacy-token cleaner on an unused auto-generated token: it no longer authenticates. */
export const INVALID_SINCE_LABEL = 'kubernetes.io/legacy-token-invalid-since';

export const LEGACY_CLAIM_NAMESPACE = 'kubernetes.io/serviceaccount/namespace';
export const LEGACY_CLAIM_SECRET_NAME = 'kubernetes.io/serviceaccount/secret.name';
export const LEGACY_CLAIM_SERVICE_ACCOUNT_NAME = 'kubernetes.io/serviceaccount/service-account.name';
export const LEGACY_CLAIM_SERVICE_ACCOUNT_UID = 'kubernetes.io/serviceaccount/service-account.uid';

const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

/** The current objects a legacy token depends on, or undefined when absent. */
export interface LegacyTokenObjects {
  secret(namespace: string, name: string): KubeObject | undefined;
  serviceAccount(namespace: string, name: string): KubeObject | undefined;
}

export interface LegacyServiceAccount {
  namespace: string;
  name: string;
  uid: string;
}

export type LegacyResult = { ok: true; account: LegacyServiceAccount } | { ok: false; error: string };

const claim = (claims: Record<string, unknown>, key: string): string => (typeof claims[key] === 'string' ? claims[key] : '');

/** `system:serviceaccount:<ns>:<name>` split, as upstream's SplitUsername (neither part empty nor holding a colon). */
function splitUsername(sub: string): [string, string] | undefined {
  if (!sub.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const parts = sub.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
  return parts.length === 2 && parts[0] && parts[1] ? [parts[0], parts[1]] : undefined;
}

/** The Secret's `token` key decoded, compared in constant time. */
function holdsToken(secret: KubeObject, token: string): boolean {
  const stored = (secret as { data?: Record<string, unknown> }).data?.['token'];
  if (typeof stored !== 'string') return false;
  const a = Buffer.from(stored, 'base64');
  const b = Buffer.from(token, 'utf8');
  return constantTimeEqual(a, b);
}

/** Validates a signature-checked legacy token's claims against the current objects. */
export function validateLegacyToken(token: string, claims: Record<string, unknown>, getter: LegacyTokenObjects): LegacyResult {
  const sub = claim(claims, 'sub');
  if (!sub) return { ok: false, error: 'sub claim is missing' };
  const namespace = claim(claims, LEGACY_CLAIM_NAMESPACE);
  if (!namespace) return { ok: false, error: 'namespace claim is missing' };
  const secretName = claim(claims, LEGACY_CLAIM_SECRET_NAME);
  if (!secretName) return { ok: false, error: 'secretName claim is missing' };
  const name = claim(claims, LEGACY_CLAIM_SERVICE_ACCOUNT_NAME);
  if (!name) return { ok: false, error: 'serviceAccountName claim is missing' };
  const uid = claim(claims, LEGACY_CLAIM_SERVICE_ACCOUNT_UID);
  if (!uid) return { ok: false, error: 'serviceAccountUID claim is missing' };
  const subject = splitUsername(sub);
  if (!subject || subject[0] !== namespace || subject[1] !== name) return { ok: false, error: 'sub claim is invalid' };

  const secret = getter.secret(namespace, secretName);
  if (!secret || secret.metadata.deletionTimestamp) return { ok: false, error: 'Token has been invalidated' };
  if (!holdsToken(secret, token)) return { ok: false, error: "Token does not match server's copy" };
  const sa = getter.serviceAccount(namespace, name);
  if (!sa) return { ok: false, error: `serviceaccounts "${name}" not found` };
  if (sa.metadata.deletionTimestamp) return { ok: false, error: `ServiceAccount ${namespace}/${name} has been deleted` };
  if (sa.metadata.uid !== uid) return { ok: false, error: `ServiceAccount UID (${sa.metadata.uid ?? ''}) does not match claim (${uid})` };
  if (secret.metadata.labels?.[INVALID_SINCE_LABEL]) {
    return {
      ok: false,
      error: `the token in secret ${namespace}/${secretName} for service account ${namespace}/${name} has been marked invalid. Use tokens from the TokenRequest API or manually created secret-based tokens, or remove the '${INVALID_SINCE_LABEL}' label from the secret to temporarily allow use of this token`,
    };
  }
  return { ok: true, account: { namespace, name, uid } };
}
