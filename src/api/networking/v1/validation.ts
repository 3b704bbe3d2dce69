// Validation of networking.k8s.io/v1 objects, with upstream's rules and messages
// (pkg/apis/networking/validation).
import { FieldPath, forbidden, invalid, notSupported, path, required, tooLong, type FieldError } from '../../validation/field.js';
import {
  isDNS1123Subdomain,
  isDNS1035Label,
  isValidCIDR,
  isValidIP,
  isValidPathSegmentName,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
  regexError,
} from '../../validation/names.js';
import {
  nameIsDNSSubdomain,
  validateImmutableField,
  validateLabelSelector,
  validateNamespaceName,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../validation/objectmeta.js';
import { isStrictSubset, parseCIDR } from './cidr.js';
import type {
  HTTPIngressPath,
  IPBlock,
  Ingress,
  IngressBackend,
  IngressClass,
  IngressClassParametersReference,
  IngressRule,
  IngressSpec,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicySpec,
  TypedLocalObjectReference,
} from './types.js';

// Updates are checked whole; optimistic concurrency is the store's job, not metadata validation's.
const metaUpdateOpts = { requireResourceVersion: false };

const ingressClassAnnotation = 'kubernetes.io/ingress.class';
const supportedPathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'] as const;
const invalidPathSequences = ['//', '/./', '/../', '%2f', '%2F'];
const invalidPathSuffixes = ['/..', '/.'];
const protocols = ['TCP', 'UDP', 'SCTP'];
const maxLenIngressClassController = 250;
const httpPathFmt = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const httpPathRe = new RegExp(`^${httpPathFmt}$`);

interface IngressOptions {
  /** Objects stored before secret names were checked keep validating. */
  allowInvalidSecretName: boolean;
  /** Likewise for wildcard-host rules whose paths predate path validation. */
  allowInvalidWildcardHostRule: boolean;
}

const strict: IngressOptions = { allowInvalidSecretName: false, allowInvalidWildcardHostRule: false };

// ---- Ingress -----------------------------------------------------------------------------

function validateTypedLocalObjectReference(ref: TypedLocalObjectReference | IngressClassParametersReference, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (ref.apiGroup !== undefined && ref.apiGroup !== null) {
    for (const m of isDNS1123Subdomain(ref.apiGroup)) errs.push(invalid(p.child('apiGroup'), ref.apiGroup, m));
  }
  if (!ref.kind) errs.push(required(p.child('kind'), 'kind is required'));
  else for (const m of isValidPathSegmentName(ref.kind)) errs.push(invalid(p.child('kind'), ref.kind, m));
  if (!ref.name) errs.push(required(p.child('name'), 'name is required'));
  else for (const m of isValidPathSegmentName(ref.name)) errs.push(invalid(p.child('name'), ref.name, m));
  return errs;
}

function validateIngressBackend(backend: IngressBackend, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const svc = backend.service;
  if (backend.resource && svc) return [invalid(p, '', 'cannot set both resource and service backends')];
  if (backend.resource) return validateTypedLocalObjectReference(backend.resource, p.child('resource'));
  if (!svc) return [invalid(p, '', 'resource or service backend is required')];
  if (!svc.name) errs.push(required(p.child('service', 'name')));
  // Service names are DNS-1035 labels.
  else for (const m of isDNS1035Label(svc.name)) errs.push(invalid(p.child('service', 'name'), svc.name, m));
  const portName = svc.port?.name ?? '';
  const portNumber = svc.port?.number ?? 0;
  if (portName && portNumber) {
    errs.push(invalid(p, '', 'cannot set both port name & port number'));
  } else if (portName) {
    for (const m of isValidPortName(portName)) errs.push(invalid(p.child('service', 'port', 'name'), portName, m));
  } else if (portNumber) {
    for (const m of isValidPortNum(portNumber)) errs.push(invalid(p.child('service', 'port', 'number'), portNumber, m));
  } else {
    errs.push(required(p, 'port name or number is required'));
  }
  return errs;
}

function validateHTTPIngressPath(hp: HTTPIngressPath, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (hp.pathType === undefined || hp.pathType === null) return [required(p.child('pathType'), 'pathType must be specified')];
  const value = hp.path ?? '';
  switch (hp.pathType) {
    case 'Exact':
    case 'Prefix':
      if (!value.startsWith('/')) errs.push(invalid(p.child('path'), value, 'must be an absolute path'));
      if (value.length > 0) {
        for (const seq of invalidPathSequences) if (value.includes(seq)) errs.push(invalid(p.child('path'), value, `must not contain '${seq}'`));
        for (const suf of invalidPathSuffixes) if (value.endsWith(suf)) errs.push(invalid(p.child('path'), value, `cannot end with '${suf}'`));
      }
      break;
    case 'ImplementationSpecific':
      if (value.length > 0 && !value.startsWith('/')) errs.push(invalid(p.child('path'), value, 'must be an absolute path'));
      break;
    default:
      errs.push(notSupported(p.child('pathType'), hp.pathType, supportedPathTypes));
  }
  errs.push(...validateIngressBackend(hp.backend ?? {}, p.child('backend')));
  return errs;
}

function validateIngressRuleValue(rule: IngressRule, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!rule.http) return errs;
  const paths = rule.http.paths ?? [];
  if (paths.length === 0) errs.push(required(p.child('http', 'paths')));
  paths.forEach((hp, i) => errs.push(...validateHTTPIngressPath(hp, p.child('http', 'paths').index(i))));
  return errs;
}

