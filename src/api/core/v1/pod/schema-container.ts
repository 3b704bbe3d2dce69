// OpenAPI definitions of a container and its parts: environment, ports, resources, mounts,
// probes, lifecycle hooks and security context (Kubernetes 1.32 patch metadata).
import { arr, bool, enumOf, int32, int64, intOrString, keyedList, quantity, str, type Schema } from '../../../schema/dsl.js';
import { atomicList, def, r, resourceList, strList } from './schema-common.js';

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
