// The ResourceQuota kind: resource names and quantities of hard limits, scopes and scope
// selectors (upstream's ValidateResourceQuota), with scopes fixed after creation.
import type { KindDefinition } from '../../scheme/kind.js';
import { invalid, path, required, type FieldError, type FieldPath } from '../../validation/field.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import './limits-schema.js';
import { canonicalizeResourceList, isStandardQuotaResourceName, quantityOf, validateResourceName, validateResourceQuantityValue } from './resource-rules.js';
import type { ResourceList, ResourceQuota } from './types.js';
import { semanticEqual } from './validation-helpers.js';

const SCOPES = new Set(['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity']);
const POD_COMPUTE = new Set(['cpu', 'memory', 'limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory']);
const CONFLICTING_SCOPES = [
  ['BestEffort', 'NotBestEffort'],
  ['Terminating', 'NotTerminating'],
] as const;
const EXISTS_ONLY_SCOPES = new Set(['BestEffort', 'NotBestEffort', 'Terminating', 'NotTerminating', 'CrossNamespacePodAffinity']);

/** Which resources a scope can track: pods always, compute resources for the pod-lifecycle scopes. */
function scopeValidForResource(scope: string, resource: string): boolean {
  if (resource === 'pods') return true;
  return (scope === 'Terminating' || scope === 'NotTerminating' || scope === 'NotBestEffort' || scope === 'PriorityClass') && POD_COMPUTE.has(resource);
}

export function defaultResourceQuota(rq: ResourceQuota): void {
  canonicalizeResourceList(rq.spec?.hard);
  canonicalizeResourceList(rq.status?.hard);
  canonicalizeResourceList(rq.status?.used);
}

function validateQuotaList(list: ResourceList | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(list ?? {})) {
    const kp = p.key(k);
    errs.push(...validateResourceName(k, kp, 'must be a standard resource for quota', isStandardQuotaResourceName));
    const { q, errs: qErrs } = quantityOf(v, kp);
    errs.push(...qErrs);
    if (q) errs.push(...validateResourceQuantityValue(k, q, kp));
  }
  return errs;
}

function validateScopes(rq: ResourceQuota): FieldError[] {
  const errs: FieldError[] = [];
  const spec = rq.spec ?? {};
  const scopes = spec.scopes ?? [];
  if (scopes.length === 0) return errs;
  const hard = Object.keys(spec.hard ?? {}).sort();
  const p = path('spec', 'scopes');
  for (const scope of scopes) {
    if (!SCOPES.has(scope)) errs.push(invalid(p, scopes, 'unsupported scope'));
    for (const r of hard) if (isStandardQuotaResourceName(r) && !scopeValidForResource(scope, r)) errs.push(invalid(p, scopes, 'unsupported scope applied to resource'));
  }
  for (const [a, b] of CONFLICTING_SCOPES) if (scopes.includes(a) && scopes.includes(b)) errs.push(invalid(p, scopes, 'conflicting scopes'));
  return errs;
}

function validateScopeSelector(rq: ResourceQuota): FieldError[] {
  const errs: FieldError[] = [];
  const sel = rq.spec?.scopeSelector;
  if (!sel) return errs;
  const hard = Object.keys(rq.spec?.hard ?? {}).sort();
  const p = path('spec', 'scopeSelector', 'matchExpressions');
  const scopes = new Set<string>();
  for (const req of sel.matchExpressions ?? []) {
    if (!SCOPES.has(req.scopeName)) errs.push(invalid(p.child('scopeName'), req.scopeName, 'unsupported scope'));
    for (const r of hard) if (isStandardQuotaResourceName(r) && !scopeValidForResource(req.scopeName, r)) errs.push(invalid(p, sel, 'unsupported scope applied to resource'));
    if (EXISTS_ONLY_SCOPES.has(req.scopeName) && req.operator !== 'Exists') {
      errs.push(
        invalid(
          p.child('operator'),
          req.operator,
          "must be 'Exist' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity",
        ),
      );
    }
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(required(p.child('values'), "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length !== 0) errs.push(invalid(p.child('values'), values, "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
        break;
      default:
        errs.push(invalid(p.child('operator'), req.operator, 'not a valid selector operator'));
    }
    scopes.add(req.scopeName);
  }
  for (const [a, b] of CONFLICTING_SCOPES) if (scopes.has(a) && scopes.has(b)) errs.push(invalid(p, sel, 'conflicting scopes'));
  return errs;
}

function validateSpec(rq: ResourceQuota): FieldError[] {
  return [...validateQuotaList(rq.spec?.hard, path('spec', 'hard')), ...validateScopes(rq), ...validateScopeSelector(rq)];
}

function validateStatus(rq: ResourceQuota): FieldError[] {
  return [...validateQuotaList(rq.status?.hard, path('status', 'hard')), ...validateQuotaList(rq.status?.used, path('status', 'used'))];
}

export function validateResourceQuota(rq: ResourceQuota): FieldError[] {
  return [...validateObjectMeta(rq.metadata, true, nameIsDNSSubdomain), ...validateSpec(rq), ...validateStatus(rq)];
}

export function validateResourceQuotaUpdate(rq: ResourceQuota, old: ResourceQuota): FieldError[] {
  const errs = [...validateObjectMetaUpdate(rq.metadata, old.metadata, path('metadata')), ...validateSpec(rq)];
  const scopes = [...new Set(rq.spec?.scopes ?? [])].sort();
  const oldScopes = [...new Set(old.spec?.scopes ?? [])].sort();
  if (!semanticEqual(scopes, oldScopes)) errs.push(invalid(path('spec', 'scopes'), rq.spec?.scopes ?? [], 'field is immutable'));
  return errs;
}

export function validateResourceQuotaStatusUpdate(rq: ResourceQuota, old: ResourceQuota): FieldError[] {
  return [...validateObjectMetaUpdate(rq.metadata, old.metadata, path('metadata')), ...validateStatus(rq)];
}

export const resourceQuotaKind: KindDefinition<ResourceQuota> = {
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
  plural: 'resourcequotas',
  singular: 'resourcequota',
  shortNames: ['quota'],
  namespaced: true,
  schema: 'io.k8s.api.core.v1.ResourceQuota',
  hasStatus: true,
  tracksGeneration: false,
  default: defaultResourceQuota,
  prepareForCreate: (rq) => {
    rq.status = {};
  },
  validateCreate: validateResourceQuota,
  validateUpdate: validateResourceQuotaUpdate,
  validateStatusUpdate: validateResourceQuotaStatusUpdate,
};
