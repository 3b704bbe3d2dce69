// OpenAPI-shaped definitions of autoscaling/v1: HorizontalPodAutoscaler and Scale.
import '../../schema/meta.js';
import { arr, define, int32, int64, obj, ref, str, time, type Schema } from '../../schema/dsl.js';
import { apiVersionField, kindField, listMeta, objectMeta } from '../../schema/meta.js';

const V1 = 'io.k8s.api.autoscaling.v1';
const d = (name: string, description: string, props: Record<string, Schema>, required?: string[]) =>
  define(`${V1}.${name}`, obj(props, { description, ...(required ? { required } : {}) }));
const r = (name: string, description?: string) => ref(`${V1}.${name}`, description);

d('CrossVersionObjectReference', 'Names the object being scaled, across API versions.', {
  kind: str('Kind of the referent, e.g. Deployment.'),
  name: str('Name of the referent.'),
  apiVersion: str('API version of the referent.'),
}, ['kind', 'name']);
d('HorizontalPodAutoscalerSpec', 'The desired behaviour of a CPU-based autoscaler.', {
  scaleTargetRef: r('CrossVersionObjectReference', 'The resource to scale; it must serve the scale subresource.'),
  minReplicas: int32('The lower bound on replicas; defaults to 1.'),
  maxReplicas: int32('The upper bound on replicas; at least minReplicas.'),
  targetCPUUtilizationPercentage: int32('The average CPU utilization, as a percentage of requests, to keep the pods at; 80 when unset.'),
}, ['scaleTargetRef', 'maxReplicas']);
d('HorizontalPodAutoscalerStatus', 'The observed state of a CPU-based autoscaler.', {
  observedGeneration: int64('The generation the autoscaler last acted on.'),
  lastScaleTime: time('When the replica count was last changed.'),
  currentReplicas: int32('Replicas the scaled resource had when last read.'),
  desiredReplicas: int32('Replicas the autoscaler last asked for.'),
  currentCPUUtilizationPercentage: int32('The current average CPU utilization, as a percentage of requests.'),
}, ['currentReplicas', 'desiredReplicas']);
d('HorizontalPodAutoscaler', 'Scales a resource\'s replica count to keep its average CPU utilization at a target.', {
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

d('ScaleSpec', 'The desired size of a scalable resource.', {
  replicas: int32('The desired number of instances.'),
});
d('ScaleStatus', 'The observed size of a scalable resource.', {
  replicas: int32('The number of instances last observed.'),
  selector: str('The label query, in string form, over the pods the replicas count.'),
}, ['replicas']);
d('Scale', 'The replica count of a scalable resource, as the scale subresource reads and writes it.', {
  apiVersion: apiVersionField(),
  kind: kindField(),
  metadata: objectMeta(),
  spec: r('ScaleSpec', 'The desired size.'),
  status: r('ScaleStatus', 'The current size; read-only.'),
});
