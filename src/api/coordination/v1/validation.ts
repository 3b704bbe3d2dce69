// Validation of coordination.k8s.io/v1 Lease (pkg/apis/coordination/validation).
import { FieldPath, forbidden, invalid, notSupported, path, type FieldError } from '../../validation/field.js';
import { isQualifiedName } from '../../validation/names.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import type { Lease, LeaseSpec } from './types.js';

const knownStrategies = ['OldestEmulationVersion'];

function validateStrategy(strategy: string, p: FieldPath): FieldError[] {
  // Upstream reports these one level deeper than the field itself ("spec.strategy.strategy"); kept for identical output.
  const sp = p.child('strategy');
  if (!strategy.includes('/')) return knownStrategies.includes(strategy) ? [] : [notSupported(sp, strategy, knownStrategies)];
  return isQualifiedName(strategy).map((m) => invalid(sp, strategy, m));
}

export function validateLeaseSpec(spec: LeaseSpec, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.leaseDurationSeconds !== undefined && spec.leaseDurationSeconds !== null && spec.leaseDurationSeconds <= 0) {
    errs.push(invalid(p.child('leaseDurationSeconds'), spec.leaseDurationSeconds, 'must be greater than 0'));
  }
  if (spec.leaseTransitions !== undefined && spec.leaseTransitions !== null && spec.leaseTransitions < 0) {
    errs.push(invalid(p.child('leaseTransitions'), spec.leaseTransitions, 'must be greater than or equal to 0'));
  }
  if (spec.strategy !== undefined && spec.strategy !== null) errs.push(...validateStrategy(spec.strategy, p.child('strategy')));
  if (spec.preferredHolder && !spec.strategy) errs.push(forbidden(p.child('preferredHolder'), 'may only be specified if `strategy` is defined'));
  return errs;
}

export function validateLease(lease: Lease): FieldError[] {
  return [...validateObjectMeta(lease.metadata, true, nameIsDNSSubdomain), ...validateLeaseSpec(lease.spec ?? {}, path('spec'))];
}

export function validateLeaseUpdate(lease: Lease, old: Lease): FieldError[] {
  return [
    ...validateObjectMetaUpdate(lease.metadata, old.metadata, undefined, { requireResourceVersion: false }),
    ...validateLeaseSpec(lease.spec ?? {}, path('spec')),
  ];
}
