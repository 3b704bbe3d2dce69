// certificates.k8s.io/v1 CertificateSigningRequest: a PKCS#10 request, who asked for it, and
// the approval and the certificate the signer issues for it.
import type { KubeObject } from '../../meta/types.js';

export const CERTIFICATES_GROUP = 'certificates.k8s.io';

/** The signers Kubernetes defines (upstream's well-known signerNames). */
export const SIGNERS = {
  kubeAPIServerClient: 'kubernetes.io/kube-apiserver-client',
  kubeAPIServerClientKubelet: 'kubernetes.io/kube-apiserver-client-kubelet',
  kubeletServing: 'kubernetes.io/kubelet-serving',
  legacyUnknown: 'kubernetes.io/legacy-unknown',
} as const;

export type ConditionType = 'Approved' | 'Denied' | 'Failed';

export interface CertificateSigningRequestCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export interface CertificateSigningRequestSpec {
  /** base64 of a PEM CERTIFICATE REQUEST. */
  request: string;
  signerName: string;
  expirationSeconds?: number;
  usages?: string[];
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface CertificateSigningRequestStatus {
  conditions?: CertificateSigningRequestCondition[];
  /** base64 of the issued PEM certificate (chain). */
  certificate?: string;
}

export interface CertificateSigningRequest extends KubeObject {
  spec: CertificateSigningRequestSpec;
  status?: CertificateSigningRequestStatus;
}

/** The valid spec.usages values (upstream's KeyUsage constants). */
export const KEY_USAGES = [
  'signing',
  'digital signature',
  'content commitment',
  'key encipherment',
  'key agreement',
  'data encipherment',
  'cert sign',
  'crl sign',
  'encipher only',
  'decipher only',
  'any',
  'server auth',
  'client auth',
  'code signing',
  'email protection',
  's/mime',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'timestamping',
  'ocsp signing',
  'microsoft sgc',
  'netscape sgc',
] as const;

export function hasCondition(csr: CertificateSigningRequest, type: ConditionType): boolean {
  return (csr.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** Approved and not Denied, as upstream's IsCertificateRequestApproved. */
export function isApproved(csr: CertificateSigningRequest): boolean {
  return hasCondition(csr, 'Approved') && !hasCondition(csr, 'Denied');
}

/** The request's PEM text (spec.request decoded). */
export function requestPem(csr: CertificateSigningRequest): string {
  return Buffer.from(csr.spec?.request ?? '', 'base64').toString('latin1');
}

/** The issued certificate's PEM text, or '' before issuance. */
export function certificatePem(csr: CertificateSigningRequest): string {
  return csr.status?.certificate ? Buffer.from(csr.status.certificate, 'base64').toString('latin1') : '';
}
