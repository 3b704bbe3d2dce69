// What makes a Secret a service-account token, and what the token controller writes into one
// (upstream's secretUpdateNeeded and generateTokenIfNeeded): the token, the cluster CA and the
// namespace, each only when missing (the CA also when it differs), and the account's name and
// uid as annotations. A Secret that has all three is left as it is.
import { SecretTypes, SERVICE_ACCOUNT_NAME_ANNOTATION } from '../../api/core/v1/secret.js';
import type { Secret, ServiceAccount } from '../../api/core/v1/types.js';
import type { TokenGenerator } from './legacy-token.js';

export const SERVICE_ACCOUNT_UID_ANNOTATION = 'kubernetes.io/service-account.uid';
export const TOKEN_KEY = 'token';
export const ROOT_CA_KEY = 'ca.crt';
export const NAMESPACE_KEY = 'namespace';

export const isTokenSecret = (s: Secret): boolean => s.type === SecretTypes.serviceAccountToken;

/** The account a token Secret names: its name, and the uid once the controller has recorded one. */
export function accountOf(s: Secret): { name?: string; uid?: string } {
  const a = s.metadata.annotations ?? {};
  return { name: a[SERVICE_ACCOUNT_NAME_ANNOTATION] || undefined, uid: a[SERVICE_ACCOUNT_UID_ANNOTATION] || undefined };
}

const decoded = (s: Secret, key: string): string => Buffer.from(s.data?.[key] ?? '', 'base64').toString('utf8');
const b64 = (v: string): string => Buffer.from(v, 'utf8').toString('base64');

/** The Secret filled for `sa`, or undefined when nothing is missing. */
export function filledTokenSecret(secret: Secret, sa: ServiceAccount, rootCaPem: string | undefined, generate: TokenGenerator): Secret | undefined {
  const needsCa = !!rootCaPem && decoded(secret, ROOT_CA_KEY) !== rootCaPem;
  const needsNamespace = !secret.data?.[NAMESPACE_KEY];
  const needsToken = !secret.data?.[TOKEN_KEY];
  if (!needsCa && !needsNamespace && !needsToken) return undefined;
  const data = { ...secret.data };
  if (needsCa) data[ROOT_CA_KEY] = b64(rootCaPem);
  if (needsNamespace) data[NAMESPACE_KEY] = b64(secret.metadata.namespace ?? '');
  if (needsToken) data[TOKEN_KEY] = b64(generate(sa, secret));
  const annotations = { ...secret.metadata.annotations, [SERVICE_ACCOUNT_NAME_ANNOTATION]: sa.metadata.name ?? '', [SERVICE_ACCOUNT_UID_ANNOTATION]: sa.metadata.uid ?? '' };
  return { ...secret, apiVersion: 'v1', kind: 'Secret', metadata: { ...secret.metadata, annotations }, data };
}
