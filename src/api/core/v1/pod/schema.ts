// OpenAPI definitions for core/v1 Pod and its family, named as upstream names them so
// other kinds (workloads, PersistentVolume, Event) can refer to them by name. Patch
// metadata (merge keys, list types) follows Kubernetes 1.32.
import {
  arr,
  bool,
  define,
  enumOf,
  int32,
  int64,
  intOrString,
  keyedList,
  obj,
  quantity,
  ref,
  str,
  strMap,
  mapOf,
  time,
  type ObjectSchema,
  type Schema,
} from '../../../schema/dsl.js';
import { apiVersionField, kindField, labelSelector, listMeta, objectMeta } from '../../../schema/meta.js';

export const CORE_V1 = 'io.k8s.api.core.v1';

const r = (name: string, description?: string) => ref(`${CORE_V1}.${name}`, description);
function def(name: string, description: string, properties: Record<string, Schema>, opts: Omit<ObjectSchema, 'type' | 'properties' | 'description'> = {}): void {
  define(`${CORE_V1}.${name}`, obj(properties, { description, ...opts }));
}
const atomicList = (items: Schema, description?: string) => arr(items, { listType: 'atomic', description });
const strList = (description?: string) => atomicList(str(), description);
const resourceList = (description: string) => mapOf(quantity(), description);

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

// ---- environment ----------------------------------------------------------------------

def('ObjectFieldSelector', 'Selects a field of the pod for the downward API.', {
  apiVersion: str('Version of the schema fieldPath is written in; defaults to "v1".'),
  fieldPath: str('Path of the field to select, in that API version.'),
}, { required: ['fieldPath'], mapType: 'atomic' });

def('ResourceFieldSelector', "Selects a container's resource request or limit for the downward API.", {
  containerName: str('Container to read the resource of; required for volumes, optional for env vars.'),
  divisor: quantity('Unit the value is expressed in; defaults to "1".'),
  resource: str('The resource to select, e.g. limits.cpu or requests.memory.'),
}, { required: ['resource'], mapType: 'atomic' });

def('ConfigMapKeySelector', 'Selects one key of a ConfigMap.', {
  key: str('The key to select.'),
  name: str('Name of the ConfigMap.'),
  optional: bool('Whether the ConfigMap or its key may be missing.'),
}, { required: ['key'], mapType: 'atomic' });

def('SecretKeySelector', 'Selects one key of a Secret in the pod namespace.', {
  key: str('The key of the secret to select from; must be a valid secret key.'),
  name: str('Name of the Secret.'),
  optional: bool('Whether the Secret or its key may be missing.'),
}, { required: ['key'], mapType: 'atomic' });

def('EnvVarSource', "Where an environment variable's value comes from.", {
  configMapKeyRef: r('ConfigMapKeySelector', 'A key of a ConfigMap.'),
  fieldRef: r('ObjectFieldSelector', 'A field of the pod: metadata.name, metadata.namespace, metadata.labels[KEY], status.podIP and the like.'),
  resourceFieldRef: r('ResourceFieldSelector', "A resource of the container: its limits or requests."),
  secretKeyRef: r('SecretKeySelector', "A key of a Secret in the pod's namespace."),
});

def('EnvVar', 'One environment variable of a container.', {
  name: str('Name of the variable.'),
  value: str('Literal value; $(VAR) references to earlier variables are expanded.'),
  valueFrom: r('EnvVarSource', 'Source of the value when it is not a literal.'),
}, { required: ['name'] });

def('ConfigMapEnvSource', 'Exposes every key of a ConfigMap as environment variables.', {
  name: str('Name of the ConfigMap.'),
  optional: bool('Whether the ConfigMap may be missing.'),
});

def('SecretEnvSource', 'Exposes every key of a Secret as environment variables.', {
  name: str('Name of the Secret.'),
  optional: bool('Whether the Secret may be missing.'),
});

def('EnvFromSource', 'A set of environment variables taken from a ConfigMap or Secret.', {
  configMapRef: r('ConfigMapEnvSource', 'The ConfigMap to read.'),
  prefix: str('Prefix prepended to every key.'),
  secretRef: r('SecretEnvSource', 'The Secret to read.'),
});

// ---- container pieces -------------------------------------------------------------------

const protocols = ['SCTP', 'TCP', 'UDP'] as const;

def('ContainerPort', 'A network port exposed by a container.', {
  containerPort: int32("Port number on the pod's IP address, 0 < x < 65536."),
  hostIP: str('Host IP to bind the host port to.'),
  hostPort: int32('Port to expose on the host, 0 < x < 65536; usually unset.'),
  name: str('IANA_SVC_NAME, unique within the pod, that Services can refer to.'),
  protocol: enumOf(protocols, 'Protocol of the port: UDP, TCP or SCTP; defaults to TCP.'),
}, { required: ['containerPort'] });

