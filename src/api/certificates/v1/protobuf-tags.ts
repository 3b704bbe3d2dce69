// Protocol-buffer field numbers of the certificates/v1 messages, from upstream's
// k8s.io/api/certificates/v1/generated.proto (kubectl certificate approve|deny sends its
// updates as protobuf). Request decoding only: see src/api/schema/protobuf-tags.ts. The spec's
// extra map is left out, as authorization's is: the server fills it from the requester anyway.
import { defineProtoTags } from '../../schema/protobuf-tags.js';

const P = 'io.k8s.api.certificates.v1';

defineProtoTags(`${P}.CertificateSigningRequest`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${P}.CertificateSigningRequestList`, { metadata: 1, items: 2 });
defineProtoTags(
  `${P}.CertificateSigningRequestSpec`,
  { request: 1, username: 2, uid: 3, groups: 4, usages: 5, signerName: 7, expirationSeconds: 8 },
  { omitEmpty: ['username', 'uid'] },
);
defineProtoTags(`${P}.CertificateSigningRequestStatus`, { conditions: 1, certificate: 2 });
defineProtoTags(
  `${P}.CertificateSigningRequestCondition`,
  { type: 1, reason: 2, message: 3, lastUpdateTime: 4, lastTransitionTime: 5, status: 6 },
  { omitEmpty: ['reason', 'message'] },
);
