// OpenAPI definitions of the PodSpec and its pod-level settings (security context, OS, claims).
import { arr, bool, enumOf, int32, int64, keyedList, str, strMap } from '../../../schema/dsl.js';
import { atomicList, def, r, resourceList } from './schema-common.js';

// ---- pod-level settings -----------------------------------------------------------------

def('Sysctl', 'A kernel parameter set for the pod.', {
  name: str('Name of the parameter.'),
  value: str('Value of the parameter.'),
}, { required: ['name', 'value'] });

def('PodSecurityContext', 'Security settings for every container of a pod.', {
  appArmorProfile: r('AppArmorProfile', 'AppArmor profile of the containers.'),
  fsGroup: int64('Supplemental group that owns volumes and is added to every container process.'),
  fsGroupChangePolicy: enumOf(['Always', 'OnRootMismatch'], 'When volume ownership is changed to fsGroup: OnRootMismatch or Always.'),
  runAsGroup: int64('GID to run entrypoints as.'),
  runAsNonRoot: bool('Refuse to start containers that would run as UID 0.'),
  runAsUser: int64('UID to run entrypoints as.'),
  seLinuxChangePolicy: str('How the SELinux label is applied to volumes: MountOption or Recursive.'),
  seLinuxOptions: r('SELinuxOptions', 'SELinux context of every container.'),
  seccompProfile: r('SeccompProfile', 'Seccomp profile of the containers.'),
  supplementalGroups: atomicList(int64(), 'Extra GIDs for the first process of each container.'),
  supplementalGroupsPolicy: enumOf(['Merge', 'Strict'], 'How supplemental groups of the first process are computed: Merge or Strict.'),
  sysctls: atomicList(r('Sysctl'), 'Namespaced sysctls set for the pod.'),
  windowsOptions: r('WindowsSecurityContextOptions', 'Windows-specific settings.'),
});

def('PodOS', 'The operating system the pod runs on.', {
  name: str('linux or windows.'),
}, { required: ['name'] });

def('PodResourceClaim', 'A ResourceClaim the pod needs, by name or by template.', {
  name: str('Name of the claim within the pod, a DNS_LABEL.'),
  resourceClaimName: str('Name of an existing ResourceClaim in the pod namespace.'),
  resourceClaimTemplateName: str('Name of a ResourceClaimTemplate from which a per-pod claim is made.'),
}, { required: ['name'] });

def('PodSpec', 'The desired behaviour of a pod.', {
  activeDeadlineSeconds: int64('Seconds the pod may be active on a node before the system actively fails it.'),
  affinity: r('Affinity', 'Scheduling constraints.'),
  automountServiceAccountToken: bool('Whether a service account token is mounted automatically.'),
  containers: keyedList(r('Container'), 'name', 'Containers of the pod; at least one.'),
  dnsConfig: r('PodDNSConfig', 'DNS parameters added to those of dnsPolicy.'),
  dnsPolicy: enumOf(['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'], 'DNS policy: ClusterFirstWithHostNet, ClusterFirst, Default or None; defaults to ClusterFirst.'),
  enableServiceLinks: bool('Inject information about Services as Docker-link environment variables; defaults to true.'),
  ephemeralContainers: keyedList(r('EphemeralContainer'), 'name', 'Ephemeral containers run in this pod for debugging; added through the ephemeralcontainers subresource.'),
  hostAliases: keyedList(r('HostAlias'), 'ip', "Extra entries for the pod's hosts file."),
  hostIPC: bool("Use the host's IPC namespace."),
  hostNetwork: bool("Use the host's network namespace."),
  hostPID: bool("Use the host's PID namespace."),
  hostUsers: bool("Use the host's user namespace; false gives the pod its own."),
  hostname: str('Hostname of the pod; the pod name when unset.'),
  imagePullSecrets: keyedList(r('LocalObjectReference'), 'name', 'Secrets used to pull the images.'),
  initContainers: keyedList(r('Container'), 'name', 'Containers run to completion, in order, before the app containers start.'),
  nodeName: str('Node the pod is bound to; set by the scheduler.'),
  nodeSelector: strMap('Labels a node must have for the pod to fit.'),
  os: r('PodOS', 'Operating system of the containers.'),
  overhead: resourceList('Resources consumed by the pod sandbox, on top of the containers.'),
  preemptionPolicy: enumOf(['Never', 'PreemptLowerPriority'], 'Whether the pod may preempt lower-priority pods; defaults to PreemptLowerPriority.'),
  priority: int32('Priority value, filled from priorityClassName by admission.'),
  priorityClassName: str('Name of the PriorityClass of the pod.'),
  readinessGates: atomicList(r('PodReadinessGate'), 'Extra conditions evaluated for pod readiness.'),
  resourceClaims: arr(r('PodResourceClaim'), {
    patchStrategy: 'merge,retainKeys',
    patchMergeKey: 'name',
    listType: 'map',
    listMapKeys: ['name'],
    description: 'ResourceClaims the containers may use.',
  }),
  resources: r('ResourceRequirements', 'Total resources of the pod (pod-level resources, alpha).'),
  restartPolicy: enumOf(['Always', 'Never', 'OnFailure'], 'Restart policy of the containers: Always, OnFailure or Never; defaults to Always.'),
  runtimeClassName: str('RuntimeClass that runs this pod.'),
  schedulerName: str('Scheduler that places the pod; defaults to default-scheduler.'),
  schedulingGates: keyedList(r('PodSchedulingGate'), 'name', 'Gates that block scheduling while present; only removal is allowed.'),
  securityContext: r('PodSecurityContext', 'Pod-level security attributes.'),
  serviceAccount: str('Deprecated alias of serviceAccountName.'),
  serviceAccountName: str('ServiceAccount the pod runs as.'),
  setHostnameAsFQDN: bool("Set the pod's hostname to its fully qualified domain name."),
  shareProcessNamespace: bool('Share one process namespace between all containers.'),
  subdomain: str('Subdomain of the pod; with hostname gives <hostname>.<subdomain>.<namespace>.svc.<cluster domain>.'),
  terminationGracePeriodSeconds: int64('Seconds between the termination signal and the kill; defaults to 30.'),
  tolerations: atomicList(r('Toleration'), 'Tolerations of the pod.'),
  topologySpreadConstraints: arr(r('TopologySpreadConstraint'), {
    patchStrategy: 'merge',
    patchMergeKey: 'topologyKey',
    listType: 'map',
    listMapKeys: ['topologyKey', 'whenUnsatisfiable'],
    description: 'How the pod is spread across topology domains.',
  }),
  volumes: arr(r('Volume'), {
    patchStrategy: 'merge,retainKeys',
    patchMergeKey: 'name',
    listType: 'map',
    listMapKeys: ['name'],
    description: 'Volumes the containers may mount.',
  }),
}, { required: ['containers'] });
