// What the access reviews answer (upstream's pkg/registry/authorization): whether a user may
// do something, and which rules it holds in a namespace, from the server's own authorizer.
import type { NonResourceRule, ResourceRule, SubjectAccessReviewSpec, SubjectAccessReviewStatus, SubjectRulesReviewStatus } from '../../api/authorization/v1/types.js';
import type { UserInfo } from '../auth/token.js';
import { errors } from '../errors.js';
import type { Attributes } from './attributes.js';
import type { AuthorizationMode, Authorizer } from './authorizer.js';
import type { RuleResolver } from './rbac.js';

/** Upstream's validation: exactly one of resourceAttributes and nonResourceAttributes. */
export function reviewAttributes(spec: SubjectAccessReviewSpec | undefined, user: UserInfo): Attributes {
  const s = spec ?? {};
  const r = s.resourceAttributes;
  const n = s.nonResourceAttributes;
  if (r && n) throw errors.badRequest('spec.nonResourceAttributes: Invalid value: "": cannot be specified in combination with resourceAttributes');
  if (!r && !n) throw errors.badRequest('spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
  if (n) return { user, verb: n.verb ?? '', resourceRequest: false, path: n.path ?? '', namespace: '', apiGroup: '', apiVersion: '', resource: '', subresource: '', name: '' };
  return {
    user,
    verb: r!.verb ?? '',
    resourceRequest: true,
    path: '',
    namespace: r!.namespace ?? '',
    apiGroup: r!.group ?? '',
    apiVersion: r!.version ?? '',
    resource: r!.resource ?? '',
    subresource: r!.subresource ?? '',
    name: r!.name ?? '',
  };
}

export function accessStatus(authorizer: Authorizer, a: Attributes): SubjectAccessReviewStatus {
  const r = authorizer.authorize(a);
  const status: SubjectAccessReviewStatus = { allowed: r.decision === 'allow' };
  if (r.decision === 'deny') status.denied = true;
  if (r.reason) status.reason = r.reason;
  return status;
}

/** The user a SubjectAccessReview asks about. */
export function specUser(spec: SubjectAccessReviewSpec | undefined): UserInfo {
  const s = spec ?? {};
  if (!s.user && !s.groups?.length) throw errors.badRequest('spec.user: Invalid value: "": at least one of user or group must be specified');
  const u: UserInfo = { name: s.user ?? '', groups: [...(s.groups ?? [])] };
  if (s.uid) u.uid = s.uid;
  if (s.extra) u.extra = s.extra;
  return u;
}

const EVERYTHING_RESOURCE: ResourceRule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
const EVERYTHING_URL: NonResourceRule = { verbs: ['*'], nonResourceURLs: ['*'] };

/** The rules review: the union of what each mode can enumerate; AlwaysDeny enumerates nothing. */
export function rulesStatus(modes: readonly AuthorizationMode[], resolver: RuleResolver, user: UserInfo, namespace: string): SubjectRulesReviewStatus {
  const status: SubjectRulesReviewStatus = { resourceRules: [], nonResourceRules: [], incomplete: false };
  const errs: string[] = [];
  for (const m of modes) {
    if (m === 'AlwaysAllow') {
      status.resourceRules.push(EVERYTHING_RESOURCE);
      status.nonResourceRules.push(EVERYTHING_URL);
      continue;
    }
    if (m !== 'RBAC') continue;
    const { rules, errors: e } = resolver.rulesFor(user, namespace);
    errs.push(...e);
    for (const r of rules) {
      if (r.resources?.length) {
        const rr: ResourceRule = { verbs: [...r.verbs], apiGroups: [...(r.apiGroups ?? [])], resources: [...r.resources] };
        if (r.resourceNames?.length) rr.resourceNames = [...r.resourceNames];
        status.resourceRules.push(rr);
      }
      if (r.nonResourceURLs?.length) status.nonResourceRules.push({ verbs: [...r.verbs], nonResourceURLs: [...r.nonResourceURLs] });
    }
  }
  if (errs.length) {
    status.incomplete = true;
    status.evaluationError = `[${errs.join(', ')}]`;
  }
  return status;
}
