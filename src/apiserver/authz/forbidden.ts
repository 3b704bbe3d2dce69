// The 403 a denied request gets, worded as k8s.io/apiserver's responsewriters.Forbidden and
// apimachinery's NewForbidden.
import { ApiError } from '../errors.js';
import type { Attributes } from './attributes.js';

export function forbiddenMessage(a: Attributes): string {
  const user = a.user.name;
  if (!a.resourceRequest) return `User ${JSON.stringify(user)} cannot ${a.verb} path ${JSON.stringify(a.path)}`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace ${JSON.stringify(a.namespace)}` : 'at the cluster scope';
  return `User ${JSON.stringify(user)} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(a.apiGroup)} ${scope}`;
}

/** NewForbidden(groupResource, name, err): the qualified resource, the name when there is one. */
export function forbiddenError(group: string, resource: string, name: string, why: string): ApiError {
  const qualified = resource ? (group ? `${resource}.${group}` : resource) : '';
  const message = !qualified ? `forbidden: ${why}` : name ? `${qualified} ${JSON.stringify(name)} is forbidden: ${why}` : `${qualified} is forbidden: ${why}`;
  const details: Record<string, string> = {};
  if (name) details['name'] = name;
  if (group) details['group'] = group;
  if (resource) details['kind'] = resource;
  return new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message, reason: 'Forbidden', details, code: 403 });
}

export function forbidden(a: Attributes, reason: string): ApiError {
  const msg = forbiddenMessage(a);
  return forbiddenError(a.apiGroup, a.resource, a.name, reason ? `${msg}: ${reason}` : msg);
}
