// Building proxy state from Service and EndpointSlice objects in tests and the benchmark, through
// the same change tracker the informers feed.
import type { Service, ServiceSpec } from '../../api/core/v1/types.js';
import type { Endpoint, EndpointSlice } from '../../api/discovery/v1/types.js';
import { ChangeTracker } from '../change-tracker.js';
import type { ProxyState } from '../model.js';

export const NODE = 'node-a';
export const NODE_IP = '192.0.2.10';

export function service(name: string, clusterIP: string, spec: Partial<ServiceSpec> = {}, namespace = 'ns1'): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { clusterIP, ports: [{ name: 'p80', port: 80, protocol: 'TCP' }], ...spec } };
}

export function endpoint(ip: string, opts: { node?: string; ready?: boolean; serving?: boolean; terminating?: boolean } = {}): Endpoint {
  const conditions: Endpoint['conditions'] = {};
  if (opts.ready !== undefined) conditions.ready = opts.ready;
  if (opts.serving !== undefined) conditions.serving = opts.serving;
  if (opts.terminating !== undefined) conditions.terminating = opts.terminating;
  return { addresses: [ip], conditions, nodeName: opts.node ?? 'node-b' };
}

export function slice(service: string, endpoints: Endpoint[], opts: { name?: string; namespace?: string; port?: number; portName?: string; protocol?: string } = {}): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: opts.name ?? `${service}-abc`, namespace: opts.namespace ?? 'ns1', labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports: [{ name: opts.portName ?? 'p80', port: opts.port ?? 80, protocol: opts.protocol ?? 'TCP' }],
    endpoints,
  };
}

/** A tracker holding these objects, with the node at NODE_IP. */
export function trackerWith(services: Service[], slices: EndpointSlice[]): ChangeTracker {
  const t = new ChangeTracker(NODE);
  t.setNode({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE }, status: { addresses: [{ type: 'InternalIP', address: NODE_IP }, { type: 'Hostname', address: NODE }] } });
  for (const s of services) t.setService(s);
  for (const s of slices) t.setSlice(s);
  return t;
}

export function stateOf(services: Service[], slices: EndpointSlice[]): ProxyState {
  return trackerWith(services, slices).current();
}
