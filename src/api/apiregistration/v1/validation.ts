// Validation of apiregistration.k8s.io/v1 APIService, as kube-aggregator's
// pkg/apis/apiregistration/validation: the name is `version.group`, priorities in range, and a
// local APIService (no service) carries no TLS settings.
import { invalid, path, required, type FieldError } from '../../validation/field.js';
import { isDNS1035Label, isDNS1123Subdomain, validatePathSegmentName } from '../../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import type { APIService } from './types.js';

function caBundleBytes(b64: string): number {
  return Buffer.from(b64, 'base64').length;
}

function validateSpec(svc: APIService): FieldError[] {
  const errs: FieldError[] = [];
  const spec = svc.spec ?? { groupPriorityMinimum: 0, versionPriority: 0 };
  const group = spec.group ?? '';
  const version = spec.version ?? '';
  // Only the legacy group's v1 may name no group.
  if (!group && version !== 'v1') errs.push(required(path('spec', 'group'), 'only v1 may have an empty group and it better be legacy kube'));
  if (group) for (const m of isDNS1123Subdomain(group)) errs.push(invalid(path('spec', 'group'), group, m));
  for (const m of isDNS1035Label(version)) errs.push(invalid(path('spec', 'version'), version, m));
  const gpm = spec.groupPriorityMinimum ?? 0;
  if (gpm <= 0 || gpm > 20000) errs.push(invalid(path('spec', 'groupPriorityMinimum'), gpm, 'must be positive and less than 20000'));
  const vp = spec.versionPriority ?? 0;
  if (vp <= 0 || vp > 1000) errs.push(invalid(path('spec', 'versionPriority'), vp, 'must be positive and less than 1000'));
  const ca = spec.caBundle ?? '';
  if (!spec.service) {
    if (ca) errs.push(invalid(path('spec', 'caBundle'), `${caBundleBytes(ca)} bytes`, 'local APIServices may not have a caBundle'));
    if (spec.insecureSkipTLSVerify) errs.push(invalid(path('spec', 'insecureSkipTLSVerify'), true, 'local APIServices may not have insecureSkipTLSVerify'));
    return errs;
  }
  const s = spec.service;
  if (!s.namespace) errs.push(required(path('spec', 'service', 'namespace'), ''));
  if (!s.name) errs.push(required(path('spec', 'service', 'name'), ''));
  const port = s.port ?? 443;
  if (!Number.isInteger(port) || port < 1 || port > 65535) errs.push(invalid(path('spec', 'service', 'port'), port, 'port is not valid: must be between 1 and 65535, inclusive'));
  if (spec.insecureSkipTLSVerify && ca) errs.push(invalid(path('spec', 'insecureSkipTLSVerify'), true, 'may not be true if caBundle is present'));
  return errs;
}

function nameCheck(svc: APIService) {
  const wanted = `${svc.spec?.version ?? ''}.${svc.spec?.group ?? ''}`;
  return (name: string): string[] => {
    const segment = validatePathSegmentName(name, false);
    if (segment.length) return segment;
    return name === wanted ? [] : [`must be \`spec.version+"."+spec.group\`: ${JSON.stringify(wanted)}`];
  };
}

export function validateAPIService(svc: APIService): FieldError[] {
  return [...validateObjectMeta(svc.metadata, false, nameCheck(svc)), ...validateSpec(svc)];
}

export function validateAPIServiceUpdate(svc: APIService, old: APIService): FieldError[] {
  return [...validateObjectMetaUpdate(svc.metadata, old.metadata), ...validateSpec(svc)];
}

export function validateAPIServiceStatusUpdate(svc: APIService, old: APIService): FieldError[] {
  return validateObjectMetaUpdate(svc.metadata, old.metadata);
}