def('ResourceClaim', 'Names one entry of PodSpec.resourceClaims that this container uses.', {
  name: str('Name of the entry in pod.spec.resourceClaims.'),
  request: str('Name of the request within that claim to use; empty means all of them.'),
}, { required: ['name'] });

def('ResourceRequirements', 'Compute resources a container requests and is limited to.', {
  claims: keyedList(r('ResourceClaim'), 'name', 'Dynamically allocated resources (DRA) this container uses.', { patchStrategy: undefined, patchMergeKey: undefined }),
  limits: resourceList('Maximum amount of each compute resource the container may use.'),
  requests: resourceList('Minimum amount of each compute resource the container needs; defaults to limits when unset.'),
});

def('ContainerResizePolicy', 'What happens to a container when one of its resources is resized in place.', {
  resourceName: str('The resource this policy applies to: cpu or memory.'),
  restartPolicy: str('NotRequired or RestartContainer.'),
}, { required: ['resourceName', 'restartPolicy'] });

def('VolumeMount', 'Mounts a volume into a container.', {
  mountPath: str('Path inside the container where the volume is mounted; may not contain ":".'),
  mountPropagation: enumOf(['Bidirectional', 'HostToContainer', 'None'], 'How mounts propagate between host and container.'),
  name: str('Name of the volume, as in pod.spec.volumes.'),
  readOnly: bool('Mount read-only when true.'),
  recursiveReadOnly: str('Whether a read-only mount is also read-only in its submounts: Disabled, IfPossible or Enabled.'),
  subPath: str('Path within the volume to mount instead of its root.'),
  subPathExpr: str('Like subPath, with $(VAR) expanded from the container environment.'),
}, { required: ['name', 'mountPath'] });

def('VolumeDevice', 'A raw block device mapped into a container.', {
  devicePath: str('Path inside the container the device is mapped to.'),
  name: str('Name of a persistentVolumeClaim volume of the pod.'),
}, { required: ['name', 'devicePath'] });

def('ExecAction', 'Runs a command inside the container.', {
  command: strList('Command line to run, not through a shell; exit status 0 means healthy.'),
});

def('HTTPHeader', 'A header of an HTTP probe request.', {
  name: str('Header field name; canonicalized on output.'),
  value: str('Header field value.'),
}, { required: ['name', 'value'] });

def('HTTPGetAction', 'An HTTP GET request made against the container.', {
  host: str('Host name to connect to; defaults to the pod IP.'),
  httpHeaders: atomicList(r('HTTPHeader'), 'Custom headers to send.'),
  path: str('Path to request.'),
  port: intOrString('Port number or name to connect to.'),
  scheme: enumOf(['HTTP', 'HTTPS'], 'Scheme to use; defaults to HTTP.'),
}, { required: ['port'] });

def('TCPSocketAction', 'Opens a TCP connection to the container.', {
  host: str('Host name to connect to; defaults to the pod IP.'),
  port: intOrString('Port number or name to connect to.'),
});

def('GRPCAction', 'A gRPC health check against the container.', {
  port: int32('Port number of the gRPC service, 1-65535.'),
  service: str('Service name sent in the gRPC HealthCheckRequest.'),
}, { required: ['port'] });

def('SleepAction', 'Pauses for a number of seconds.', {
  seconds: int64('Seconds to sleep.'),
}, { required: ['seconds'] });

const handlerFields = {
  exec: r('ExecAction', 'Run a command in the container.'),
  httpGet: r('HTTPGetAction', 'Make an HTTP GET request.'),
  tcpSocket: r('TCPSocketAction', 'Open a TCP connection.'),
};

def('Probe', 'A health check run periodically against a container.', {
  ...handlerFields,
  failureThreshold: int32('Consecutive failures after which the probe counts as failed; defaults to 3.'),
  grpc: r('GRPCAction', 'Make a gRPC health check.'),
  initialDelaySeconds: int32('Seconds after the container starts before the probe first runs.'),
  periodSeconds: int32('How often, in seconds, to probe; defaults to 10.'),
  successThreshold: int32('Consecutive successes after a failure for the probe to count as passing; defaults to 1.'),
  terminationGracePeriodSeconds: int64('Grace period for a container killed by this probe, overriding the pod value.'),
  timeoutSeconds: int32('Seconds after which one probe attempt times out; defaults to 1.'),
});

def('LifecycleHandler', 'An action run at a point of the container lifecycle.', {
  ...handlerFields,
  sleep: r('SleepAction', 'Sleep for a while.'),
});

def('Lifecycle', 'Actions the kubelet runs around container start and stop.', {
  postStart: r('LifecycleHandler', 'Runs right after the container is created.'),
  preStop: r('LifecycleHandler', 'Runs before the container is terminated by an API request or management event.'),
});

def('Capabilities', 'POSIX capabilities to add to or drop from a container.', {
  add: strList('Capabilities to add.'),
  drop: strList('Capabilities to remove.'),
});

