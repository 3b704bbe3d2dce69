// The certificates admission plugins of upstream (plugin/pkg/admission/certificates):
// CertificateApproval — an /approval write needs `approve` on the request's signer;
// CertificateSigning — a /status write that changes the certificate or the conditions needs
// `sign` on it; CertificateSubjectRestriction — no kube-apiserver-client request may ask for
// the system:masters group. The signer is the virtual resource certificates.k8s.io/signers,
// named by signerName or by `<domain>/*`, as upstream's IsAuthorizedForSignerName asks.
import { CERTIFICATES_GROUP, requestPem, SIGNERS, type CertificateSigningRequest } from '../../api/certificates/v1/types.js';
import type { KubeObject } from '../../api/meta/types.js';
import { parseCertificateRequest } from '../../util/csr.js';
import type { UserInfo } from '../auth/token.js';
import type { Authorizer } from '../authz/authorizer.js';
import { forbiddenError } from '../authz/forbidden.js';
import type { AdmissionCheck, Requester } from '../rest/resource-store.js';

const CSR_RESOURCE = 'certificatesigningrequests';

function mayUseSigner(authorizer: Authorizer, user: Requester, verb: string, signerName: string): boolean {
  const ask = (name: string) =>
    authorizer.authorize({ user: user as UserInfo, verb, resourceRequest: true, path: '', namespace: '', apiGroup: CERTIFICATES_GROUP, apiVersion: '*', resource: 'signers', subresource: '', name }).decision === 'allow';
  if (ask(signerName)) return true;
  // A grant on every signer of a domain: "example.com/*".
  const slash = signerName.indexOf('/');
  return slash > 0 && ask(`${signerName.slice(0, slash)}/*`);
}

/**
 * A check on a CSR subresource write, run by the subresource itself (the resource store does
 * not admit subresource writes). The old object's signer counts, so that a write can not dodge
 * the check by changing spec.signerName.
 */
export type SubresourceCheck = (next: CertificateSigningRequest, old: CertificateSigningRequest, requester: Requester | undefined) => void;

export function certificateApproval(authorizer: Authorizer): SubresourceCheck {
  return (_next, old, requester) => {
    if (!requester) return;
    const signer = old.spec?.signerName ?? '';
    if (!mayUseSigner(authorizer, requester, 'approve', signer)) {
      throw forbiddenError(CERTIFICATES_GROUP, CSR_RESOURCE, old.metadata.name ?? '', `user not permitted to approve requests with signerName ${JSON.stringify(signer)}`);
    }
  };
}

export function certificateSigning(authorizer: Authorizer): SubresourceCheck {
  return (next, old, requester) => {
    if (!requester) return;
    const same = (next.status?.certificate ?? '') === (old.status?.certificate ?? '') && JSON.stringify(next.status?.conditions ?? []) === JSON.stringify(old.status?.conditions ?? []);
    if (same) return;
    const signer = old.spec?.signerName ?? '';
    if (!mayUseSigner(authorizer, requester, 'sign', signer)) {
      throw forbiddenError(CERTIFICATES_GROUP, CSR_RESOURCE, old.metadata.name ?? '', `user not permitted to sign requests with signerName ${JSON.stringify(signer)}`);
    }
  };
}

export function certificateSubjectRestriction(): AdmissionCheck {
  return (entry, obj: KubeObject, op) => {
    if (op !== 'create' || entry.group !== CERTIFICATES_GROUP || entry.resource !== CSR_RESOURCE) return;
    const csr = obj as CertificateSigningRequest;
    if (csr.spec?.signerName !== SIGNERS.kubeAPIServerClient) return;
    let organizations: string[];
    try {
      organizations = parseCertificateRequest(requestPem(csr)).organizations;
    } catch (err) {
      throw forbiddenError(CERTIFICATES_GROUP, CSR_RESOURCE, csr.metadata.name ?? '', `failed to parse CSR: ${(err as Error).message}`);
    }
    if (organizations.includes('system:masters')) {
      throw forbiddenError(CERTIFICATES_GROUP, CSR_RESOURCE, csr.metadata.name ?? '', `use of ${SIGNERS.kubeAPIServerClient} signer with system:masters group is not allowed`);
    }
  };
}
