// Translation between the kubelet's CRI-shaped types (runtime.ts, epoch milliseconds) and the
// wire messages of runtime.v1 (nanoseconds, wrapper messages, enum names).
import type {
  AuthConfig,
  Container,
  ContainerConfig,
  ContainerFilter,
  ContainerStats,
  ContainerStatus,
  Image,
  PodSandbox,
  PodSandboxConfig,
  PodSandboxFilter,
  PodSandboxStatus,
} from '../runtime.js';
import type {
  NamespaceMode,
  WireAuthConfig,
  WireContainer,
  WireContainerConfig,
  WireContainerFilter,
  WireContainerStats,
  WireContainerStatus,
  WireImage,
  WireNamespaceOption,
  WirePodSandbox,
  WirePodSandboxConfig,
  WirePodSandboxFilter,
  WirePodSandboxStatus,
} from './client.js';

/** CRI nanoseconds → epoch milliseconds; 0 stays 0 ("not set"). */
export function nsToMs(ns: number): number {
  return ns > 0 ? Math.floor(ns / 1e6) : 0;
}

function int64Value(v: number | undefined): { value: number } | undefined {
  return v === undefined ? undefined : { value: v };
}

function nonEmpty<T>(list: T[] | undefined): T[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

/**
 * The namespaces a pod's sandbox and containers use. As the kubelet does, PID is per container
 * unless the pod shares the host's; network and IPC are the pod's or the host's.
 */
export function namespaceOptions(sb: PodSandboxConfig): WireNamespaceOption {
  const sc = sb.linux?.securityContext;
  const node: NamespaceMode = 'NODE';
  return {
    network: sb.hostNetwork ? node : 'POD',
    pid: sc?.hostPid ? node : 'CONTAINER',
    ipc: sc?.hostIpc ? node : 'POD',
  };
}

export function toWireSandboxConfig(c: PodSandboxConfig): WirePodSandboxConfig {
  const sc = c.linux?.securityContext;
  return {
    metadata: { name: c.metadata.name, uid: c.metadata.uid, namespace: c.metadata.namespace, attempt: c.metadata.attempt },
    hostname: c.hostname,
    logDirectory: c.logDirectory,
    dnsConfig: c.dnsConfig ? { servers: c.dnsConfig.servers, searches: c.dnsConfig.searches, options: c.dnsConfig.options } : undefined,
    portMappings: c.portMappings?.map((p) => ({ protocol: p.protocol, containerPort: p.containerPort, hostPort: p.hostPort, hostIp: p.hostIp })),
    labels: c.labels,
    annotations: c.annotations,
    linux: {
      cgroupParent: c.linux?.cgroupParent,
      sysctls: c.linux?.sysctls,
      securityContext: {
        namespaceOptions: namespaceOptions(c),
        runAsUser: int64Value(sc?.runAsUser),
        runAsGroup: int64Value(sc?.runAsGroup),
        readonlyRootfs: sc?.readonlyRootfs,
        supplementalGroups: nonEmpty(sc?.supplementalGroups),
        privileged: sc?.privileged,
      },
    },
  };
}

export function toWireContainerConfig(c: ContainerConfig, sandbox: PodSandboxConfig): WireContainerConfig {
  const r = c.linux?.resources;
  const sc = c.linux?.securityContext;
  return {
    metadata: { name: c.metadata.name, attempt: c.metadata.attempt },
    image: { image: c.image },
    command: c.command,
    args: c.args,
    workingDir: c.workingDir,
    envs: c.envs?.map((e) => ({ key: e.key, value: e.value })),
    mounts: c.mounts?.map((m) => ({ containerPath: m.containerPath, hostPath: m.hostPath, readonly: m.readonly, propagation: m.propagation })),
    labels: c.labels,
    annotations: c.annotations,
    logPath: c.logPath,
    stdin: c.stdin,
    stdinOnce: c.stdinOnce,
    tty: c.tty,
    linux: {
      resources: r ? { cpuPeriod: r.cpuPeriod, cpuQuota: r.cpuQuota, cpuShares: r.cpuShares, memoryLimitInBytes: r.memoryLimitInBytes, oomScoreAdj: r.oomScoreAdj } : undefined,
      securityContext: {
        capabilities: sc?.capabilities ? { addCapabilities: sc.capabilities.addCapabilities, dropCapabilities: sc.capabilities.dropCapabilities } : undefined,
        privileged: sc?.privileged,
        // containerd decides host-vs-pod namespaces per container from these, not from the sandbox.
        namespaceOptions: namespaceOptions(sandbox),
        runAsUser: int64Value(sc?.runAsUser),
        runAsGroup: int64Value(sc?.runAsGroup),
        runAsUsername: sc?.runAsUser === undefined ? sc?.runAsUsername : undefined,
        readonlyRootfs: sc?.readonlyRootfs,
        supplementalGroups: nonEmpty(sc?.supplementalGroups),
        noNewPrivs: sc?.noNewPrivs,
        maskedPaths: sc?.maskedPaths,
        readonlyPaths: sc?.readonlyPaths,
      },
    },
  };
}

export function toWireContainerFilter(f: ContainerFilter | undefined): WireContainerFilter | undefined {
  if (!f) return undefined;
  return { id: f.id, podSandboxId: f.podSandboxId, state: f.state ? { state: f.state } : undefined, labelSelector: f.labelSelector };
}

export function toWireSandboxFilter(f: PodSandboxFilter | undefined): WirePodSandboxFilter | undefined {
  if (!f) return undefined;
  return { id: f.id, state: f.state ? { state: f.state } : undefined, labelSelector: f.labelSelector };
}

export function toWireAuth(a: AuthConfig | undefined): WireAuthConfig | undefined {
  if (!a) return undefined;
  return { username: a.username, password: a.password, auth: a.auth, serverAddress: a.serverAddress, identityToken: a.identityToken, registryToken: a.registryToken };
}

export function fromWireSandbox(s: WirePodSandbox): PodSandbox {
  return {
    id: s.id,
    metadata: { name: s.metadata?.name ?? '', namespace: s.metadata?.namespace ?? '', uid: s.metadata?.uid ?? '', attempt: s.metadata?.attempt ?? 0 },
    state: s.state,
    createdAt: nsToMs(s.createdAt),
    labels: s.labels,
    annotations: s.annotations,
  };
}

export function fromWireSandboxStatus(s: WirePodSandboxStatus): PodSandboxStatus {
  return {
    ...fromWireSandbox(s),
    network: { ip: s.network?.ip || undefined, additionalIps: (s.network?.additionalIps ?? []).map((p) => p.ip).filter((ip) => ip) },
  };
}

export function fromWireContainer(c: WireContainer): Container {
  return {
    id: c.id,
    podSandboxId: c.podSandboxId,
    metadata: { name: c.metadata?.name ?? '', attempt: c.metadata?.attempt ?? 0 },
    image: c.image?.image ?? '',
    imageRef: c.imageRef,
    state: c.state,
    createdAt: nsToMs(c.createdAt),
    labels: c.labels,
    annotations: c.annotations,
  };
}

/** A status lacks the sandbox id on the wire; the caller supplies it (from a list or its cache). */
export function fromWireContainerStatus(s: WireContainerStatus, podSandboxId: string): ContainerStatus {
  return {
    id: s.id,
    podSandboxId,
    metadata: { name: s.metadata?.name ?? '', attempt: s.metadata?.attempt ?? 0 },
    image: s.image?.image ?? '',
    imageRef: s.imageRef,
    state: s.state,
    createdAt: nsToMs(s.createdAt),
    labels: s.labels,
    annotations: s.annotations,
    startedAt: nsToMs(s.startedAt),
    finishedAt: nsToMs(s.finishedAt),
    exitCode: s.exitCode,
    reason: s.reason,
    message: s.message,
    logPath: s.logPath || undefined,
  };
}

export function fromWireImage(i: WireImage): Image {
  return { id: i.id, repoTags: i.repoTags, repoDigests: i.repoDigests, size: i.size, ...(i.uid ? { uid: Number(i.uid.value) } : {}), ...(i.username ? { username: i.username } : {}) };
}

export function fromWireStats(s: WireContainerStats): ContainerStats {
  const a = s.attributes;
  const ts = s.cpu?.timestamp || s.memory?.timestamp || s.writableLayer?.timestamp || 0;
  return {
    id: a?.id ?? '',
    metadata: { name: a?.metadata?.name ?? '', attempt: a?.metadata?.attempt ?? 0 },
    labels: a?.labels ?? {},
    annotations: a?.annotations ?? {},
    timestamp: ts ? nsToMs(ts) : Date.now(),
    cpuUsageCoreNanoSeconds: s.cpu?.usageCoreNanoSeconds?.value,
    memoryWorkingSetBytes: s.memory?.workingSetBytes?.value,
    memoryUsageBytes: s.memory?.usageBytes?.value,
    memoryRssBytes: s.memory?.rssBytes?.value,
    writableLayerUsedBytes: s.writableLayer?.usedBytes?.value,
  };
}
