// OpenAPI-shaped definitions of apps/v1: Deployment, ReplicaSet, DaemonSet, StatefulSet,
// ControllerRevision and their lists. Field set and patch metadata follow Kubernetes 1.32.
import '../../schema/meta.js';
import { arr, bool, define, int32, int64, intOrString, keyedList, obj, ref, str, time, type Schema } from '../../schema/dsl.js';
import { apiVersionField, kindField, labelSelector, listMeta, objectMeta } from '../../schema/meta.js';

const APPS = 'io.k8s.api.apps.v1';
const POD_TEMPLATE = 'io.k8s.api.core.v1.PodTemplateSpec';
const PVC = 'io.k8s.api.core.v1.PersistentVolumeClaim';

/** A top-level kind and its list, registered together. */
function defineKind(kind: string, description: string, fields: Record<string, Schema>): void {
  define(
    `${APPS}.${kind}`,
    obj({ apiVersion: apiVersionField(), kind: kindField(), metadata: objectMeta(), ...fields }, { description }),
  );
  define(
    `${APPS}.${kind}List`,
    obj(
      { apiVersion: apiVersionField(), kind: kindField(), metadata: listMeta(), items: arr(ref(`${APPS}.${kind}`), { description: `The ${kind} objects in the list.` }) },
      { required: ['items'], description: `A list of ${kind} objects.` },
    ),
  );
}

/** The condition shape every apps/v1 status uses (Deployment's adds lastUpdateTime). */
function conditionDef(name: string, subject: string, extra: Record<string, Schema> = {}): void {
  define(
    `${APPS}.${name}`,
    obj(
      {
        type: str(`Kind of ${subject} condition.`),
        status: str('Whether the condition holds: True, False or Unknown.'),
        lastTransitionTime: time('When the condition last changed from one status to another.'),
        reason: str('A one-word CamelCase explanation of the last transition.'),
        message: str('A human-readable account of the last transition.'),
        ...extra,
      },
      { required: ['type', 'status'], description: `One observation about the state of a ${subject}.` },
    ),
  );
}

const conditions = (name: string, subject: string) => keyedList(ref(`${APPS}.${name}`), 'type', `The latest observations of the ${subject}'s state.`);
const podTemplate = (what: string) => ref(POD_TEMPLATE, `The pod ${what} creates; its labels must match the selector.`);

// ---- Deployment ---------------------------------------------------------------------------

define(
  `${APPS}.RollingUpdateDeployment`,
  obj(
    {
      maxUnavailable: intOrString('How many pods (a count or a percentage of desired pods) may be unavailable during the update; defaults to 25%.'),
      maxSurge: intOrString('How many pods (a count or a percentage of desired pods) may exist above the desired count during the update; defaults to 25%.'),
    },
    { description: 'Parameters that pace a rolling update.' },
  ),
);
define(
  `${APPS}.DeploymentStrategy`,
  obj(
    {
      type: str('Recreate or RollingUpdate (the default).'),
      rollingUpdate: ref(`${APPS}.RollingUpdateDeployment`, 'Pacing of a RollingUpdate; only allowed when type is RollingUpdate.'),
    },
    { patchStrategy: 'retainKeys', description: 'How a Deployment replaces old pods with new ones.' },
  ),
);
define(
  `${APPS}.DeploymentSpec`,
  obj(
    {
      replicas: int32('Desired number of pods; defaults to 1.'),
      selector: labelSelector('Label query over the pods this Deployment manages; immutable in apps/v1.'),
      template: podTemplate('this Deployment'),
      strategy: ref(`${APPS}.DeploymentStrategy`, 'How existing pods are replaced by new ones.'),
      minReadySeconds: int32('Seconds a new pod must be ready, without crashing, before it counts as available.'),
      revisionHistoryLimit: int32('How many old ReplicaSets to keep for rollback; defaults to 10.'),
      paused: bool('When true the Deployment controller leaves the pods alone.'),
      progressDeadlineSeconds: int32('Seconds the rollout may go without progress before it is reported as failed; defaults to 600.'),
    },
    { required: ['selector', 'template'], description: 'The desired state of a Deployment.' },
  ),
);
conditionDef('DeploymentCondition', 'deployment', { lastUpdateTime: time('When this condition was last refreshed.') });
define(
  `${APPS}.DeploymentStatus`,
  obj(
    {
      observedGeneration: int64('The generation the controller last acted on.'),
      replicas: int32('Pods targeted by this Deployment (their labels match the selector).'),
      updatedReplicas: int32('Targeted pods that run the current template.'),
      readyReplicas: int32('Targeted pods with a Ready condition.'),
      availableReplicas: int32('Targeted pods ready for at least minReadySeconds.'),
      unavailableReplicas: int32('Pods still needed before the Deployment has its desired capacity.'),
      conditions: conditions('DeploymentCondition', 'Deployment'),
      collisionCount: int32('Counts hash collisions of the template; used to make new ReplicaSet names unique.'),
    },
    { description: 'The observed state of a Deployment.' },
  ),
);
defineKind('Deployment', 'Declarative updates for pods by way of ReplicaSets.', {
  spec: ref(`${APPS}.DeploymentSpec`, 'The desired behaviour of the Deployment.'),
  status: ref(`${APPS}.DeploymentStatus`, 'The most recently observed status of the Deployment.'),
});

