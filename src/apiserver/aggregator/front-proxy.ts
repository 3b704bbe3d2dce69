// The request-header ("front proxy") authentication the API server gives extension API servers:
// the user it authenticated travels in X-Remote-User / X-Remote-Group / X-Remote-Extra-*, and
// the connection carries the front-proxy client certificate that proves the headers are ours.
// Extension servers learn the CA and header names from kube-system/extension-apiserver-authentication.
import type { UserInfo } from '../auth/token.js';

export const USERNAME_HEADER = 'X-Remote-User';
export const GROUP_HEADER = 'X-Remote-Group';
export const EXTRA_HEADER_PREFIX = 'X-Remote-Extra-';
/** The CN of the front-proxy client certificate, the only name extension servers allow. */
export const FRONT_PROXY_CLIENT_CN = 'front-proxy-client';
export const AUTHENTICATION_CONFIGMAP = { namespace: 'kube-system', name: 'extension-apiserver-authentication' };

/** The identity upstream's aggregator uses for its own availability checks. */
export const AGGREGATOR_USER: UserInfo = { name: 'system:kube-aggregator', groups: ['system:masters'] };

/**
 * Headers naming the user to the backend (transport.NewAuthProxyRoundTripper): one X-Remote-Group
 * per group, extra keys percent-encoded as upstream escapes them (header names are case-insensitive).
 */
export function userHeaders(user: UserInfo): Record<string, string | string[]> {
  const h: Record<string, string | string[]> = { [USERNAME_HEADER.toLowerCase()]: user.name };
  if (user.groups.length) h[GROUP_HEADER.toLowerCase()] = [...user.groups];
  for (const [k, values] of Object.entries(user.extra ?? {})) {
    if (!values.length) continue;
    h[`${EXTRA_HEADER_PREFIX}${encodeURIComponent(k)}`.toLowerCase()] = [...values];
  }
  return h;
}

/** Whether a client sent a header only the front proxy may set: never passed through. */
export function isRequestHeaderAuth(name: string): boolean {
  const n = name.toLowerCase();
  return n === USERNAME_HEADER.toLowerCase() || n === GROUP_HEADER.toLowerCase() || n.startsWith(EXTRA_HEADER_PREFIX.toLowerCase());
}

/** The ConfigMap data kube-apiserver publishes (ClusterAuthenticationTrustController), as JSON string lists. */
export function authenticationConfigData(clientCaPem: string | undefined, requestHeaderCaPem: string): Record<string, string> {
  const data: Record<string, string> = {
    'requestheader-client-ca-file': requestHeaderCaPem,
    'requestheader-allowed-names': JSON.stringify([FRONT_PROXY_CLIENT_CN]),
    'requestheader-username-headers': JSON.stringify([USERNAME_HEADER]),
    'requestheader-group-headers': JSON.stringify([GROUP_HEADER]),
    'requestheader-extra-headers-prefix': JSON.stringify([EXTRA_HEADER_PREFIX]),
  };
  if (clientCaPem) data['client-ca-file'] = clientCaPem;
  return data;
}