def('SELinuxOptions', 'SELinux labels applied to a container.', {
  level: str('SELinux level label.'),
  role: str('SELinux role label.'),
  type: str('SELinux type label.'),
  user: str('SELinux user label.'),
});

def('WindowsSecurityContextOptions', 'Windows-specific settings of a container or pod.', {
  gmsaCredentialSpec: str('Contents of the GMSA credential spec named by gmsaCredentialSpecName.'),
  gmsaCredentialSpecName: str('Name of the GMSA credential spec to use.'),
  hostProcess: bool('Run the container as a Windows HostProcess container.'),
  runAsUserName: str('Windows user name to run the entrypoint as.'),
});

def('SeccompProfile', 'Which seccomp profile applies.', {
  localhostProfile: str('Profile file on the node, relative to the kubelet seccomp directory; only with type Localhost.'),
  type: enumOf(['Localhost', 'RuntimeDefault', 'Unconfined'], 'Kind of seccomp profile: Localhost, RuntimeDefault or Unconfined.'),
}, { required: ['type'] });

def('AppArmorProfile', 'Which AppArmor profile applies.', {
  localhostProfile: str('Name of a profile loaded on the node; only with type Localhost.'),
  type: enumOf(['Localhost', 'RuntimeDefault', 'Unconfined'], 'Kind of AppArmor profile: Localhost, RuntimeDefault or Unconfined.'),
}, { required: ['type'] });

def('SecurityContext', 'Security settings of one container; they override the pod-level ones.', {
  allowPrivilegeEscalation: bool('Whether a process may gain more privileges than its parent (no_new_privs).'),
  appArmorProfile: r('AppArmorProfile', 'AppArmor profile of this container.'),
  capabilities: r('Capabilities', 'Capabilities to add or drop.'),
  privileged: bool('Run as privileged: like root on the host.'),
  procMount: enumOf(['Default', 'Unmasked'], 'Kind of /proc mount: Default or Unmasked.'),
  readOnlyRootFilesystem: bool('Mount the root filesystem read-only.'),
  runAsGroup: int64('GID to run the entrypoint as.'),
  runAsNonRoot: bool('Refuse to start the container if it would run as UID 0.'),
  runAsUser: int64('UID to run the entrypoint as.'),
  seLinuxOptions: r('SELinuxOptions', 'SELinux context of the container.'),
  seccompProfile: r('SeccompProfile', 'Seccomp profile of the container.'),
  windowsOptions: r('WindowsSecurityContextOptions', 'Windows-specific settings.'),
});

const containerFields = (what: string): Record<string, Schema> => ({
  args: strList(`Arguments to the entrypoint of the ${what}; the image CMD when unset.`),
  command: strList(`Entrypoint array of the ${what}, not run in a shell; the image ENTRYPOINT when unset.`),
  env: keyedList(r('EnvVar'), 'name', `Environment variables set in the ${what}.`),
  envFrom: atomicList(r('EnvFromSource'), `Sources whose keys become environment variables of the ${what}.`),
  image: str('Container image name.'),
  imagePullPolicy: enumOf(['Always', 'IfNotPresent', 'Never'], 'When to pull the image: Always, Never or IfNotPresent.'),
  lifecycle: r('Lifecycle', 'Actions to take on start and stop.'),
  livenessProbe: r('Probe', 'Periodic check of liveness; failure restarts the container.'),
  name: str(`Name of the ${what}, a DNS_LABEL unique within the pod.`),
  ports: arr(r('ContainerPort'), {
    patchStrategy: 'merge',
    patchMergeKey: 'containerPort',
    listType: 'map',
    listMapKeys: ['containerPort', 'protocol'],
    description: `Ports exposed by the ${what}; informational.`,
  }),
  readinessProbe: r('Probe', 'Periodic check of readiness to serve; failure removes the pod from Service endpoints.'),
  resizePolicy: atomicList(r('ContainerResizePolicy'), 'Resize policy per resource.'),
  resources: r('ResourceRequirements', `Compute resources required by the ${what}.`),
  restartPolicy: str('Restart behaviour of one init container; only Always (a sidecar) is allowed.'),
  securityContext: r('SecurityContext', `Security options of the ${what}.`),
  startupProbe: r('Probe', 'Check that the container has started; other probes wait until it succeeds.'),
  stdin: bool('Allocate a buffer for stdin in the container runtime.'),
  stdinOnce: bool('Close stdin after the first attach session ends.'),
  terminationMessagePath: str('File whose contents are written to the termination message; defaults to /dev/termination-log.'),
  terminationMessagePolicy: enumOf(['FallbackToLogsOnError', 'File'], 'How the termination message is filled: File or FallbackToLogsOnError.'),
  tty: bool('Allocate a TTY for the container.'),
  volumeDevices: keyedList(r('VolumeDevice'), 'devicePath', 'Block devices to use.'),
  volumeMounts: keyedList(r('VolumeMount'), 'mountPath', 'Volumes to mount into the filesystem.'),
  workingDir: str('Working directory; the runtime default when unset.'),
});

