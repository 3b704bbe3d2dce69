// The create-only review kinds: authorization.k8s.io's SubjectAccessReview,
// LocalSubjectAccessReview, SelfSubjectAccessReview and SelfSubjectRulesReview, and
// authentication.k8s.io's SelfSubjectReview (`kubectl auth can-i`, `kubectl auth whoami`).
// Answered from the server's authorizer and the request's user; nothing is stored.
import type { SubjectAccessReview, SelfSubjectRulesReview } from '../../api/authorization/v1/types.js';
import type { KubeObject } from '../../api/meta/types.js';
import type { UserInfo } from '../auth/token.js';
import { accessStatus, reviewAttributes, rulesStatus, specUser } from '../authz/reviews.js';
import type { Authorization } from '../authz/modes.js';
import { userOf } from '../authz/request-user.js';
import { errors } from '../errors.js';
import { sendJson } from '../http/respond.js';
import type { ResourceCall, ResourceHandler } from '../registry/entry.js';
import { decodeWriteBody } from './codec.js';

function answer(call: ResourceCall, body: KubeObject, status: unknown, spec: unknown = body['spec']): void {
  const metadata: Record<string, unknown> = { ...(body.metadata ?? {}), creationTimestamp: null };
  sendJson(call.res, 201, { kind: call.entry.kind, apiVersion: `${call.entry.group}/${call.entry.version}`, metadata, spec, status });
}

function caller(call: ResourceCall): UserInfo {
  const u = userOf(call.req);
  if (!u) throw errors.unauthorized();
  return u;
}

async function decode<T>(call: ResourceCall): Promise<T & KubeObject> {
  return (await decodeWriteBody(call.entry, call.req, call.namespace)) as T & KubeObject;
}

export function accessReviewCreate(kind: string, authz: Authorization): ResourceHandler | undefined {
  switch (kind) {
    case 'SubjectAccessReview':
      return async (call) => {
        const body = await decode<SubjectAccessReview>(call);
        answer(call, body, accessStatus(authz.authorizer, reviewAttributes(body.spec, specUser(body.spec))));
      };
    case 'LocalSubjectAccessReview':
      return async (call) => {
        const body = await decode<SubjectAccessReview>(call);
        const ns = call.namespace ?? '';
        const given = body.spec?.resourceAttributes?.namespace;
        if (given !== undefined && given !== '' && given !== ns) throw errors.badRequest(`spec.resourceAttributes.namespace must match namespace: ${ns}`);
        if (body.spec?.nonResourceAttributes) throw errors.badRequest('spec.nonResourceAttributes: Invalid value: "": disallowed on this kind of request');
        const attrs = reviewAttributes(body.spec, specUser(body.spec));
        attrs.namespace = ns;
        answer(call, body, accessStatus(authz.authorizer, attrs));
      };
    case 'SelfSubjectAccessReview':
      return async (call) => {
        const body = await decode<SubjectAccessReview>(call);
        answer(call, body, accessStatus(authz.authorizer, reviewAttributes(body.spec, caller(call))));
      };
    case 'SelfSubjectRulesReview':
      return async (call) => {
        const body = await decode<SelfSubjectRulesReview>(call);
        const ns = body.spec?.namespace;
        if (!ns) throw errors.badRequest('no namespace on request');
        answer(call, body, rulesStatus(authz.modes, authz.resolver, caller(call), ns));
      };
    case 'SelfSubjectReview':
      return async (call) => {
        const body = await decode<KubeObject>(call);
        const u = caller(call);
        const userInfo: Record<string, unknown> = { username: u.name };
        if (u.uid) userInfo['uid'] = u.uid;
        userInfo['groups'] = [...u.groups];
        if (u.extra) userInfo['extra'] = u.extra;
        answer(call, body, { userInfo }, undefined);
      };
  }
  return undefined;
}
