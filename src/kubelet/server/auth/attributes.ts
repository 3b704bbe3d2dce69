// What a request to the kubelet API means to the API server's authorizer, after upstream's
// pkg/kubelet/server/auth.go (with KubeletFineGrainedAuthz, on by default since 1.33): resource
// nodes, the node's own name, a verb from the HTTP method and a subresource from the path. The
// fine-grained subresources (pods, healthz, configz, statusz) fall back to proxy, so a client
// that only holds nodes/proxy, as clusters granted before 1.33, keeps its access.
import type { KubeletUser, NodeAttributes } from './types.js';

const VERBS: Record<string, string> = {
  GET: 'get',
  // Upstream leaves HEAD without a verb (so only a "*" rule allows it); a HEAD is a GET
  // without the body here, so it is asked about as one.
  HEAD: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** The first path segment (as the router decodes it) to the subresources tried in order. */
const SUBRESOURCES: Record<string, readonly string[]> = {
  stats: ['stats'],
  metrics: ['metrics'],
  logs: ['log'],
  checkpoint: ['checkpoint'],
  pods: ['pods', 'proxy'],
  runningpods: ['pods', 'proxy'],
  healthz: ['healthz', 'proxy'],
  configz: ['configz', 'proxy'],
  statusz: ['statusz', 'proxy'],
};

export function apiVerb(method: string | undefined): string {
  return VERBS[(method ?? '').toUpperCase()] ?? '';
}

/** The decoded first segment of a path, the value the kubelet's router dispatches on. */
export function firstSegment(path: string): string | undefined {
  const raw = path.split('/').find((p) => p !== '');
  if (raw === undefined) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function subresourcesFor(path: string): readonly string[] {
  const head = firstSegment(path);
  return (head !== undefined && Object.hasOwn(SUBRESOURCES, head) ? SUBRESOURCES[head] : undefined) ?? ['proxy'];
}

/** One attribute set per subresource to try; the request is allowed when any of them is. */
export function requestAttributes(user: KubeletUser, method: string | undefined, path: string, nodeName: string): NodeAttributes[] {
  const verb = apiVerb(method);
  return subresourcesFor(path).map((subresource) => ({ user, verb, resource: 'nodes', subresource, name: nodeName }));
}
