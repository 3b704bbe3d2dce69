// Protocol-buffer field numbers of the policy/v1 messages, from upstream's
// k8s.io/api/policy/v1/generated.proto (checked against the descriptors compiled into kubectl 1.32).
// Only request decoding uses them: see src/api/schema/protobuf-tags.ts for what each table means.
import { defineProtoTags } from '../../schema/protobuf-tags.js';

const P = 'io.k8s.api.policy.v1';

defineProtoTags(`${P}.PodDisruptionBudgetSpec`, { minAvailable: 1, selector: 2, maxUnavailable: 3, unhealthyPodEvictionPolicy: 4 });
defineProtoTags(`${P}.PodDisruptionBudgetStatus`, {
  observedGeneration: 1, disruptedPods: 2, disruptionsAllowed: 3, currentHealthy: 4, desiredHealthy: 5, expectedPods: 6, conditions: 7,
}, {
  omitEmpty: ['observedGeneration'],
});
defineProtoTags(`${P}.PodDisruptionBudget`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${P}.PodDisruptionBudgetList`, { metadata: 1, items: 2 });
defineProtoTags(`${P}.Eviction`, { metadata: 1, deleteOptions: 2 });
