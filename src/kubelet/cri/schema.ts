// Our own subset of the CRI (package runtime.v1) and of containerd's event service, defined with
// protobufjs reflection so the compiled JS needs no .proto file at run time. Field numbers and
// types are those of kubernetes/cri-api pkg/apis/runtime/v1/api.proto and containerd's
// api/services/events/v1/events.proto + api/events/task.proto; field names are camelCase because
// only the numbers travel on the wire and camelCase is what the TypeScript side reads.
import protobuf from 'protobufjs';

/** A field written as in a .proto file: `string = 1`, `repeated PodIP = 2`, `map<string,string> = 6`. */
type FieldSpec = string;
type MessageSpec = Record<string, FieldSpec>;

const MAP_RE = /^map<\s*(\w+)\s*,\s*([\w.]+)\s*>\s*=\s*(\d+)$/;
const FIELD_RE = /^(repeated\s+)?([\w.]+)\s*=\s*(\d+)$/;

function fieldsOf(spec: MessageSpec): Record<string, protobuf.IField & { keyType?: string }> {
  const out: Record<string, protobuf.IField & { keyType?: string }> = {};
  for (const [name, text] of Object.entries(spec)) {
    const map = MAP_RE.exec(text.trim());
    if (map) {
      out[name] = { keyType: map[1], type: map[2], id: Number(map[3]) };
      continue;
    }
    const f = FIELD_RE.exec(text.trim());
    if (!f) throw new Error(`bad field spec ${name}: ${text}`);
    out[name] = { type: f[2], id: Number(f[3]), ...(f[1] ? { rule: 'repeated' } : {}) };
  }
  return out;
}

function messages(specs: Record<string, MessageSpec>): Record<string, protobuf.IType> {
  const out: Record<string, protobuf.IType> = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = { fields: fieldsOf(spec) };
  return out;
}

const criEnums: Record<string, protobuf.IEnum> = {
  Protocol: { values: { TCP: 0, UDP: 1, SCTP: 2 } },
  MountPropagation: { values: { PROPAGATION_PRIVATE: 0, PROPAGATION_HOST_TO_CONTAINER: 1, PROPAGATION_BIDIRECTIONAL: 2 } },
  NamespaceMode: { values: { POD: 0, CONTAINER: 1, NODE: 2, TARGET: 3 } },
  PodSandboxState: { values: { SANDBOX_READY: 0, SANDBOX_NOTREADY: 1 } },
  ContainerState: { values: { CONTAINER_CREATED: 0, CONTAINER_RUNNING: 1, CONTAINER_EXITED: 2, CONTAINER_UNKNOWN: 3 } },
};

