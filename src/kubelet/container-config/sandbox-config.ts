// The CRI PodSandboxConfig of a pod (upstream's generatePodSandboxConfig and
// generatePodSandboxLinuxConfig).
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { EventRecorder } from '../../client/events.js';
import { POD_NAME_LABEL, POD_NAMESPACE_LABEL, POD_UID_LABEL, type LinuxPodSandboxConfig, type PodSandboxConfig, type PortMapping } from '../runtime.js';
import { podDNSConfig } from './dns.js';
import { nodenameForKernel, podHostnameAndDomain } from './hostname.js';

export interface SandboxOptions {
  /** Cluster DNS servers, e.g. ['10.96.0.10']. */
  clusterDNS: string[];
  /** e.g. 'cluster.local'. */
  clusterDomain: string;
  /** The pod's own log directory (upstream's /var/log/pods/<ns>_<name>_<uid>). */
  logDirectory: string;
  cgroupParent: string;
  /** The host's resolv.conf path for dnsPolicy Default and the host's search domains (default /etc/resolv.conf). */
  hostResolvConf?: string;
  /** Sandbox attempt (0 for the first sandbox of a pod). */
  attempt?: number;
  /** For DNSConfigForming / MissingClusterDNS warnings. */
  recorder?: Pick<EventRecorder, 'event'>;
}

/** Labels every sandbox carries: the pod's own plus the io.kubernetes.pod.* identity labels. */
export function sandboxLabels(pod: Pod): Record<string, string> {
  const m = pod.metadata;
  return { ...(m.labels ?? {}), [POD_NAME_LABEL]: m.name ?? '', [POD_NAMESPACE_LABEL]: m.namespace ?? '', [POD_UID_LABEL]: m.uid ?? '' };
}

function protocolOf(p: string | undefined): PortMapping['protocol'] {
  return p === 'UDP' || p === 'SCTP' ? p : 'TCP';
}

/**
 * Host port mappings of the app containers, deduplicated by port name as upstream's
 * MakePortMappings does. Ports without a hostPort are left out: runtimes ignore them anyway.
 */
export function portMappings(pod: Pod): PortMapping[] {
  const out: PortMapping[] = [];
  for (const c of pod.spec?.containers ?? []) {
    const names = new Set<string>();
    for (const p of c.ports ?? []) {
      const family = !p.hostIP ? 'any' : p.hostIP.includes(':') ? 'v6' : 'v4';
      const name = p.name || `${family}-${p.protocol ?? ''}-${p.hostIP ?? ''}:${p.containerPort}:${p.hostPort ?? 0}`;
      if (names.has(name)) continue;
      names.add(name);
      if (!p.hostPort) continue;
      out.push({ protocol: protocolOf(p.protocol), containerPort: p.containerPort, hostPort: p.hostPort, ...(p.hostIP ? { hostIp: p.hostIP } : {}) });
    }
  }
  return out;
}

function hasPrivilegedContainer(pod: Pod): boolean {
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? [])];
  return all.some((c) => c.securityContext?.privileged === true);
}

function linuxConfig(pod: Pod, cgroupParent: string): LinuxPodSandboxConfig {
  const sc = pod.spec?.securityContext;
  const sysctls: Record<string, string> = {};
  for (const s of sc?.sysctls ?? []) sysctls[s.name] = s.value;
  const security: NonNullable<LinuxPodSandboxConfig['securityContext']> = {
    privileged: hasPrivilegedContainer(pod),
    hostPid: pod.spec?.hostPID === true,
    hostIpc: pod.spec?.hostIPC === true,
  };
  if (sc?.runAsUser !== undefined) security.runAsUser = sc.runAsUser;
  if (sc?.runAsGroup !== undefined) security.runAsGroup = sc.runAsGroup;
  const groups = [...(sc?.fsGroup !== undefined ? [sc.fsGroup] : []), ...(sc?.supplementalGroups ?? [])];
  if (groups.length) security.supplementalGroups = groups;
  return { cgroupParent, sysctls, securityContext: security };
}

/** The sandbox configuration; throws SandboxConfigError for an unusable hostname. */
export function sandboxConfig(pod: Pod, o: SandboxOptions): PodSandboxConfig {
  const m = pod.metadata;
  const hostNetwork = pod.spec?.hostNetwork === true;
  const config: PodSandboxConfig = {
    metadata: { name: m.name ?? '', namespace: m.namespace ?? '', uid: m.uid ?? '', attempt: o.attempt ?? 0 },
    labels: sandboxLabels(pod),
    annotations: { ...(m.annotations ?? {}) },
    hostNetwork,
    logDirectory: o.logDirectory,
    dnsConfig: podDNSConfig(pod, o),
    linux: linuxConfig(pod, o.cgroupParent),
  };
  // A host-network pod keeps the node's hostname.
  if (!hostNetwork) {
    const { hostname, domain } = podHostnameAndDomain(pod, o.clusterDomain);
    config.hostname = nodenameForKernel(hostname, domain, pod.spec?.setHostnameAsFQDN);
  }
  const ports = portMappings(pod);
  if (ports.length) config.portMappings = ports;
  return config;
}
