// The Pod Security Standards of Kubernetes 1.32 as checks on a pod's metadata and spec: the
// baseline ones, then the restricted ones, each in ID order as upstream's registry runs them,
// with upstream's reasons and details (they are what users read in the 403 and the warnings).
import type { Container, PodSpec } from '../../../api/core/v1/pod/types.js';
import type { ObjectMeta } from '../../../api/meta/types.js';

export type Level = 'privileged' | 'baseline' | 'restricted';
/** A policy version as a minor number of 1.x; `latest` is the newest this server knows. */
export const LATEST_MINOR = 32;

export interface Violation {
  reason: string;
  detail: string;
}

interface Check {
  id: string;
  level: Exclude<Level, 'privileged'>;
  /** Baseline checks a restricted one replaces at the restricted level. */
  overrides?: string[];
  /** The check's versions: the newest whose minimum is at or below the policy's applies. */
  versions: { min: number; check: (meta: ObjectMeta, spec: PodSpec) => Violation | undefined }[];
}

const q = (s: string) => JSON.stringify(s);
const joinQuote = (items: readonly string[]) => items.map(q).join(', ');
const plural = (one: string, many: string, n: number) => (n === 1 ? one : many);
const sorted = (s: Iterable<string>) => [...new Set(s)].sort();
const containerList = (names: string[]) => `${plural('container', 'containers', names.length)} ${joinQuote(names)}`;

function containersOf(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...((spec.ephemeralContainers ?? []) as Container[])];
}

const isWindows = (spec: PodSpec) => (spec.os as { name?: string } | undefined)?.name === 'windows';

