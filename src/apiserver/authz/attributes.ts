// What an authorizer is asked, as upstream's authorizer.Attributes: who, which verb, and either
// a resource (group, namespace, resource, subresource, name) or a non-resource path.
import type { UserInfo } from '../auth/token.js';
import { parseRequestInfo, type RequestInfo } from '../http/request-info.js';

export interface Attributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  /** The URL path (non-resource requests match nonResourceURLs against it). */
  path: string;
  namespace: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  name: string;
}

/** Non-resource requests are authorized with the lowercase HTTP method as verb, as upstream. */
export function attributesFor(user: UserInfo, method: string, path: string, info: RequestInfo): Attributes {
  if (info.kind === 'resource') {
    return {
      user,
      verb: info.verb,
      resourceRequest: true,
      path,
      namespace: info.namespace ?? '',
      apiGroup: info.group,
      apiVersion: info.version,
      resource: info.resource,
      subresource: info.subresource ?? '',
      name: info.name ?? '',
    };
  }
  return nonResourceAttributes(user, method.toLowerCase() === 'head' ? 'get' : method.toLowerCase(), path);
}

export function nonResourceAttributes(user: UserInfo, verb: string, path: string): Attributes {
  return { user, verb, resourceRequest: false, path, namespace: '', apiGroup: '', apiVersion: '', resource: '', subresource: '', name: '' };
}

/**
 * Request info for authorization: as routing read it (`parsed`), except that a path past the
 * subresource (pods/{name}/proxy/{path}, services/{name}/proxy/…) is still a request on that
 * subresource, as upstream's RequestInfoFactory reads it.
 */
export function authorizationInfo(parsed: RequestInfo, method: string, path: string, query: URLSearchParams, isNamespaceSubresource: (part: string) => boolean): RequestInfo {
  if (parsed.kind === 'resource') return parsed;
  const parts = path.split('/').filter((p) => p !== '');
  let keep = parts[0] === 'api' ? 2 : parts[0] === 'apis' ? 3 : 0;
  if (!keep || parts.length <= keep + 3) return parsed;
  if (parts[keep] === 'namespaces' && parts.length > keep + 2 && !isNamespaceSubresource(parts[keep + 2]!)) keep += 2;
  return parseRequestInfo(method, `/${parts.slice(0, keep + 3).join('/')}`, query, isNamespaceSubresource);
}