// ---- ReplicaSet ---------------------------------------------------------------------------

define(
  `${APPS}.ReplicaSetSpec`,
  obj(
    {
      replicas: int32('Desired number of pods; defaults to 1.'),
      minReadySeconds: int32('Seconds a new pod must be ready, without crashing, before it counts as available.'),
      selector: labelSelector('Label query over the pods this ReplicaSet counts; it must match the template labels.'),
      template: podTemplate('this ReplicaSet'),
    },
    { required: ['selector'], description: 'The desired state of a ReplicaSet.' },
  ),
);
conditionDef('ReplicaSetCondition', 'replica set');
define(
  `${APPS}.ReplicaSetStatus`,
  obj(
    {
      replicas: int32('The most recently observed number of pods.'),
      fullyLabeledReplicas: int32('Pods whose labels match the template labels.'),
      readyReplicas: int32('Pods with a Ready condition.'),
      availableReplicas: int32('Pods ready for at least minReadySeconds.'),
      observedGeneration: int64('The generation the controller last acted on.'),
      conditions: conditions('ReplicaSetCondition', 'ReplicaSet'),
    },
    { required: ['replicas'], description: 'The observed state of a ReplicaSet.' },
  ),
);
defineKind('ReplicaSet', 'Keeps a given number of identical pods running.', {
  spec: ref(`${APPS}.ReplicaSetSpec`, 'The desired behaviour of the ReplicaSet.'),
  status: ref(`${APPS}.ReplicaSetStatus`, 'The most recently observed status of the ReplicaSet.'),
});

// ---- DaemonSet ----------------------------------------------------------------------------