def('Container', 'One application container of a pod.', containerFields('container'), { required: ['name'] });

def('EphemeralContainer', 'A temporary container added to a running pod for troubleshooting.', {
  ...containerFields('ephemeral container'),
  targetContainerName: str('Name of the container whose namespaces (e.g. process) this one joins.'),
}, { required: ['name'] });

// ---- volumes --------------------------------------------------------------------------

def('KeyToPath', 'Maps a key of a ConfigMap or Secret to a file path in a volume.', {
  key: str('The key to project.'),
  mode: int32('File mode bits, 0000-0777; defaults to the volume defaultMode.'),
  path: str('Relative path of the file; may not contain "..".'),
}, { required: ['key', 'path'] });

def('HostPathVolumeSource', 'A file or directory of the host mapped into the pod.', {
  path: str('Path on the host.'),
  type: enumOf(['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'], 'What must exist at the path; empty means no check.'),
}, { required: ['path'] });

def('EmptyDirVolumeSource', 'A temporary directory that lives as long as the pod.', {
  medium: str('Storage medium: empty for the node default, or Memory for tmpfs.'),
  sizeLimit: quantity('Maximum size of the directory.'),
});

def('GCEPersistentDiskVolumeSource', 'A Google Compute Engine persistent disk (deprecated in-tree driver).', {
  fsType: str('Filesystem type to mount.'),
  partition: int32('Partition of the disk to mount.'),
  pdName: str('Name of the disk in GCE.'),
  readOnly: bool('Mount read-only.'),
}, { required: ['pdName'] });

def('AWSElasticBlockStoreVolumeSource', 'An AWS EBS disk (deprecated in-tree driver).', {
  fsType: str('Filesystem type to mount.'),
  partition: int32('Partition of the volume to mount.'),
  readOnly: bool('Mount read-only.'),
  volumeID: str('Unique ID of the EBS volume.'),
}, { required: ['volumeID'] });

def('GitRepoVolumeSource', 'A directory populated with a git repository (deprecated).', {
  directory: str('Target directory name; "." means the volume root.'),
  repository: str('Repository URL.'),
  revision: str('Commit hash to check out.'),
}, { required: ['repository'] });

def('SecretVolumeSource', 'Populates a volume with the keys of a Secret.', {
  defaultMode: int32('Mode bits of the created files, 0000-0777; defaults to 0644.'),
  items: atomicList(r('KeyToPath'), 'Keys to project and where; all keys when unset.'),
  optional: bool('Whether the Secret or its keys may be missing.'),
  secretName: str("Name of the Secret in the pod's namespace."),
});

def('NFSVolumeSource', 'An NFS export mounted into the pod.', {
  path: str('Path exported by the NFS server.'),
  readOnly: bool('Mount read-only.'),
  server: str('Host name or IP of the NFS server.'),
}, { required: ['server', 'path'] });

def('ISCSIVolumeSource', 'An iSCSI disk.', {
  chapAuthDiscovery: bool('Use iSCSI Discovery CHAP authentication.'),
  chapAuthSession: bool('Use iSCSI Session CHAP authentication.'),
  fsType: str('Filesystem type to mount.'),
  initiatorName: str('Custom iSCSI initiator name.'),
  iqn: str('Target iSCSI Qualified Name.'),
  iscsiInterface: str('iSCSI interface name; defaults to "default".'),
  lun: int32('Target LUN number.'),
  portals: strList('Target portal addresses.'),
  readOnly: bool('Mount read-only.'),
  secretRef: r('LocalObjectReference', 'Secret with CHAP credentials.'),
  targetPortal: str('Target portal address, IP or ip:port.'),
}, { required: ['targetPortal', 'iqn', 'lun'] });

def('GlusterfsVolumeSource', 'A Glusterfs mount (removed in-tree driver).', {
  endpoints: str('Name of the Endpoints object describing the Glusterfs cluster.'),
  path: str('Glusterfs volume path.'),
  readOnly: bool('Mount read-only.'),
}, { required: ['endpoints', 'path'] });

def('PersistentVolumeClaimVolumeSource', "Mounts the PersistentVolume bound to a claim in the pod's namespace.", {
  claimName: str('Name of the PersistentVolumeClaim.'),
  readOnly: bool('Force the mount read-only.'),
}, { required: ['claimName'] });

def('RBDVolumeSource', 'A Rados Block Device (deprecated in-tree driver).', {
  fsType: str('Filesystem type to mount.'),
  image: str('Rados image name.'),
  keyring: str('Keyring path for the RBD user; defaults to /etc/ceph/keyring.'),
  monitors: strList('Ceph monitors.'),
  pool: str('Rados pool name; defaults to rbd.'),
  readOnly: bool('Mount read-only.'),
  secretRef: r('LocalObjectReference', 'Secret with the authentication key, overriding keyring.'),
  user: str('Rados user name; defaults to admin.'),
}, { required: ['monitors', 'image'] });

