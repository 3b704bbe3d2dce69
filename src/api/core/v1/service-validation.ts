// Service validation, following upstream's ValidateService / ValidateServiceUpdate and their messages.
import { duplicate, forbidden, invalid, notSupported, path, required, type FieldError, type FieldPath } from '../../validation/field.js';
import { isDNS1123Subdomain, isValidCIDR, isValidIP, isValidPortName, isValidPortNum } from '../../validation/names.js';
import { nameIsDNS1035Label, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { externallyAccessible, isHeadless } from './service-strategy.js';
import type { Service, ServicePort, ServiceSpec } from './types.js';
import { parseIP, validateDNS1123Label, validateQualifiedName, validateDNS1123Subdomain } from './validation-helpers.js';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] as const;
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;
const SESSION_AFFINITIES = ['ClientIP', 'None'] as const;
const TRAFFIC_POLICIES = ['Cluster', 'Local'] as const;
const IP_FAMILIES = ['IPv4', 'IPv6'] as const;
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'] as const;
const TRAFFIC_DISTRIBUTIONS = ['PreferClose'] as const;
const MAX_CLIENT_IP_TIMEOUT = 86400;
const KUBELET_PORT = 10250;

const spec$ = path('spec');

export function validateService(svc: Service): FieldError[] {
  const errs = validateObjectMeta(svc.metadata, true, nameIsDNS1035Label);
  const spec = svc.spec ?? {};
  errs.push(...validateServiceSpec(spec));
  return errs;
}

function validateServiceSpec(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const ports = spec.ports ?? [];
  if (ports.length === 0 && !isHeadless(spec) && spec.type !== 'ExternalName') errs.push(required(spec$.child('ports')));
  errs.push(...validateTypeSpecific(spec));

  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, spec$.child('ports').index(i))));
  errs.push(...validateNodePorts(spec));
  errs.push(...validateLabels(spec.selector, spec$.child('selector')));
  errs.push(...validateSessionAffinity(spec));
  errs.push(...validateClusterIPs(spec));

  if (!spec.type) errs.push(required(spec$.child('type')));
  else if (!(SERVICE_TYPES as readonly string[]).includes(spec.type)) errs.push(notSupported(spec$.child('type'), spec.type, SERVICE_TYPES));

  (spec.externalIPs ?? []).forEach((ip, i) => {
    const p = spec$.child('externalIPs').index(i);
    for (const msg of isValidIP(ip)) errs.push(invalid(p, ip, msg));
  });

  if (spec.loadBalancerSourceRanges?.length) {
    if (spec.type !== 'LoadBalancer') {
      errs.push(forbidden(spec$.child('loadBalancerSourceRanges'), "may only be used when `type` is 'LoadBalancer'"));
    } else if (spec.loadBalancerSourceRanges.some((r) => isValidCIDR(r.trim()).length > 0)) {
      errs.push(invalid(spec$.child('loadBalancerSourceRanges'), spec.loadBalancerSourceRanges, 'must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 '));
    }
  }

  if (spec.allocateLoadBalancerNodePorts !== undefined && spec.type !== 'LoadBalancer') {
    errs.push(forbidden(spec$.child('allocateLoadBalancerNodePorts'), "may only be used when `type` is 'LoadBalancer'"));
  } else if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) {
    errs.push(required(spec$.child('allocateLoadBalancerNodePorts')));
  }

  if (spec.loadBalancerClass !== undefined) {
    if (spec.type !== 'LoadBalancer') errs.push(forbidden(spec$.child('loadBalancerClass'), "may only be used when `type` is 'LoadBalancer'"));
    else errs.push(...validateQualifiedName(spec.loadBalancerClass, spec$.child('loadBalancerClass')));
  }

  errs.push(...validateTrafficPolicies(spec));
  if (spec.trafficDistribution !== undefined && !(TRAFFIC_DISTRIBUTIONS as readonly string[]).includes(spec.trafficDistribution)) {
    errs.push(notSupported(spec$.child('trafficDistribution'), spec.trafficDistribution, TRAFFIC_DISTRIBUTIONS));
  }
  return errs;
}