define(
  `${APPS}.RollingUpdateDaemonSet`,
  obj(
    {
      maxUnavailable: intOrString('How many nodes (a count or a percentage) may lack an available daemon pod during the update; defaults to 1.'),
      maxSurge: intOrString('How many nodes (a count or a percentage) may run an extra, updated pod during the update; defaults to 0.'),
    },
    { description: 'Parameters that pace a DaemonSet rolling update.' },
  ),
);
define(
  `${APPS}.DaemonSetUpdateStrategy`,
  obj(
    {
      type: str('RollingUpdate (the default) or OnDelete.'),
      rollingUpdate: ref(`${APPS}.RollingUpdateDaemonSet`, 'Pacing of a RollingUpdate.'),
    },
    { description: 'How a DaemonSet replaces its pods.' },
  ),
);
define(
  `${APPS}.DaemonSetSpec`,
  obj(
    {
      selector: labelSelector('Label query over the pods this DaemonSet manages; it must match the template labels.'),
      template: podTemplate('this DaemonSet runs on each eligible node'),
      updateStrategy: ref(`${APPS}.DaemonSetUpdateStrategy`, 'How existing pods are replaced by new ones.'),
      minReadySeconds: int32('Seconds a new pod must be ready, without crashing, before it counts as available.'),
      revisionHistoryLimit: int32('How many old revisions to keep for rollback; defaults to 10.'),
    },
    { required: ['selector', 'template'], description: 'The desired state of a DaemonSet.' },
  ),
);
conditionDef('DaemonSetCondition', 'daemon set');
define(
  `${APPS}.DaemonSetStatus`,
  obj(
    {
      currentNumberScheduled: int32('Nodes running at least one daemon pod that should run it.'),
      numberMisscheduled: int32('Nodes running the daemon pod that should not run it.'),
      desiredNumberScheduled: int32('Nodes that should run the daemon pod.'),
      numberReady: int32('Nodes whose daemon pod is ready.'),
      observedGeneration: int64('The generation the controller last acted on.'),
      updatedNumberScheduled: int32('Nodes running the updated daemon pod.'),
      numberAvailable: int32('Nodes whose daemon pod has been ready for at least minReadySeconds.'),
      numberUnavailable: int32('Nodes that should run the daemon pod but have none available.'),
      collisionCount: int32('Counts hash collisions of the template; used to make revision names unique.'),
      conditions: conditions('DaemonSetCondition', 'DaemonSet'),
    },
    { required: ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady'], description: 'The observed state of a DaemonSet.' },
  ),
);
defineKind('DaemonSet', 'Runs a copy of a pod on each eligible node.', {
  spec: ref(`${APPS}.DaemonSetSpec`, 'The desired behaviour of the DaemonSet.'),
  status: ref(`${APPS}.DaemonSetStatus`, 'The most recently observed status of the DaemonSet.'),
});

// ---- StatefulSet --------------------------------------------------------------------------

define(
  `${APPS}.RollingUpdateStatefulSetStrategy`,
  obj(
    {
      partition: int32('Only pods with an ordinal at or above this number are updated; defaults to 0.'),
      maxUnavailable: intOrString('How many pods (a count or a percentage) may be unavailable during the update (alpha).'),
    },
    { description: 'Parameters that pace a StatefulSet rolling update.' },
  ),
);
define(
  `${APPS}.StatefulSetUpdateStrategy`,
  obj(
    {
      type: str('RollingUpdate (the default) or OnDelete.'),
      rollingUpdate: ref(`${APPS}.RollingUpdateStatefulSetStrategy`, 'Pacing of a RollingUpdate.'),
    },
    { description: 'How a StatefulSet replaces its pods.' },
  ),
);
define(
  `${APPS}.StatefulSetPersistentVolumeClaimRetentionPolicy`,
  obj(
    {
      whenDeleted: str('What happens to claims from the templates when the StatefulSet is deleted: Retain (the default) or Delete.'),
      whenScaled: str('What happens to claims from the templates when the StatefulSet scales down: Retain (the default) or Delete.'),
    },
    { description: 'The lifecycle of claims created from volumeClaimTemplates.' },
  ),
);
define(
  `${APPS}.StatefulSetOrdinals`,
  obj({ start: int32('The number given to the first replica; defaults to 0.') }, { description: 'How replicas are numbered.' }),
);
define(
  `${APPS}.StatefulSetSpec`,
  obj(
    {
      replicas: int32('Desired number of pods; defaults to 1.'),
      selector: labelSelector('Label query over the pods this StatefulSet manages; it must match the template labels.'),
      template: podTemplate('this StatefulSet'),
      volumeClaimTemplates: arr(ref(PVC), { listType: 'atomic', description: 'Claims each pod gets, one per template, mounted by name into its containers.' }),
      serviceName: str('The headless Service that gives the pods their network identity.'),
      podManagementPolicy: str('OrderedReady (the default) creates and removes pods one at a time in order; Parallel does not wait.'),
      updateStrategy: ref(`${APPS}.StatefulSetUpdateStrategy`, 'How pods are replaced when the template changes.'),
      revisionHistoryLimit: int32('How many old revisions to keep; defaults to 10.'),
      minReadySeconds: int32('Seconds a new pod must be ready, without crashing, before it counts as available.'),
      persistentVolumeClaimRetentionPolicy: ref(`${APPS}.StatefulSetPersistentVolumeClaimRetentionPolicy`, 'What happens to claims from the templates on deletion and scale-down.'),
      ordinals: ref(`${APPS}.StatefulSetOrdinals`, 'How replica ordinals are assigned.'),
    },
    { required: ['selector', 'template'], description: 'The desired state of a StatefulSet.' },
  ),
);
conditionDef('StatefulSetCondition', 'stateful set');
define(
  `${APPS}.StatefulSetStatus`,
  obj(
    {
      observedGeneration: int64('The generation the controller last acted on.'),
      replicas: int32('Pods created by the controller.'),
      readyReplicas: int32('Pods with a Ready condition.'),
      currentReplicas: int32('Pods running the currentRevision.'),
      updatedReplicas: int32('Pods running the updateRevision.'),
      currentRevision: str('The revision that pods below the partition run.'),
      updateRevision: str('The revision new pods are created from.'),
      collisionCount: int32('Counts hash collisions of the template; used to make revision names unique.'),
      conditions: conditions('StatefulSetCondition', 'StatefulSet'),
      availableReplicas: int32('Pods ready for at least minReadySeconds.'),
    },
    { required: ['replicas'], description: 'The observed state of a StatefulSet.' },
  ),
);
defineKind('StatefulSet', 'Pods with stable identities and stable storage.', {
  spec: ref(`${APPS}.StatefulSetSpec`, 'The desired pods and their identities.'),
  status: ref(`${APPS}.StatefulSetStatus`, 'The most recently observed status of the StatefulSet.'),
});

// ---- ControllerRevision -------------------------------------------------------------------

defineKind('ControllerRevision', 'An immutable snapshot of state data, used by controllers for history and rollback.', {
  data: ref('io.k8s.apimachinery.pkg.runtime.RawExtension', 'The serialized state this revision records.'),
  revision: int64('The sequence number of this revision.'),
});