def('FlexVolumeSource', 'A volume handled by an exec-based FlexVolume driver.', {
  driver: str('Name of the driver.'),
  fsType: str('Filesystem type to mount.'),
  options: strMap('Driver-specific options.'),
  readOnly: bool('Mount read-only.'),
  secretRef: r('LocalObjectReference', 'Secret passed to the driver scripts.'),
}, { required: ['driver'] });

def('CinderVolumeSource', 'An OpenStack Cinder volume (deprecated in-tree driver).', {
  fsType: str('Filesystem type to mount.'),
  readOnly: bool('Mount read-only.'),
  secretRef: r('LocalObjectReference', 'Secret with OpenStack connection parameters.'),
  volumeID: str('Cinder volume ID.'),
}, { required: ['volumeID'] });

def('CephFSVolumeSource', 'A Ceph filesystem mount (deprecated in-tree driver).', {
  monitors: strList('Ceph monitors.'),
  path: str('Path within the filesystem to mount; defaults to /.'),
  readOnly: bool('Mount read-only.'),
  secretFile: str('Path to the key ring of the user; defaults to /etc/ceph/user.secret.'),
  secretRef: r('LocalObjectReference', 'Secret with the authentication key, overriding secretFile.'),
  user: str('Rados user name; defaults to admin.'),
}, { required: ['monitors'] });

def('FlockerVolumeSource', 'A Flocker dataset (deprecated).', {
  datasetName: str('Name of the dataset.'),
  datasetUUID: str('UUID of the dataset.'),
});

def('DownwardAPIVolumeFile', 'One file of a downward API volume.', {
  fieldRef: r('ObjectFieldSelector', 'Pod field to expose: name, namespace, labels, annotations or uid.'),
  mode: int32('File mode bits, 0000-0777.'),
  path: str('Relative path of the file; may not contain "..".'),
  resourceFieldRef: r('ResourceFieldSelector', 'Container resource limit or request to expose.'),
}, { required: ['path'] });

def('DownwardAPIVolumeSource', 'Exposes pod information as files.', {
  defaultMode: int32('Mode bits of the created files, 0000-0777; defaults to 0644.'),
  items: atomicList(r('DownwardAPIVolumeFile'), 'The files to create.'),
});

def('FCVolumeSource', 'A Fibre Channel disk.', {
  fsType: str('Filesystem type to mount.'),
  lun: int32('Target LUN number.'),
  readOnly: bool('Mount read-only.'),
  targetWWNs: strList('Target worldwide names.'),
  wwids: strList('Worldwide identifiers; either these or targetWWNs with lun.'),
});

def('AzureFileVolumeSource', 'An Azure File share (deprecated in-tree driver).', {
  readOnly: bool('Mount read-only.'),
  secretName: str('Secret holding the storage account name and key.'),
  shareName: str('Share name.'),
}, { required: ['secretName', 'shareName'] });

def('ConfigMapVolumeSource', 'Populates a volume with the keys of a ConfigMap.', {
  defaultMode: int32('Mode bits of the created files, 0000-0777; defaults to 0644.'),
  items: atomicList(r('KeyToPath'), 'Keys to project and where; all keys when unset.'),
  name: str('Name of the ConfigMap.'),
  optional: bool('Whether the ConfigMap or its keys may be missing.'),
});

def('VsphereVirtualDiskVolumeSource', 'A vSphere virtual disk (deprecated in-tree driver).', {
  fsType: str('Filesystem type to mount.'),
  storagePolicyID: str('Storage policy ID matching storagePolicyName.'),
  storagePolicyName: str('Storage policy-based management profile name.'),
  volumePath: str('Path identifying the disk.'),
}, { required: ['volumePath'] });

def('QuobyteVolumeSource', 'A Quobyte mount (removed in-tree driver).', {
  group: str('Group to map volume access to.'),
  readOnly: bool('Mount read-only.'),
  registry: str('Quobyte registry addresses, host:port, comma separated.'),
  tenant: str('Tenant owning the volume.'),
  user: str('User to map volume access to.'),
  volume: str('Name of an existing Quobyte volume.'),
}, { required: ['registry', 'volume'] });

def('AzureDiskVolumeSource', 'An Azure data disk (deprecated in-tree driver).', {
  cachingMode: str('Host caching mode: None, ReadOnly or ReadWrite.'),
  diskName: str('Name of the data disk.'),
  diskURI: str('URI of the data disk.'),
  fsType: str('Filesystem type to mount; defaults to ext4.'),
  kind: str('Shared, Dedicated or Managed; defaults to Shared.'),
  readOnly: bool('Mount read-only.'),
}, { required: ['diskName', 'diskURI'] });

def('PhotonPersistentDiskVolumeSource', 'A Photon Controller persistent disk (removed).', {
  fsType: str('Filesystem type to mount.'),
  pdID: str('ID of the disk.'),
}, { required: ['pdID'] });