function validateTypeSpecific(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const first = spec$.child('clusterIPs').index(0);
  switch (spec.type) {
    case 'LoadBalancer':
      if (isHeadless(spec)) errs.push(invalid(first, spec.clusterIPs?.[0] ?? spec.clusterIP, "may not be set to 'None' for LoadBalancer services"));
      (spec.ports ?? []).forEach((p, i) => {
        if (p.port === KUBELET_PORT) errs.push(invalid(spec$.child('ports').index(i), p.port, `may not expose port ${KUBELET_PORT} externally since it is used by kubelet`));
      });
      break;
    case 'NodePort':
      if (isHeadless(spec)) errs.push(invalid(first, spec.clusterIPs?.[0] ?? spec.clusterIP, "may not be set to 'None' for NodePort services"));
      break;
    case 'ExternalName': {
      if (spec.clusterIPs?.length) errs.push(forbidden(spec$.child('clusterIPs'), 'may not be set for ExternalName services'));
      if (spec.ipFamilies?.length) errs.push(forbidden(spec$.child('ipFamilies'), 'may not be set for ExternalName services'));
      if (spec.ipFamilyPolicy) errs.push(forbidden(spec$.child('ipFamilyPolicy'), 'may not be set for ExternalName services'));
      // A CNAME may end in a dot to mark it fully qualified.
      const cname = (spec.externalName ?? '').replace(/\.$/, '');
      if (cname) errs.push(...validateDNS1123Subdomain(cname, spec$.child('externalName')));
      else errs.push(required(spec$.child('externalName')));
      break;
    }
  }
  return errs;
}

function validateServicePort(sp: ServicePort, requireName: boolean, names: Set<string>, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !sp.name) {
    errs.push(required(p.child('name')));
  } else if (sp.name) {
    errs.push(...validateDNS1123Label(sp.name, p.child('name')));
    if (names.has(sp.name)) errs.push(duplicate(p.child('name'), sp.name));
    else names.add(sp.name);
  }
  for (const msg of isValidPortNum(sp.port)) errs.push(invalid(p.child('port'), sp.port, msg));
  if (!sp.protocol) errs.push(required(p.child('protocol')));
  else if (!(PROTOCOLS as readonly string[]).includes(sp.protocol)) errs.push(notSupported(p.child('protocol'), sp.protocol, PROTOCOLS));
  errs.push(...validatePortNumOrName(sp.targetPort, p.child('targetPort')));
  if (sp.appProtocol !== undefined) errs.push(...validateQualifiedName(sp.appProtocol, p.child('appProtocol')));
  if (sp.nodePort) for (const msg of isValidPortNum(sp.nodePort)) errs.push(invalid(p.child('nodePort'), sp.nodePort, msg));
  return errs;
}

/** Upstream's ValidatePortNumOrName: a number is a port, a string an IANA service name. */
export function validatePortNumOrName(port: number | string | undefined, p: FieldPath): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((msg) => invalid(p, port, msg));
  if (typeof port === 'string') {
    if (port === '') return [required(p)];
    return isValidPortName(port).map((msg) => invalid(p, port, msg));
  }
  return [];
}

