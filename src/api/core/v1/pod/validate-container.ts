// Validation of one container: image, ports, environment, probes, lifecycle hooks, resources
// and security context (upstream validateContainerCommon and what it calls).
import { duplicate, FieldPath, forbidden, invalid, notFound, notSupported, required, type FieldError } from '../../../validation/field.js';
import {
  isConfigMapKey,
  isHTTPHeaderName,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidGroupId,
  isValidPortName,
  isValidPortNum,
  isValidUserId,
} from '../../../validation/names.js';
import { nameIsDNSSubdomain } from '../../../validation/objectmeta.js';
import type { Quantity } from '../../../quantity/index.js';
import type {
  AppArmorProfile,
  ConfigMapKeySelector,
  Container,
  ContainerPort,
  EnvFromSource,
  EnvVar,
  IntOrString,
  LifecycleHandler,
  Probe,
  ResourceRequirements,
  SeccompProfile,
  SecretKeySelector,
  SecurityContext,
  Volume,
} from './types.js';
import { parseQuantityValue, sortedKeys, validateDNS1123Label, validateEnum, validateNonnegative } from './validate-common.js';
import { envFieldPaths, validateContainerResourceFieldSelector, validateObjectFieldSelector } from './validate-field-refs.js';
import { validateVolumeDevices, validateVolumeMounts } from './validate-volumes.js';

/** What a container is checked against: the pod's volumes, claims and grace period. */
export interface ContainerContext {
  volumes: ReadonlyMap<string, Volume>;
  podClaimNames: ReadonlySet<string>;
  gracePeriod: number;
}

const pullPolicies = ['Always', 'IfNotPresent', 'Never'] as const;
const portProtocols = ['SCTP', 'TCP', 'UDP'] as const;
const terminationMessagePolicies = ['File', 'FallbackToLogsOnError'] as const;

export function validateContainerCommon(c: Container, ctx: ContainerContext, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(p.child('name'), ''));
  else errs.push(...validateDNS1123Label(c.name, p.child('name')));
  errs.push(...validateEnum(c.imagePullPolicy, pullPolicies, p.child('imagePullPolicy')));
  if (!c.terminationMessagePolicy) {
    errs.push(required(p.child('terminationMessagePolicy'), "must be 'File' or 'FallbackToLogsOnError'"));
  } else if (!terminationMessagePolicies.includes(c.terminationMessagePolicy as never)) {
    errs.push(notSupported(p.child('terminationMessagePolicy'), c.terminationMessagePolicy, terminationMessagePolicies));
  }
  errs.push(...validateContainerPorts(c.ports, p.child('ports')));
  errs.push(...validateEnv(c.env, p.child('env')));
  errs.push(...validateEnvFrom(c.envFrom, p.child('envFrom')));
  errs.push(...validateVolumeMounts(c.volumeMounts, c.volumeDevices, ctx.volumes, c, p.child('volumeMounts')));
  errs.push(...validateVolumeDevices(c.volumeDevices, c.volumeMounts, ctx.volumes, p.child('volumeDevices')));
  errs.push(...validateResources(c.resources, ctx.podClaimNames, p.child('resources')));
  errs.push(...validateResizePolicy(c, p.child('resizePolicy')));
  errs.push(...validateSecurityContext(c.securityContext, p.child('securityContext')));
  return errs;
}

// ---- ports ----------------------------------------------------------------------------

export function validateContainerPorts(ports: ContainerPort[] | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const ip = p.index(i);
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length) for (const m of msgs) errs.push(invalid(ip.child('name'), port.name, m));
      else if (names.has(port.name)) errs.push(duplicate(ip.child('name'), port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(required(ip.child('containerPort'), ''));
    else for (const m of isValidPortNum(port.containerPort)) errs.push(invalid(ip.child('containerPort'), port.containerPort, m));
    if (port.hostPort) for (const m of isValidPortNum(port.hostPort)) errs.push(invalid(ip.child('hostPort'), port.hostPort, m));
    if (!port.protocol) errs.push(required(ip.child('protocol'), ''));
    else if (!portProtocols.includes(port.protocol as never)) errs.push(notSupported(ip.child('protocol'), port.protocol, portProtocols));
  });
  return errs;
}

/** Two containers may not ask for the same host port on the same IP and protocol. */
export function checkHostPortConflicts(containers: Container[], p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((c, ci) => {
    (c.ports ?? []).forEach((port, pi) => {
      if (!port.hostPort) return;
      const key = `${port.hostIP ?? ''}/${port.protocol ?? ''}/${port.hostPort}`;
      if (seen.has(key)) errs.push(duplicate(p.index(ci).child('ports').index(pi).child('hostPort'), key));
      else seen.add(key);
    });
  });
  return errs;
}

