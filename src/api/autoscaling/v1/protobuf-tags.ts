// Protocol-buffer field numbers of the autoscaling/v1 messages, from upstream's
// k8s.io/api/autoscaling/v1/generated.proto (checked against the descriptors compiled into kubectl 1.32).
// Only request decoding uses them: see src/api/schema/protobuf-tags.ts for what each table means.
import { defineProtoTags } from '../../schema/protobuf-tags.js';

const P = 'io.k8s.api.autoscaling.v1';

defineProtoTags(`${P}.CrossVersionObjectReference`, { kind: 1, name: 2, apiVersion: 3 }, { omitEmpty: ['apiVersion'] });
defineProtoTags(`${P}.HorizontalPodAutoscalerSpec`, { scaleTargetRef: 1, minReplicas: 2, maxReplicas: 3, targetCPUUtilizationPercentage: 4 });
defineProtoTags(`${P}.HorizontalPodAutoscalerStatus`, {
  observedGeneration: 1, lastScaleTime: 2, currentReplicas: 3, desiredReplicas: 4, currentCPUUtilizationPercentage: 5,
});
defineProtoTags(`${P}.HorizontalPodAutoscaler`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${P}.HorizontalPodAutoscalerList`, { metadata: 1, items: 2 });
defineProtoTags(`${P}.ScaleSpec`, { replicas: 1 }, { omitEmpty: ['replicas'] });
defineProtoTags(`${P}.ScaleStatus`, { replicas: 1, selector: 2 }, { omitEmpty: ['selector'] });
defineProtoTags(`${P}.Scale`, { metadata: 1, spec: 2, status: 3 });
