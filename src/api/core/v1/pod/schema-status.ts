// OpenAPI definitions of the observed state of a pod and its containers.
import { arr, bool, enumOf, int32, int64, keyedList, str, time } from '../../../schema/dsl.js';
import { atomicList, def, r, resourceList } from './schema-common.js';

// ---- status ---------------------------------------------------------------------------

def('PodCondition', 'One observed condition of a pod.', {
  lastProbeTime: time('Last time the condition was probed.'),
  lastTransitionTime: time('Last time the condition changed status.'),
  message: str('Human-readable detail of the last transition.'),
  reason: str('One-word CamelCase reason of the last transition.'),
  status: str('True, False or Unknown.'),
  type: str('Type of the condition, e.g. Ready or PodScheduled.'),
}, { required: ['type', 'status'] });

def('ContainerStateWaiting', 'A container not yet running.', {
  message: str('Why the container is not yet running.'),
  reason: str('Brief reason the container is not yet running.'),
});

def('ContainerStateRunning', 'A running container.', {
  startedAt: time('When the container last (re)started.'),
});

def('ContainerStateTerminated', 'A container that ran and exited.', {
  containerID: str("Runtime ID of the container, '<type>://<container_id>'."),
  exitCode: int32('Exit status of the last termination.'),
  finishedAt: time('When the container last terminated.'),
  message: str('Message about the last termination.'),
  reason: str('Brief reason of the last termination.'),
  signal: int32('Signal of the last termination.'),
  startedAt: time('When the execution that ended started.'),
}, { required: ['exitCode'] });

def('ContainerState', 'The state of a container; at most one member is set.', {
  running: r('ContainerStateRunning', 'Details of a running container.'),
  terminated: r('ContainerStateTerminated', 'Details of a terminated container.'),
  waiting: r('ContainerStateWaiting', 'Details of a waiting container.'),
});

def('VolumeMountStatus', 'The status of one volume mount.', {
  mountPath: str('Path of the mount.'),
  name: str('Name of the VolumeMount.'),
  readOnly: bool('Whether the mount is read-only.'),
  recursiveReadOnly: str('Whether the read-only setting applied recursively: Disabled or Enabled.'),
}, { required: ['name', 'mountPath'] });

def('LinuxContainerUser', 'Identity of the first process of a Linux container.', {
  gid: int64('Primary GID.'),
  supplementalGroups: atomicList(int64(), 'Supplemental GIDs.'),
  uid: int64('UID.'),
}, { required: ['uid', 'gid'] });

def('ContainerUser', 'Identity of the first process of a container, per OS.', {
  linux: r('LinuxContainerUser', 'The Linux identity.'),
});

def('ResourceHealth', 'Health of one device backing a resource.', {
  health: str('Healthy, Unhealthy or Unknown.'),
  resourceID: str('Identifier of the device.'),
}, { required: ['resourceID'] });

def('ResourceStatus', 'Health of the devices allocated for one resource.', {
  name: str('Name of the resource.'),
  resources: keyedList(r('ResourceHealth'), 'resourceID', 'Health of each device.', { patchStrategy: undefined, patchMergeKey: undefined }),
}, { required: ['name'] });

def('ContainerStatus', 'Observed state of one container.', {
  allocatedResources: resourceList('Compute resources allocated to the container by the node.'),
  allocatedResourcesStatus: keyedList(r('ResourceStatus'), 'name', 'Health of the devices allocated to the container.', { patchStrategy: undefined, patchMergeKey: undefined }),
  containerID: str("Runtime ID of the container, '<type>://<container_id>'."),
  image: str('Image the container runs.'),
  imageID: str('ID of the image the container runs.'),
  lastState: r('ContainerState', 'State of the last termination.'),
  name: str('Name of the container, as in the spec.'),
  ready: bool('Whether the container passes its readiness probe.'),
  resources: r('ResourceRequirements', 'Resources the running container actually has.'),
  restartCount: int32('Number of times the container has been restarted.'),
  started: bool('Whether the container has passed its startup probe.'),
  state: r('ContainerState', 'Current state.'),
  user: r('ContainerUser', 'Identity of the first process.'),
  volumeMounts: keyedList(r('VolumeMountStatus'), 'mountPath', 'Status of the volume mounts.', { patchStrategy: 'merge' }),
}, { required: ['name', 'ready', 'restartCount', 'image', 'imageID'] });

def('PodIP', 'One IP address of a pod.', {
  ip: str('The IP address.'),
}, { required: ['ip'] });

def('HostIP', 'One IP address of the host of a pod.', {
  ip: str('The IP address.'),
}, { required: ['ip'] });

def('PodResourceClaimStatus', 'The ResourceClaim generated for one PodResourceClaim.', {
  name: str('Name of the entry in pod.spec.resourceClaims.'),
  resourceClaimName: str('Name of the generated ResourceClaim; unset when none was needed.'),
}, { required: ['name'] });

const containerStatusList = (what: string) => atomicList(r('ContainerStatus'), `Statuses of the ${what}.`);

def('PodStatus', 'The observed state of a pod.', {
  conditions: keyedList(r('PodCondition'), 'type', 'Current service state of the pod.'),
  containerStatuses: containerStatusList('app containers'),
  ephemeralContainerStatuses: containerStatusList('ephemeral containers'),
  hostIP: str('Primary IP of the node the pod runs on.'),
  hostIPs: arr(r('HostIP'), { patchStrategy: 'merge', patchMergeKey: 'ip', listType: 'atomic', description: 'IPs of the node; the first equals hostIP.' }),
  initContainerStatuses: containerStatusList('init containers'),
  message: str('Human-readable detail of why the pod is in this condition.'),
  nominatedNodeName: str('Node the pod may be placed on once preemption finishes.'),
  phase: enumOf(['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'], 'High-level summary of where the pod is in its lifecycle.'),
  podIP: str('Primary IP of the pod.'),
  podIPs: keyedList(r('PodIP'), 'ip', 'IPs of the pod, at most one per family; the first equals podIP.'),
  qosClass: enumOf(['BestEffort', 'Burstable', 'Guaranteed'], 'Quality of service class, from the resource requirements.'),
  reason: str('Brief CamelCase reason the pod is in this state, e.g. Evicted.'),
  resize: str('Status of a requested in-place resize.'),
  resourceClaimStatuses: arr(r('PodResourceClaimStatus'), {
    patchStrategy: 'merge,retainKeys',
    patchMergeKey: 'name',
    listType: 'map',
    listMapKeys: ['name'],
    description: 'Generated ResourceClaims of the pod.',
  }),
  startTime: time('When the kubelet acknowledged the pod, before pulling any image.'),
});