const criMessages = messages({
  VersionRequest: { version: 'string = 1' },
  VersionResponse: { version: 'string = 1', runtimeName: 'string = 2', runtimeVersion: 'string = 3', runtimeApiVersion: 'string = 4' },

  DNSConfig: { servers: 'repeated string = 1', searches: 'repeated string = 2', options: 'repeated string = 3' },
  PortMapping: { protocol: 'Protocol = 1', containerPort: 'int32 = 2', hostPort: 'int32 = 3', hostIp: 'string = 4' },
  Mount: { containerPath: 'string = 1', hostPath: 'string = 2', readonly: 'bool = 3', selinuxRelabel: 'bool = 4', propagation: 'MountPropagation = 5' },
  NamespaceOption: { network: 'NamespaceMode = 1', pid: 'NamespaceMode = 2', ipc: 'NamespaceMode = 3', targetId: 'string = 4' },
  Int64Value: { value: 'int64 = 1' },
  UInt64Value: { value: 'uint64 = 1' },
  LinuxSandboxSecurityContext: {
    namespaceOptions: 'NamespaceOption = 1',
    runAsUser: 'Int64Value = 3',
    readonlyRootfs: 'bool = 4',
    supplementalGroups: 'repeated int64 = 5',
    privileged: 'bool = 6',
    runAsGroup: 'Int64Value = 8',
  },
  LinuxPodSandboxConfig: { cgroupParent: 'string = 1', securityContext: 'LinuxSandboxSecurityContext = 2', sysctls: 'map<string,string> = 3' },
  PodSandboxMetadata: { name: 'string = 1', uid: 'string = 2', namespace: 'string = 3', attempt: 'uint32 = 4' },
  PodSandboxConfig: {
    metadata: 'PodSandboxMetadata = 1',
    hostname: 'string = 2',
    logDirectory: 'string = 3',
    dnsConfig: 'DNSConfig = 4',
    portMappings: 'repeated PortMapping = 5',
    labels: 'map<string,string> = 6',
    annotations: 'map<string,string> = 7',
    linux: 'LinuxPodSandboxConfig = 8',
  },
  RunPodSandboxRequest: { config: 'PodSandboxConfig = 1', runtimeHandler: 'string = 2' },
  RunPodSandboxResponse: { podSandboxId: 'string = 1' },
  StopPodSandboxRequest: { podSandboxId: 'string = 1' },
  StopPodSandboxResponse: {},
  RemovePodSandboxRequest: { podSandboxId: 'string = 1' },
  RemovePodSandboxResponse: {},
  PodSandboxStatusRequest: { podSandboxId: 'string = 1', verbose: 'bool = 2' },
  PodIP: { ip: 'string = 1' },
  PodSandboxNetworkStatus: { ip: 'string = 1', additionalIps: 'repeated PodIP = 2' },
  PodSandboxStatus: {
    id: 'string = 1',
    metadata: 'PodSandboxMetadata = 2',
    state: 'PodSandboxState = 3',
    createdAt: 'int64 = 4',
    network: 'PodSandboxNetworkStatus = 5',
    labels: 'map<string,string> = 7',
    annotations: 'map<string,string> = 8',
    runtimeHandler: 'string = 9',
  },
  PodSandboxStatusResponse: { status: 'PodSandboxStatus = 1', info: 'map<string,string> = 2' },
  PodSandboxStateValue: { state: 'PodSandboxState = 1' },
  PodSandboxFilter: { id: 'string = 1', state: 'PodSandboxStateValue = 2', labelSelector: 'map<string,string> = 3' },
  ListPodSandboxRequest: { filter: 'PodSandboxFilter = 1' },
  PodSandbox: {
    id: 'string = 1',
    metadata: 'PodSandboxMetadata = 2',
    state: 'PodSandboxState = 3',
    createdAt: 'int64 = 4',
    labels: 'map<string,string> = 5',
    annotations: 'map<string,string> = 6',
    runtimeHandler: 'string = 7',
  },
  ListPodSandboxResponse: { items: 'repeated PodSandbox = 1' },

  ImageSpec: { image: 'string = 1', annotations: 'map<string,string> = 2' },
  KeyValue: { key: 'string = 1', value: 'string = 2' },
  LinuxContainerResources: {
    cpuPeriod: 'int64 = 1',
    cpuQuota: 'int64 = 2',
    cpuShares: 'int64 = 3',
    memoryLimitInBytes: 'int64 = 4',
    oomScoreAdj: 'int64 = 5',
    cpusetCpus: 'string = 6',
    cpusetMems: 'string = 7',
  },
  Capability: { addCapabilities: 'repeated string = 1', dropCapabilities: 'repeated string = 2' },
  LinuxContainerSecurityContext: {
    capabilities: 'Capability = 1',
    privileged: 'bool = 2',
    namespaceOptions: 'NamespaceOption = 3',
    runAsUser: 'Int64Value = 5',
    runAsUsername: 'string = 6',
    readonlyRootfs: 'bool = 7',
    supplementalGroups: 'repeated int64 = 8',
    noNewPrivs: 'bool = 11',
    runAsGroup: 'Int64Value = 12',
    maskedPaths: 'repeated string = 13',
    readonlyPaths: 'repeated string = 14',
  },
  LinuxContainerConfig: { resources: 'LinuxContainerResources = 1', securityContext: 'LinuxContainerSecurityContext = 2' },
  ContainerMetadata: { name: 'string = 1', attempt: 'uint32 = 2' },
  ContainerConfig: {
    metadata: 'ContainerMetadata = 1',
    image: 'ImageSpec = 2',
    command: 'repeated string = 3',
    args: 'repeated string = 4',
    workingDir: 'string = 5',
    envs: 'repeated KeyValue = 6',
    mounts: 'repeated Mount = 7',
    labels: 'map<string,string> = 9',
    annotations: 'map<string,string> = 10',
    logPath: 'string = 11',
    stdin: 'bool = 12',
    stdinOnce: 'bool = 13',
    tty: 'bool = 14',
    linux: 'LinuxContainerConfig = 15',
  },
  CreateContainerRequest: { podSandboxId: 'string = 1', config: 'ContainerConfig = 2', sandboxConfig: 'PodSandboxConfig = 3' },
  CreateContainerResponse: { containerId: 'string = 1' },
  StartContainerRequest: { containerId: 'string = 1' },
  StartContainerResponse: {},
  StopContainerRequest: { containerId: 'string = 1', timeout: 'int64 = 2' },
  StopContainerResponse: {},
  RemoveContainerRequest: { containerId: 'string = 1' },
  RemoveContainerResponse: {},
  ContainerStateValue: { state: 'ContainerState = 1' },
  ContainerFilter: { id: 'string = 1', state: 'ContainerStateValue = 2', podSandboxId: 'string = 3', labelSelector: 'map<string,string> = 4' },
  ListContainersRequest: { filter: 'ContainerFilter = 1' },
  Container: {
    id: 'string = 1',
    podSandboxId: 'string = 2',
    metadata: 'ContainerMetadata = 3',
    image: 'ImageSpec = 4',
    imageRef: 'string = 5',
    state: 'ContainerState = 6',
    createdAt: 'int64 = 7',
    labels: 'map<string,string> = 8',
    annotations: 'map<string,string> = 9',
    imageId: 'string = 10',
  },
  ListContainersResponse: { containers: 'repeated Container = 1' },
  ContainerStatusRequest: { containerId: 'string = 1', verbose: 'bool = 2' },
  ContainerStatus: {
    id: 'string = 1',
    metadata: 'ContainerMetadata = 2',
    state: 'ContainerState = 3',
    createdAt: 'int64 = 4',
    startedAt: 'int64 = 5',
    finishedAt: 'int64 = 6',
    exitCode: 'int32 = 7',
    image: 'ImageSpec = 8',
    imageRef: 'string = 9',
    reason: 'string = 10',
    message: 'string = 11',
    labels: 'map<string,string> = 12',
    annotations: 'map<string,string> = 13',
    mounts: 'repeated Mount = 14',
    logPath: 'string = 15',
    imageId: 'string = 17',
  },
  ContainerStatusResponse: { status: 'ContainerStatus = 1', info: 'map<string,string> = 2' },
  ReopenContainerLogRequest: { containerId: 'string = 1' },
  ReopenContainerLogResponse: {},

  ExecSyncRequest: { containerId: 'string = 1', cmd: 'repeated string = 2', timeout: 'int64 = 3' },
  ExecSyncResponse: { stdout: 'bytes = 1', stderr: 'bytes = 2', exitCode: 'int32 = 3' },
  ExecRequest: { containerId: 'string = 1', cmd: 'repeated string = 2', tty: 'bool = 3', stdin: 'bool = 4', stdout: 'bool = 5', stderr: 'bool = 6' },
  ExecResponse: { url: 'string = 1' },
  AttachRequest: { containerId: 'string = 1', stdin: 'bool = 2', tty: 'bool = 3', stdout: 'bool = 4', stderr: 'bool = 5' },
  AttachResponse: { url: 'string = 1' },
  PortForwardRequest: { podSandboxId: 'string = 1', port: 'repeated int32 = 2' },
  PortForwardResponse: { url: 'string = 1' },

  FilesystemIdentifier: { mountpoint: 'string = 1' },
  FilesystemUsage: { timestamp: 'int64 = 1', fsId: 'FilesystemIdentifier = 2', usedBytes: 'UInt64Value = 3', inodesUsed: 'UInt64Value = 4' },
  CpuUsage: { timestamp: 'int64 = 1', usageCoreNanoSeconds: 'UInt64Value = 2', usageNanoCores: 'UInt64Value = 3' },
  MemoryUsage: {
    timestamp: 'int64 = 1',
    workingSetBytes: 'UInt64Value = 2',
    availableBytes: 'UInt64Value = 3',
    usageBytes: 'UInt64Value = 4',
    rssBytes: 'UInt64Value = 5',
    pageFaults: 'UInt64Value = 6',
    majorPageFaults: 'UInt64Value = 7',
  },
  ContainerAttributes: { id: 'string = 1', metadata: 'ContainerMetadata = 2', labels: 'map<string,string> = 3', annotations: 'map<string,string> = 4' },
  ContainerStats: { attributes: 'ContainerAttributes = 1', cpu: 'CpuUsage = 2', memory: 'MemoryUsage = 3', writableLayer: 'FilesystemUsage = 4' },
  ContainerStatsFilter: { id: 'string = 1', podSandboxId: 'string = 2', labelSelector: 'map<string,string> = 3' },
  ListContainerStatsRequest: { filter: 'ContainerStatsFilter = 1' },
  ListContainerStatsResponse: { stats: 'repeated ContainerStats = 1' },

  NetworkConfig: { podCidr: 'string = 1' },
  RuntimeConfig: { networkConfig: 'NetworkConfig = 1' },
  UpdateRuntimeConfigRequest: { runtimeConfig: 'RuntimeConfig = 1' },
  UpdateRuntimeConfigResponse: {},
  StatusRequest: { verbose: 'bool = 1' },
  RuntimeCondition: { type: 'string = 1', status: 'bool = 2', reason: 'string = 3', message: 'string = 4' },
  RuntimeStatus: { conditions: 'repeated RuntimeCondition = 1' },
  StatusResponse: { status: 'RuntimeStatus = 1', info: 'map<string,string> = 2' },

  ImageFilter: { image: 'ImageSpec = 1' },
  ListImagesRequest: { filter: 'ImageFilter = 1' },
  Image: {
    id: 'string = 1',
    repoTags: 'repeated string = 2',
    repoDigests: 'repeated string = 3',
    size: 'uint64 = 4',
    uid: 'Int64Value = 5',
    username: 'string = 6',
    spec: 'ImageSpec = 7',
    pinned: 'bool = 8',
  },
  ListImagesResponse: { images: 'repeated Image = 1' },
  ImageStatusRequest: { image: 'ImageSpec = 1', verbose: 'bool = 2' },
  ImageStatusResponse: { image: 'Image = 1', info: 'map<string,string> = 2' },
  AuthConfig: {
    username: 'string = 1',
    password: 'string = 2',
    auth: 'string = 3',
    serverAddress: 'string = 4',
    identityToken: 'string = 5',
    registryToken: 'string = 6',
  },
  PullImageRequest: { image: 'ImageSpec = 1', auth: 'AuthConfig = 2', sandboxConfig: 'PodSandboxConfig = 3' },
  PullImageResponse: { imageRef: 'string = 1' },
  RemoveImageRequest: { image: 'ImageSpec = 1' },
  RemoveImageResponse: {},
  ImageFsInfoRequest: {},
  ImageFsInfoResponse: { imageFilesystems: 'repeated FilesystemUsage = 1' },
});