/** "pod and containers "a", "b"": who set a bad value. */
function setters(podBad: boolean, containers: string[]): string {
  const out: string[] = [];
  if (podBad) out.push('pod');
  if (containers.length) out.push(containerList(containers));
  return out.join(' and ');
}

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const SYSCTLS_BY_VERSION: [number, string[]][] = [
  [0, ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start']],
  [27, ['net.ipv4.ip_local_reserved_ports']],
  [29, ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']],
  [32, ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']],
];
const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
const APPARMOR_CONTAINER_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const RESTRICTED_VOLUME_SOURCES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

function sysctlsCheck(minor: number) {
  const allowed = new Set(SYSCTLS_BY_VERSION.filter(([v]) => v <= minor).flatMap(([, names]) => names));
  return (_m: ObjectMeta, spec: PodSpec): Violation | undefined => {
    const bad = (spec.securityContext?.sysctls ?? []).map((s) => s.name).filter((n) => !allowed.has(n));
    return bad.length ? { reason: 'forbidden sysctls', detail: bad.join(', ') } : undefined;
  };
}

const validSeccomp = (t: string | undefined) => t === 'Localhost' || t === 'RuntimeDefault';

function seccompField(restricted: boolean) {
  return (_m: ObjectMeta, spec: PodSpec): Violation | undefined => {
    if (restricted && isWindows(spec)) return undefined;
    const badValues = new Set<string>();
    const podProfile = spec.securityContext?.seccompProfile;
    const podBad = !!podProfile && !validSeccomp(podProfile.type);
    if (podBad) badValues.add(podProfile!.type);
    const podSet = !!podProfile && !podBad;
    const explicit: string[] = [];
    const implicit: string[] = [];
    for (const c of containersOf(spec)) {
      const p = c.securityContext?.seccompProfile;
      if (p) {
        if (!validSeccomp(p.type)) {
          explicit.push(c.name);
          badValues.add(p.type);
        }
      } else if (!podSet) implicit.push(c.name);
    }
    if (podBad || explicit.length) return { reason: 'seccompProfile', detail: `${setters(podBad, explicit)} must not set securityContext.seccompProfile.type to ${joinQuote(sorted(badValues))}` };
    if (restricted && implicit.length) return { reason: 'seccompProfile', detail: `pod or ${containerList(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"` };
    return undefined;
  };
}

function seccompAnnotations(meta: ObjectMeta, spec: PodSpec): Violation | undefined {
  const valid = (v: string) => v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
  const bad = new Set<string>();
  const ann = meta.annotations ?? {};
  const podValue = ann[SECCOMP_POD_ANNOTATION];
  if (podValue !== undefined && !valid(podValue)) bad.add(`${SECCOMP_POD_ANNOTATION}=${q(podValue)}`);
  for (const c of containersOf(spec)) {
    const key = SECCOMP_CONTAINER_PREFIX + c.name;
    const v = ann[key];
    if (v !== undefined && !valid(v)) bad.add(`${key}=${q(v)}`);
  }
  const list = sorted(bad);
  return list.length ? { reason: 'seccompProfile', detail: `forbidden ${plural('annotation', 'annotations', list.length)} ${list.join(', ')}` } : undefined;
}

const CHECKS: Check[] = [
  // ---- baseline ----
  {
    id: 'appArmorProfile',
    level: 'baseline',
    versions: [
      {
        min: 0,
        check: (meta, spec) => {
          const badValues = new Set<string>();
          const podType = spec.securityContext?.appArmorProfile?.type;
          const podBad = podType !== undefined && podType !== 'RuntimeDefault' && podType !== 'Localhost';
          if (podBad) badValues.add(podType);
          const bad: string[] = [];
          for (const c of containersOf(spec)) {
            const t = c.securityContext?.appArmorProfile?.type;
            if (t !== undefined && t !== 'RuntimeDefault' && t !== 'Localhost') {
              bad.push(c.name);
              badValues.add(t);
            }
          }
          if (podBad || bad.length) return { reason: 'forbidden AppArmor profile', detail: `${setters(podBad, bad)} must not set securityContext.appArmorProfile.type to ${joinQuote(sorted(badValues))}` };
          const forbidden = Object.entries(meta.annotations ?? {})
            .filter(([k, v]) => k.startsWith(APPARMOR_CONTAINER_PREFIX) && !(v === '' || v === 'runtime/default' || v.startsWith('localhost/')))
            .map(([k, v]) => `${k}=${q(v)}`)
            .sort();
          if (forbidden.length) return { reason: plural('forbidden AppArmor profile', 'forbidden AppArmor profiles', forbidden.length), detail: forbidden.join(', ') };
          return undefined;
        },
      },
    ],
  },
  {
    id: 'capabilities_baseline',
    level: 'baseline',
    versions: [
      {
        min: 0,
        check: (_m, spec) => {
          const bad: string[] = [];
          const caps = new Set<string>();
          for (const c of containersOf(spec)) {
            const added = (c.securityContext?.capabilities?.add ?? []).filter((cap) => !BASELINE_CAPABILITIES.has(cap));
            if (!added.length) continue;
            bad.push(c.name);
            for (const cap of added) caps.add(cap);
          }
          return bad.length ? { reason: 'non-default capabilities', detail: `${containerList(bad)} must not include ${joinQuote(sorted(caps))} in securityContext.capabilities.add` } : undefined;
        },
      },
    ],
  },
  {
    id: 'hostNamespaces',
    level: 'baseline',
    versions: [
      {
        min: 0,
        check: (_m, spec) => {
          const used = ['hostNetwork', 'hostPID', 'hostIPC'].filter((k) => (spec as unknown as Record<string, unknown>)[k] === true);
          return used.length ? { reason: 'host namespaces', detail: used.sort().join(', ') } : undefined;
        },
      },
    ],
  },
  {
    id: 'hostPathVolumes',
    level: 'baseline',
    versions: [
      {
        min: 0,
        check: (_m, spec) => {
          const bad = (spec.volumes ?? []).filter((v) => (v as { hostPath?: unknown }).hostPath).map((v) => v.name);
          return bad.length ? { reason: 'hostPath volumes', detail: `${plural('volume', 'volumes', bad.length)} ${joinQuote(bad)}` } : undefined;
        },
      },
    ],
  },
  {
    id: 'hostPorts',
    level: 'baseline',
    versions: [
      {
        min: 0,
        check: (_m, spec) => {
          const bad: string[] = [];
          const ports = new Set<string>();
          for (const c of containersOf(spec)) {
            const used = (c.ports ?? []).filter((p) => p.hostPort).map((p) => String(p.hostPort));
            if (!used.length) continue;
            bad.push(c.name);
            for (const p of used) ports.add(p);
          }
          const list = sorted(ports);
          return bad.length ? { reason: 'hostPort', detail: `${containerList(bad)} ${plural('uses', 'use', bad.length)} ${plural('hostPort', 'hostPorts', list.length)} ${list.join(', ')}` } : undefined;
        },
      },
    ],
  },
  {
    id: 'privileged',
    level: 'baseline',
    versions: [
      {
        min: 0,
        check: (_m, spec) => {
          const bad = containersOf(spec)
            .filter((c) => c.securityContext?.privileged === true)
            .map((c) => c.name);
          return bad.length ? { reason: 'privileged', detail: `${containerList(bad)} must not set securityContext.privileged=true` } : undefined;
        },
      },
    ],
  },
  {
    id: 'procMount',
    level: 'baseline',
    versions: [
      {
        min: 0,
        check: (_m, spec) => {
          const bad: string[] = [];
          const types = new Set<string>();
          for (const c of containersOf(spec)) {
            const pm = c.securityContext?.procMount;
            if (pm === undefined || pm === 'Default') continue;
            bad.push(c.name);
            types.add(pm);
          }
          return bad.length ? { reason: 'procMount', detail: `${containerList(bad)} must not set securityContext.procMount to ${joinQuote(sorted(types))}` } : undefined;
        },
      },
    ],
  },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    versions: [
      {
        min: 0,
        check: (_m, spec) => {
          const badTypes = new Set<string>();
          let setUser = false;
          let setRole = false;
          const valid = (o: { type?: string; user?: string; role?: string }) => {
            let ok = true;
            if (!SELINUX_TYPES.has(o.type ?? '')) {
              ok = false;
              badTypes.add(o.type ?? '');
            }
            if (o.user) {
              ok = false;
              setUser = true;
            }
            if (o.role) {
              ok = false;
              setRole = true;
            }
            return ok;
          };
          const podOpts = spec.securityContext?.seLinuxOptions;
          const podBad = !!podOpts && !valid(podOpts);
          const bad = containersOf(spec)
            .filter((c) => c.securityContext?.seLinuxOptions && !valid(c.securityContext.seLinuxOptions))
            .map((c) => c.name);
          if (!podBad && !bad.length) return undefined;
          const data: string[] = [];
          // Upstream words the user and role parts only beside a bad type.
          if (badTypes.size) {
            const types = sorted(badTypes);
            data.push(`${plural('type', 'types', types.length)} ${joinQuote(types)}`);
            if (setUser) data.push('user may not be set');
            if (setRole) data.push('role may not be set');
          }
          return { reason: 'seLinuxOptions', detail: `${setters(podBad, bad)} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}` };
        },
      },
    ],
  },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    versions: [
      { min: 0, check: seccompAnnotations },
      { min: 19, check: seccompField(false) },
    ],
  },
  {
    id: 'sysctls',
    level: 'baseline',
    versions: SYSCTLS_BY_VERSION.map(([min]) => ({ min, check: sysctlsCheck(min) })),
  },
  {
    id: 'windowsHostProcess',
    level: 'baseline',
    versions: [
      {
        min: 0,
        check: (_m, spec) => {
          const podBad = spec.securityContext?.windowsOptions?.hostProcess === true;
          const bad = containersOf(spec)
            .filter((c) => c.securityContext?.windowsOptions?.hostProcess === true)
            .map((c) => c.name);
          return podBad || bad.length ? { reason: 'hostProcess', detail: `${setters(podBad, bad)} must not set securityContext.windowsOptions.hostProcess=true` } : undefined;
        },
      },
    ],
  },
  // ---- restricted ----
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    versions: [
      {
        min: 8,
        check: (_m, spec) => {
          if (isWindows(spec)) return undefined;
          const bad = containersOf(spec)
            .filter((c) => c.securityContext?.allowPrivilegeEscalation !== false)
            .map((c) => c.name);
          return bad.length ? { reason: 'allowPrivilegeEscalation != false', detail: `${containerList(bad)} must set securityContext.allowPrivilegeEscalation=false` } : undefined;
        },
      },
    ],
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    versions: [
      {
        min: 22,
        check: (_m, spec) => {
          if (isWindows(spec)) return undefined;
          const missingDrop: string[] = [];
          const adding: string[] = [];
          const caps = new Set<string>();
          for (const c of containersOf(spec)) {
            const cc = c.securityContext?.capabilities;
            if (!cc) {
              missingDrop.push(c.name);
              continue;
            }
            if (!(cc.drop ?? []).includes('ALL')) missingDrop.push(c.name);
            const extra = (cc.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE');
            if (extra.length) {
              adding.push(c.name);
              for (const cap of extra) caps.add(cap);
            }
          }
          const details: string[] = [];
          if (missingDrop.length) details.push(`${containerList(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
          if (adding.length) details.push(`${containerList(adding)} must not include ${joinQuote(sorted(caps))} in securityContext.capabilities.add`);
          return details.length ? { reason: 'unrestricted capabilities', detail: details.join('; ') } : undefined;
        },
      },
    ],
  },
  {
    id: 'restrictedVolumes',
    level: 'restricted',
    versions: [
      {
        min: 0,
        check: (_m, spec) => {
          const bad = (spec.volumes ?? []).filter((v) => !RESTRICTED_VOLUME_SOURCES.some((k) => (v as unknown as Record<string, unknown>)[k] !== undefined)).map((v) => v.name);
          // Go's %q of a string slice: ["a" "b"].
          return bad.length ? { reason: 'restricted volume types', detail: `volumes [${sorted(bad).map(q).join(' ')}] have restricted types` } : undefined;
        },
      },
    ],
  },
  {
    id: 'runAsNonRoot',
    level: 'restricted',
    versions: [
      {
        min: 0,
        check: (_m, spec) => {
          const podValue = spec.securityContext?.runAsNonRoot;
          const podBad = podValue === false;
          const explicit: string[] = [];
          const implicit: string[] = [];
          for (const c of containersOf(spec)) {
            const v = c.securityContext?.runAsNonRoot;
            if (v === false) explicit.push(c.name);
            else if (v === undefined && podValue !== true) implicit.push(c.name);
          }
          if (podBad || explicit.length) return { reason: 'runAsNonRoot != true', detail: `${setters(podBad, explicit)} must not set securityContext.runAsNonRoot=false` };
          if (implicit.length) return { reason: 'runAsNonRoot != true', detail: `pod or ${containerList(implicit)} must set securityContext.runAsNonRoot=true` };
          return undefined;
        },
      },
    ],
  },
  {
    id: 'runAsUser',
    level: 'restricted',
    versions: [
      {
        min: 23,
        check: (_m, spec) => {
          const podBad = spec.securityContext?.runAsUser === 0;
          const bad = containersOf(spec)
            .filter((c) => c.securityContext?.runAsUser === 0)
            .map((c) => c.name);
          return podBad || bad.length ? { reason: 'runAsUser=0', detail: `${setters(podBad, bad)} must not set runAsUser=0` } : undefined;
        },
      },
    ],
  },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    overrides: ['seccompProfile_baseline'],
    versions: [{ min: 19, check: seccompField(true) }],
  },
];

/** The violations of a pod (or pod template) against a level at a version (minor of 1.x). */
export function evaluate(level: Level, minor: number, meta: ObjectMeta, spec: PodSpec): Violation[] {
  if (level === 'privileged') return [];
  const checks = CHECKS.filter((c) => c.level === 'baseline' || level === 'restricted');
  const overridden = new Set(level === 'restricted' ? checks.flatMap((c) => c.overrides ?? []) : []);
  const out: Violation[] = [];
  for (const c of checks) {
    if (overridden.has(c.id)) continue;
    const version = [...c.versions].reverse().find((v) => v.min <= minor);
    const v = version?.check(meta, spec);
    if (v) out.push(v);
  }
  return out;
}

/** `reason (detail), reason (detail)`, as upstream's AggregateCheckResult.ForbiddenDetail. */
export function describe(violations: readonly Violation[]): string {
  return violations.map((v) => (v.detail ? `${v.reason} (${v.detail})` : v.reason)).join(', ');
}