// ---- environment ----------------------------------------------------------------------

// Kubernetes 1.32 enables RelaxedEnvironmentVariableValidation (beta): any printable ASCII but '='.
const envVarNameErrors = isRelaxedEnvVarName;

export function validateEnv(vars: EnvVar[] | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((ev, i) => {
    const ip = p.index(i);
    if (!ev.name) errs.push(required(ip.child('name'), ''));
    else for (const m of envVarNameErrors(ev.name)) errs.push(invalid(ip.child('name'), ev.name, m));
    errs.push(...validateEnvVarValueFrom(ev, ip.child('valueFrom')));
  });
  return errs;
}

function validateEnvVarValueFrom(ev: EnvVar, p: FieldPath): FieldError[] {
  const from = ev.valueFrom;
  if (!from) return [];
  const errs: FieldError[] = [];
  let sources = 0;
  if (from.fieldRef) {
    sources++;
    errs.push(...validateObjectFieldSelector(from.fieldRef, envFieldPaths, p.child('fieldRef')));
  }
  if (from.resourceFieldRef) {
    sources++;
    errs.push(...validateContainerResourceFieldSelector(from.resourceFieldRef, p.child('resourceFieldRef'), false));
  }
  if (from.configMapKeyRef) {
    sources++;
    errs.push(...validateKeySelector(from.configMapKeyRef, p.child('configMapKeyRef')));
  }
  if (from.secretKeyRef) {
    sources++;
    errs.push(...validateKeySelector(from.secretKeyRef, p.child('secretKeyRef')));
  }
  if (sources === 0) errs.push(invalid(p, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (ev.value) errs.push(invalid(p, '', 'may not be specified when `value` is not empty'));
  else if (sources > 1) errs.push(invalid(p, '', 'may not have more than one field specified at a time'));
  return errs;
}

function validateKeySelector(s: ConfigMapKeySelector | SecretKeySelector, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const m of nameIsDNSSubdomain(s.name ?? '', false)) errs.push(invalid(p.child('name'), s.name ?? '', m));
  if (!s.key) errs.push(required(p.child('key'), ''));
  else for (const m of isConfigMapKey(s.key)) errs.push(invalid(p.child('key'), s.key, m));
  return errs;
}

export function validateEnvFrom(vars: EnvFromSource[] | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((ev, i) => {
    const ip = p.index(i);
    if (ev.prefix) for (const m of envVarNameErrors(ev.prefix)) errs.push(invalid(ip.child('prefix'), ev.prefix, m));
    let sources = 0;
    for (const [field, ref] of [['configMapRef', ev.configMapRef], ['secretRef', ev.secretRef]] as const) {
      if (!ref) continue;
      sources++;
      if (!ref.name) errs.push(required(ip.child(field, 'name'), ''));
      else for (const m of nameIsDNSSubdomain(ref.name, true)) errs.push(invalid(ip.child(field, 'name'), ref.name, m));
    }
    if (sources === 0) errs.push(invalid(p, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) errs.push(invalid(p, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

// ---- probes and lifecycle -------------------------------------------------------------

function validatePortNumOrName(port: IntOrString | undefined, p: FieldPath): FieldError[] {
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalid(p, port, m));
  const n = typeof port === 'number' ? port : 0;
  return isValidPortNum(n).map((m) => invalid(p, n, m));
}

type Handler = LifecycleHandler & Pick<Probe, 'grpc'>;

/** Exactly one handler (exec, httpGet, tcpSocket, grpc, sleep), each well-formed. */
export function validateHandler(h: Handler, gracePeriod: number, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  const take = (name: string, check: () => FieldError[]) => {
    if (count > 0) errs.push(forbidden(p.child(name), 'may not specify more than 1 handler type'));
    else {
      count++;
      errs.push(...check());
    }
  };
  if (h.exec) take('exec', () => (h.exec!.command?.length ? [] : [required(p.child('exec', 'command'), '')]));
  if (h.httpGet) {
    take('httpGet', () => {
      const g = h.httpGet!;
      const hp = p.child('httpGet');
      const out: FieldError[] = [];
      if (!g.path) out.push(required(hp.child('path'), ''));
      out.push(...validatePortNumOrName(g.port, hp.child('port')));
      if (g.scheme && g.scheme !== 'HTTP' && g.scheme !== 'HTTPS') out.push(notSupported(hp.child('scheme'), g.scheme, ['HTTP', 'HTTPS']));
      for (const hdr of g.httpHeaders ?? []) {
        for (const m of isHTTPHeaderName(hdr.name ?? '')) out.push(invalid(hp.child('httpHeaders'), hdr.name ?? '', m));
      }
      return out;
    });
  }
  if (h.tcpSocket) take('tcpSocket', () => validatePortNumOrName(h.tcpSocket!.port, p.child('tcpSocket', 'port')));
  if (h.grpc) take('grpc', () => isValidPortNum(h.grpc!.port ?? 0).map((m) => invalid(p.child('grpc', 'port'), h.grpc!.port ?? 0, m)));
  if (h.sleep) {
    take('sleep', () => {
      const s = h.sleep!.seconds ?? 0;
      return s <= 0 || s > gracePeriod
        ? [invalid(p.child('sleep', 'seconds'), s, `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod})`)]
        : [];
    });
  }
  if (count === 0) errs.push(required(p, 'must specify a handler type'));
  return errs;
}

export function validateProbe(probe: Probe | undefined, gracePeriod: number, p: FieldPath): FieldError[] {
  if (!probe) return [];
  const errs = validateHandler({ exec: probe.exec, httpGet: probe.httpGet, tcpSocket: probe.tcpSocket, grpc: probe.grpc }, gracePeriod, p);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    errs.push(...validateNonnegative(probe[f], p.child(f)));
  }
  const tgps = probe.terminationGracePeriodSeconds;
  if (tgps !== undefined && tgps !== null && tgps <= 0) errs.push(invalid(p.child('terminationGracePeriodSeconds'), tgps, 'must be greater than 0'));
  return errs;
}

/** Probes and lifecycle of an app container (or a sidecar init container). */
export function validateContainerProbesAndLifecycle(c: Container, gracePeriod: number, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (c.lifecycle) {
    if (c.lifecycle.postStart) errs.push(...validateHandler(c.lifecycle.postStart, gracePeriod, p.child('lifecycle', 'postStart')));
    if (c.lifecycle.preStop) errs.push(...validateHandler(c.lifecycle.preStop, gracePeriod, p.child('lifecycle', 'preStop')));
  }
  errs.push(...validateProbe(c.livenessProbe, gracePeriod, p.child('livenessProbe')));
  if (c.livenessProbe && (c.livenessProbe.successThreshold ?? 0) !== 1) {
    errs.push(invalid(p.child('livenessProbe', 'successThreshold'), c.livenessProbe.successThreshold ?? 0, 'must be 1'));
  }
  errs.push(...validateProbe(c.readinessProbe, gracePeriod, p.child('readinessProbe')));
  if (c.readinessProbe?.terminationGracePeriodSeconds !== undefined) {
    errs.push(invalid(p.child('readinessProbe', 'terminationGracePeriodSeconds'), c.readinessProbe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  }
  errs.push(...validateProbe(c.startupProbe, gracePeriod, p.child('startupProbe')));
  if (c.startupProbe && (c.startupProbe.successThreshold ?? 0) !== 1) {
    errs.push(invalid(p.child('startupProbe', 'successThreshold'), c.startupProbe.successThreshold ?? 0, 'must be 1'));
  }
  return errs;
}

// ---- resources ------------------------------------------------------------------------

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);
const isHugePages = (name: string) => name.startsWith('hugepages-');
/** Native resources have no domain or a kubernetes.io one. */
const isNative = (name: string) => !name.includes('/') || name.split('/')[0]!.includes('kubernetes.io');
const isOvercommitAllowed = (name: string) => isNative(name) && !isHugePages(name);
const isExtended = (name: string) => !isNative(name) && !name.startsWith('requests.') && isQualifiedName(`requests.${name}`).length === 0;

function validateContainerResourceName(name: string, p: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((m) => invalid(p, name, m));
  if (!name.includes('/')) {
    if (!standardContainerResources.has(name) && !isHugePages(name)) errs.push(invalid(p, name, 'must be a standard resource for containers'));
  } else if (!isNative(name) && !isExtended(name)) {
    errs.push(invalid(p, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

function validateQuantityValue(name: string, q: Quantity, p: FieldPath): FieldError[] {
  if (q.sign() < 0) return [invalid(p, q.toString(), 'must be greater than or equal to 0')];
  // Extended resources are counted in whole units.
  if (!isNative(name) && q.scaledBigValue(-3) % 1000n !== 0n) return [invalid(p, q.toString(), 'must be an integer')];
  return [];
}

export function validateResources(r: ResourceRequirements | undefined, podClaimNames: ReadonlySet<string>, p: FieldPath): FieldError[] {
  if (!r) return [];
  const errs: FieldError[] = [];
  const limPath = p.child('limits');
  const reqPath = p.child('requests');
  const limits = new Map<string, Quantity>();
  for (const name of sortedKeys(r.limits)) {
    const kp = limPath.key(name);
    errs.push(...validateContainerResourceName(name, kp));
    const q = parseQuantityValue(r.limits![name], kp, errs);
    if (!q) continue;
    errs.push(...validateQuantityValue(name, q, kp));
    limits.set(name, q);
  }
  for (const name of sortedKeys(r.requests)) {
    const kp = reqPath.key(name);
    errs.push(...validateContainerResourceName(name, kp));
    const q = parseQuantityValue(r.requests![name], kp, errs);
    if (!q) continue;
    errs.push(...validateQuantityValue(name, q, kp));
    const limit = limits.get(name);
    if (limit) {
      // Resources that cannot be overcommitted need requests equal to limits.
      if (q.cmp(limit) !== 0 && !isOvercommitAllowed(name)) {
        errs.push(invalid(reqPath, q.toString(), `must be equal to ${name} limit of ${limit.toString()}`));
      } else if (q.cmp(limit) > 0) {
        errs.push(invalid(reqPath, q.toString(), `must be less than or equal to ${name} limit of ${limit.toString()}`));
      }
    } else if (!isOvercommitAllowed(name) && !(r.limits && name in r.limits)) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
  }
  const claimKeys = new Set<string>();
  (r.claims ?? []).forEach((claim, i) => {
    const cp = p.child('claims').index(i);
    if (!claim.name) {
      errs.push(required(cp, ''));
      return;
    }
    let key = claim.name;
    if (claim.request) {
      errs.push(...validateDNS1123Label(claim.request, cp.child('request')));
      key += `/${claim.request}`;
    }
    if (claimKeys.has(key)) errs.push(duplicate(cp, key));
    else claimKeys.add(key);
    if (!podClaimNames.has(claim.name)) errs.push({ ...notFound(cp, claim.name), detail: 'must be one of the names in pod.spec.resourceClaims' });
  });
  return errs;
}

function validateResizePolicy(c: Container, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (c.resizePolicy ?? []).forEach((rp, i) => {
    const ip = p.index(i);
    if (!rp.resourceName) errs.push(required(ip.child('resourceName'), ''));
    else if (rp.resourceName !== 'cpu' && rp.resourceName !== 'memory') errs.push(notSupported(ip.child('resourceName'), rp.resourceName, ['cpu', 'memory']));
    else if (seen.has(rp.resourceName)) errs.push(duplicate(ip.child('resourceName'), rp.resourceName));
    else seen.add(rp.resourceName);
    errs.push(...validateEnum(rp.restartPolicy, ['NotRequired', 'RestartContainer'], ip.child('restartPolicy')));
  });
  return errs;
}

// ---- security -------------------------------------------------------------------------

export function validateSeccompProfile(sp: SeccompProfile | undefined, p: FieldPath): FieldError[] {
  if (!sp) return [];
  return validateProfile(sp, p, 'seccomp', ['Localhost', 'RuntimeDefault', 'Unconfined']);
}

export function validateAppArmorProfile(ap: AppArmorProfile | undefined, p: FieldPath): FieldError[] {
  if (!ap) return [];
  return validateProfile(ap, p, 'AppArmor', ['Localhost', 'RuntimeDefault', 'Unconfined']);
}

function validateProfile(sp: SeccompProfile | AppArmorProfile, p: FieldPath, what: string, types: readonly string[]): FieldError[] {
  const errs = validateEnum(sp.type, types, p.child('type'));
  if (sp.type === 'Localhost') {
    if (!sp.localhostProfile) errs.push(required(p.child('localhostProfile'), `must be set when ${what} type is Localhost`));
  } else if (sp.localhostProfile) {
    errs.push(invalid(p.child('localhostProfile'), sp.localhostProfile, `can only be set when ${what} type is Localhost`));
  }
  return errs;
}

export function validateSecurityContext(sc: SecurityContext | undefined, p: FieldPath): FieldError[] {
  if (!sc) return [];
  const errs: FieldError[] = [];
  if (sc.runAsUser !== undefined && sc.runAsUser !== null) for (const m of isValidUserId(sc.runAsUser)) errs.push(invalid(p.child('runAsUser'), sc.runAsUser, m));
  if (sc.runAsGroup !== undefined && sc.runAsGroup !== null) for (const m of isValidGroupId(sc.runAsGroup)) errs.push(invalid(p.child('runAsGroup'), sc.runAsGroup, m));
  if (sc.procMount) errs.push(...validateEnum(sc.procMount, ['Default', 'Unmasked'], p.child('procMount')));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged) errs.push(invalid(p, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    if (sc.capabilities?.add?.includes('CAP_SYS_ADMIN')) errs.push(invalid(p, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, p.child('seccompProfile')));
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, p.child('appArmorProfile')));
  return errs;
}
