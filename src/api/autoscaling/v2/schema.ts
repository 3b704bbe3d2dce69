// OpenAPI-shaped definitions of autoscaling/v2 (HorizontalPodAutoscaler and its metric types), Kubernetes 1.32.
import '../../schema/meta.js';
import { arr, define, int32, int64, keyedList, obj, quantity, ref, str, time, type Schema } from '../../schema/dsl.js';
import { apiVersionField, kindField, labelSelector, listMeta, objectMeta } from '../../schema/meta.js';

const V2 = 'io.k8s.api.autoscaling.v2';
const d = (name: string, description: string, props: Record<string, Schema>, required?: string[]) =>
  define(`${V2}.${name}`, obj(props, { description, ...(required ? { required } : {}) }));
const r = (name: string, description?: string) => ref(`${V2}.${name}`, description);

d('CrossVersionObjectReference', 'Names the object being scaled or described, across API versions.', {
  kind: str('Kind of the referent, e.g. Deployment.'),
  name: str('Name of the referent.'),
  apiVersion: str('API version of the referent.'),
}, ['kind', 'name']);
d('MetricIdentifier', 'Names a metric and, optionally, narrows it by labels.', {
  name: str('The name of the metric.'),
  selector: labelSelector('Label query passed to the metrics server to narrow the metric; all series when unset.'),
}, ['name']);
d('MetricTarget', 'The value a metric should be kept at.', {
  type: str('Utilization, Value or AverageValue.'),
  value: quantity('The target value of the metric, as a quantity.'),
  averageValue: quantity('The target value of the metric averaged across pods, as a quantity.'),
  averageUtilization: int32('The target average across pods, as a percentage of the requested resource; Resource metrics only.'),
}, ['type']);
d('MetricValueStatus', 'The current value of a metric.', {
  value: quantity('The current value of the metric.'),
  averageValue: quantity('The current value of the metric averaged across pods.'),
  averageUtilization: int32('The current average across pods, as a percentage of the requested resource.'),
});

d('ObjectMetricSource', 'A metric describing one Kubernetes object, such as requests per second on an Ingress.', {
  describedObject: r('CrossVersionObjectReference', 'The object the metric describes.'),
  target: r('MetricTarget', 'The target value of the metric.'),
  metric: r('MetricIdentifier', 'The metric to read.'),
}, ['describedObject', 'target', 'metric']);
d('PodsMetricSource', 'A metric describing each pod being scaled, averaged before comparison.', {
  metric: r('MetricIdentifier', 'The metric to read.'),
  target: r('MetricTarget', 'The target value of the metric.'),
}, ['metric', 'target']);
d('ResourceMetricSource', 'A resource (such as cpu or memory) of the pods being scaled, as known from their requests and limits.', {
  name: str('The name of the resource.'),
  target: r('MetricTarget', 'The target value of the resource metric.'),
}, ['name', 'target']);
d('ContainerResourceMetricSource', 'A resource of one named container in each pod being scaled.', {
  name: str('The name of the resource.'),
  target: r('MetricTarget', 'The target value of the resource metric.'),
  container: str('The name of the container in the pods.'),
}, ['name', 'target', 'container']);
d('ExternalMetricSource', 'A metric not tied to any Kubernetes object, such as a queue length in a cloud service.', {
  metric: r('MetricIdentifier', 'The metric to read.'),
  target: r('MetricTarget', 'The target value of the metric.'),
}, ['metric', 'target']);
d('MetricSpec', 'One metric to scale on; exactly the source named by type is set.', {
  type: str('Object, Pods, Resource, ContainerResource or External.'),
  object: r('ObjectMetricSource', 'A metric of a single Kubernetes object.'),
  pods: r('PodsMetricSource', 'A metric of each pod being scaled.'),
  resource: r('ResourceMetricSource', 'A resource metric of the pods being scaled.'),
  containerResource: r('ContainerResourceMetricSource', 'A resource metric of one container in the pods being scaled.'),
  external: r('ExternalMetricSource', 'A metric from outside the cluster.'),
}, ['type']);