function validateIngressRules(rules: IngressRule[], p: FieldPath, opts: IngressOptions): FieldError[] {
  const errs: FieldError[] = [];
  rules.forEach((rule, i) => {
    const rp = p.index(i);
    let wildcard = false;
    const host = rule.host ?? '';
    if (host) {
      if (isValidIP(host).length === 0) errs.push(invalid(rp.child('host'), host, 'must be a DNS name, not an IP address'));
      if (host.includes('*')) {
        for (const m of isWildcardDNS1123Subdomain(host)) errs.push(invalid(rp.child('host'), host, m));
        wildcard = true;
      } else {
        for (const m of isDNS1123Subdomain(host)) errs.push(invalid(rp.child('host'), host, m));
      }
    }
    if (!wildcard || !opts.allowInvalidWildcardHostRule) errs.push(...validateIngressRuleValue(rule, rp));
  });
  return errs;
}

function validateIngressTLS(spec: IngressSpec, p: FieldPath, opts: IngressOptions): FieldError[] {
  const errs: FieldError[] = [];
  (spec.tls ?? []).forEach((tls, t) => {
    (tls.hosts ?? []).forEach((host, i) => {
      const hp = p.index(t).child('hosts').index(i);
      const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
      for (const m of msgs) errs.push(invalid(hp, host, m));
    });
    const secret = tls.secretName ?? '';
    if (!opts.allowInvalidSecretName && secret) {
      for (const m of nameIsDNSSubdomain(secret, false)) errs.push(invalid(p.index(t).child('secretName'), secret, m));
    }
  });
  return errs;
}

export function validateIngressSpec(spec: IngressSpec, p: FieldPath, opts: IngressOptions = strict): FieldError[] {
  const errs: FieldError[] = [];
  const rules = spec.rules ?? [];
  if (rules.length === 0 && !spec.defaultBackend) {
    errs.push(invalid(p, spec.rules ?? null, 'either `defaultBackend` or `rules` must be specified'));
  }
  if (spec.defaultBackend) errs.push(...validateIngressBackend(spec.defaultBackend, p.child('defaultBackend')));
  if (rules.length > 0) errs.push(...validateIngressRules(rules, p.child('rules'), opts));
  if (spec.tls?.length) errs.push(...validateIngressTLS(spec, p.child('tls'), opts));
  if (spec.ingressClassName !== undefined && spec.ingressClassName !== null) {
    for (const m of nameIsDNSSubdomain(spec.ingressClassName, false)) errs.push(invalid(p.child('ingressClassName'), spec.ingressClassName, m));
  }
  return errs;
}

function validateIngress(ing: Ingress, opts: IngressOptions): FieldError[] {
  return [...validateObjectMeta(ing.metadata, true, nameIsDNSSubdomain), ...validateIngressSpec(ing.spec ?? {}, path('spec'), opts)];
}

export function validateIngressCreate(ing: Ingress): FieldError[] {
  const errs = validateIngress(ing, strict);
  const annotation = ing.metadata.annotations?.[ingressClassAnnotation];
  const className = ing.spec?.ingressClassName;
  if (annotation !== undefined && className !== undefined && className !== null && annotation !== className) {
    errs.push(invalid(path('annotations').child(ingressClassAnnotation), annotation, 'must match `ingressClassName` when both are specified'));
  }
  return errs;
}

