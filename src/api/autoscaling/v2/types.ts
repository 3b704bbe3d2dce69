// autoscaling/v2 HorizontalPodAutoscaler shapes as they travel over the wire.
import type { KubeObject, LabelSelector } from '../../meta/types.js';

export type Quantity = string | number;

export interface CrossVersionObjectReference {
  kind?: string;
  name?: string;
  apiVersion?: string;
}
export interface MetricIdentifier {
  name?: string;
  selector?: LabelSelector;
}
export interface MetricTarget {
  type?: 'Utilization' | 'Value' | 'AverageValue' | string;
  value?: Quantity;
  averageValue?: Quantity;
  averageUtilization?: number;
}
export interface MetricValueStatus {
  value?: Quantity;
  averageValue?: Quantity;
  averageUtilization?: number;
}
export interface ObjectMetricSource {
  describedObject?: CrossVersionObjectReference;
  target?: MetricTarget;
  metric?: MetricIdentifier;
}
export interface PodsMetricSource {
  metric?: MetricIdentifier;
  target?: MetricTarget;
}
export interface ResourceMetricSource {
  name?: string;
  target?: MetricTarget;
}
export interface ContainerResourceMetricSource {
  name?: string;
  target?: MetricTarget;
  container?: string;
}
export interface ExternalMetricSource {
  metric?: MetricIdentifier;
  target?: MetricTarget;
}
export type MetricSourceType = 'Object' | 'Pods' | 'Resource' | 'ContainerResource' | 'External';
export interface MetricSpec {
  type?: MetricSourceType | string;
  object?: ObjectMetricSource;
  pods?: PodsMetricSource;
  resource?: ResourceMetricSource;
  containerResource?: ContainerResourceMetricSource;
  external?: ExternalMetricSource;
}
export interface HPAScalingPolicy {
  type?: 'Pods' | 'Percent' | string;
  value?: number;
  periodSeconds?: number;
}
export interface HPAScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: 'Max' | 'Min' | 'Disabled' | string;
  policies?: HPAScalingPolicy[];
}
export interface HorizontalPodAutoscalerBehavior {
  scaleUp?: HPAScalingRules;
  scaleDown?: HPAScalingRules;
}
export interface HorizontalPodAutoscalerSpec {
  scaleTargetRef?: CrossVersionObjectReference;
  minReplicas?: number;
  maxReplicas?: number;
  metrics?: MetricSpec[];
  behavior?: HorizontalPodAutoscalerBehavior;
}
export interface ObjectMetricStatus {
  metric?: MetricIdentifier;
  current?: MetricValueStatus;
  describedObject?: CrossVersionObjectReference;
}
export interface PodsMetricStatus {
  metric?: MetricIdentifier;
  current?: MetricValueStatus;
}
export interface ResourceMetricStatus {
  name?: string;
  current?: MetricValueStatus;
}
export interface ContainerResourceMetricStatus {
  name?: string;
  current?: MetricValueStatus;
  container?: string;
}
export interface ExternalMetricStatus {
  metric?: MetricIdentifier;
  current?: MetricValueStatus;
}
export interface MetricStatus {
  type?: MetricSourceType | string;
  object?: ObjectMetricStatus;
  pods?: PodsMetricStatus;
  resource?: ResourceMetricStatus;
  containerResource?: ContainerResourceMetricStatus;
  external?: ExternalMetricStatus;
}
export interface HorizontalPodAutoscalerCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}
export interface HorizontalPodAutoscalerStatus {
  observedGeneration?: number;
  lastScaleTime?: string;
  currentReplicas?: number;
  desiredReplicas?: number;
  currentMetrics?: MetricStatus[];
  conditions?: HorizontalPodAutoscalerCondition[];
}
export interface HorizontalPodAutoscaler extends KubeObject {
  spec?: HorizontalPodAutoscalerSpec;
  status?: HorizontalPodAutoscalerStatus;
}
