// Impersonation (kubectl --as, --as-group, --as-uid), as upstream's WithImpersonation: each
// Impersonate-* header is a request the caller must be allowed to `impersonate` (users,
// groups, serviceaccounts, uids, userextras/<key>); the request then runs as the user named.
import type { IncomingHttpHeaders } from 'node:http2';
import type { UserInfo } from '../auth/token.js';
import { errors } from '../errors.js';
import type { Attributes } from './attributes.js';
import type { Authorizer } from './authorizer.js';
import { forbidden } from './forbidden.js';

const SA_PREFIX = 'system:serviceaccount:';
const AUTHENTICATED = 'system:authenticated';
const UNAUTHENTICATED = 'system:unauthenticated';
const ANONYMOUS = 'system:anonymous';
const EXTRA_PREFIX = 'impersonate-extra-';

function values(h: string | string[] | undefined): string[] {
  if (h === undefined) return [];
  return (Array.isArray(h) ? h : h.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

function impersonateAttributes(requester: UserInfo, apiGroup: string, resource: string, name: string, namespace = '', subresource = ''): Attributes {
  return { user: requester, verb: 'impersonate', resourceRequest: true, path: '', namespace, apiGroup, apiVersion: '', resource, subresource, name };
}

/** The user the request acts as: the authenticated one, or the one it may impersonate. */
export function impersonate(requester: UserInfo, headers: IncomingHttpHeaders, authorizer: Authorizer): UserInfo {
  if (!Object.keys(headers).some((k) => k.startsWith('impersonate-'))) return requester;
  const userHeader = headers['impersonate-user'];
  const username = Array.isArray(userHeader) ? userHeader[0] : userHeader;
  const groups = values(headers['impersonate-group']);
  const uidHeader = headers['impersonate-uid'];
  const uid = Array.isArray(uidHeader) ? uidHeader[0] : uidHeader;
  const extra: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (!k.toLowerCase().startsWith(EXTRA_PREFIX)) continue;
    extra[decodeURIComponent(k.slice(EXTRA_PREFIX.length).toLowerCase())] = values(v);
  }
  if (!username) {
    if (groups.length || uid || Object.keys(extra).length) throw errors.badRequest('requested impersonation of groups, uid or extra without impersonating a user');
    return requester;
  }
  const checks: Attributes[] = [];
  let impersonatedGroups: string[] = [];
  if (username.startsWith(SA_PREFIX)) {
    const [ns, name] = username.slice(SA_PREFIX.length).split(':');
    checks.push(impersonateAttributes(requester, '', 'serviceaccounts', name ?? '', ns ?? ''));
    impersonatedGroups = ['system:serviceaccounts', `system:serviceaccounts:${ns}`];
  } else {
    checks.push(impersonateAttributes(requester, '', 'users', username));
  }
  for (const g of groups) checks.push(impersonateAttributes(requester, '', 'groups', g));
  if (uid) checks.push(impersonateAttributes(requester, 'authentication.k8s.io', 'uids', uid));
  for (const [k, vs] of Object.entries(extra)) for (const v of vs) checks.push(impersonateAttributes(requester, 'authentication.k8s.io', 'userextras', v, '', k));
  for (const a of checks) {
    const r = authorizer.authorize(a);
    if (r.decision !== 'allow') throw forbidden(a, r.reason);
  }
  const all = [...impersonatedGroups, ...groups];
  if (username !== ANONYMOUS && !all.includes(AUTHENTICATED) && !all.includes(UNAUTHENTICATED)) all.push(AUTHENTICATED);
  const user: UserInfo = { name: username, groups: all };
  if (uid) user.uid = uid;
  if (Object.keys(extra).length) user.extra = extra;
  return user;
}
