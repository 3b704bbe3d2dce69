// The Endpoints kind: defaults, validation (upstream's ValidateEndpoints) and names.
import type { KindDefinition } from '../../scheme/kind.js';
import { invalid, notSupported, path, required, type FieldError, type FieldPath } from '../../validation/field.js';
import { isDNS1123Subdomain, isValidIP, isValidPortNum } from '../../validation/names.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import './endpoints-schema.js';
import type { EndpointAddress, EndpointPort, Endpoints } from './types.js';
import { validateDNS1123Label, validateNonSpecialIP, validateQualifiedName } from './validation-helpers.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;

export function defaultEndpoints(ep: Endpoints): void {
  for (const ss of ep.subsets ?? []) for (const p of ss.ports ?? []) p.protocol ||= 'TCP';
}

function validateAddress(a: EndpointAddress, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ipMsgs = isValidIP(a.ip ?? '');
  for (const msg of ipMsgs) errs.push(invalid(p.child('ip'), a.ip ?? '', msg));
  if (a.hostname) errs.push(...validateDNS1123Label(a.hostname, p.child('hostname')));
  if (a.nodeName !== undefined) for (const msg of isDNS1123Subdomain(a.nodeName)) errs.push(invalid(p.child('nodeName'), a.nodeName, msg));
  if (ipMsgs.length === 0) errs.push(...validateNonSpecialIP(a.ip, p.child('ip')));
  return errs;
}

function validatePort(port: EndpointPort, requireName: boolean, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !port.name) errs.push(required(p.child('name')));
  else if (port.name) errs.push(...validateDNS1123Label(port.name, p.child('name')));
  for (const msg of isValidPortNum(port.port)) errs.push(invalid(p.child('port'), port.port, msg));
  if (!port.protocol) errs.push(required(p.child('protocol')));
  else if (!(PROTOCOLS as readonly string[]).includes(port.protocol)) errs.push(notSupported(p.child('protocol'), port.protocol, PROTOCOLS));
  if (port.appProtocol !== undefined) errs.push(...validateQualifiedName(port.appProtocol, p.child('appProtocol')));
  return errs;
}

function validateSubsets(ep: Endpoints): FieldError[] {
  const errs: FieldError[] = [];
  (ep.subsets ?? []).forEach((ss, i) => {
    const p = path('subsets').index(i);
    if (!ss.addresses?.length && !ss.notReadyAddresses?.length) errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    (ss.addresses ?? []).forEach((a, j) => errs.push(...validateAddress(a, p.child('addresses').index(j))));
    (ss.notReadyAddresses ?? []).forEach((a, j) => errs.push(...validateAddress(a, p.child('notReadyAddresses').index(j))));
    const ports = ss.ports ?? [];
    ports.forEach((port, j) => errs.push(...validatePort(port, ports.length > 1, p.child('ports').index(j))));
  });
  return errs;
}

export function validateEndpoints(ep: Endpoints): FieldError[] {
  return [...validateObjectMeta(ep.metadata, true, nameIsDNSSubdomain), ...validateSubsets(ep)];
}

export function validateEndpointsUpdate(ep: Endpoints, old: Endpoints): FieldError[] {
  return [...validateObjectMetaUpdate(ep.metadata, old.metadata, path('metadata')), ...validateSubsets(ep)];
}

export const endpointsKind: KindDefinition<Endpoints> = {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  plural: 'endpoints',
  singular: 'endpoints',
  shortNames: ['ep'],
  namespaced: true,
  schema: 'io.k8s.api.core.v1.Endpoints',
  tracksGeneration: false,
  default: defaultEndpoints,
  validateCreate: validateEndpoints,
  validateUpdate: validateEndpointsUpdate,
};
