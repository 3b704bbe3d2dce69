// What makes a request a kubelet's, as upstream's ValidateKubeletClientCSR and
// ValidateKubeletServingCSR (pkg/apis/certificates/v1 helpers): the csrapproving controller
// recognizes requests with them and the csrsigning controller refuses the others for the
// kubelet signers. Each returns the reason a request does not qualify, or undefined.
import type { CertificateRequest } from '../../../util/csr.js';

const NODE_PREFIX = 'system:node:';

const sameSet = (a: readonly string[], b: readonly string[]) => new Set(a).size === new Set(b).size && b.every((x) => a.includes(x));
const CLIENT_USAGES = ['digital signature', 'key encipherment', 'client auth'];
const CLIENT_USAGES_NO_RSA = ['digital signature', 'client auth'];
const SERVING_USAGES = ['digital signature', 'key encipherment', 'server auth'];
const SERVING_USAGES_NO_RSA = ['digital signature', 'server auth'];

const orgIsNodes = (req: CertificateRequest) => req.organizations.length === 1 && req.organizations[0] === 'system:nodes';

export function kubeletClientProblem(req: CertificateRequest, usages: readonly string[]): string | undefined {
  if (!orgIsNodes(req)) return 'subject organization is not system:nodes';
  if (req.dnsNames.length) return 'DNS subjectAltNames are not allowed';
  if (req.emailAddresses.length) return 'Email subjectAltNames are not allowed';
  if (req.ipAddresses.length) return 'IP subjectAltNames are not allowed';
  if (req.uris.length) return 'URI subjectAltNames are not allowed';
  if (!req.commonName.startsWith(NODE_PREFIX)) return 'subject common name does not begin with system:node:';
  if (!sameSet(usages, CLIENT_USAGES) && !sameSet(usages, CLIENT_USAGES_NO_RSA)) return `usages did not match [${[...CLIENT_USAGES].sort().join(' ')}]`;
  return undefined;
}

export function kubeletServingProblem(req: CertificateRequest, usages: readonly string[]): string | undefined {
  if (!sameSet(usages, SERVING_USAGES) && !sameSet(usages, SERVING_USAGES_NO_RSA)) return `usages did not match [${[...SERVING_USAGES].sort().join(' ')}]`;
  if (!orgIsNodes(req)) return 'subject organization is not system:nodes';
  if (!req.dnsNames.length && !req.ipAddresses.length) return 'DNS or IP subjectAltName is required';
  if (req.emailAddresses.length) return 'Email subjectAltNames are not allowed';
  if (req.uris.length) return 'URI subjectAltNames are not allowed';
  if (!req.commonName.startsWith(NODE_PREFIX)) return 'subject common name does not begin with system:node:';
  return undefined;
}

/** kube-apiserver-client: client auth required, digital signature and key encipherment allowed, nothing else. */
export function apiServerClientProblem(usages: readonly string[]): string | undefined {
  for (const u of usages) if (u !== 'digital signature' && u !== 'key encipherment' && u !== 'client auth') return `invalid usage for client certificate: ${u}`;
  return usages.includes('client auth') ? undefined : 'missing required usage for client certificate: client auth';
}

/** The node a kubelet's name names: "system:node:<name>" → "<name>". */
export function nodeNameOfUser(user: string | undefined): string | undefined {
  return user?.startsWith(NODE_PREFIX) ? user.slice(NODE_PREFIX.length) : undefined;
}
