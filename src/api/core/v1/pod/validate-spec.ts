// Validation of a PodSpec, shared by pods and every pod template (upstream ValidatePodSpec).
import { duplicate, FieldPath, forbidden, invalid, notFound, notSupported, required, type FieldError } from '../../../validation/field.js';
import { inclusiveRangeError, isValidGroupId, isValidUserId } from '../../../validation/names.js';
import { nameIsDNSSubdomain, validateLabels } from '../../../validation/objectmeta.js';
import type { Container, EphemeralContainer, PodResourceClaim, PodSecurityContext, PodSpec } from './types.js';
import {
  checkHostPortConflicts,
  validateAppArmorProfile,
  validateContainerCommon,
  validateContainerProbesAndLifecycle,
  validateResources,
  validateSeccompProfile,
  type ContainerContext,
} from './validate-container.js';
import { validateVolumes } from './validate-volumes.js';
import {
  validateAffinity,
  validateHostAliases,
  validatePodDNSConfig,
  validateReadinessGates,
  validateSchedulingGates,
  validateTolerations,
  validateTopologySpreadConstraints,
  type SchedulingValidationOptions,
} from './validate-scheduling.js';
import { sortedKeys, validateDNS1123Label, validateEnum, parseQuantityValue } from './validate-common.js';

const restartPolicies = ['Always', 'OnFailure', 'Never'];
const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const maxInt32 = 2147483647;

export function validatePodSpec(spec: PodSpec | undefined, p: FieldPath, opts: SchedulingValidationOptions = {}): FieldError[] {
  if (!spec) return [required(p, '')];
  const errs: FieldError[] = [];
  const { errs: volErrs, byName: volumes } = validateVolumes(spec.volumes, p.child('volumes'));
  errs.push(...volErrs);
  const podClaimNames = new Set((spec.resourceClaims ?? []).map((c) => c.name).filter(Boolean));
  errs.push(...validatePodResourceClaims(spec.resourceClaims, p.child('resourceClaims')));
  const ctx: ContainerContext = { volumes, podClaimNames, gracePeriod: spec.terminationGracePeriodSeconds ?? 30 };
  errs.push(...validateContainers(spec.containers, ctx, p.child('containers')));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, ctx, p.child('initContainers')));
  errs.push(...validateEphemeralContainers(spec.ephemeralContainers, spec, ctx, p.child('ephemeralContainers')));
  errs.push(...validateHostNetworkPorts(spec, p));
  errs.push(...validateEnum(spec.restartPolicy, restartPolicies, p.child('restartPolicy')));
  errs.push(...validateEnum(spec.dnsPolicy, dnsPolicies, p.child('dnsPolicy')));
  errs.push(...validateLabels(spec.nodeSelector, p.child('nodeSelector')));
  errs.push(...validatePodSecurityContext(spec.securityContext, spec, p.child('securityContext')));
  errs.push(...validateAffinity(spec.affinity, p.child('affinity'), opts));
  errs.push(...validatePodDNSConfig(spec.dnsConfig, spec.dnsPolicy, p.child('dnsConfig')));
  errs.push(...validateReadinessGates(spec.readinessGates, p.child('readinessGates')));
  errs.push(...validateSchedulingGates(spec.schedulingGates, p.child('schedulingGates')));
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, p.child('topologySpreadConstraints')));
  for (const [field, value] of [
    ['serviceAccountName', spec.serviceAccountName],
    ['nodeName', spec.nodeName],
    ['priorityClassName', spec.priorityClassName],
    ['runtimeClassName', spec.runtimeClassName],
  ] as const) {
    if (value) for (const m of nameIsDNSSubdomain(value, false)) errs.push(invalid(p.child(field), value, m));
  }
  const ads = spec.activeDeadlineSeconds;
  if (ads !== undefined && ads !== null && (ads < 1 || ads > maxInt32)) {
    errs.push(invalid(p.child('activeDeadlineSeconds'), ads, inclusiveRangeError(1, maxInt32)));
  }
  if (spec.hostname) errs.push(...validateDNS1123Label(spec.hostname, p.child('hostname')));
  if (spec.subdomain) errs.push(...validateDNS1123Label(spec.subdomain, p.child('subdomain')));
  errs.push(...validateTolerations(spec.tolerations, p.child('tolerations')));
  errs.push(...validateHostAliases(spec.hostAliases, p.child('hostAliases')));
  if (spec.preemptionPolicy) errs.push(...validateEnum(spec.preemptionPolicy, ['PreemptLowerPriority', 'Never'], p.child('preemptionPolicy')));
  errs.push(...validateOverhead(spec.overhead, p.child('overhead')));
  if (spec.os) {
    if (!spec.os.name) errs.push(required(p.child('os', 'name'), ''));
    else if (spec.os.name !== 'linux' && spec.os.name !== 'windows') errs.push(notSupported(p.child('os'), spec.os.name, ['linux', 'windows']));
  }
  if (spec.resources) errs.push(...validateResources(spec.resources, podClaimNames, p.child('resources')));
  return errs;
}

