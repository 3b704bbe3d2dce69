// Protocol-buffer field numbers of the apps/v1 messages, from upstream's
// k8s.io/api/apps/v1/generated.proto (checked against the descriptors compiled into kubectl 1.32).
// Only request decoding uses them: see src/api/schema/protobuf-tags.ts for what each table means.
import { defineProtoTags } from '../../schema/protobuf-tags.js';

const P = 'io.k8s.api.apps.v1';

defineProtoTags(`${P}.RollingUpdateDeployment`, { maxUnavailable: 1, maxSurge: 2 });
defineProtoTags(`${P}.DeploymentStrategy`, { type: 1, rollingUpdate: 2 }, { omitEmpty: ['type'] });
defineProtoTags(`${P}.DeploymentSpec`, {
  replicas: 1, selector: 2, template: 3, strategy: 4, minReadySeconds: 5, revisionHistoryLimit: 6, paused: 7, progressDeadlineSeconds: 9,
}, {
  omitEmpty: ['minReadySeconds', 'paused'],
});
defineProtoTags(`${P}.DeploymentCondition`, {
  type: 1, status: 2, reason: 4, message: 5, lastUpdateTime: 6, lastTransitionTime: 7,
}, {
  omitEmpty: ['reason', 'message'],
});
defineProtoTags(`${P}.DeploymentStatus`, {
  observedGeneration: 1, replicas: 2, updatedReplicas: 3, availableReplicas: 4, unavailableReplicas: 5, conditions: 6, readyReplicas: 7,
  collisionCount: 8,
}, {
  omitEmpty: ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'],
});
defineProtoTags(`${P}.Deployment`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${P}.DeploymentList`, { metadata: 1, items: 2 });
defineProtoTags(`${P}.ReplicaSetSpec`, { replicas: 1, selector: 2, template: 3, minReadySeconds: 4 }, { omitEmpty: ['minReadySeconds'] });
defineProtoTags(`${P}.ReplicaSetCondition`, { type: 1, status: 2, lastTransitionTime: 3, reason: 4, message: 5 }, { omitEmpty: ['reason', 'message'] });
defineProtoTags(`${P}.ReplicaSetStatus`, {
  replicas: 1, fullyLabeledReplicas: 2, observedGeneration: 3, readyReplicas: 4, availableReplicas: 5, conditions: 6,
}, {
  omitEmpty: ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'],
});
defineProtoTags(`${P}.ReplicaSet`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${P}.ReplicaSetList`, { metadata: 1, items: 2 });
defineProtoTags(`${P}.RollingUpdateDaemonSet`, { maxUnavailable: 1, maxSurge: 2 });
defineProtoTags(`${P}.DaemonSetUpdateStrategy`, { type: 1, rollingUpdate: 2 }, { omitEmpty: ['type'] });
defineProtoTags(`${P}.DaemonSetSpec`, {
  selector: 1, template: 2, updateStrategy: 3, minReadySeconds: 4, revisionHistoryLimit: 6,
}, {
  omitEmpty: ['minReadySeconds'],
});
defineProtoTags(`${P}.DaemonSetCondition`, { type: 1, status: 2, lastTransitionTime: 3, reason: 4, message: 5 }, { omitEmpty: ['reason', 'message'] });
defineProtoTags(`${P}.DaemonSetStatus`, {
  currentNumberScheduled: 1, numberMisscheduled: 2, desiredNumberScheduled: 3, numberReady: 4, observedGeneration: 5, updatedNumberScheduled: 6,
  numberAvailable: 7, numberUnavailable: 8, collisionCount: 9, conditions: 10,
}, {
  omitEmpty: ['observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'],
});
defineProtoTags(`${P}.DaemonSet`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${P}.DaemonSetList`, { metadata: 1, items: 2 });
defineProtoTags(`${P}.RollingUpdateStatefulSetStrategy`, { partition: 1, maxUnavailable: 2 });
defineProtoTags(`${P}.StatefulSetUpdateStrategy`, { type: 1, rollingUpdate: 2 }, { omitEmpty: ['type'] });
defineProtoTags(`${P}.StatefulSetPersistentVolumeClaimRetentionPolicy`, { whenDeleted: 1, whenScaled: 2 }, { omitEmpty: ['whenDeleted', 'whenScaled'] });
defineProtoTags(`${P}.StatefulSetOrdinals`, { start: 1 });
defineProtoTags(`${P}.StatefulSetSpec`, {
  replicas: 1, selector: 2, template: 3, volumeClaimTemplates: 4, serviceName: 5, podManagementPolicy: 6, updateStrategy: 7, revisionHistoryLimit: 8,
  minReadySeconds: 9, persistentVolumeClaimRetentionPolicy: 10, ordinals: 11,
}, {
  omitEmpty: ['podManagementPolicy', 'minReadySeconds'],
});
defineProtoTags(`${P}.StatefulSetCondition`, { type: 1, status: 2, lastTransitionTime: 3, reason: 4, message: 5 }, { omitEmpty: ['reason', 'message'] });
defineProtoTags(`${P}.StatefulSetStatus`, {
  observedGeneration: 1, replicas: 2, readyReplicas: 3, currentReplicas: 4, updatedReplicas: 5, currentRevision: 6, updateRevision: 7,
  collisionCount: 9, conditions: 10, availableReplicas: 11,
}, {
  omitEmpty: ['observedGeneration', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'currentRevision', 'updateRevision'],
});
defineProtoTags(`${P}.StatefulSet`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${P}.StatefulSetList`, { metadata: 1, items: 2 });
defineProtoTags(`${P}.ControllerRevision`, { metadata: 1, data: 2, revision: 3 });
defineProtoTags(`${P}.ControllerRevisionList`, { metadata: 1, items: 2 });