d('HPAScalingPolicy', 'One limit on how fast the replica count may change.', {
  type: str('Pods or Percent.'),
  value: int32('The allowed change, in pods or percent; greater than zero.'),
  periodSeconds: int32('The window, in seconds, over which the policy holds; between 1 and 1800.'),
}, ['type', 'value', 'periodSeconds']);
d('HPAScalingRules', 'How scaling in one direction is paced and damped.', {
  stabilizationWindowSeconds: int32('Seconds of past recommendations to consider, to avoid flapping; between 0 and 3600.'),
  selectPolicy: str('Which policy applies when several do: Max (the default), Min or Disabled.'),
  policies: arr(r('HPAScalingPolicy'), { listType: 'atomic', description: 'The policies; at least one is required.' }),
});
d('HorizontalPodAutoscalerBehavior', 'Scaling rules for each direction.', {
  scaleUp: r('HPAScalingRules', 'Rules for scaling up; by default the larger of 4 pods or 100% per 15 seconds, without stabilization.'),
  scaleDown: r('HPAScalingRules', 'Rules for scaling down; by default 100% per 15 seconds after a 300-second stabilization window.'),
});
d('HorizontalPodAutoscalerSpec', 'The desired behaviour of the autoscaler.', {
  scaleTargetRef: r('CrossVersionObjectReference', 'The resource to scale; it must serve the scale subresource.'),
  minReplicas: int32('The lower bound on replicas; defaults to 1.'),
  maxReplicas: int32('The upper bound on replicas; at least minReplicas.'),
  metrics: arr(r('MetricSpec'), { listType: 'atomic', description: 'The metrics whose targets decide the replica count; the largest proposal wins. Defaults to 80% average CPU utilization.' }),
  behavior: r('HorizontalPodAutoscalerBehavior', 'How fast to scale up and down; defaults apply when unset.'),
}, ['scaleTargetRef', 'maxReplicas']);

d('ObjectMetricStatus', 'The current value of an object metric.', {
  metric: r('MetricIdentifier', 'The metric read.'),
  current: r('MetricValueStatus', 'Its current value.'),
  describedObject: r('CrossVersionObjectReference', 'The object the metric describes.'),
}, ['metric', 'current', 'describedObject']);
d('PodsMetricStatus', 'The current value of a pods metric.', {
  metric: r('MetricIdentifier', 'The metric read.'),
  current: r('MetricValueStatus', 'Its current value.'),
}, ['metric', 'current']);
d('ResourceMetricStatus', 'The current value of a resource metric.', {
  name: str('The name of the resource.'),
  current: r('MetricValueStatus', 'Its current value.'),
}, ['name', 'current']);
d('ContainerResourceMetricStatus', 'The current value of a container resource metric.', {
  name: str('The name of the resource.'),
  current: r('MetricValueStatus', 'Its current value.'),
  container: str('The name of the container.'),
}, ['name', 'current', 'container']);
d('ExternalMetricStatus', 'The current value of an external metric.', {
  metric: r('MetricIdentifier', 'The metric read.'),
  current: r('MetricValueStatus', 'Its current value.'),
}, ['metric', 'current']);
d('MetricStatus', 'The last reading of one metric.', {
  type: str('Object, Pods, Resource, ContainerResource or External.'),
  object: r('ObjectMetricStatus', 'A reading of an object metric.'),
  pods: r('PodsMetricStatus', 'A reading of a pods metric.'),
  resource: r('ResourceMetricStatus', 'A reading of a resource metric.'),
  containerResource: r('ContainerResourceMetricStatus', 'A reading of a container resource metric.'),
  external: r('ExternalMetricStatus', 'A reading of an external metric.'),
}, ['type']);
d('HorizontalPodAutoscalerCondition', 'One observation about the state of the autoscaler.', {
  type: str('AbleToScale, ScalingActive or ScalingLimited.'),
  status: str('Whether the condition holds: True, False or Unknown.'),
  lastTransitionTime: time('When the condition last changed from one status to another.'),
  reason: str('A one-word CamelCase explanation of the last transition.'),
  message: str('A human-readable account of the last transition.'),
}, ['type', 'status']);
d('HorizontalPodAutoscalerStatus', 'The observed state of the autoscaler.', {
  observedGeneration: int64('The generation the autoscaler last acted on.'),
  lastScaleTime: time('When the replica count was last changed.'),
  currentReplicas: int32('Replicas the scaled resource had when last read.'),
  desiredReplicas: int32('Replicas the autoscaler last asked for.'),
  currentMetrics: arr(r('MetricStatus'), { listType: 'atomic', description: 'The last readings of the metrics.' }),
  conditions: keyedList(r('HorizontalPodAutoscalerCondition'), 'type', 'The latest observations of the autoscaler\'s state.'),
}, ['desiredReplicas']);

d('HorizontalPodAutoscaler', 'Scales a resource\'s replica count to keep its metrics at their targets.', {
  apiVersion: apiVersionField(),
  kind: kindField(),
  metadata: objectMeta(),
  spec: r('HorizontalPodAutoscalerSpec', 'The desired behaviour of the autoscaler.'),
  status: r('HorizontalPodAutoscalerStatus', 'The current state of the autoscaler.'),
});
d('HorizontalPodAutoscalerList', 'A list of HorizontalPodAutoscaler objects.', {
  apiVersion: apiVersionField(),
  kind: kindField(),
  metadata: listMeta(),
  items: arr(r('HorizontalPodAutoscaler'), { description: 'The autoscalers in the list.' }),
}, ['items']);