// ---- containers -----------------------------------------------------------------------

function validateContainers(containers: Container[] | undefined, ctx: ContainerContext, p: FieldPath): FieldError[] {
  if (!containers || containers.length === 0) return [required(p, '')];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const ip = p.index(i);
    errs.push(...validateContainerCommon(c, ctx, ip));
    if (names.has(c.name)) errs.push(duplicate(ip.child('name'), c.name));
    else names.add(c.name);
    if (!c.image) errs.push(required(ip.child('image'), ''));
    errs.push(...validateContainerProbesAndLifecycle(c, ctx.gracePeriod, ip));
    if (c.restartPolicy) errs.push(forbidden(ip.child('restartPolicy'), 'may not be set for non-init containers'));
  });
  errs.push(...checkHostPortConflicts(containers, p));
  return errs;
}

function validateInitContainers(init: Container[] | undefined, app: Container[] | undefined, ctx: ContainerContext, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  // Names are unique across init and app containers.
  const names = new Set((app ?? []).map((c) => c.name));
  (init ?? []).forEach((c, i) => {
    const ip = p.index(i);
    errs.push(...validateContainerCommon(c, ctx, ip));
    if (c.restartPolicy !== undefined && c.restartPolicy !== 'Always') errs.push(notSupported(ip.child('restartPolicy'), c.restartPolicy, ['Always']));
    if (names.has(c.name)) errs.push(duplicate(ip.child('name'), c.name));
    else names.add(c.name);
    if (!c.image) errs.push(required(ip.child('image'), ''));
    if (c.restartPolicy === 'Always') {
      // A sidecar: runs alongside the app containers, so it may have probes and hooks.
      errs.push(...validateContainerProbesAndLifecycle(c, ctx.gracePeriod, ip));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (c[f]) errs.push(forbidden(ip.child(f), 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  errs.push(...checkHostPortConflicts(init ?? [], p));
  return errs;
}

const ephemeralForbiddenFields = ['ports', 'resources', 'lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe', 'resizePolicy', 'restartPolicy'] as const;

function validateEphemeralContainers(ecs: EphemeralContainer[] | undefined, spec: PodSpec, ctx: ContainerContext, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const others = new Set([...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c) => c.name));
  const names = new Set(others);
  (ecs ?? []).forEach((ec, i) => {
    const ip = p.index(i);
    errs.push(...validateContainerCommon(ec, ctx, ip));
    if (!ec.image) errs.push(required(ip.child('image'), ''));
    if (names.has(ec.name)) errs.push(duplicate(ip.child('name'), ec.name));
    else names.add(ec.name);
    if (ec.targetContainerName && !others.has(ec.targetContainerName)) errs.push(notFound(ip.child('targetContainerName'), ec.targetContainerName));
    for (const f of ephemeralForbiddenFields) {
      const v = ec[f];
      const set = v !== undefined && v !== null && !(f === 'resources' && Object.keys(v as object).length === 0);
      if (set) errs.push(forbidden(ip.child(f), 'cannot be set for an Ephemeral Container'));
    }
    (ec.volumeMounts ?? []).forEach((vm, j) => {
      if (vm.subPath) errs.push(forbidden(ip.child('volumeMounts').index(j).child('subPath'), 'cannot be set for an Ephemeral Container'));
      if (vm.subPathExpr) errs.push(forbidden(ip.child('volumeMounts').index(j).child('subPathExpr'), 'cannot be set for an Ephemeral Container'));
    });
  });
  return errs;
}

/** With the host network a container port is a host port: the two must agree. */
function validateHostNetworkPorts(spec: PodSpec, p: FieldPath): FieldError[] {
  if (!spec.hostNetwork) return [];
  const errs: FieldError[] = [];
  for (const [field, list] of [['containers', spec.containers], ['initContainers', spec.initContainers]] as const) {
    (list ?? []).forEach((c, i) => {
      (c.ports ?? []).forEach((port, j) => {
        if (port.hostPort && port.hostPort !== port.containerPort) {
          errs.push(invalid(p.child(field).index(i).child('ports').index(j).child('containerPort'), port.containerPort, 'must match `hostPort` when `hostNetwork` is true'));
        }
      });
    });
  }
  return errs;
}

// ---- pod-level settings ---------------------------------------------------------------

const sysctlSegment = '[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
const sysctlPattern = `^(${sysctlSegment}[\\./])*${sysctlSegment}$`;
const sysctlRe = new RegExp(sysctlPattern);
const sysctlMaxLength = 253;

function validatePodSecurityContext(sc: PodSecurityContext | undefined, spec: PodSpec, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.shareProcessNamespace && spec.hostPID) {
    errs.push(invalid(p.child('shareProcessNamespace'), true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  if (!sc) return errs;
  if (sc.runAsUser !== undefined && sc.runAsUser !== null) for (const m of isValidUserId(sc.runAsUser)) errs.push(invalid(p.child('runAsUser'), sc.runAsUser, m));
  if (sc.runAsGroup !== undefined && sc.runAsGroup !== null) for (const m of isValidGroupId(sc.runAsGroup)) errs.push(invalid(p.child('runAsGroup'), sc.runAsGroup, m));
  if (sc.fsGroup !== undefined && sc.fsGroup !== null) for (const m of isValidGroupId(sc.fsGroup)) errs.push(invalid(p.child('fsGroup'), sc.fsGroup, m));
  (sc.supplementalGroups ?? []).forEach((g, i) => {
    for (const m of isValidGroupId(g)) errs.push(invalid(p.child('supplementalGroups').index(i), g, m));
  });
  if (sc.fsGroupChangePolicy) errs.push(...validateEnum(sc.fsGroupChangePolicy, ['OnRootMismatch', 'Always'], p.child('fsGroupChangePolicy')));
  if (sc.supplementalGroupsPolicy) errs.push(...validateEnum(sc.supplementalGroupsPolicy, ['Merge', 'Strict'], p.child('supplementalGroupsPolicy')));
  if (sc.seLinuxChangePolicy) errs.push(...validateEnum(sc.seLinuxChangePolicy, ['MountOption', 'Recursive'], p.child('seLinuxChangePolicy')));
  const names = new Set<string>();
  (sc.sysctls ?? []).forEach((s, i) => {
    const np = p.child('sysctls').index(i).child('name');
    if (!s.name) errs.push(required(np, ''));
    else if (s.name.length > sysctlMaxLength || !sysctlRe.test(s.name)) {
      errs.push(invalid(np, s.name, `must have at most ${sysctlMaxLength} characters and match regex ${sysctlPattern}`));
    } else if (names.has(s.name)) errs.push(duplicate(np, s.name));
    names.add(s.name);
  });
  errs.push(...validateSeccompProfile(sc.seccompProfile, p.child('seccompProfile')));
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, p.child('appArmorProfile')));
  return errs;
}

function validatePodResourceClaims(claims: PodResourceClaim[] | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (claims ?? []).forEach((c, i) => {
    const ip = p.index(i);
    if (!c.name) errs.push(required(ip.child('name'), ''));
    else {
      errs.push(...validateDNS1123Label(c.name, ip.child('name')));
      if (names.has(c.name)) errs.push(duplicate(ip, c.name));
      names.add(c.name);
    }
    const sources = (c.resourceClaimName ? 1 : 0) + (c.resourceClaimTemplateName ? 1 : 0);
    if (sources === 0) errs.push(invalid(ip, c, 'must specify one of: `resourceClaimName`, `resourceClaimTemplateName`'));
    else if (sources > 1) errs.push(invalid(ip, c, 'at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified'));
    for (const [f, v] of [['resourceClaimName', c.resourceClaimName], ['resourceClaimTemplateName', c.resourceClaimTemplateName]] as const) {
      if (v) for (const m of nameIsDNSSubdomain(v, false)) errs.push(invalid(ip.child(f), v, m));
    }
  });
  return errs;
}

function validateOverhead(overhead: PodSpec['overhead'], p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const name of sortedKeys(overhead)) {
    const kp = p.key(name);
    const q = parseQuantityValue(overhead![name], kp, errs);
    if (q && q.sign() < 0) errs.push(invalid(kp, q.toString(), 'must be greater than or equal to 0'));
  }
  return errs;
}
