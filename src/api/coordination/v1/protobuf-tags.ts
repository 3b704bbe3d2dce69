// Protocol-buffer field numbers of the coordination/v1 messages, from upstream's
// k8s.io/api/coordination/v1/generated.proto (checked against the descriptors compiled into kubectl 1.32).
// Only request decoding uses them: see src/api/schema/protobuf-tags.ts for what each table means.
import { defineProtoTags } from '../../schema/protobuf-tags.js';

const P = 'io.k8s.api.coordination.v1';

defineProtoTags(`${P}.LeaseSpec`, {
  holderIdentity: 1, leaseDurationSeconds: 2, acquireTime: 3, renewTime: 4, leaseTransitions: 5, strategy: 6, preferredHolder: 7,
});
defineProtoTags(`${P}.Lease`, { metadata: 1, spec: 2 });
defineProtoTags(`${P}.LeaseList`, { metadata: 1, items: 2 });
