// Protocol-buffer field numbers of the scheduling/v1 messages, from upstream's
// k8s.io/api/scheduling/v1/generated.proto (checked against the descriptors compiled into kubectl 1.32).
// Only request decoding uses them: see src/api/schema/protobuf-tags.ts for what each table means.
import { defineProtoTags } from '../../schema/protobuf-tags.js';

const P = 'io.k8s.api.scheduling.v1';

defineProtoTags(`${P}.PriorityClass`, {
  metadata: 1, value: 2, globalDefault: 3, description: 4, preemptionPolicy: 5,
}, {
  omitEmpty: ['globalDefault', 'description'],
});
defineProtoTags(`${P}.PriorityClassList`, { metadata: 1, items: 2 });
