// Protocol-buffer field numbers of the autoscaling/v2 messages, from upstream's
// k8s.io/api/autoscaling/v2/generated.proto (checked against the descriptors compiled into kubectl 1.32).
// Only request decoding uses them: see src/api/schema/protobuf-tags.ts for what each table means.
import { defineProtoTags } from '../../schema/protobuf-tags.js';

const P = 'io.k8s.api.autoscaling.v2';

defineProtoTags(`${P}.CrossVersionObjectReference`, { kind: 1, name: 2, apiVersion: 3 }, { omitEmpty: ['apiVersion'] });
defineProtoTags(`${P}.MetricIdentifier`, { name: 1, selector: 2 });
defineProtoTags(`${P}.MetricTarget`, { type: 1, value: 2, averageValue: 3, averageUtilization: 4 });
defineProtoTags(`${P}.MetricValueStatus`, { value: 1, averageValue: 2, averageUtilization: 3 });
defineProtoTags(`${P}.ObjectMetricSource`, { describedObject: 1, target: 2, metric: 3 });
defineProtoTags(`${P}.PodsMetricSource`, { metric: 1, target: 2 });
defineProtoTags(`${P}.ResourceMetricSource`, { name: 1, target: 2 });
defineProtoTags(`${P}.ContainerResourceMetricSource`, { name: 1, target: 2, container: 3 });
defineProtoTags(`${P}.ExternalMetricSource`, { metric: 1, target: 2 });
defineProtoTags(`${P}.MetricSpec`, { type: 1, object: 2, pods: 3, resource: 4, external: 5, containerResource: 7 });
defineProtoTags(`${P}.HPAScalingPolicy`, { type: 1, value: 2, periodSeconds: 3 });
defineProtoTags(`${P}.HPAScalingRules`, { selectPolicy: 1, policies: 2, stabilizationWindowSeconds: 3 });
defineProtoTags(`${P}.HorizontalPodAutoscalerBehavior`, { scaleUp: 1, scaleDown: 2 });
defineProtoTags(`${P}.HorizontalPodAutoscalerSpec`, { scaleTargetRef: 1, minReplicas: 2, maxReplicas: 3, metrics: 4, behavior: 5 });
defineProtoTags(`${P}.ObjectMetricStatus`, { metric: 1, current: 2, describedObject: 3 });
defineProtoTags(`${P}.PodsMetricStatus`, { metric: 1, current: 2 });
defineProtoTags(`${P}.ResourceMetricStatus`, { name: 1, current: 2 });
defineProtoTags(`${P}.ContainerResourceMetricStatus`, { name: 1, current: 2, container: 3 });
defineProtoTags(`${P}.ExternalMetricStatus`, { metric: 1, current: 2 });
defineProtoTags(`${P}.MetricStatus`, { type: 1, object: 2, pods: 3, resource: 4, external: 5, containerResource: 7 });
defineProtoTags(`${P}.HorizontalPodAutoscalerCondition`, {
  type: 1, status: 2, lastTransitionTime: 3, reason: 4, message: 5,
}, {
  omitEmpty: ['reason', 'message'],
});
defineProtoTags(`${P}.HorizontalPodAutoscalerStatus`, {
  observedGeneration: 1, lastScaleTime: 2, currentReplicas: 3, desiredReplicas: 4, currentMetrics: 5, conditions: 6,
}, {
  omitEmpty: ['currentReplicas'],
});
defineProtoTags(`${P}.HorizontalPodAutoscaler`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${P}.HorizontalPodAutoscalerList`, { metadata: 1, items: 2 });
