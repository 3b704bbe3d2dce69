// The container's effective security context (pod settings filled in under the container's
// own) in the CRI's shape, and the runAsNonRoot check against the image's user.
import type { Container, Pod, SecurityContext } from '../../api/core/v1/pod/types.js';
import type { LinuxContainerSecurityContext } from '../runtime.js';
import { ContainerConfigError } from './errors.js';

/** Upstream's default masked /proc and /sys paths (kept in step with moby's). */
export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

export const DEFAULT_READONLY_PATHS: readonly string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** The container's settings, with runAsUser, runAsGroup, runAsNonRoot (and the profiles) taken from the pod when unset. */
export function effectiveSecurityContext(pod: Pod, container: Container): SecurityContext {
  const podSc = pod.spec?.securityContext ?? {};
  const sc: SecurityContext = { ...(container.securityContext ?? {}) };
  sc.runAsUser ??= podSc.runAsUser;
  sc.runAsGroup ??= podSc.runAsGroup;
  sc.runAsNonRoot ??= podSc.runAsNonRoot;
  sc.seLinuxOptions ??= podSc.seLinuxOptions;
  sc.seccompProfile ??= podSc.seccompProfile;
  sc.appArmorProfile ??= podSc.appArmorProfile;
  return sc;
}

/** The image's user as containerd reports it: a uid when numeric, else a name; neither means root. */
export function parseImageUser(user: string | undefined): { uid?: number; username?: string } {
  const u = (user ?? '').split(':')[0]!;
  if (u === '') return { uid: 0 };
  if (/^[+-]?\d+$/.test(u)) return { uid: Number(u) };
  return { username: u };
}

function podRef(pod: Pod): string {
  const m = pod.metadata;
  return JSON.stringify(`${m.name ?? ''}_${m.namespace ?? ''}(${m.uid ?? ''})`);
}

/** Upstream's verifyRunAsNonRoot; `imageUser` undefined counts as an image without a user (root). */
export function verifyRunAsNonRoot(pod: Pod, container: Container, imageUser: string | undefined): void {
  const sc = effectiveSecurityContext(pod, container);
  if (!sc.runAsNonRoot) return;
  if (sc.runAsUser !== undefined) {
    if (sc.runAsUser === 0) throw new ContainerConfigError(`container's runAsUser breaks non-root policy (pod: ${podRef(pod)}, container: ${container.name})`);
    return;
  }
  const { uid, username } = parseImageUser(imageUser);
  if (uid === 0) throw new ContainerConfigError(`container has runAsNonRoot and image will run as root (pod: ${podRef(pod)}, container: ${container.name})`);
  if (uid === undefined && username) {
    throw new ContainerConfigError(`container has runAsNonRoot and image has non-numeric user (${username}), cannot verify user is non-root (pod: ${podRef(pod)}, container: ${container.name})`);
  }
}

/**
 * The CRI security context. Without runAsUser the image's user decides: its uid (or name) is
 * passed on when the caller knows it; when `imageUser` is undefined the runtime applies the
 * image's own user.
 */
export function linuxSecurityContext(pod: Pod, container: Container, imageUser: string | undefined): LinuxContainerSecurityContext {
  const sc = effectiveSecurityContext(pod, container);
  const podSc = pod.spec?.securityContext ?? {};
  const out: LinuxContainerSecurityContext = {};
  if (sc.capabilities?.add?.length || sc.capabilities?.drop?.length) {
    out.capabilities = { addCapabilities: [...(sc.capabilities.add ?? [])], dropCapabilities: [...(sc.capabilities.drop ?? [])] };
  }
  if (sc.privileged !== undefined) out.privileged = sc.privileged;
  if (sc.readOnlyRootFilesystem !== undefined) out.readonlyRootfs = sc.readOnlyRootFilesystem;
  if (sc.runAsGroup !== undefined) out.runAsGroup = sc.runAsGroup;
  if (sc.runAsUser !== undefined) out.runAsUser = sc.runAsUser;
  else if (imageUser !== undefined) {
    const { uid, username } = parseImageUser(imageUser);
    if (uid !== undefined) out.runAsUser = uid;
    if (username) out.runAsUsername = username;
  }
  const groups = [...(podSc.fsGroup !== undefined ? [podSc.fsGroup] : []), ...(podSc.supplementalGroups ?? [])];
  if (groups.length) out.supplementalGroups = groups;
  // Only an explicit allowPrivilegeEscalation: false sets no_new_privs.
  out.noNewPrivs = sc.allowPrivilegeEscalation === false;
  const unmasked = sc.procMount === 'Unmasked';
  out.maskedPaths = unmasked ? [] : [...DEFAULT_MASKED_PATHS];
  out.readonlyPaths = unmasked ? [] : [...DEFAULT_READONLY_PATHS];
  return out;
}
