// Validation of discovery.k8s.io/v1 EndpointSlice (pkg/apis/discovery/validation).
import { FieldPath, duplicate, invalid, notSupported, path, required, type FieldError } from '../../validation/field.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidIPv4Address, isValidIPv6Address, isValidLabelValue } from '../../validation/names.js';
import { nameIsDNSSubdomain, validateImmutableField, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { specialIPErrors } from './special-ip.js';
import type { Endpoint, EndpointHints, EndpointPort, EndpointSlice } from './types.js';

const addressTypes = ['FQDN', 'IPv4', 'IPv6'];
const protocols = ['SCTP', 'TCP', 'UDP'];
const maxTopologyLabels = 16;
const maxAddresses = 100;
const maxPorts = 20000;
const maxEndpoints = 1000;
const maxZoneHints = 8;
const zoneLabel = 'topology.kubernetes.io/zone';

function tooMany(p: FieldPath, actual: number, max: number): FieldError {
  return { type: 'FieldValueTooMany', field: String(p), badValue: actual, detail: `must have at most ${max} items` };
}

/** IsFullyQualifiedDomainName, reporting as upstream does: one error, joined messages. */
function validateFQDN(value: string, p: FieldPath): FieldError[] {
  if (!value) return [required(p)];
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const sub = isDNS1123Subdomain(name);
  if (sub.length) return [invalid(p, name, sub.join(','))];
  const labels = name.split('.');
  if (labels.length < 2) return [invalid(p, name, 'should be a domain with at least two segments separated by dots')];
  for (const label of labels) {
    const errs = isDNS1123Label(label);
    if (errs.length) return [invalid(p, label, errs.join(','))];
  }
  return [];
}

function validateAddress(addressType: string, address: string, p: FieldPath): FieldError[] {
  switch (addressType) {
    case 'IPv4': {
      const errs = isValidIPv4Address(address);
      if (errs.length) return errs.map((m) => invalid(p, address, m));
      return specialIPErrors(address, 4).map((m) => invalid(p, address, m));
    }
    case 'IPv6': {
      const errs = isValidIPv6Address(address);
      if (errs.length) return errs.map((m) => invalid(p, address, m));
      return specialIPErrors(address, 6).map((m) => invalid(p, address, m));
    }
    case 'FQDN':
      return validateFQDN(address, p);
    default:
      // Unknown address types are reported once, at addressType.
      return [];
  }
}

function validateHints(hints: EndpointHints, p: FieldPath): FieldError[] {
  const fz = p.child('forZones');
  const zones = hints.forZones ?? [];
  if (zones.length > maxZoneHints) return [tooMany(fz, zones.length, maxZoneHints)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  zones.forEach((z, i) => {
    const zp = fz.index(i).child('name');
    const name = z.name ?? '';
    if (seen.has(name)) errs.push(duplicate(zp, name));
    else seen.add(name);
    for (const m of isValidLabelValue(name)) errs.push(invalid(zp, name, m));
  });
  return errs;
}

function validateEndpoint(ep: Endpoint, addressType: string, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ap = p.child('addresses');
  const addresses = ep.addresses ?? [];
  if (addresses.length === 0) errs.push(required(ap, 'must contain at least 1 address'));
  else if (addresses.length > maxAddresses) errs.push(tooMany(ap, addresses.length, maxAddresses));
  addresses.forEach((a, i) => errs.push(...validateAddress(addressType, a, ap.index(i))));
  if (ep.nodeName !== undefined && ep.nodeName !== null) {
    for (const m of nameIsDNSSubdomain(ep.nodeName, false)) errs.push(invalid(p.child('nodeName'), ep.nodeName, m));
  }
  const tp = p.child('deprecatedTopology');
  const topology = ep.deprecatedTopology ?? {};
  if (Object.keys(topology).length > maxTopologyLabels) errs.push(tooMany(tp, Object.keys(topology).length, maxTopologyLabels));
  errs.push(...validateLabels(topology, tp));
  // The zone lives in its own field in v1; the label form only exists in the old beta shape.
  if (zoneLabel in topology) errs.push({ type: 'InternalError', field: String(tp.key(zoneLabel)), detail: 'reserved key was not removed in conversion' });
  if (ep.hostname !== undefined && ep.hostname !== null) {
    for (const m of isDNS1123Label(ep.hostname)) errs.push(invalid(p.child('hostname'), ep.hostname, m));
  }
  if (ep.hints) errs.push(...validateHints(ep.hints, p.child('hints')));
  return errs;
}

function validatePorts(ports: EndpointPort[], p: FieldPath): FieldError[] {
  if (ports.length > maxPorts) return [tooMany(p, ports.length, maxPorts)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const ip = p.index(i);
    if (port.name === undefined || port.name === null) {
      errs.push(required(ip.child('name')));
    } else {
      if (port.name !== '') for (const m of isDNS1123Label(port.name)) errs.push(invalid(ip.child('name'), port.name, m));
      if (names.has(port.name)) errs.push(duplicate(ip.child('name'), port.name));
      else names.add(port.name);
    }
    if (port.protocol === undefined || port.protocol === null) errs.push(required(ip.child('protocol')));
    else if (!protocols.includes(port.protocol)) errs.push(notSupported(ip.child('protocol'), port.protocol, protocols));
    if (port.appProtocol !== undefined && port.appProtocol !== null) {
      for (const m of isQualifiedName(port.appProtocol)) errs.push(invalid(ip.child('appProtocol'), port.appProtocol, m));
    }
  });
  return errs;
}

function validateSlice(slice: EndpointSlice): FieldError[] {
  const errs = validateObjectMeta(slice.metadata, true, nameIsDNSSubdomain);
  const at = slice.addressType ?? '';
  if (!at) errs.push(required(path('addressType')));
  else if (!addressTypes.includes(at)) errs.push(notSupported(path('addressType'), at, addressTypes));
  const endpoints = slice.endpoints ?? [];
  if (endpoints.length > maxEndpoints) errs.push(tooMany(path('endpoints'), endpoints.length, maxEndpoints));
  else endpoints.forEach((ep, i) => errs.push(...validateEndpoint(ep, at, path('endpoints').index(i))));
  errs.push(...validatePorts(slice.ports ?? [], path('ports')));
  return errs;
}

export function validateEndpointSliceCreate(slice: EndpointSlice): FieldError[] {
  return validateSlice(slice);
}

export function validateEndpointSliceUpdate(slice: EndpointSlice, old: EndpointSlice): FieldError[] {
  return [
    ...validateObjectMetaUpdate(slice.metadata, old.metadata, undefined, { requireResourceVersion: false }),
    ...validateSlice(slice),
    ...validateImmutableField(slice.addressType, old.addressType, path('addressType')),
  ];
}
