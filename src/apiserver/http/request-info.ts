// What a request URL means, as upstream's RequestInfoFactory reads it.
import { isWatch } from './query.js';
export interface ResourceRequest {
  kind: 'resource';
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
  /**
   * What follows the subresource, as sent (still percent-encoded), from its leading '/': the
   * path a connect subresource (`proxy/{path}`) passes on. Undefined when the URL ends at the
   * subresource; '/' when it ends in a slash there.
   */
  subpath?: string;
  /** get, list, watch, create, update, patch, delete, deletecollection; '' for a method upstream gives no verb */
  verb: string;
}

export interface OtherRequest {
  kind: 'other';
  path: string;
}

export type RequestInfo = ResourceRequest | OtherRequest;

function verbFor(method: string, hasName: boolean, watch: boolean): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return hasName ? 'get' : watch ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return '';
  }
}

/**
 * `isNamespaceSubresource` tells `namespaces/{name}/status` (a subresource of the namespace)
 * from `namespaces/{ns}/pods` (a resource in it); the registry answers it.
 */
export function parseRequestInfo(method: string, pathname: string, query: URLSearchParams, isNamespaceSubresource: (part: string) => boolean): RequestInfo {
  const parts = pathname.split('/').filter((p) => p !== '');
  let rest: string[];
  let group: string;
  let version: string;
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return { kind: 'other', path: pathname };
  }
  const decoded = rest.map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  let namespace: string | undefined;
  // The URL grammar's namespaces/{ns}/{resource}/… names a namespaced resource, unless the
  // part after the name is one of the namespace's own subresources.
  if (decoded[0] === 'namespaces' && decoded.length >= 3 && !isNamespaceSubresource(decoded[2]!)) {
    namespace = decoded[1];
    decoded.splice(0, 2);
    rest = rest.slice(2);
  }
  const [resource, name, subresource] = decoded;
  if (!resource) return { kind: 'other', path: pathname };
  const watch = isWatch(query);
  const verb = verbFor(method, name !== undefined, watch);
  const info: ResourceRequest = { kind: 'resource', group, version, namespace, resource, name, subresource, verb };
  // Parts after the subresource are its path (upstream keeps them in RequestInfo.Parts); whether
  // anything serves a path there is the subresource's to say.
  if (subresource !== undefined && (rest.length > 3 || pathname.endsWith('/'))) {
    info.subpath = `/${rest.slice(3).join('/')}${rest.length > 3 && pathname.endsWith('/') ? '/' : ''}`;
  }
  return info;
}
