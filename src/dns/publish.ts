// What the cluster sees of its DNS: the kube-system/kube-dns Service (a fixed cluster IP, no
// selector, node-local traffic policy so each node's proxy keeps pods' queries on their node)
// and, per DNS instance, one EndpointSlice naming the address it listens on. Both are written
// by server-side apply under one field manager, so re-applying is the way to repair them.
import type { Service } from '../api/core/v1/types.js';
import type { EndpointSlice } from '../api/discovery/v1/types.js';
import { R, resourcePath } from '../client/resources.js';
import { ApiStatusError, type RestClient } from '../client/rest.js';
import { SERVICE_NAME_LABEL } from './cluster-state.js';

export const FIELD_MANAGER = 'k8ts-dns';
export const DNS_NAMESPACE = 'kube-system';
export const DNS_SERVICE = 'kube-dns';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'dns.k8ts.io';

const APPLY = 'application/apply-patch+yaml';
const applyQuery = `?fieldManager=${FIELD_MANAGER}&force=true`;

/** The Service as the DNS applies it; kubeadm's labels, so `kubectl cluster-info` lists it. */
export function kubeDnsService(clusterIPs: string[]): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: DNS_SERVICE,
      namespace: DNS_NAMESPACE,
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'KubeDNS' },
    },
    spec: {
      clusterIP: clusterIPs[0],
      clusterIPs,
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
      ],
      internalTrafficPolicy: 'Local',
    },
  };
}

export const sliceName = (nodeName: string): string => `${DNS_SERVICE}-${nodeName}`.slice(0, 253);

/** This instance's slice: one ready endpoint on its node, the listen port under the Service's port names. */
export function dnsEndpointSlice(nodeName: string, address: string, port: number, service: Service): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: sliceName(nodeName),
      namespace: DNS_NAMESPACE,
      labels: { [SERVICE_NAME_LABEL]: DNS_SERVICE, [MANAGED_BY_LABEL]: MANAGED_BY },
      // Owned by the Service, so the slice goes when the Service is deleted.
      ownerReferences: service.metadata.uid ? [{ apiVersion: 'v1', kind: 'Service', name: DNS_SERVICE, uid: service.metadata.uid }] : undefined,
    },
    addressType: address.includes(':') ? 'IPv6' : 'IPv4',
    endpoints: [{ addresses: [address], conditions: { ready: true, serving: true, terminating: false }, nodeName }],
    ports: [
      { name: 'dns', port, protocol: 'UDP' },
      { name: 'dns-tcp', port, protocol: 'TCP' },
    ],
  };
}

export function applyKubeDnsService(client: RestClient, clusterIPs: string[]): Promise<Service> {
  return client.patch<Service>(resourcePath(R.services, DNS_NAMESPACE, DNS_SERVICE) + applyQuery, kubeDnsService(clusterIPs), APPLY);
}

export function applyDnsEndpointSlice(client: RestClient, slice: EndpointSlice): Promise<EndpointSlice> {
  return client.patch<EndpointSlice>(resourcePath(R.endpointslices, DNS_NAMESPACE, slice.metadata.name) + applyQuery, slice, APPLY);
}

/** Removes this instance's slice; absent already is fine. */
export async function deleteDnsEndpointSlice(client: RestClient, nodeName: string): Promise<void> {
  try {
    await client.delete(resourcePath(R.endpointslices, DNS_NAMESPACE, sliceName(nodeName)));
  } catch (err) {
    if (!(err instanceof ApiStatusError && err.code === 404)) throw err;
  }
}