function hasInvalidSecretName(ing: Ingress): boolean {
  return (ing.spec?.tls ?? []).some((t) => !!t.secretName && nameIsDNSSubdomain(t.secretName, false).length > 0);
}

function hasInvalidWildcardHostRule(ing: Ingress): boolean {
  return (ing.spec?.rules ?? []).some((r) => (r.host ?? '').includes('*') && validateIngressRuleValue(r, path('spec')).length > 0);
}

export function validateIngressUpdate(ing: Ingress, old: Ingress): FieldError[] {
  // What the stored object already got away with stays allowed, so old objects remain updatable.
  const opts: IngressOptions = { allowInvalidSecretName: hasInvalidSecretName(old), allowInvalidWildcardHostRule: hasInvalidWildcardHostRule(old) };
  return [...validateObjectMetaUpdate(ing.metadata, old.metadata, undefined, metaUpdateOpts), ...validateIngress(ing, opts)];
}

export function validateIngressStatusUpdate(ing: Ingress, old: Ingress): FieldError[] {
  const errs = validateObjectMetaUpdate(ing.metadata, old.metadata, undefined, metaUpdateOpts);
  const lb = path('status', 'loadBalancer');
  (ing.status?.loadBalancer?.ingress ?? []).forEach((point, i) => {
    const ip = lb.child('ingress').index(i);
    if (point.ip) for (const m of isValidIP(point.ip)) errs.push(invalid(ip.child('ip'), point.ip, m));
    if (point.hostname) {
      for (const m of isDNS1123Subdomain(point.hostname)) errs.push(invalid(ip.child('hostname'), point.hostname, m));
      if (isValidIP(point.hostname).length === 0) errs.push(invalid(ip.child('hostname'), point.hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}

// ---- IngressClass ----------------------------------------------------------------------------

/** A domain-prefixed path such as "acme.io/foo" (IsDomainPrefixedPath). */
function validateDomainPrefixedPath(p: FieldPath, value: string): FieldError[] {
  if (!value) return [required(p)];
  const slash = value.indexOf('/');
  const host = slash < 0 ? '' : value.slice(0, slash);
  const rest = slash < 0 ? '' : value.slice(slash + 1);
  if (!host || !rest) return [invalid(p, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errs = isDNS1123Subdomain(host).map((m) => invalid(p, host, m));
  if (!httpPathRe.test(rest)) errs.push(invalid(p, rest, regexError('Invalid path', httpPathFmt)));
  return errs;
}

function validateParametersReference(params: IngressClassParametersReference | undefined, p: FieldPath): FieldError[] {
  if (!params) return [];
  const errs = validateTypedLocalObjectReference(params, p);
  if (params.scope === undefined || params.scope === null) return [...errs, required(p.child('scope'))];
  if (params.scope !== 'Cluster' && params.scope !== 'Namespace') {
    errs.push(notSupported(p.child('scope'), params.scope, ['Cluster', 'Namespace']));
  } else if (params.scope === 'Namespace') {
    if (params.namespace === undefined || params.namespace === null) errs.push(required(p.child('namespace'), "`parameters.scope` is set to 'Namespace'"));
    else for (const m of validateNamespaceName(params.namespace, false)) errs.push(invalid(p.child('namespace'), params.namespace, m));
  } else if (params.namespace !== undefined && params.namespace !== null) {
    errs.push(forbidden(p.child('namespace'), "`parameters.scope` is set to 'Cluster'"));
  }
  return errs;
}

export function validateIngressClass(ic: IngressClass): FieldError[] {
  const errs = validateObjectMeta(ic.metadata, false, nameIsDNSSubdomain);
  const spec = ic.spec ?? {};
  const sp = path('spec');
  const controller = spec.controller ?? '';
  if (controller.length > maxLenIngressClassController) errs.push(tooLong(sp.child('controller'), controller, maxLenIngressClassController));
  errs.push(...validateDomainPrefixedPath(sp.child('controller'), controller));
  errs.push(...validateParametersReference(spec.parameters, sp.child('parameters')));
  return errs;
}

export function validateIngressClassUpdate(ic: IngressClass, old: IngressClass): FieldError[] {
  return [
    ...validateObjectMetaUpdate(ic.metadata, old.metadata, undefined, metaUpdateOpts),
    ...validateImmutableField(ic.spec?.controller, old.spec?.controller, path('spec', 'controller')),
    ...validateIngressClass(ic),
  ];
}

// ---- NetworkPolicy ---------------------------------------------------------------------------

function validatePolicyPort(port: NetworkPolicyPort, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol !== undefined && port.protocol !== null && !protocols.includes(port.protocol)) {
    errs.push(notSupported(p.child('protocol'), port.protocol, protocols));
  }
  const end = port.endPort;
  const hasEnd = end !== undefined && end !== null;
  if (port.port === undefined || port.port === null) {
    if (hasEnd) errs.push(invalid(p.child('endPort'), end, 'may not be specified when `port` is not specified'));
  } else if (typeof port.port === 'number') {
    for (const m of isValidPortNum(port.port)) errs.push(invalid(p.child('port'), port.port, m));
    if (hasEnd) {
      if (end < port.port) errs.push(invalid(p.child('endPort'), port.port, 'must be greater than or equal to `port`'));
      for (const m of isValidPortNum(end)) errs.push(invalid(p.child('endPort'), end, m));
    }
  } else {
    if (hasEnd) errs.push(invalid(p.child('endPort'), end, 'may not be specified when `port` is non-numeric'));
    for (const m of isValidPortName(port.port)) errs.push(invalid(p.child('port'), port.port, m));
  }
  return errs;
}

function validateIPBlock(block: IPBlock, p: FieldPath): FieldError[] {
  if (!block.cidr) return [required(p.child('cidr'))];
  const errs = isValidCIDR(block.cidr).map((m) => invalid(p.child('cidr'), block.cidr, m));
  const outer = parseCIDR(block.cidr);
  if (!outer) return errs;
  (block.except ?? []).forEach((text, i) => {
    const ep = p.child('except').index(i);
    for (const m of isValidCIDR(text)) errs.push(invalid(ep, text, m));
    const inner = parseCIDR(text);
    if (inner && !isStrictSubset(inner, outer)) errs.push(invalid(ep, text, 'must be a strict subset of `cidr`'));
  });
  return errs;
}

function validatePeer(peer: NetworkPolicyPeer, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  if (peer.podSelector) {
    count++;
    errs.push(...validateLabelSelector(peer.podSelector, p.child('podSelector')));
  }
  if (peer.namespaceSelector) {
    count++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, p.child('namespaceSelector')));
  }
  if (peer.ipBlock) {
    count++;
    errs.push(...validateIPBlock(peer.ipBlock, p.child('ipBlock')));
  }
  if (count === 0) errs.push(required(p, 'must specify a peer'));
  else if (count > 1 && peer.ipBlock) errs.push(forbidden(p, 'may not specify both ipBlock and another peer'));
  return errs;
}

export function validateNetworkPolicySpec(spec: NetworkPolicySpec, p: FieldPath): FieldError[] {
  const errs = validateLabelSelector(spec.podSelector, p.child('podSelector'));
  (spec.ingress ?? []).forEach((rule, i) => {
    const rp = p.child('ingress').index(i);
    (rule.ports ?? []).forEach((port, j) => errs.push(...validatePolicyPort(port, rp.child('ports').index(j))));
    (rule.from ?? []).forEach((peer, j) => errs.push(...validatePeer(peer, rp.child('from').index(j))));
  });
  (spec.egress ?? []).forEach((rule, i) => {
    const rp = p.child('egress').index(i);
    (rule.ports ?? []).forEach((port, j) => errs.push(...validatePolicyPort(port, rp.child('ports').index(j))));
    (rule.to ?? []).forEach((peer, j) => errs.push(...validatePeer(peer, rp.child('to').index(j))));
  });
  const types = spec.policyTypes ?? [];
  if (types.length > 2) return [...errs, invalid(p.child('policyTypes'), types, 'may not specify more than two policyTypes')];
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') errs.push(notSupported(p.child('policyTypes').index(i), t, ['Ingress', 'Egress']));
  });
  return errs;
}

export function validateNetworkPolicy(np: NetworkPolicy): FieldError[] {
  return [...validateObjectMeta(np.metadata, true, nameIsDNSSubdomain), ...validateNetworkPolicySpec(np.spec ?? {}, path('spec'))];
}

export function validateNetworkPolicyUpdate(np: NetworkPolicy, old: NetworkPolicy): FieldError[] {
  return [...validateObjectMetaUpdate(np.metadata, old.metadata, undefined, metaUpdateOpts), ...validateNetworkPolicySpec(np.spec ?? {}, path('spec'))];
}
