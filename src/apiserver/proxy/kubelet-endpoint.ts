// Where a node's kubelet listens and how the API server dials it: the node's preferred address
// (InternalIP first) and status.daemonEndpoints.kubeletEndpoint.Port, over TLS with the API
// server's kubelet-client certificate. The kubelet's own certificate is self-signed and not
// verified, as kube-apiserver without --kubelet-certificate-authority does not.
import type { Node } from '../../api/core/v1/types.js';
import { errors } from '../errors.js';

export interface KubeletClientCert {
  key: string;
  cert: string;
}

export interface KubeletEndpoint {
  host: string;
  port: number;
}

export const DEFAULT_KUBELET_PORT = 10250;
const PREFERRED_ADDRESS_TYPES = ['InternalIP', 'InternalDNS', 'ExternalIP', 'ExternalDNS', 'Hostname'];

export function kubeletEndpoint(node: Node): KubeletEndpoint {
  const addresses = node.status?.addresses ?? [];
  let host: string | undefined;
  for (const type of PREFERRED_ADDRESS_TYPES) {
    host = addresses.find((a) => a.type === type && a.address)?.address;
    if (host) break;
  }
  if (!host) {
    const known = addresses.map((a) => `{${a.type} ${a.address}}`).join(' ');
    throw errors.internal(new Error(`no preferred addresses found; known addresses: [${known}]`));
  }
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  return { host, port: port && port > 0 ? port : DEFAULT_KUBELET_PORT };
}

export function hostPort(e: KubeletEndpoint): string {
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

/** TLS options for a connection to a kubelet. */
export function kubeletTls(client: KubeletClientCert | undefined): { cert?: string; key?: string; rejectUnauthorized: false } {
  return client ? { cert: client.cert, key: client.key, rejectUnauthorized: false } : { rejectUnauthorized: false };
}
