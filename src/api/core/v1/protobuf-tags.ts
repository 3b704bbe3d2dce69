// Protocol-buffer field numbers of the core/v1 messages, from upstream's
// k8s.io/api/core/v1/generated.proto (checked against the descriptors compiled into kubectl 1.32).
// Only request decoding uses them: see src/api/schema/protobuf-tags.ts for what each table means.
import { defineProtoTags } from '../../schema/protobuf-tags.js';

const P = 'io.k8s.api.core.v1';

defineProtoTags(`${P}.TypedLocalObjectReference`, { apiGroup: 1, kind: 2, name: 3 });
defineProtoTags(`${P}.TopologySelectorLabelRequirement`, { key: 1, values: 2 });
defineProtoTags(`${P}.TopologySelectorTerm`, { matchLabelExpressions: 1 });
defineProtoTags(`${P}.ConfigMap`, { metadata: 1, data: 2, binaryData: 3, immutable: 4 });
defineProtoTags(`${P}.Secret`, { metadata: 1, data: 2, type: 3, stringData: 4, immutable: 5 }, { omitEmpty: ['type'] });
defineProtoTags(`${P}.EndpointAddress`, { ip: 1, targetRef: 2, hostname: 3, nodeName: 4 }, { omitEmpty: ['hostname'] });
defineProtoTags(`${P}.EndpointPort`, { name: 1, port: 2, protocol: 3, appProtocol: 4 }, { omitEmpty: ['name', 'protocol'] });
defineProtoTags(`${P}.EndpointSubset`, { addresses: 1, notReadyAddresses: 2, ports: 3 });
defineProtoTags(`${P}.Endpoints`, { metadata: 1, subsets: 2 });
defineProtoTags(`${P}.EventSource`, { component: 1, host: 2 }, { omitEmpty: ['component', 'host'] });
defineProtoTags(`${P}.EventSeries`, { count: 1, lastObservedTime: 2 }, { omitEmpty: ['count'] });
defineProtoTags(`${P}.Event`, {
  metadata: 1, involvedObject: 2, reason: 3, message: 4, source: 5, firstTimestamp: 6, lastTimestamp: 7, count: 8, type: 9, eventTime: 10, series: 11,
  action: 12, related: 13, reportingComponent: 14, reportingInstance: 15,
}, {
  omitEmpty: ['reason', 'message', 'count', 'type', 'action'],
});
defineProtoTags(`${P}.LimitRangeItem`, { type: 1, max: 2, min: 3, default: 4, defaultRequest: 5, maxLimitRequestRatio: 6 });
defineProtoTags(`${P}.LimitRangeSpec`, { limits: 1 });
defineProtoTags(`${P}.LimitRange`, { metadata: 1, spec: 2 });
defineProtoTags(`${P}.ScopedResourceSelectorRequirement`, { scopeName: 1, operator: 2, values: 3 });
defineProtoTags(`${P}.ScopeSelector`, { matchExpressions: 1 });
defineProtoTags(`${P}.ResourceQuotaSpec`, { hard: 1, scopes: 2, scopeSelector: 3 });
defineProtoTags(`${P}.ResourceQuotaStatus`, { hard: 1, used: 2 });
defineProtoTags(`${P}.ResourceQuota`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${P}.NamespaceSpec`, { finalizers: 1 });
defineProtoTags(`${P}.NamespaceCondition`, { type: 1, status: 2, lastTransitionTime: 4, reason: 5, message: 6 }, { omitEmpty: ['reason', 'message'] });
defineProtoTags(`${P}.NamespaceStatus`, { phase: 1, conditions: 2 }, { omitEmpty: ['phase'] });
defineProtoTags(`${P}.Namespace`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${P}.Taint`, { key: 1, value: 2, effect: 3, timeAdded: 4 }, { omitEmpty: ['value'] });
defineProtoTags(`${P}.ConfigMapNodeConfigSource`, {
  namespace: 1, name: 2, uid: 3, resourceVersion: 4, kubeletConfigKey: 5,
}, {
  omitEmpty: ['uid', 'resourceVersion'],
});
defineProtoTags(`${P}.NodeConfigSource`, { configMap: 2 });
defineProtoTags(`${P}.NodeSpec`, {
  podCIDR: 1, externalID: 2, providerID: 3, unschedulable: 4, taints: 5, configSource: 6, podCIDRs: 7,
}, {
  omitEmpty: ['podCIDR', 'providerID', 'unschedulable', 'externalID'],
});
defineProtoTags(`${P}.NodeCondition`, {
  type: 1, status: 2, lastHeartbeatTime: 3, lastTransitionTime: 4, reason: 5, message: 6,
}, {
  omitEmpty: ['reason', 'message'],
});
defineProtoTags(`${P}.NodeAddress`, { type: 1, address: 2 });
defineProtoTags(`${P}.DaemonEndpoint`, { Port: 1 });
defineProtoTags(`${P}.NodeDaemonEndpoints`, { kubeletEndpoint: 1 });
defineProtoTags(`${P}.NodeSystemInfo`, {
  machineID: 1, systemUUID: 2, bootID: 3, kernelVersion: 4, osImage: 5, containerRuntimeVersion: 6, kubeletVersion: 7, kubeProxyVersion: 8,
  operatingSystem: 9, architecture: 10,
});
defineProtoTags(`${P}.ContainerImage`, { names: 1, sizeBytes: 2 }, { omitEmpty: ['sizeBytes'] });
defineProtoTags(`${P}.AttachedVolume`, { name: 1, devicePath: 2 });
defineProtoTags(`${P}.NodeConfigStatus`, { assigned: 1, active: 2, lastKnownGood: 3, error: 4 }, { omitEmpty: ['error'] });
defineProtoTags(`${P}.NodeRuntimeHandlerFeatures`, { recursiveReadOnlyMounts: 1, userNamespaces: 2 });
defineProtoTags(`${P}.NodeRuntimeHandler`, { name: 1, features: 2 });
defineProtoTags(`${P}.NodeFeatures`, { supplementalGroupsPolicy: 1 });
defineProtoTags(`${P}.NodeStatus`, {
  capacity: 1, allocatable: 2, phase: 3, conditions: 4, addresses: 5, daemonEndpoints: 6, nodeInfo: 7, images: 8, volumesInUse: 9, volumesAttached: 10,
  config: 11, runtimeHandlers: 12, features: 13,
}, {
  omitEmpty: ['phase'],
});
defineProtoTags(`${P}.Node`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${P}.SecretReference`, { name: 1, namespace: 2 }, { omitEmpty: ['name', 'namespace'] });
defineProtoTags(`${P}.AzureFilePersistentVolumeSource`, { secretName: 1, shareName: 2, readOnly: 3, secretNamespace: 4 }, { omitEmpty: ['readOnly'] });
defineProtoTags(`${P}.CephFSPersistentVolumeSource`, {
  monitors: 1, path: 2, user: 3, secretFile: 4, secretRef: 5, readOnly: 6,
}, {
  omitEmpty: ['path', 'user', 'secretFile', 'readOnly'],
});
defineProtoTags(`${P}.CinderPersistentVolumeSource`, { volumeID: 1, fsType: 2, readOnly: 3, secretRef: 4 }, { omitEmpty: ['fsType', 'readOnly'] });
defineProtoTags(`${P}.CSIPersistentVolumeSource`, {
  driver: 1, volumeHandle: 2, readOnly: 3, fsType: 4, volumeAttributes: 5, controllerPublishSecretRef: 6, nodeStageSecretRef: 7,
  nodePublishSecretRef: 8, controllerExpandSecretRef: 9, nodeExpandSecretRef: 10,
}, {
  omitEmpty: ['readOnly', 'fsType'],
});
defineProtoTags(`${P}.FlexPersistentVolumeSource`, { driver: 1, fsType: 2, secretRef: 3, readOnly: 4, options: 5 }, { omitEmpty: ['fsType', 'readOnly'] });
defineProtoTags(`${P}.GlusterfsPersistentVolumeSource`, { endpoints: 1, path: 2, readOnly: 3, endpointsNamespace: 4 }, { omitEmpty: ['readOnly'] });
defineProtoTags(`${P}.ISCSIPersistentVolumeSource`, {
  targetPortal: 1, iqn: 2, lun: 3, iscsiInterface: 4, fsType: 5, readOnly: 6, portals: 7, chapAuthDiscovery: 8, secretRef: 10, chapAuthSession: 11,
  initiatorName: 12,
}, {
  omitEmpty: ['iscsiInterface', 'fsType', 'readOnly', 'chapAuthDiscovery', 'chapAuthSession'],
});
defineProtoTags(`${P}.LocalVolumeSource`, { path: 1, fsType: 2 });
defineProtoTags(`${P}.RBDPersistentVolumeSource`, {
  monitors: 1, image: 2, fsType: 3, pool: 4, user: 5, keyring: 6, secretRef: 7, readOnly: 8,
}, {
  omitEmpty: ['fsType', 'pool', 'user', 'keyring', 'readOnly'],
});
defineProtoTags(`${P}.ScaleIOPersistentVolumeSource`, {
  gateway: 1, system: 2, secretRef: 3, sslEnabled: 4, protectionDomain: 5, storagePool: 6, storageMode: 7, volumeName: 8, fsType: 9, readOnly: 10,
}, {
  omitEmpty: ['sslEnabled', 'protectionDomain', 'storagePool', 'storageMode', 'volumeName', 'fsType', 'readOnly'],
});
defineProtoTags(`${P}.StorageOSPersistentVolumeSource`, {
  volumeName: 1, volumeNamespace: 2, fsType: 3, readOnly: 4, secretRef: 5,
}, {
  omitEmpty: ['volumeName', 'volumeNamespace', 'fsType', 'readOnly'],
});
defineProtoTags(`${P}.VolumeNodeAffinity`, { required: 1 });
defineProtoTags(`${P}.PersistentVolumeSpec`, {
  capacity: 1, accessModes: 3, claimRef: 4, persistentVolumeReclaimPolicy: 5, storageClassName: 6, mountOptions: 7, volumeMode: 8, nodeAffinity: 9,
  volumeAttributesClassName: 10,
}, {
  inline: { 2: 'io.k8s.api.core.v1.PersistentVolumeSource' },
  omitEmpty: ['persistentVolumeReclaimPolicy', 'storageClassName'],
});
defineProtoTags(`${P}.PersistentVolumeSource`, {
  gcePersistentDisk: 1, awsElasticBlockStore: 2, hostPath: 3, glusterfs: 4, nfs: 5, rbd: 6, iscsi: 7, cinder: 8, cephfs: 9, fc: 10, flocker: 11,
  flexVolume: 12, azureFile: 13, vsphereVolume: 14, quobyte: 15, azureDisk: 16, photonPersistentDisk: 17, portworxVolume: 18, scaleIO: 19, local: 20,
  storageos: 21, csi: 22,
});
defineProtoTags(`${P}.PersistentVolumeStatus`, { phase: 1, message: 2, reason: 3, lastPhaseTransitionTime: 4 }, { omitEmpty: ['phase', 'message', 'reason'] });
defineProtoTags(`${P}.PersistentVolume`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${P}.TypedObjectReference`, { apiGroup: 1, kind: 2, name: 3, namespace: 4 });
defineProtoTags(`${P}.VolumeResourceRequirements`, { limits: 1, requests: 2 });
defineProtoTags(`${P}.PersistentVolumeClaimSpec`, {
  accessModes: 1, resources: 2, volumeName: 3, selector: 4, storageClassName: 5, volumeMode: 6, dataSource: 7, dataSourceRef: 8,
  volumeAttributesClassName: 9,
}, {
  omitEmpty: ['volumeName'],
});
defineProtoTags(`${P}.PersistentVolumeClaimCondition`, {
  type: 1, status: 2, lastProbeTime: 3, lastTransitionTime: 4, reason: 5, message: 6,
}, {
  omitEmpty: ['reason', 'message'],
});
defineProtoTags(`${P}.ModifyVolumeStatus`, { targetVolumeAttributesClassName: 1, status: 2 }, { omitEmpty: ['targetVolumeAttributesClassName'] });
defineProtoTags(`${P}.PersistentVolumeClaimStatus`, {
  phase: 1, accessModes: 2, capacity: 3, conditions: 4, allocatedResources: 5, allocatedResourceStatuses: 7, currentVolumeAttributesClassName: 8,
  modifyVolumeStatus: 9,
}, {
  omitEmpty: ['phase'],
});
defineProtoTags(`${P}.PersistentVolumeClaim`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${P}.ServicePort`, {
  name: 1, protocol: 2, port: 3, targetPort: 4, nodePort: 5, appProtocol: 6,
}, {
  omitEmpty: ['name', 'protocol', 'nodePort'],
});
defineProtoTags(`${P}.ClientIPConfig`, { timeoutSeconds: 1 });
defineProtoTags(`${P}.SessionAffinityConfig`, { clientIP: 1 });
defineProtoTags(`${P}.ServiceSpec`, {
  ports: 1, selector: 2, clusterIP: 3, type: 4, externalIPs: 5, sessionAffinity: 7, loadBalancerIP: 8, loadBalancerSourceRanges: 9, externalName: 10,
  externalTrafficPolicy: 11, healthCheckNodePort: 12, publishNotReadyAddresses: 13, sessionAffinityConfig: 14, ipFamilyPolicy: 17, clusterIPs: 18,
  ipFamilies: 19, allocateLoadBalancerNodePorts: 20, loadBalancerClass: 21, internalTrafficPolicy: 22, trafficDistribution: 23,
}, {
  omitEmpty: [
    'clusterIP', 'type', 'sessionAffinity', 'loadBalancerIP', 'externalName', 'externalTrafficPolicy', 'healthCheckNodePort',
    'publishNotReadyAddresses',
  ],
});
defineProtoTags(`${P}.PortStatus`, { port: 1, protocol: 2, error: 3 });
defineProtoTags(`${P}.LoadBalancerIngress`, { ip: 1, hostname: 2, ipMode: 3, ports: 4 }, { omitEmpty: ['ip', 'hostname'] });
defineProtoTags(`${P}.LoadBalancerStatus`, { ingress: 1 });
defineProtoTags(`${P}.ServiceStatus`, { loadBalancer: 1, conditions: 2 });
defineProtoTags(`${P}.Service`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${P}.ServiceAccount`, { metadata: 1, secrets: 2, imagePullSecrets: 3, automountServiceAccountToken: 4 });
defineProtoTags(`${P}.ObjectReference`, {
  kind: 1, namespace: 2, name: 3, uid: 4, apiVersion: 5, resourceVersion: 6, fieldPath: 7,
}, {
  omitEmpty: ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'],
});
defineProtoTags(`${P}.LocalObjectReference`, { name: 1 }, { omitEmpty: ['name'] });
defineProtoTags(`${P}.ObjectFieldSelector`, { apiVersion: 1, fieldPath: 2 }, { omitEmpty: ['apiVersion'] });
defineProtoTags(`${P}.ResourceFieldSelector`, { containerName: 1, resource: 2, divisor: 3 }, { omitEmpty: ['containerName'] });
defineProtoTags(`${P}.ConfigMapKeySelector`, { key: 2, optional: 3 }, { inline: { 1: 'io.k8s.api.core.v1.LocalObjectReference' } });
defineProtoTags(`${P}.SecretKeySelector`, { key: 2, optional: 3 }, { inline: { 1: 'io.k8s.api.core.v1.LocalObjectReference' } });
defineProtoTags(`${P}.EnvVarSource`, { fieldRef: 1, resourceFieldRef: 2, configMapKeyRef: 3, secretKeyRef: 4 });
defineProtoTags(`${P}.EnvVar`, { name: 1, value: 2, valueFrom: 3 }, { omitEmpty: ['value'] });
defineProtoTags(`${P}.ConfigMapEnvSource`, { optional: 2 }, { inline: { 1: 'io.k8s.api.core.v1.LocalObjectReference' } });
defineProtoTags(`${P}.SecretEnvSource`, { optional: 2 }, { inline: { 1: 'io.k8s.api.core.v1.LocalObjectReference' } });
defineProtoTags(`${P}.EnvFromSource`, { prefix: 1, configMapRef: 2, secretRef: 3 }, { omitEmpty: ['prefix'] });
defineProtoTags(`${P}.ContainerPort`, {
  name: 1, hostPort: 2, containerPort: 3, protocol: 4, hostIP: 5,
}, {
  omitEmpty: ['name', 'hostPort', 'protocol', 'hostIP'],
});
defineProtoTags(`${P}.ResourceClaim`, { name: 1, request: 2 }, { omitEmpty: ['request'] });
defineProtoTags(`${P}.ResourceRequirements`, { limits: 1, requests: 2, claims: 3 });
defineProtoTags(`${P}.ContainerResizePolicy`, { resourceName: 1, restartPolicy: 2 });
defineProtoTags(`${P}.VolumeMount`, {
  name: 1, readOnly: 2, mountPath: 3, subPath: 4, mountPropagation: 5, subPathExpr: 6, recursiveReadOnly: 7,
}, {
  omitEmpty: ['readOnly', 'subPath', 'subPathExpr'],
});
defineProtoTags(`${P}.VolumeDevice`, { name: 1, devicePath: 2 });
defineProtoTags(`${P}.ExecAction`, { command: 1 });
defineProtoTags(`${P}.HTTPHeader`, { name: 1, value: 2 });
defineProtoTags(`${P}.HTTPGetAction`, { path: 1, port: 2, host: 3, scheme: 4, httpHeaders: 5 }, { omitEmpty: ['path', 'host', 'scheme'] });
defineProtoTags(`${P}.TCPSocketAction`, { port: 1, host: 2 }, { omitEmpty: ['host'] });
defineProtoTags(`${P}.GRPCAction`, { port: 1, service: 2 });
defineProtoTags(`${P}.SleepAction`, { seconds: 1 });
defineProtoTags(`${P}.Probe`, {
  initialDelaySeconds: 2, timeoutSeconds: 3, periodSeconds: 4, successThreshold: 5, failureThreshold: 6, terminationGracePeriodSeconds: 7,
}, {
  inline: { 1: 'io.k8s.api.core.v1.ProbeHandler' },
  omitEmpty: ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'],
});
defineProtoTags(`${P}.ProbeHandler`, { exec: 1, httpGet: 2, tcpSocket: 3, grpc: 4 });
defineProtoTags(`${P}.LifecycleHandler`, { exec: 1, httpGet: 2, tcpSocket: 3, sleep: 4 });
defineProtoTags(`${P}.Lifecycle`, { postStart: 1, preStop: 2 });
defineProtoTags(`${P}.Capabilities`, { add: 1, drop: 2 });
defineProtoTags(`${P}.SELinuxOptions`, { user: 1, role: 2, type: 3, level: 4 }, { omitEmpty: ['user', 'role', 'type', 'level'] });
defineProtoTags(`${P}.WindowsSecurityContextOptions`, { gmsaCredentialSpecName: 1, gmsaCredentialSpec: 2, runAsUserName: 3, hostProcess: 4 });
defineProtoTags(`${P}.SeccompProfile`, { type: 1, localhostProfile: 2 });
defineProtoTags(`${P}.AppArmorProfile`, { type: 1, localhostProfile: 2 });
defineProtoTags(`${P}.SecurityContext`, {
  capabilities: 1, privileged: 2, seLinuxOptions: 3, runAsUser: 4, runAsNonRoot: 5, readOnlyRootFilesystem: 6, allowPrivilegeEscalation: 7,
  runAsGroup: 8, procMount: 9, windowsOptions: 10, seccompProfile: 11, appArmorProfile: 12,
});
defineProtoTags(`${P}.Container`, {
  name: 1, image: 2, command: 3, args: 4, workingDir: 5, ports: 6, env: 7, resources: 8, volumeMounts: 9, livenessProbe: 10, readinessProbe: 11,
  lifecycle: 12, terminationMessagePath: 13, imagePullPolicy: 14, securityContext: 15, stdin: 16, stdinOnce: 17, tty: 18, envFrom: 19,
  terminationMessagePolicy: 20, volumeDevices: 21, startupProbe: 22, resizePolicy: 23, restartPolicy: 24,
}, {
  omitEmpty: ['image', 'workingDir', 'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy', 'stdin', 'stdinOnce', 'tty'],
});
defineProtoTags(`${P}.EphemeralContainer`, {
  targetContainerName: 2,
}, {
  inline: { 1: 'io.k8s.api.core.v1.EphemeralContainerCommon' },
  omitEmpty: ['targetContainerName'],
});
defineProtoTags(`${P}.EphemeralContainerCommon`, {
  name: 1, image: 2, command: 3, args: 4, workingDir: 5, ports: 6, env: 7, resources: 8, volumeMounts: 9, livenessProbe: 10, readinessProbe: 11,
  lifecycle: 12, terminationMessagePath: 13, imagePullPolicy: 14, securityContext: 15, stdin: 16, stdinOnce: 17, tty: 18, envFrom: 19,
  terminationMessagePolicy: 20, volumeDevices: 21, startupProbe: 22, resizePolicy: 23, restartPolicy: 24,
}, {
  omitEmpty: ['image', 'workingDir', 'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy', 'stdin', 'stdinOnce', 'tty'],
});
defineProtoTags(`${P}.KeyToPath`, { key: 1, path: 2, mode: 3 });
defineProtoTags(`${P}.HostPathVolumeSource`, { path: 1, type: 2 });
defineProtoTags(`${P}.EmptyDirVolumeSource`, { medium: 1, sizeLimit: 2 }, { omitEmpty: ['medium'] });
defineProtoTags(`${P}.GCEPersistentDiskVolumeSource`, { pdName: 1, fsType: 2, partition: 3, readOnly: 4 }, { omitEmpty: ['fsType', 'partition', 'readOnly'] });
defineProtoTags(`${P}.AWSElasticBlockStoreVolumeSource`, {
  volumeID: 1, fsType: 2, partition: 3, readOnly: 4,
}, {
  omitEmpty: ['fsType', 'partition', 'readOnly'],
});
defineProtoTags(`${P}.GitRepoVolumeSource`, { repository: 1, revision: 2, directory: 3 }, { omitEmpty: ['revision', 'directory'] });
defineProtoTags(`${P}.SecretVolumeSource`, { secretName: 1, items: 2, defaultMode: 3, optional: 4 }, { omitEmpty: ['secretName'] });
defineProtoTags(`${P}.NFSVolumeSource`, { server: 1, path: 2, readOnly: 3 }, { omitEmpty: ['readOnly'] });
defineProtoTags(`${P}.ISCSIVolumeSource`, {
  targetPortal: 1, iqn: 2, lun: 3, iscsiInterface: 4, fsType: 5, readOnly: 6, portals: 7, chapAuthDiscovery: 8, secretRef: 10, chapAuthSession: 11,
  initiatorName: 12,
}, {
  omitEmpty: ['iscsiInterface', 'fsType', 'readOnly', 'chapAuthDiscovery', 'chapAuthSession'],
});
defineProtoTags(`${P}.GlusterfsVolumeSource`, { endpoints: 1, path: 2, readOnly: 3 }, { omitEmpty: ['readOnly'] });
defineProtoTags(`${P}.PersistentVolumeClaimVolumeSource`, { claimName: 1, readOnly: 2 }, { omitEmpty: ['readOnly'] });
defineProtoTags(`${P}.RBDVolumeSource`, {
  monitors: 1, image: 2, fsType: 3, pool: 4, user: 5, keyring: 6, secretRef: 7, readOnly: 8,
}, {
  omitEmpty: ['fsType', 'pool', 'user', 'keyring', 'readOnly'],
});
defineProtoTags(`${P}.FlexVolumeSource`, { driver: 1, fsType: 2, secretRef: 3, readOnly: 4, options: 5 }, { omitEmpty: ['fsType', 'readOnly'] });
defineProtoTags(`${P}.CinderVolumeSource`, { volumeID: 1, fsType: 2, readOnly: 3, secretRef: 4 }, { omitEmpty: ['fsType', 'readOnly'] });
defineProtoTags(`${P}.CephFSVolumeSource`, {
  monitors: 1, path: 2, user: 3, secretFile: 4, secretRef: 5, readOnly: 6,
}, {
  omitEmpty: ['path', 'user', 'secretFile', 'readOnly'],
});
defineProtoTags(`${P}.FlockerVolumeSource`, { datasetName: 1, datasetUUID: 2 }, { omitEmpty: ['datasetName', 'datasetUUID'] });
defineProtoTags(`${P}.DownwardAPIVolumeFile`, { path: 1, fieldRef: 2, resourceFieldRef: 3, mode: 4 });
defineProtoTags(`${P}.DownwardAPIVolumeSource`, { items: 1, defaultMode: 2 });
defineProtoTags(`${P}.FCVolumeSource`, { targetWWNs: 1, lun: 2, fsType: 3, readOnly: 4, wwids: 5 }, { omitEmpty: ['fsType', 'readOnly'] });
defineProtoTags(`${P}.AzureFileVolumeSource`, { secretName: 1, shareName: 2, readOnly: 3 }, { omitEmpty: ['readOnly'] });
defineProtoTags(`${P}.ConfigMapVolumeSource`, { items: 2, defaultMode: 3, optional: 4 }, { inline: { 1: 'io.k8s.api.core.v1.LocalObjectReference' } });
defineProtoTags(`${P}.VsphereVirtualDiskVolumeSource`, {
  volumePath: 1, fsType: 2, storagePolicyName: 3, storagePolicyID: 4,
}, {
  omitEmpty: ['fsType', 'storagePolicyName', 'storagePolicyID'],
});
defineProtoTags(`${P}.QuobyteVolumeSource`, {
  registry: 1, volume: 2, readOnly: 3, user: 4, group: 5, tenant: 6,
}, {
  omitEmpty: ['readOnly', 'user', 'group', 'tenant'],
});
defineProtoTags(`${P}.AzureDiskVolumeSource`, { diskName: 1, diskURI: 2, cachingMode: 3, fsType: 4, readOnly: 5, kind: 6 });
defineProtoTags(`${P}.PhotonPersistentDiskVolumeSource`, { pdID: 1, fsType: 2 }, { omitEmpty: ['fsType'] });
defineProtoTags(`${P}.SecretProjection`, { items: 2, optional: 4 }, { inline: { 1: 'io.k8s.api.core.v1.LocalObjectReference' } });
defineProtoTags(`${P}.ConfigMapProjection`, { items: 2, optional: 4 }, { inline: { 1: 'io.k8s.api.core.v1.LocalObjectReference' } });
defineProtoTags(`${P}.DownwardAPIProjection`, { items: 1 });
defineProtoTags(`${P}.ServiceAccountTokenProjection`, { audience: 1, expirationSeconds: 2, path: 3 }, { omitEmpty: ['audience'] });
defineProtoTags(`${P}.ClusterTrustBundleProjection`, { name: 1, signerName: 2, labelSelector: 3, path: 4, optional: 5 });
defineProtoTags(`${P}.VolumeProjection`, { secret: 1, downwardAPI: 2, configMap: 3, serviceAccountToken: 4, clusterTrustBundle: 5 });
defineProtoTags(`${P}.ProjectedVolumeSource`, { sources: 1, defaultMode: 2 });
defineProtoTags(`${P}.PortworxVolumeSource`, { volumeID: 1, fsType: 2, readOnly: 3 }, { omitEmpty: ['fsType', 'readOnly'] });
defineProtoTags(`${P}.ScaleIOVolumeSource`, {
  gateway: 1, system: 2, secretRef: 3, sslEnabled: 4, protectionDomain: 5, storagePool: 6, storageMode: 7, volumeName: 8, fsType: 9, readOnly: 10,
}, {
  omitEmpty: ['sslEnabled', 'protectionDomain', 'storagePool', 'storageMode', 'volumeName', 'fsType', 'readOnly'],
});
defineProtoTags(`${P}.StorageOSVolumeSource`, {
  volumeName: 1, volumeNamespace: 2, fsType: 3, readOnly: 4, secretRef: 5,
}, {
  omitEmpty: ['volumeName', 'volumeNamespace', 'fsType', 'readOnly'],
});
defineProtoTags(`${P}.CSIVolumeSource`, { driver: 1, readOnly: 2, fsType: 3, volumeAttributes: 4, nodePublishSecretRef: 5 });
defineProtoTags(`${P}.PersistentVolumeClaimTemplate`, { metadata: 1, spec: 2 });
defineProtoTags(`${P}.EphemeralVolumeSource`, { volumeClaimTemplate: 1 });
defineProtoTags(`${P}.ImageVolumeSource`, { reference: 1, pullPolicy: 2 }, { omitEmpty: ['reference', 'pullPolicy'] });
defineProtoTags(`${P}.Volume`, { name: 1 }, { inline: { 2: 'io.k8s.api.core.v1.VolumeSource' } });
defineProtoTags(`${P}.VolumeSource`, {
  hostPath: 1, emptyDir: 2, gcePersistentDisk: 3, awsElasticBlockStore: 4, gitRepo: 5, secret: 6, nfs: 7, iscsi: 8, glusterfs: 9,
  persistentVolumeClaim: 10, rbd: 11, flexVolume: 12, cinder: 13, cephfs: 14, flocker: 15, downwardAPI: 16, fc: 17, azureFile: 18, configMap: 19,
  vsphereVolume: 20, quobyte: 21, azureDisk: 22, photonPersistentDisk: 23, portworxVolume: 24, scaleIO: 25, projected: 26, storageos: 27, csi: 28,
  ephemeral: 29, image: 30,
});
defineProtoTags(`${P}.NodeSelectorRequirement`, { key: 1, operator: 2, values: 3 });
defineProtoTags(`${P}.NodeSelectorTerm`, { matchExpressions: 1, matchFields: 2 });
defineProtoTags(`${P}.NodeSelector`, { nodeSelectorTerms: 1 });
defineProtoTags(`${P}.PreferredSchedulingTerm`, { weight: 1, preference: 2 });
defineProtoTags(`${P}.NodeAffinity`, { requiredDuringSchedulingIgnoredDuringExecution: 1, preferredDuringSchedulingIgnoredDuringExecution: 2 });
defineProtoTags(`${P}.PodAffinityTerm`, { labelSelector: 1, namespaces: 2, topologyKey: 3, namespaceSelector: 4, matchLabelKeys: 5, mismatchLabelKeys: 6 });
defineProtoTags(`${P}.WeightedPodAffinityTerm`, { weight: 1, podAffinityTerm: 2 });
defineProtoTags(`${P}.PodAffinity`, { requiredDuringSchedulingIgnoredDuringExecution: 1, preferredDuringSchedulingIgnoredDuringExecution: 2 });
defineProtoTags(`${P}.PodAntiAffinity`, { requiredDuringSchedulingIgnoredDuringExecution: 1, preferredDuringSchedulingIgnoredDuringExecution: 2 });
defineProtoTags(`${P}.Affinity`, { nodeAffinity: 1, podAffinity: 2, podAntiAffinity: 3 });
defineProtoTags(`${P}.Toleration`, { key: 1, operator: 2, value: 3, effect: 4, tolerationSeconds: 5 }, { omitEmpty: ['key', 'operator', 'value', 'effect'] });
defineProtoTags(`${P}.TopologySpreadConstraint`, {
  maxSkew: 1, topologyKey: 2, whenUnsatisfiable: 3, labelSelector: 4, minDomains: 5, nodeAffinityPolicy: 6, nodeTaintsPolicy: 7, matchLabelKeys: 8,
});
defineProtoTags(`${P}.Sysctl`, { name: 1, value: 2 });
defineProtoTags(`${P}.PodSecurityContext`, {
  seLinuxOptions: 1, runAsUser: 2, runAsNonRoot: 3, supplementalGroups: 4, fsGroup: 5, runAsGroup: 6, sysctls: 7, windowsOptions: 8,
  fsGroupChangePolicy: 9, seccompProfile: 10, appArmorProfile: 11, supplementalGroupsPolicy: 12, seLinuxChangePolicy: 13,
});
defineProtoTags(`${P}.PodDNSConfigOption`, { name: 1, value: 2 }, { omitEmpty: ['name'] });
defineProtoTags(`${P}.PodDNSConfig`, { nameservers: 1, searches: 2, options: 3 });
defineProtoTags(`${P}.HostAlias`, { ip: 1, hostnames: 2 });
defineProtoTags(`${P}.PodReadinessGate`, { conditionType: 1 });
defineProtoTags(`${P}.PodOS`, { name: 1 });
defineProtoTags(`${P}.PodSchedulingGate`, { name: 1 });
defineProtoTags(`${P}.PodResourceClaim`, { name: 1, resourceClaimName: 3, resourceClaimTemplateName: 4 });
defineProtoTags(`${P}.PodSpec`, {
  volumes: 1, containers: 2, restartPolicy: 3, terminationGracePeriodSeconds: 4, activeDeadlineSeconds: 5, dnsPolicy: 6, nodeSelector: 7,
  serviceAccountName: 8, serviceAccount: 9, nodeName: 10, hostNetwork: 11, hostPID: 12, hostIPC: 13, securityContext: 14, imagePullSecrets: 15,
  hostname: 16, subdomain: 17, affinity: 18, schedulerName: 19, initContainers: 20, automountServiceAccountToken: 21, tolerations: 22, hostAliases: 23,
  priorityClassName: 24, priority: 25, dnsConfig: 26, shareProcessNamespace: 27, readinessGates: 28, runtimeClassName: 29, enableServiceLinks: 30,
  preemptionPolicy: 31, overhead: 32, topologySpreadConstraints: 33, ephemeralContainers: 34, setHostnameAsFQDN: 35, os: 36, hostUsers: 37,
  schedulingGates: 38, resourceClaims: 39, resources: 40,
}, {
  omitEmpty: [
    'restartPolicy', 'dnsPolicy', 'serviceAccountName', 'serviceAccount', 'nodeName', 'hostNetwork', 'hostPID', 'hostIPC', 'hostname', 'subdomain',
    'schedulerName', 'priorityClassName',
  ],
});
defineProtoTags(`${P}.PodCondition`, {
  type: 1, status: 2, lastProbeTime: 3, lastTransitionTime: 4, reason: 5, message: 6,
}, {
  omitEmpty: ['reason', 'message'],
});
defineProtoTags(`${P}.ContainerStateWaiting`, { reason: 1, message: 2 }, { omitEmpty: ['reason', 'message'] });
defineProtoTags(`${P}.ContainerStateRunning`, { startedAt: 1 });
defineProtoTags(`${P}.ContainerStateTerminated`, {
  exitCode: 1, signal: 2, reason: 3, message: 4, startedAt: 5, finishedAt: 6, containerID: 7,
}, {
  omitEmpty: ['signal', 'reason', 'message', 'containerID'],
});
defineProtoTags(`${P}.ContainerState`, { waiting: 1, running: 2, terminated: 3 });
defineProtoTags(`${P}.VolumeMountStatus`, { name: 1, mountPath: 2, readOnly: 3, recursiveReadOnly: 4 }, { omitEmpty: ['readOnly'] });
defineProtoTags(`${P}.LinuxContainerUser`, { uid: 1, gid: 2, supplementalGroups: 3 });
defineProtoTags(`${P}.ContainerUser`, { linux: 1 });
defineProtoTags(`${P}.ResourceHealth`, { resourceID: 1, health: 2 }, { omitEmpty: ['health'] });
defineProtoTags(`${P}.ResourceStatus`, { name: 1, resources: 2 });
defineProtoTags(`${P}.ContainerStatus`, {
  name: 1, state: 2, lastState: 3, ready: 4, restartCount: 5, image: 6, imageID: 7, containerID: 8, started: 9, allocatedResources: 10, resources: 11,
  volumeMounts: 12, user: 13, allocatedResourcesStatus: 14,
}, {
  omitEmpty: ['containerID'],
});
defineProtoTags(`${P}.PodIP`, { ip: 1 });
defineProtoTags(`${P}.HostIP`, { ip: 1 });
defineProtoTags(`${P}.PodResourceClaimStatus`, { name: 1, resourceClaimName: 2 });
defineProtoTags(`${P}.PodStatus`, {
  phase: 1, conditions: 2, message: 3, reason: 4, hostIP: 5, podIP: 6, startTime: 7, containerStatuses: 8, qosClass: 9, initContainerStatuses: 10,
  nominatedNodeName: 11, podIPs: 12, ephemeralContainerStatuses: 13, resize: 14, resourceClaimStatuses: 15, hostIPs: 16,
}, {
  omitEmpty: ['phase', 'message', 'reason', 'nominatedNodeName', 'hostIP', 'podIP', 'qosClass', 'resize'],
});
defineProtoTags(`${P}.Pod`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${P}.PodList`, { metadata: 1, items: 2 });
defineProtoTags(`${P}.PodTemplateSpec`, { metadata: 1, spec: 2 });
defineProtoTags(`${P}.PodTemplate`, { metadata: 1, template: 2 });
defineProtoTags(`${P}.PodTemplateList`, { metadata: 1, items: 2 });
defineProtoTags(`${P}.ReplicationControllerSpec`, { replicas: 1, selector: 2, template: 3, minReadySeconds: 4 }, { omitEmpty: ['minReadySeconds'] });
defineProtoTags(`${P}.ReplicationControllerCondition`, {
  type: 1, status: 2, lastTransitionTime: 3, reason: 4, message: 5,
}, {
  omitEmpty: ['reason', 'message'],
});
defineProtoTags(`${P}.ReplicationControllerStatus`, {
  replicas: 1, fullyLabeledReplicas: 2, observedGeneration: 3, readyReplicas: 4, availableReplicas: 5, conditions: 6,
}, {
  omitEmpty: ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'],
});
defineProtoTags(`${P}.ReplicationController`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${P}.ReplicationControllerList`, { metadata: 1, items: 2 });
defineProtoTags(`${P}.Binding`, { metadata: 1, target: 2 });
