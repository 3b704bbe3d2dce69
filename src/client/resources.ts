// Naming API resources and building their URLs.
import type { KubeObject } from '../api/meta/types.js';

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export const gvr = (group: string, version: string, resource: string): GroupVersionResource => ({ group, version, resource });

/** Resources the built-in components use, by their usual names. */
export const R = {
  pods: gvr('', 'v1', 'pods'),
  nodes: gvr('', 'v1', 'nodes'),
  services: gvr('', 'v1', 'services'),
  endpoints: gvr('', 'v1', 'endpoints'),
  namespaces: gvr('', 'v1', 'namespaces'),
  events: gvr('', 'v1', 'events'),
  serviceaccounts: gvr('', 'v1', 'serviceaccounts'),
  configmaps: gvr('', 'v1', 'configmaps'),
  secrets: gvr('', 'v1', 'secrets'),
  replicationcontrollers: gvr('', 'v1', 'replicationcontrollers'),
  persistentvolumeclaims: gvr('', 'v1', 'persistentvolumeclaims'),
  persistentvolumes: gvr('', 'v1', 'persistentvolumes'),
  deployments: gvr('apps', 'v1', 'deployments'),
  replicasets: gvr('apps', 'v1', 'replicasets'),
  daemonsets: gvr('apps', 'v1', 'daemonsets'),
  statefulsets: gvr('apps', 'v1', 'statefulsets'),
  controllerrevisions: gvr('apps', 'v1', 'controllerrevisions'),
  jobs: gvr('batch', 'v1', 'jobs'),
  cronjobs: gvr('batch', 'v1', 'cronjobs'),
  leases: gvr('coordination.k8s.io', 'v1', 'leases'),
  endpointslices: gvr('discovery.k8s.io', 'v1', 'endpointslices'),
  networkpolicies: gvr('networking.k8s.io', 'v1', 'networkpolicies'),
  poddisruptionbudgets: gvr('policy', 'v1', 'poddisruptionbudgets'),
  priorityclasses: gvr('scheduling.k8s.io', 'v1', 'priorityclasses'),
  storageclasses: gvr('storage.k8s.io', 'v1', 'storageclasses'),
  horizontalpodautoscalers: gvr('autoscaling', 'v2', 'horizontalpodautoscalers'),
} as const;

/** `/api/v1/namespaces/ns/pods/name/sub` and friends. A namespace of undefined means all namespaces. */
export function resourcePath(r: GroupVersionResource, namespace?: string, name?: string, subresource?: string): string {
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${r.resource}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

/** The cache key of an object: "namespace/name", or "name" for cluster-scoped objects. */
export function keyOf(obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  return ns ? `${ns}/${obj.metadata.name}` : (obj.metadata.name ?? '');
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
