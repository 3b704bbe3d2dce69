// Schema of certificates.k8s.io/v1 CertificateSigningRequest and its list.
import { arr, define, int32, keyedList, mapOf, obj, ref, str, time } from '../../schema/dsl.js';
import { apiVersionField, kindField, listMeta, objectMeta } from '../../schema/meta.js';

const C = 'io.k8s.api.certificates.v1';
const bytes = (description: string) => str(description, { format: 'byte' });

define(
  `${C}.CertificateSigningRequestSpec`,
  obj(
    {
      expirationSeconds: int32('Requested validity of the issued certificate, in seconds (at least 600); signers may issue a shorter one.'),
      extra: mapOf(arr(str()), "Extra attributes of the requesting user; set by the API server on creation."),
      groups: arr(str(), { listType: 'atomic', description: 'Groups of the requesting user; set by the API server on creation.' }),
      request: bytes('An x509 certificate signing request in a "CERTIFICATE REQUEST" PEM block, base64-encoded in JSON.'),
      signerName: str('The signer asked to issue the certificate, a qualified name such as kubernetes.io/kube-apiserver-client.'),
      uid: str('UID of the requesting user; set by the API server on creation.'),
      usages: arr(str(), { listType: 'atomic', description: 'Key usages requested in the issued certificate, e.g. "digital signature", "client auth".' }),
      username: str('Name of the requesting user; set by the API server on creation.'),
    },
    { required: ['request', 'signerName'], description: 'CertificateSigningRequestSpec contains the certificate request.' },
  ),
);

define(
  `${C}.CertificateSigningRequestCondition`,
  obj(
    {
      lastTransitionTime: time('When the condition last changed status.'),
      lastUpdateTime: time('When the condition was last updated.'),
      message: str('Human-readable details of the request state.'),
      reason: str('A brief reason for the request state.'),
      status: str('True, False or Unknown; Approved, Denied and Failed may only be True.'),
      type: str('Approved, Denied or Failed.'),
    },
    { required: ['type', 'status'], description: 'CertificateSigningRequestCondition describes a condition of a CertificateSigningRequest object.' },
  ),
);

define(
  `${C}.CertificateSigningRequestStatus`,
  obj(
    {
      certificate: bytes('The issued certificate, PEM, base64-encoded in JSON; set through the status subresource, then immutable.'),
      conditions: keyedList(ref(`${C}.CertificateSigningRequestCondition`), 'type', 'Approved, Denied and Failed conditions of the request.'),
    },
    { description: 'CertificateSigningRequestStatus contains the approval conditions and the issued certificate.' },
  ),
);

define(
  `${C}.CertificateSigningRequest`,
  obj(
    {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta(),
      spec: ref(`${C}.CertificateSigningRequestSpec`, 'The certificate request; immutable after creation.'),
      status: ref(`${C}.CertificateSigningRequestStatus`, 'Approval conditions and the issued certificate.'),
    },
    { required: ['spec'], description: 'CertificateSigningRequest objects ask for an x509 certificate, approved and issued asynchronously.' },
  ),
);

define(
  `${C}.CertificateSigningRequestList`,
  obj(
    {
      apiVersion: apiVersionField(),
      items: arr(ref(`${C}.CertificateSigningRequest`), { description: 'Items is the list of CertificateSigningRequest objects.' }),
      kind: kindField(),
      metadata: listMeta(),
    },
    { required: ['items'], description: 'CertificateSigningRequestList is a list of CertificateSigningRequests.' },
  ),
);
