// autoscaling/v1 shapes: the CPU-only HorizontalPodAutoscaler, the v1 metric types its round-trip
// annotations carry, and Scale (the view served by every scale subresource).
import type { KubeObject, LabelSelector } from '../../meta/types.js';
import type { CrossVersionObjectReference, Quantity } from '../v2/types.js';

export type { CrossVersionObjectReference };

export interface HorizontalPodAutoscalerSpec {
  scaleTargetRef?: CrossVersionObjectReference;
  minReplicas?: number;
  maxReplicas?: number;
  targetCPUUtilizationPercentage?: number;
}
export interface HorizontalPodAutoscalerStatus {
  observedGeneration?: number;
  lastScaleTime?: string;
  currentReplicas?: number;
  desiredReplicas?: number;
  currentCPUUtilizationPercentage?: number;
}
export interface HorizontalPodAutoscaler extends KubeObject {
  spec?: HorizontalPodAutoscalerSpec;
  status?: HorizontalPodAutoscalerStatus;
}

// The v1 (formerly v2beta1) metric shapes, used only inside round-trip annotations.
export interface V1ObjectMetricSource {
  target?: CrossVersionObjectReference;
  metricName?: string;
  targetValue?: Quantity;
  selector?: LabelSelector;
  averageValue?: Quantity;
}
export interface V1PodsMetricSource {
  metricName?: string;
  targetAverageValue?: Quantity;
  selector?: LabelSelector;
}
export interface V1ResourceMetricSource {
  name?: string;
  targetAverageUtilization?: number;
  targetAverageValue?: Quantity;
}
export interface V1ContainerResourceMetricSource extends V1ResourceMetricSource {
  container?: string;
}
export interface V1ExternalMetricSource {
  metricName?: string;
  metricSelector?: LabelSelector;
  targetValue?: Quantity;
  targetAverageValue?: Quantity;
}
export interface V1MetricSpec {
  type?: string;
  object?: V1ObjectMetricSource;
  pods?: V1PodsMetricSource;
  resource?: V1ResourceMetricSource;
  containerResource?: V1ContainerResourceMetricSource;
  external?: V1ExternalMetricSource;
}
export interface V1ObjectMetricStatus {
  target?: CrossVersionObjectReference;
  metricName?: string;
  currentValue?: Quantity;
  selector?: LabelSelector;
  averageValue?: Quantity;
}
export interface V1PodsMetricStatus {
  metricName?: string;
  currentAverageValue?: Quantity;
  selector?: LabelSelector;
}
export interface V1ResourceMetricStatus {
  name?: string;
  currentAverageUtilization?: number;
  currentAverageValue?: Quantity;
}
export interface V1ContainerResourceMetricStatus extends V1ResourceMetricStatus {
  container?: string;
}
export interface V1ExternalMetricStatus {
  metricName?: string;
  metricSelector?: LabelSelector;
  currentValue?: Quantity;
  currentAverageValue?: Quantity;
}
export interface V1MetricStatus {
  type?: string;
  object?: V1ObjectMetricStatus;
  pods?: V1PodsMetricStatus;
  resource?: V1ResourceMetricStatus;
  containerResource?: V1ContainerResourceMetricStatus;
  external?: V1ExternalMetricStatus;
}

export interface Scale extends KubeObject {
  spec?: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}
