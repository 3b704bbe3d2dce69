// OpenAPI definitions for core/v1 Pod and its family, named as upstream names them so
// other kinds (workloads, PersistentVolume, Event) can refer to them by name. Patch
// metadata (merge keys, list types) follows Kubernetes 1.32. Importing this module
// defines them all; the parts are split as the validate-* files are.
import { arr, int32, int64, keyedList, str, strMap, time } from '../../../schema/dsl.js';
import { apiVersionField, kindField, listMeta, objectMeta } from '../../../schema/meta.js';
import { def, r } from './schema-common.js';
import './schema-container.js';
import './schema-volumes.js';
import './schema-scheduling.js';
import './schema-spec.js';
import './schema-status.js';

export { CORE_V1 } from './schema-common.js';

// ---- references -----------------------------------------------------------------------

def('ObjectReference', 'A reference to an API object, precise enough to inspect or modify it.', {
  apiVersion: str('API version of the referent.'),
  fieldPath: str('When the reference points at part of an object, the path to that part (e.g. spec.containers{name}).'),
  kind: str('Kind of the referent.'),
  name: str('Name of the referent.'),
  namespace: str('Namespace of the referent.'),
  resourceVersion: str('The resourceVersion of the referent this reference was made to.'),
  uid: str('UID of the referent.'),
}, { mapType: 'atomic' });

def('LocalObjectReference', 'Names an object in the same namespace as the referrer.', {
  name: str('Name of the referent.'),
}, { mapType: 'atomic' });

// ---- top-level kinds ------------------------------------------------------------------

def('Pod', 'A collection of containers that run together on one host.', {
  apiVersion: apiVersionField(),
  kind: kindField(),
  metadata: objectMeta(),
  spec: r('PodSpec', 'Desired behaviour of the pod.'),
  status: r('PodStatus', 'Most recently observed status of the pod; read-only.'),
});

def('PodList', 'A list of Pods.', {
  apiVersion: apiVersionField(),
  items: arr(r('Pod'), { description: 'The pods.' }),
  kind: kindField(),
  metadata: listMeta(),
}, { required: ['items'] });

def('PodTemplateSpec', 'What pods created from a template look like.', {
  metadata: objectMeta("Metadata of the pods created from this template."),
  spec: r('PodSpec', 'Spec of the pods created from this template.'),
});

def('PodTemplate', 'A pod template stored as an object of its own.', {
  apiVersion: apiVersionField(),
  kind: kindField(),
  metadata: objectMeta(),
  template: r('PodTemplateSpec', 'The template.'),
});

def('PodTemplateList', 'A list of PodTemplates.', {
  apiVersion: apiVersionField(),
  items: arr(r('PodTemplate'), { description: 'The pod templates.' }),
  kind: kindField(),
  metadata: listMeta(),
}, { required: ['items'] });

def('ReplicationControllerSpec', 'Desired state of a replication controller.', {
  minReadySeconds: int32('Seconds a new pod must be ready, without crashing, to count as available.'),
  replicas: int32('Desired number of pods; defaults to 1.'),
  selector: strMap('Label query the managed pods must match; defaults to the template labels.'),
  template: r('PodTemplateSpec', 'Pod created when too few replicas exist.'),
});

def('ReplicationControllerCondition', 'One observed condition of a replication controller.', {
  lastTransitionTime: time('Last time the condition changed status.'),
  message: str('Human-readable detail of the transition.'),
  reason: str('Reason of the last transition.'),
  status: str('True, False or Unknown.'),
  type: str('Type of the condition.'),
}, { required: ['type', 'status'] });

def('ReplicationControllerStatus', 'Most recently observed state of a replication controller.', {
  availableReplicas: int32('Pods that have been ready for at least minReadySeconds.'),
  conditions: keyedList(r('ReplicationControllerCondition'), 'type', 'Latest observations of its state.'),
  fullyLabeledReplicas: int32('Pods whose labels match the template labels.'),
  observedGeneration: int64('Generation last seen by the controller.'),
  readyReplicas: int32('Pods that are ready.'),
  replicas: int32('Pods currently counted.'),
}, { required: ['replicas'] });

def('ReplicationController', 'Keeps a number of pod replicas running.', {
  apiVersion: apiVersionField(),
  kind: kindField(),
  metadata: objectMeta(),
  spec: r('ReplicationControllerSpec', 'Desired behaviour.'),
  status: r('ReplicationControllerStatus', 'Most recently observed status; read-only.'),
});

def('ReplicationControllerList', 'A list of ReplicationControllers.', {
  apiVersion: apiVersionField(),
  items: arr(r('ReplicationController'), { description: 'The replication controllers.' }),
  kind: kindField(),
  metadata: listMeta(),
}, { required: ['items'] });

def('Binding', 'Binds one object to another; for pods, assigns the pod to a node (deprecated for direct use: use pods/binding).', {
  apiVersion: apiVersionField(),
  kind: kindField(),
  metadata: objectMeta(),
  target: r('ObjectReference', 'The object to bind to.'),
}, { required: ['target'] });
