// The kinds certificates.k8s.io/v1 serves, with upstream's CSR strategy: the requester is
// recorded on create (and nothing the client claims about itself is kept), a new request has
// no status, and the main resource never changes spec or status afterwards: approval moves
// through /approval, the certificate through /status.
import './schema.js';
import './protobuf-tags.js';
import type { KindDefinition, RequestingUser } from '../../scheme/kind.js';
import type { CertificateSigningRequest } from './types.js';
import { validateCertificateSigningRequestCreate, validateCertificateSigningRequestStatusUpdate, validateCertificateSigningRequestUpdate } from './validation.js';

function recordRequester(csr: CertificateSigningRequest, user: RequestingUser | undefined): void {
  const spec = (csr.spec ??= {} as CertificateSigningRequest['spec']);
  delete spec.username;
  delete spec.uid;
  delete spec.groups;
  delete spec.extra;
  if (!user) return;
  if (user.name) spec.username = user.name;
  if (user.uid) spec.uid = user.uid;
  if (user.groups.length) spec.groups = [...user.groups];
  if (user.extra && Object.keys(user.extra).length) spec.extra = Object.fromEntries(Object.entries(user.extra).map(([k, v]) => [k, [...v]]));
}

export const certificateSigningRequestKind: KindDefinition<CertificateSigningRequest> = {
  group: 'certificates.k8s.io',
  version: 'v1',
  kind: 'CertificateSigningRequest',
  plural: 'certificatesigningrequests',
  singular: 'certificatesigningrequest',
  shortNames: ['csr'],
  namespaced: false,
  schema: 'io.k8s.api.certificates.v1.CertificateSigningRequest',
  hasStatus: true,
  prepareForCreate(csr, requester) {
    recordRequester(csr, requester);
    // Be explicit that users cannot create pre-approved certificate requests.
    csr.status = {};
  },
  prepareForUpdate(csr, old) {
    csr.spec = structuredClone(old.spec);
    if (old.status === undefined) delete csr.status;
    else csr.status = structuredClone(old.status);
  },
  validateCreate: validateCertificateSigningRequestCreate,
  validateUpdate: validateCertificateSigningRequestUpdate,
  validateStatusUpdate: validateCertificateSigningRequestStatusUpdate,
  fieldSelectors: { 'spec.signerName': (csr) => csr.spec?.signerName },
};

export const certificatesKinds: readonly KindDefinition[] = [certificateSigningRequestKind] as unknown as readonly KindDefinition[];