def('SecretProjection', 'Projects the keys of a Secret into a projected volume.', {
  items: atomicList(r('KeyToPath'), 'Keys to project and where; all keys when unset.'),
  name: str('Name of the Secret.'),
  optional: bool('Whether the Secret or its keys may be missing.'),
});

def('ConfigMapProjection', 'Projects the keys of a ConfigMap into a projected volume.', {
  items: atomicList(r('KeyToPath'), 'Keys to project and where; all keys when unset.'),
  name: str('Name of the ConfigMap.'),
  optional: bool('Whether the ConfigMap or its keys may be missing.'),
});

def('DownwardAPIProjection', 'Projects pod information into a projected volume.', {
  items: atomicList(r('DownwardAPIVolumeFile'), 'The files to create.'),
});

def('ServiceAccountTokenProjection', 'Projects a service account token into a projected volume.', {
  audience: str('Intended audience of the token; defaults to the API server identifier.'),
  expirationSeconds: int64('Requested lifetime of the token, at least 600; defaults to 3600.'),
  path: str('Path of the token file, relative to the mount point.'),
}, { required: ['path'] });

def('ClusterTrustBundleProjection', 'Projects ClusterTrustBundle certificates into a file.', {
  labelSelector: labelSelector('Selects bundles by label; with signerName.'),
  name: str('Selects one bundle by name; excludes signerName and labelSelector.'),
  optional: bool('Whether missing bundles are tolerated.'),
  path: str('Path of the file, relative to the volume root.'),
  signerName: str('Selects the bundles of this signer.'),
}, { required: ['path'] });

def('VolumeProjection', 'One source of a projected volume.', {
  clusterTrustBundle: r('ClusterTrustBundleProjection', 'Certificates of ClusterTrustBundles.'),
  configMap: r('ConfigMapProjection', 'Keys of a ConfigMap.'),
  downwardAPI: r('DownwardAPIProjection', 'Pod information.'),
  secret: r('SecretProjection', 'Keys of a Secret.'),
  serviceAccountToken: r('ServiceAccountTokenProjection', 'A bound service account token.'),
});

def('ProjectedVolumeSource', 'Several sources projected into one directory.', {
  defaultMode: int32('Mode bits of the created files, 0000-0777; defaults to 0644.'),
  sources: atomicList(r('VolumeProjection'), 'The sources to project.'),
});

def('PortworxVolumeSource', 'A Portworx volume (deprecated in-tree driver).', {
  fsType: str('Filesystem type to mount.'),
  readOnly: bool('Mount read-only.'),
  volumeID: str('Unique ID of the Portworx volume.'),
}, { required: ['volumeID'] });

def('ScaleIOVolumeSource', 'A ScaleIO volume (removed in-tree driver).', {
  fsType: str('Filesystem type to mount; defaults to xfs.'),
  gateway: str('Address of the ScaleIO API gateway.'),
  protectionDomain: str('ScaleIO Protection Domain of the storage.'),
  readOnly: bool('Mount read-only.'),
  secretRef: r('LocalObjectReference', 'Secret with ScaleIO user credentials.'),
  sslEnabled: bool('Use SSL to talk to the gateway.'),
  storageMode: str('ThickProvisioned or ThinProvisioned; defaults to ThinProvisioned.'),
  storagePool: str('ScaleIO Storage Pool of the protection domain.'),
  system: str('Name of the storage system in ScaleIO.'),
  volumeName: str('Name of an existing ScaleIO volume.'),
}, { required: ['gateway', 'system', 'secretRef'] });

def('StorageOSVolumeSource', 'A StorageOS volume (deprecated).', {
  fsType: str('Filesystem type to mount.'),
  readOnly: bool('Mount read-only.'),
  secretRef: r('LocalObjectReference', 'Secret with StorageOS API credentials.'),
  volumeName: str('Human-readable StorageOS volume name.'),
  volumeNamespace: str('StorageOS namespace of the volume; defaults to the pod namespace.'),
});

def('CSIVolumeSource', 'An inline volume provided by a CSI driver.', {
  driver: str('Name of the CSI driver.'),
  fsType: str('Filesystem type to mount.'),
  nodePublishSecretRef: r('LocalObjectReference', 'Secret passed to the NodePublishVolume and NodeUnpublishVolume calls.'),
  readOnly: bool('Mount read-only.'),
  volumeAttributes: strMap('Driver-specific properties.'),
}, { required: ['driver'] });

def('PersistentVolumeClaimTemplate', 'Template of the PersistentVolumeClaim created for an ephemeral volume.', {
  metadata: objectMeta('Labels and annotations copied into the claim.'),
  spec: ref(`${CORE_V1}.PersistentVolumeClaimSpec`, 'Spec of the claim; copied unchanged.'),
}, { required: ['spec'] });

def('EphemeralVolumeSource', 'A volume backed by a PersistentVolumeClaim that lives and dies with the pod.', {
  volumeClaimTemplate: r('PersistentVolumeClaimTemplate', 'Template of the claim, named <pod>-<volume>.'),
});

