// Resource names and quantity rules shared by Node, PersistentVolume(Claim), LimitRange and
// ResourceQuota: upstream's helper.IsStandard*ResourceName and the quantity validators.
import { parseQuantity, type Quantity } from '../../quantity/index.js';
import { invalid, type FieldError, type FieldPath } from '../../validation/field.js';
import { isQualifiedName } from '../../validation/names.js';
import type { ResourceList } from './types.js';

const HUGEPAGES = 'hugepages-';
const REQUESTS_HUGEPAGES = 'requests.hugepages-';

/** Resources whose quantities must be whole numbers (object counts). */
const INTEGER_RESOURCES = new Set(['pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers']);

const STANDARD_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'persistentvolumeclaims',
  'configmaps',
  'services.nodeports',
  'services.loadbalancers',
  'storage',
  'requests.storage',
]);

const STANDARD_QUOTA_RESOURCES = new Set([
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.storage',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
]);

export const isIntegerResourceName = (name: string): boolean => INTEGER_RESOURCES.has(name) || name.startsWith('count/');
export const isHugePageResourceName = (name: string): boolean => name.startsWith(HUGEPAGES);
export const isStandardResourceName = (name: string): boolean => STANDARD_RESOURCES.has(name) || isHugePageResourceName(name) || name.startsWith(REQUESTS_HUGEPAGES);
export const isStandardQuotaResourceName = (name: string): boolean => STANDARD_QUOTA_RESOURCES.has(name) || name.startsWith(REQUESTS_HUGEPAGES);

/** A quantity, or the error a client would have got decoding it. */
export function quantityOf(value: string, p: FieldPath): { q?: Quantity; errs: FieldError[] } {
  try {
    return { q: parseQuantity(value), errs: [] };
  } catch (err) {
    return { errs: [invalid(p, value, err instanceof Error ? err.message : String(err))] };
  }
}

/** Upstream's ValidateNonnegativeQuantity. */
export function validateNonnegativeQuantity(q: Quantity, p: FieldPath): FieldError[] {
  return q.sign() < 0 ? [invalid(p, q.toString(), 'must be greater than or equal to 0')] : [];
}

/** Upstream's ValidatePositiveQuantityValue. */
export function validatePositiveQuantity(q: Quantity, p: FieldPath): FieldError[] {
  return q.sign() <= 0 ? [invalid(p, q.toString(), 'must be greater than zero')] : [];
}

/** Upstream's ValidateResourceQuantityValue: non-negative, whole for counted resources. */
export function validateResourceQuantityValue(resource: string, q: Quantity, p: FieldPath): FieldError[] {
  const errs = validateNonnegativeQuantity(q, p);
  if (isIntegerResourceName(resource) && q.scaledBigValue(-3) % 1000n !== 0n) errs.push(invalid(p, q.toString(), 'must be an integer'));
  return errs;
}

/** Every entry parses and passes validateResourceQuantityValue; entries reported at p[name] (or p.name). */
export function validateResourceList(list: ResourceList | undefined, p: FieldPath, style: 'key' | 'child' = 'key'): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, value] of Object.entries(list ?? {})) {
    const kp = style === 'key' ? p.key(name) : p.child(name);
    const { q, errs: parseErrs } = quantityOf(value, kp);
    errs.push(...parseErrs);
    if (q) errs.push(...validateResourceQuantityValue(name, q, kp));
  }
  return errs;
}

/** Resource names in quota and limit specs: qualified names, and standard ones when not prefixed. */
export function validateResourceName(name: string, p: FieldPath, notStandard: string, isStandard: (n: string) => boolean): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => invalid(p, name, msg));
  if (errs.length === 0 && !name.includes('/') && !isStandard(name)) errs.push(invalid(p, name, notStandard));
  return errs;
}

/** Quantities are stored in canonical form, as upstream re-encodes them ("1000m" reads back as "1"). */
export function canonicalizeResourceList(list: ResourceList | undefined): void {
  if (!list) return;
  for (const [name, value] of Object.entries(list)) {
    try {
      list[name] = parseQuantity(value).toString();
    } catch {
      // Left as written; validation reports it.
    }
  }
}
