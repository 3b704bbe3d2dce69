// The CRI ContainerConfig of one container (upstream's generateContainerConfig and its Linux part):
// environment, expanded command, mounts, resources, security context, labels and annotations.
import { totalmem } from 'node:os';
import type { Container, Pod } from '../../api/core/v1/pod/types.js';
import type { ConfigMap, Secret, Service } from '../../api/core/v1/types.js';
import type { EventRecorder } from '../../client/events.js';
import { CONTAINER_HASH_ANNOTATION, containerHash } from '../container-hash.js';
import { CONTAINER_NAME_LABEL, POD_NAME_LABEL, POD_NAMESPACE_LABEL, POD_UID_LABEL, type ContainerConfig, type Mount } from '../runtime.js';
import { containerEnv, expandCommand } from './env.js';
import { quantityValue } from './qos.js';
import { linuxResources } from './resources.js';
import { linuxSecurityContext, verifyRunAsNonRoot } from './security-context.js';

export const RESTART_COUNT_ANNOTATION = 'io.kubernetes.container.restartCount';
export const TERMINATION_MESSAGE_PATH_ANNOTATION = 'io.kubernetes.container.terminationMessagePath';
export const TERMINATION_MESSAGE_POLICY_ANNOTATION = 'io.kubernetes.container.terminationMessagePolicy';
export const PRESTOP_HANDLER_ANNOTATION = 'io.kubernetes.container.preStopHandler';
export const CONTAINER_PORTS_ANNOTATION = 'io.kubernetes.container.ports';
export const POD_DELETION_GRACE_ANNOTATION = 'io.kubernetes.pod.deletionGracePeriod';
export const POD_TERMINATION_GRACE_ANNOTATION = 'io.kubernetes.pod.terminationGracePeriod';
export const DEFAULT_TERMINATION_MESSAGE_PATH = '/dev/termination-log';

export interface ContainerConfigInput {
  pod: Pod;
  container: Container;
  /** The restart count: metadata.attempt, the log file name and the restartCount annotation. */
  attempt: number;
  podIP?: string;
  podIPs?: string[];
  hostIP: string;
  nodeName: string;
  services: Service[];
  /** Volume mounts and /etc/hosts, already resolved to host paths. */
  mounts: Mount[];
  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
  nodeAllocatable?: Record<string, string>;
  /** Node memory capacity in bytes for the Burstable OOM score (default: allocatable memory, else the host's). */
  nodeMemoryCapacity?: number;
  /** Host file the caller created for the termination message; mounted at terminationMessagePath. */
  terminationLogHostPath?: string;
  /** The image's configured user (`1000`, `1000:1000`, `nobody`, '' for none), for runAsNonRoot and runAsUser. */
  imageUser?: string;
  recorder?: Pick<EventRecorder, 'event'>;
}

export function containerLabels(pod: Pod, c: Container): Record<string, string> {
  const m = pod.metadata;
  return { [POD_NAME_LABEL]: m.name ?? '', [POD_NAMESPACE_LABEL]: m.namespace ?? '', [POD_UID_LABEL]: m.uid ?? '', [CONTAINER_NAME_LABEL]: c.name };
}

export function containerAnnotations(pod: Pod, c: Container, restartCount: number): Record<string, string> {
  const a: Record<string, string> = {
    [CONTAINER_HASH_ANNOTATION]: containerHash(c),
    [RESTART_COUNT_ANNOTATION]: String(restartCount),
    [TERMINATION_MESSAGE_PATH_ANNOTATION]: c.terminationMessagePath ?? DEFAULT_TERMINATION_MESSAGE_PATH,
    [TERMINATION_MESSAGE_POLICY_ANNOTATION]: c.terminationMessagePolicy ?? 'File',
  };
  if (pod.metadata.deletionGracePeriodSeconds !== undefined) a[POD_DELETION_GRACE_ANNOTATION] = String(pod.metadata.deletionGracePeriodSeconds);
  if (pod.spec?.terminationGracePeriodSeconds !== undefined) a[POD_TERMINATION_GRACE_ANNOTATION] = String(pod.spec.terminationGracePeriodSeconds);
  if (c.lifecycle?.preStop) a[PRESTOP_HANDLER_ANNOTATION] = JSON.stringify(c.lifecycle.preStop);
  if (c.ports?.length) a[CONTAINER_PORTS_ANNOTATION] = JSON.stringify(c.ports);
  return a;
}

/** Where the runtime writes the container's log, relative to the sandbox's log directory. */
export function containerLogPath(name: string, attempt: number): string {
  return `${name}/${attempt}.log`;
}

function memoryCapacity(i: ContainerConfigInput): number {
  if (i.nodeMemoryCapacity) return i.nodeMemoryCapacity;
  const alloc = quantityValue(i.nodeAllocatable?.memory);
  return alloc > 0 ? alloc : totalmem();
}

/** The container's configuration; throws ContainerConfigError for what the user must fix. */
export async function containerConfig(i: ContainerConfigInput): Promise<ContainerConfig> {
  const { pod, container: c } = i;
  verifyRunAsNonRoot(pod, c, i.imageUser);
  const envs = await containerEnv(i);
  const { command, args } = expandCommand(c, envs);
  const mounts = [...i.mounts];
  const terminationPath = c.terminationMessagePath ?? DEFAULT_TERMINATION_MESSAGE_PATH;
  if (i.terminationLogHostPath && terminationPath) mounts.push({ containerPath: terminationPath, hostPath: i.terminationLogHostPath });
  const config: ContainerConfig = {
    metadata: { name: c.name, attempt: i.attempt },
    image: c.image ?? '',
    command,
    args,
    workingDir: c.workingDir,
    envs,
    mounts,
    labels: containerLabels(pod, c),
    annotations: containerAnnotations(pod, c, i.attempt),
    logPath: containerLogPath(c.name, i.attempt),
    stdin: c.stdin === true,
    stdinOnce: c.stdinOnce === true,
    tty: c.tty === true,
    linux: {
      resources: linuxResources(pod, c, memoryCapacity(i)),
      securityContext: linuxSecurityContext(pod, c, i.imageUser),
    },
  };
  return config;
}