def('ImageVolumeSource', 'An OCI image or artifact mounted read-only.', {
  pullPolicy: enumOf(['Always', 'IfNotPresent', 'Never'], 'When to pull the reference.'),
  reference: str('Image or artifact reference to mount.'),
});

/** The one-of list of volume sources, shared by Volume and by nothing else in core/v1. */
const volumeSourceFields: Record<string, Schema> = {
  awsElasticBlockStore: r('AWSElasticBlockStoreVolumeSource', 'AWS EBS disk.'),
  azureDisk: r('AzureDiskVolumeSource', 'Azure data disk.'),
  azureFile: r('AzureFileVolumeSource', 'Azure File share.'),
  cephfs: r('CephFSVolumeSource', 'Ceph filesystem.'),
  cinder: r('CinderVolumeSource', 'OpenStack Cinder volume.'),
  configMap: r('ConfigMapVolumeSource', 'ConfigMap contents.'),
  csi: r('CSIVolumeSource', 'Inline CSI volume.'),
  downwardAPI: r('DownwardAPIVolumeSource', 'Pod information as files.'),
  emptyDir: r('EmptyDirVolumeSource', 'Temporary directory sharing the pod lifetime.'),
  ephemeral: r('EphemeralVolumeSource', 'Volume from a per-pod PersistentVolumeClaim.'),
  fc: r('FCVolumeSource', 'Fibre Channel disk.'),
  flexVolume: r('FlexVolumeSource', 'FlexVolume driver volume.'),
  flocker: r('FlockerVolumeSource', 'Flocker dataset.'),
  gcePersistentDisk: r('GCEPersistentDiskVolumeSource', 'GCE persistent disk.'),
  gitRepo: r('GitRepoVolumeSource', 'Git repository checkout (deprecated).'),
  glusterfs: r('GlusterfsVolumeSource', 'Glusterfs mount.'),
  hostPath: r('HostPathVolumeSource', 'File or directory of the host.'),
  image: r('ImageVolumeSource', 'OCI image or artifact.'),
  iscsi: r('ISCSIVolumeSource', 'iSCSI disk.'),
  nfs: r('NFSVolumeSource', 'NFS export.'),
  persistentVolumeClaim: r('PersistentVolumeClaimVolumeSource', 'PersistentVolumeClaim in the same namespace.'),
  photonPersistentDisk: r('PhotonPersistentDiskVolumeSource', 'Photon Controller disk.'),
  portworxVolume: r('PortworxVolumeSource', 'Portworx volume.'),
  projected: r('ProjectedVolumeSource', 'Several sources in one directory.'),
  quobyte: r('QuobyteVolumeSource', 'Quobyte mount.'),
  rbd: r('RBDVolumeSource', 'Rados Block Device.'),
  scaleIO: r('ScaleIOVolumeSource', 'ScaleIO volume.'),
  secret: r('SecretVolumeSource', 'Secret contents.'),
  storageos: r('StorageOSVolumeSource', 'StorageOS volume.'),
  vsphereVolume: r('VsphereVirtualDiskVolumeSource', 'vSphere virtual disk.'),
};
/** Names of every volume source field, in one place for defaulting and validation. */
export const volumeSourceNames: readonly string[] = Object.keys(volumeSourceFields);

def('Volume', 'A named volume that containers of the pod may mount.', {
  ...volumeSourceFields,
  name: str('Name of the volume, a DNS_LABEL unique within the pod.'),
}, { required: ['name'] });

// ---- scheduling -----------------------------------------------------------------------

def('NodeSelectorRequirement', 'A requirement on a node label or field.', {
  key: str('The label key or field name.'),
  operator: enumOf(['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'], 'Relationship of the key to the values.'),
  values: strList('Values to compare against; one integer for Gt and Lt, none for Exists and DoesNotExist.'),
}, { required: ['key', 'operator'] });

def('NodeSelectorTerm', 'Requirements on a node, ANDed together.', {
  matchExpressions: atomicList(r('NodeSelectorRequirement'), 'Requirements on node labels.'),
  matchFields: atomicList(r('NodeSelectorRequirement'), 'Requirements on node fields.'),
}, { mapType: 'atomic' });

def('NodeSelector', 'One or more node selector terms, ORed together.', {
  nodeSelectorTerms: atomicList(r('NodeSelectorTerm'), 'The terms.'),
}, { required: ['nodeSelectorTerms'], mapType: 'atomic' });

def('PreferredSchedulingTerm', 'A weighted node preference.', {
  preference: r('NodeSelectorTerm', 'The node selector term.'),
  weight: int32('Weight of the preference, 1-100.'),
}, { required: ['weight', 'preference'] });

def('NodeAffinity', 'Node affinity scheduling rules.', {
  preferredDuringSchedulingIgnoredDuringExecution: atomicList(r('PreferredSchedulingTerm'), 'Preferences: nodes matching more weight score higher.'),
  requiredDuringSchedulingIgnoredDuringExecution: r('NodeSelector', 'Requirements the node must meet for the pod to be placed there.'),
});