function validateNodePorts(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const ports = spec.ports ?? [];
  const portsPath = spec$.child('ports');
  if (spec.type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (p.nodePort) errs.push(forbidden(portsPath.index(i).child('nodePort'), "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    const key = `${p.protocol}/${p.nodePort}`;
    if (nodePorts.has(key)) errs.push(duplicate(portsPath.index(i).child('nodePort'), p.nodePort));
    nodePorts.add(key);
  });
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${p.protocol}/${p.port}`;
    if (seen.has(key)) errs.push(duplicate(portsPath.index(i), { port: p.port, protocol: p.protocol }));
    seen.add(key);
  });
  return errs;
}

function validateSessionAffinity(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const affinity = spec.sessionAffinity;
  if (!affinity) errs.push(required(spec$.child('sessionAffinity')));
  else if (!(SESSION_AFFINITIES as readonly string[]).includes(affinity)) errs.push(notSupported(spec$.child('sessionAffinity'), affinity, SESSION_AFFINITIES));
  if (affinity === 'ClientIP') {
    const cfgPath = spec$.child('sessionAffinityConfig');
    const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (timeout === undefined) errs.push(required(cfgPath.child('clientIP', 'timeoutSeconds')));
    else if (!(timeout > 0 && timeout <= MAX_CLIENT_IP_TIMEOUT)) {
      errs.push(invalid(cfgPath.child('clientIP', 'timeoutSeconds'), timeout, `must be greater than 0 and less than ${MAX_CLIENT_IP_TIMEOUT}`));
    }
  } else if (affinity === 'None' && spec.sessionAffinityConfig) {
    errs.push(invalid(spec$.child('sessionAffinityConfig'), spec.sessionAffinityConfig, 'must not be set when session affinity is None'));
  }
  return errs;
}

function validateClusterIPs(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const ipsPath = spec$.child('clusterIPs');
  const ips = spec.clusterIPs ?? [];
  if (spec.clusterIP) {
    if (ips.length === 0) errs.push(required(ipsPath));
    else if (ips[0] !== spec.clusterIP) errs.push(invalid(ipsPath, ips, 'first value must match `clusterIP`'));
  } else if (ips.length) {
    errs.push(invalid(ipsPath, ips, 'must be empty when `clusterIP` is not specified'));
  }

  const seen = new Set<string>();
  (spec.ipFamilies ?? []).forEach((f, i) => {
    const p = spec$.child('ipFamilies').index(i);
    if (!(IP_FAMILIES as readonly string[]).includes(f)) errs.push(notSupported(p, f, IP_FAMILIES));
    if (seen.has(f)) errs.push(duplicate(p, f));
    seen.add(f);
  });
  if (spec.ipFamilyPolicy !== undefined && !(IP_FAMILY_POLICIES as readonly string[]).includes(spec.ipFamilyPolicy)) {
    errs.push(notSupported(spec$.child('ipFamilyPolicy'), spec.ipFamilyPolicy, IP_FAMILY_POLICIES));
  }

  let badIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        badIPs = true;
        errs.push(invalid(ipsPath, ips, "'None' must be the first and only value"));
      }
      return;
    }
    const msgs = isValidIP(ip);
    if (msgs.length) badIPs = true;
    for (const msg of msgs) errs.push(invalid(ipsPath.index(i), ip, msg));
  });
  if (ips.length > 2) errs.push(invalid(ipsPath, ips, 'may only hold up to 2 values'));
  if (badIPs) return errs;

  if (ips.length > 1) {
    const families = ips.map((ip) => parseIP(ip)?.family);
    if (families[0] === families[1]) errs.push(invalid(ipsPath, ips, 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadless(spec) && spec.ipFamilies?.length) {
    ips.forEach((ip, i) => {
      const want = spec.ipFamilies![i];
      if (!want) return;
      const v6 = parseIP(ip)?.family === 6;
      if (want === 'IPv4' && v6) errs.push(invalid(ipsPath.index(i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (want === 'IPv6' && !v6) errs.push(invalid(ipsPath.index(i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

function validateTrafficPolicies(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  if (!externallyAccessible(spec)) {
    if (spec.externalTrafficPolicy) errs.push(invalid(spec$.child('externalTrafficPolicy'), spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
  } else if (!spec.externalTrafficPolicy) {
    errs.push(required(spec$.child('externalTrafficPolicy')));
  } else if (!(TRAFFIC_POLICIES as readonly string[]).includes(spec.externalTrafficPolicy)) {
    errs.push(notSupported(spec$.child('externalTrafficPolicy'), spec.externalTrafficPolicy, TRAFFIC_POLICIES));
  }
  const hc = spec.healthCheckNodePort;
  if (hc && !(spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local')) {
    errs.push(invalid(spec$.child('healthCheckNodePort'), hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (hc) {
    for (const msg of isValidPortNum(hc)) errs.push(invalid(spec$.child('healthCheckNodePort'), hc, msg));
  }
  if (spec.internalTrafficPolicy === undefined) {
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP') errs.push(required(spec$.child('internalTrafficPolicy'), 'must be specified'));
  } else if (!(TRAFFIC_POLICIES as readonly string[]).includes(spec.internalTrafficPolicy)) {
    errs.push(notSupported(spec$.child('internalTrafficPolicy'), spec.internalTrafficPolicy, TRAFFIC_POLICIES));
  }
  return errs;
}

// ---- update ----------------------------------------------------------------------------

export function validateServiceUpdate(svc: Service, old: Service): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata, path('metadata'));
  const spec = svc.spec ?? {};
  const oldSpec = old.spec ?? {};
  errs.push(...validateClusterIPsChange(spec, oldSpec));
  errs.push(...validateIPFamiliesChange(spec, oldSpec));
  if (oldSpec.type === 'LoadBalancer' && spec.type === 'LoadBalancer' && (oldSpec.loadBalancerClass ?? '') !== (spec.loadBalancerClass ?? '')) {
    errs.push(invalid(spec$.child('loadBalancerClass'), spec.loadBalancerClass ?? null, 'may not change once set'));
  }
  errs.push(...validateServiceSpec(spec));
  return errs;
}

/** Primary and secondary cluster IPs stay as allocated; only adding or releasing the secondary is allowed. */
function validateClusterIPsChange(spec: ServiceSpec, old: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.type === 'ExternalName' || old.type === 'ExternalName') return errs;
  if (isHeadless(spec) && isHeadless(old)) return errs;
  const ips = spec.clusterIPs ?? [];
  const oldIPs = old.clusterIPs ?? [];
  const first = spec$.child('clusterIPs').index(0);
  if (oldIPs.length === ips.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(invalid(spec$.child('clusterIPs').index(i), ips, 'may not change once set'));
    });
  } else if (oldIPs.length > ips.length) {
    if (ips.length === 0) errs.push(invalid(first, ips, 'primary clusterIP can not be unset'));
    if (oldIPs.length > 0 && ips.length > 0 && ips[0] !== oldIPs[0]) errs.push(invalid(first, ips, 'may not change once set'));
    if (ips.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(invalid(first, ips, "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
    errs.push(invalid(first, ips, 'may not change once set'));
  }
  return errs;
}

function validateIPFamiliesChange(spec: ServiceSpec, old: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.type === 'ExternalName' || old.type === 'ExternalName') return errs;
  if (isHeadless(spec) && isHeadless(old)) return errs;
  const fams = spec.ipFamilies ?? [];
  const oldFams = old.ipFamilies ?? [];
  const first = spec$.child('ipFamilies').index(0);
  if (oldFams.length === fams.length) {
    if (oldFams.some((f, i) => f !== fams[i])) errs.push(invalid(first, fams, 'may not change once set'));
  } else if (oldFams.length > fams.length) {
    if (fams.length === 0) errs.push(invalid(first, fams, 'primary ipFamily can not be unset'));
    if (fams.length > 0 && fams[0] !== oldFams[0]) errs.push(invalid(first, fams, 'may not change once set'));
    if (fams.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(invalid(spec$.child('clusterIPs').index(0), spec.clusterIPs ?? [], "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary ipFamily"));
    }
  } else if (oldFams.length > 0 && fams[0] !== oldFams[0]) {
    errs.push(invalid(first, fams, 'may not change once set'));
  }
  return errs;
}

// ---- status ----------------------------------------------------------------------------

export function validateServiceStatusUpdate(svc: Service, old: Service): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata, path('metadata'));
  const ingressPath = path('status', 'loadBalancer', 'ingress');
  (svc.status?.loadBalancer?.ingress ?? []).forEach((ing, i) => {
    const p = ingressPath.index(i);
    if (ing.ip) for (const msg of isValidIP(ing.ip)) errs.push(invalid(p.child('ip'), ing.ip, msg));
    // ipMode is judged only for LoadBalancer services, whose defaulting fills it in.
    if (svc.spec?.type !== 'LoadBalancer') {
      // nothing to check
    } else if (ing.ipMode !== undefined && !ing.ip) errs.push(forbidden(p.child('ipMode'), 'may not be specified when `ip` is not'));
    else if (ing.ipMode !== undefined && !['Proxy', 'VIP'].includes(ing.ipMode)) errs.push(notSupported(p.child('ipMode'), ing.ipMode, ['Proxy', 'VIP']));
    else if (ing.ipMode === undefined && ing.ip) errs.push(required(p.child('ipMode'), 'must be specified when `ip` is set'));
    if (ing.hostname) {
      for (const msg of isDNS1123Subdomain(ing.hostname)) errs.push(invalid(p.child('hostname'), ing.hostname, msg));
      if (parseIP(ing.hostname)) errs.push(invalid(p.child('hostname'), ing.hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}
