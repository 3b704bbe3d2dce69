// Server-side Table printing: the columns and cells `kubectl get` shows, per group and kind.
import type { TablePrinter } from './columns.js';
import { defaultPrinter } from './default.js';
import { podPrinter, podTemplatePrinter } from './pod.js';
import { endpointsPrinter, servicePrinter } from './service.js';
import { nodePrinter } from './node.js';
import { componentStatusPrinter, configMapPrinter, namespacePrinter, resourceQuotaPrinter, secretPrinter, serviceAccountPrinter } from './config.js';
import {
  csiDriverPrinter, csiNodePrinter, csiStorageCapacityPrinter, persistentVolumeClaimPrinter, persistentVolumePrinter,
  storageClassPrinter, volumeAttachmentPrinter, volumeAttributesClassPrinter,
} from './storage.js';
import { coreEventPrinter, eventsV1EventPrinter } from './event.js';
import {
  controllerRevisionPrinter, daemonSetPrinter, deploymentPrinter, replicaSetPrinter, replicationControllerPrinter, statefulSetPrinter,
} from './apps.js';
import { cronJobPrinter, jobPrinter } from './batch.js';
import { horizontalPodAutoscalerPrinter } from './autoscaling.js';
import { endpointSlicePrinter, ingressClassPrinter, ingressPrinter, ipAddressPrinter, networkPolicyPrinter, serviceCIDRPrinter } from './networking.js';
import { clusterRoleBindingPrinter, roleBindingPrinter } from './rbac.js';
import {
  certificateSigningRequestPrinter, flowSchemaPrinter, leasePrinter, podDisruptionBudgetPrinter, priorityClassPrinter,
  priorityLevelConfigurationPrinter, runtimeClassPrinter, validatingAdmissionPolicyBindingPrinter, validatingAdmissionPolicyPrinter,
  webhookConfigurationPrinter,
} from './cluster.js';

import { apiServicePrinter } from './apiregistration.js';

export type { TableColumn, TablePrinter } from './columns.js';
export { humanDuration } from './duration.js';
export { defaultPrinter } from './default.js';

// Keyed by "group/Kind"; the version does not change what kubectl shows.
const printers = new Map<string, TablePrinter>([
  ['/Pod', podPrinter],
  ['/PodTemplate', podTemplatePrinter],
  ['/ReplicationController', replicationControllerPrinter],
  ['/Service', servicePrinter],
  ['/Endpoints', endpointsPrinter],
  ['/Namespace', namespacePrinter],
  ['/Node', nodePrinter],
  ['/ConfigMap', configMapPrinter],
  ['/Secret', secretPrinter],
  ['/ServiceAccount', serviceAccountPrinter],
  ['/PersistentVolume', persistentVolumePrinter],
  ['/PersistentVolumeClaim', persistentVolumeClaimPrinter],
  ['/ResourceQuota', resourceQuotaPrinter],
  ['/ComponentStatus', componentStatusPrinter],
  ['/Event', coreEventPrinter],
  ['events.k8s.io/Event', eventsV1EventPrinter],
  ['apps/Deployment', deploymentPrinter],
  ['apps/ReplicaSet', replicaSetPrinter],
  ['apps/DaemonSet', daemonSetPrinter],
  ['apps/StatefulSet', statefulSetPrinter],
  ['apps/ControllerRevision', controllerRevisionPrinter],
  ['batch/Job', jobPrinter],
  ['batch/CronJob', cronJobPrinter],
  ['autoscaling/HorizontalPodAutoscaler', horizontalPodAutoscalerPrinter],
  ['networking.k8s.io/Ingress', ingressPrinter],
  ['networking.k8s.io/IngressClass', ingressClassPrinter],
  ['networking.k8s.io/NetworkPolicy', networkPolicyPrinter],
  ['networking.k8s.io/ServiceCIDR', serviceCIDRPrinter],
  ['networking.k8s.io/IPAddress', ipAddressPrinter],
  ['discovery.k8s.io/EndpointSlice', endpointSlicePrinter],
  ['rbac.authorization.k8s.io/RoleBinding', roleBindingPrinter],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', clusterRoleBindingPrinter],
  ['coordination.k8s.io/Lease', leasePrinter],
  ['policy/PodDisruptionBudget', podDisruptionBudgetPrinter],
  ['scheduling.k8s.io/PriorityClass', priorityClassPrinter],
  ['node.k8s.io/RuntimeClass', runtimeClassPrinter],
  ['storage.k8s.io/StorageClass', storageClassPrinter],
  ['storage.k8s.io/VolumeAttributesClass', volumeAttributesClassPrinter],
  ['storage.k8s.io/CSIDriver', csiDriverPrinter],
  ['storage.k8s.io/CSINode', csiNodePrinter],
  ['storage.k8s.io/VolumeAttachment', volumeAttachmentPrinter],
  ['storage.k8s.io/CSIStorageCapacity', csiStorageCapacityPrinter],
  ['admissionregistration.k8s.io/MutatingWebhookConfiguration', webhookConfigurationPrinter],
  ['admissionregistration.k8s.io/ValidatingWebhookConfiguration', webhookConfigurationPrinter],
  ['admissionregistration.k8s.io/ValidatingAdmissionPolicy', validatingAdmissionPolicyPrinter],
  ['admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding', validatingAdmissionPolicyBindingPrinter],
  ['certificates.k8s.io/CertificateSigningRequest', certificateSigningRequestPrinter],
  ['flowcontrol.apiserver.k8s.io/FlowSchema', flowSchemaPrinter],
  ['flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration', priorityLevelConfigurationPrinter],
  ['apiregistration.k8s.io/APIService', apiServicePrinter],
]);

/** The printer for a kind (group '' is core); kinds without one, CRDs included, get the default table. */
export function printerFor(group: string, kind: string): TablePrinter {
  return printers.get(`${group}/${kind}`) ?? defaultPrinter;
}