def('PodAffinityTerm', 'A set of pods, and the topology domain they must (or must not) share with this pod.', {
  labelSelector: labelSelector('Selects the pods.'),
  matchLabelKeys: atomicList(str(), "Label keys whose values are taken from this pod and ANDed into labelSelector."),
  mismatchLabelKeys: atomicList(str(), "Label keys whose values are taken from this pod and excluded via labelSelector."),
  namespaceSelector: labelSelector('Selects the namespaces the pods are looked for in.'),
  namespaces: strList('Namespaces to look in; the pod namespace when empty and no namespaceSelector.'),
  topologyKey: str('Node label whose value defines the shared topology domain.'),
}, { required: ['topologyKey'] });

def('WeightedPodAffinityTerm', 'A weighted pod affinity term.', {
  podAffinityTerm: r('PodAffinityTerm', 'The pod affinity term.'),
  weight: int32('Weight of the term, 1-100.'),
}, { required: ['weight', 'podAffinityTerm'] });

def('PodAffinity', 'Pod affinity scheduling rules.', {
  preferredDuringSchedulingIgnoredDuringExecution: atomicList(r('WeightedPodAffinityTerm'), 'Preferences for nodes near matching pods.'),
  requiredDuringSchedulingIgnoredDuringExecution: atomicList(r('PodAffinityTerm'), 'Requirements to be placed near matching pods.'),
});

def('PodAntiAffinity', 'Pod anti-affinity scheduling rules.', {
  preferredDuringSchedulingIgnoredDuringExecution: atomicList(r('WeightedPodAffinityTerm'), 'Preferences for nodes away from matching pods.'),
  requiredDuringSchedulingIgnoredDuringExecution: atomicList(r('PodAffinityTerm'), 'Requirements to be placed away from matching pods.'),
});

def('Affinity', 'Affinity scheduling rules of a pod.', {
  nodeAffinity: r('NodeAffinity', 'Rules about nodes.'),
  podAffinity: r('PodAffinity', 'Rules for co-locating with other pods.'),
  podAntiAffinity: r('PodAntiAffinity', 'Rules for staying apart from other pods.'),
});

def('Toleration', 'Lets the pod schedule onto (or stay on) nodes with a matching taint.', {
  effect: enumOf(['NoExecute', 'NoSchedule', 'PreferNoSchedule'], 'Taint effect to match; empty matches all effects.'),
  key: str('Taint key to match; empty with operator Exists matches every taint.'),
  operator: enumOf(['Equal', 'Exists'], 'Exists or Equal; defaults to Equal.'),
  tolerationSeconds: int64('How long a NoExecute taint is tolerated before eviction; forever when unset.'),
  value: str('Taint value to match; empty with operator Exists.'),
});

def('TopologySpreadConstraint', 'How matching pods should be spread across a topology.', {
  labelSelector: labelSelector('Selects the pods counted in each domain.'),
  matchLabelKeys: atomicList(str(), 'Label keys whose values from this pod narrow labelSelector.'),
  maxSkew: int32('Largest allowed difference in matching pods between domains; greater than 0.'),
  minDomains: int32('Minimum number of eligible domains; only with whenUnsatisfiable DoNotSchedule.'),
  nodeAffinityPolicy: enumOf(['Honor', 'Ignore'], 'Whether node affinity and selector limit the domains counted; defaults to Honor.'),
  nodeTaintsPolicy: enumOf(['Honor', 'Ignore'], 'Whether node taints limit the domains counted; defaults to Ignore.'),
  topologyKey: str('Node label whose values define the domains.'),
  whenUnsatisfiable: enumOf(['DoNotSchedule', 'ScheduleAnyway'], 'What to do with a pod that cannot satisfy the constraint.'),
}, { required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'] });

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

def('PodDNSConfigOption', 'A resolver option.', {
  name: str('Option name.'),
  value: str('Option value.'),
});

def('PodDNSConfig', 'DNS settings merged into those chosen by dnsPolicy.', {
  nameservers: strList('DNS server IP addresses.'),
  options: atomicList(r('PodDNSConfigOption'), 'Resolver options.'),
  searches: strList('DNS search domains.'),
});

def('HostAlias', "An entry for the pod's /etc/hosts.", {
  hostnames: strList('Host names for the IP.'),
  ip: str('IP address of the entry.'),
}, { required: ['ip'] });

def('PodReadinessGate', 'An extra condition the pod needs to be Ready.', {
  conditionType: str('A condition type in the pod condition list.'),
}, { required: ['conditionType'] });

def('PodOS', 'The operating system the pod runs on.', {
  name: str('linux or windows.'),
}, { required: ['name'] });

def('PodSchedulingGate', 'A gate that keeps the pod from being scheduled while present.', {
  name: str('Name of the gate, unique within the pod.'),
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
