// Which auto-approval a request qualifies for. Upstream's csrapproving recognizes a kubelet's
// client certificate request, asked by anyone (a new node: `nodeclient`) or by the node it names
// (renewal: `selfnodeclient`), and lets a SubjectAccessReview decide. Beyond upstream, as
// kubelet-csr-approver does for clusters that want verified kubelet serving certificates: a
// kubelet-serving request from system:node:<name> for that node, whose names are only the
// node's own (its Node object's hostname and addresses).
import { kubeletClientProblem, kubeletServingProblem, nodeNameOfUser } from '../../api/certificates/v1/kubelet-csr.js';
import { SIGNERS, type CertificateSigningRequest } from '../../api/certificates/v1/types.js';
import type { Node } from '../../api/core/v1/types.js';
import type { CertificateRequest } from '../../util/csr.js';

export interface SarRecognition {
  kind: 'sar';
  /** certificatesigningrequests/<subresource> the requester must be allowed to create. */
  subresource: 'selfnodeclient' | 'nodeclient';
  message: string;
}

/** The client-certificate recognizers, in upstream's order (self first). */
export function clientRecognitions(csr: CertificateSigningRequest, req: CertificateRequest): SarRecognition[] {
  if (csr.spec.signerName !== SIGNERS.kubeAPIServerClientKubelet) return [];
  if (kubeletClientProblem(req, csr.spec.usages ?? [])) return [];
  const out: SarRecognition[] = [];
  if (csr.spec.username === req.commonName) out.push({ kind: 'sar', subresource: 'selfnodeclient', message: 'Auto approving self kubelet client certificate after SubjectAccessReview.' });
  out.push({ kind: 'sar', subresource: 'nodeclient', message: 'Auto approving kubelet client certificate after SubjectAccessReview.' });
  return out;
}

/** The node a kubelet-serving request is for, when it is one this controller approves on its own. */
export function servingRequestNode(csr: CertificateSigningRequest, req: CertificateRequest): string | undefined {
  if (csr.spec.signerName !== SIGNERS.kubeletServing) return undefined;
  if (kubeletServingProblem(req, csr.spec.usages ?? [])) return undefined;
  const node = nodeNameOfUser(csr.spec.username);
  if (!node || req.commonName !== csr.spec.username || !(csr.spec.groups ?? []).includes('system:nodes')) return undefined;
  return node;
}

/** Whether every name in the request is one of the node's own: its name, hostname and DNS names for DNS, its addresses for IPs. */
export function namesBelongToNode(req: CertificateRequest, node: Node): string | undefined {
  const addresses = node.status?.addresses ?? [];
  const dns = new Set([node.metadata.name ?? '', ...addresses.filter((a) => a.type === 'Hostname' || a.type === 'InternalDNS' || a.type === 'ExternalDNS').map((a) => a.address)]);
  const ips = new Set(addresses.filter((a) => a.type === 'InternalIP' || a.type === 'ExternalIP').map((a) => a.address));
  const strangerDns = req.dnsNames.find((d) => !dns.has(d));
  if (strangerDns !== undefined) return `DNS name ${JSON.stringify(strangerDns)} is not one of node ${node.metadata.name}'s`;
  const strangerIp = req.ipAddresses.find((ip) => !ips.has(ip));
  if (strangerIp !== undefined) return `IP address ${strangerIp} is not one of node ${node.metadata.name}'s`;
  return undefined;
}