// containerd's own event stream (not part of the CRI): used only to notice task exits promptly.
const containerdMessages = {
  google: {
    nested: {
      protobuf: {
        nested: messages({
          Timestamp: { seconds: 'int64 = 1', nanos: 'int32 = 2' },
          // protobufjs special-cases google.protobuf.Any by these exact field names.
          Any: { type_url: 'string = 1', value: 'bytes = 2' },
        }),
      },
    },
  },
  containerd: {
    nested: {
      events: { nested: messages({ TaskExit: { containerId: 'string = 1', id: 'string = 2', pid: 'uint32 = 3', exitStatus: 'uint32 = 4', exitedAt: 'google.protobuf.Timestamp = 5' } }) },
      services: {
        nested: {
          events: {
            nested: {
              v1: {
                nested: messages({
                  SubscribeRequest: { filters: 'repeated string = 1' },
                  Envelope: { timestamp: 'google.protobuf.Timestamp = 1', namespace: 'string = 2', topic: 'string = 3', event: 'google.protobuf.Any = 4' },
                }),
              },
            },
          },
        },
      },
    },
  },
};

export const criRoot = protobuf.Root.fromJSON({
  nested: {
    runtime: { nested: { v1: { nested: { ...criEnums, ...criMessages } } } },
    ...containerdMessages,
  },
});
criRoot.resolveAll();

/** A message type of the schema, by its full name (`runtime.v1.VersionRequest`). */
export function messageType(fullName: string): protobuf.Type {
  return criRoot.lookupType(fullName);
}
