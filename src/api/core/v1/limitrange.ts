// The LimitRange kind: container defaults derived from max/default/min, and upstream's
// ValidateLimitRange consistency rules between min, max, default and defaultRequest.
import type { Quantity } from '../../quantity/index.js';
import type { KindDefinition } from '../../scheme/kind.js';
import { duplicate, forbidden, invalid, path, required, type FieldError } from '../../validation/field.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import './limits-schema.js';
import { canonicalizeResourceList, isStandardResourceName, quantityOf, validateResourceName } from './resource-rules.js';
import type { LimitRange, LimitRangeItem, ResourceList } from './types.js';

const STANDARD_LIMIT_TYPES = new Set(['Pod', 'Container', 'PersistentVolumeClaim']);
const BOUNDS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;

/** SetDefaults_LimitRangeItem: a container's default limit falls back to max, its default request to the limit, then to min. */
export function defaultLimitRange(lr: LimitRange): void {
  for (const item of lr.spec?.limits ?? []) {
    for (const b of BOUNDS) canonicalizeResourceList(item[b]);
    if (item.type !== 'Container') continue;
    const def: ResourceList = { ...item.default };
    const req: ResourceList = { ...item.defaultRequest };
    for (const [k, v] of Object.entries(item.max ?? {})) def[k] ??= v;
    for (const [k, v] of Object.entries(def)) req[k] ??= v;
    for (const [k, v] of Object.entries(item.min ?? {})) req[k] ??= v;
    // Empty maps are omitted on the wire, as upstream's omitempty.
    if (Object.keys(def).length) item.default = def;
    if (Object.keys(req).length) item.defaultRequest = req;
  }
}

function validateItem(item: LimitRangeItem, i: number, types: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const ip = path('spec', 'limits').index(i);
  const type = item.type ?? '';
  errs.push(...validateResourceName(type, ip.child('type'), 'must be a standard limit type or fully qualified', (t) => STANDARD_LIMIT_TYPES.has(t)));
  if (types.has(type)) errs.push(duplicate(ip.child('type'), type));
  types.add(type);

  const parsed: Record<(typeof BOUNDS)[number], Map<string, Quantity>> = { max: new Map(), min: new Map(), default: new Map(), defaultRequest: new Map(), maxLimitRequestRatio: new Map() };
  const keys = new Set<string>();
  for (const b of BOUNDS) {
    for (const [k, v] of Object.entries(item[b] ?? {})) {
      const kp = ip.child(b).key(k);
      errs.push(...validateResourceName(k, kp, 'must be a standard resource type or fully qualified', isStandardResourceName));
      keys.add(k);
      const { q, errs: qErrs } = quantityOf(v, kp);
      errs.push(...qErrs);
      if (q) parsed[b].set(k, q);
    }
  }
  if (type === 'Pod') {
    if (Object.keys(item.default ?? {}).length) errs.push(forbidden(ip.child('default'), "may not be specified when `type` is 'Pod'"));
    if (Object.keys(item.defaultRequest ?? {}).length) errs.push(forbidden(ip.child('defaultRequest'), "may not be specified when `type` is 'Pod'"));
  }
  if (type === 'PersistentVolumeClaim' && !item.min?.['storage'] && !item.max?.['storage']) {
    errs.push(required(ip.child('limits'), 'either minimum or maximum storage value is required, but neither was provided'));
  }
  for (const k of [...keys].sort()) {
    const min = parsed.min.get(k);
    const max = parsed.max.get(k);
    const def = parsed.default.get(k);
    const defReq = parsed.defaultRequest.get(k);
    const ratio = parsed.maxLimitRequestRatio.get(k);
    if (min && max && min.cmp(max) > 0) errs.push(invalid(ip.child('min').key(k), min.toString(), `min value ${min} is greater than max value ${max}`));
    if (defReq && min && min.cmp(defReq) > 0) errs.push(invalid(ip.child('defaultRequest').key(k), defReq.toString(), `min value ${min} is greater than default request value ${defReq}`));
    if (defReq && max && defReq.cmp(max) > 0) errs.push(invalid(ip.child('defaultRequest').key(k), defReq.toString(), `default request value ${defReq} is greater than max value ${max}`));
    if (defReq && def && defReq.cmp(def) > 0) errs.push(invalid(ip.child('defaultRequest').key(k), defReq.toString(), `default request value ${defReq} is greater than default limit value ${def}`));
    if (def && min && min.cmp(def) > 0) errs.push(invalid(ip.child('default').key(k), min.toString(), `min value ${min} is greater than default value ${def}`));
    if (def && max && def.cmp(max) > 0) errs.push(invalid(ip.child('default').key(k), max.toString(), `default value ${def} is greater than max value ${max}`));
    if (ratio) {
      const rp = ip.child('maxLimitRequestRatio').key(k);
      if (ratio.asApproximateFloat64() < 1) errs.push(invalid(rp, ratio.toString(), `ratio ${ratio} is less than 1`));
      if (min && max) {
        const limit = max.asApproximateFloat64() / min.asApproximateFloat64();
        if (ratio.asApproximateFloat64() > limit) errs.push(invalid(rp, ratio.toString(), `ratio ${ratio} is greater than max/min = ${limit.toFixed(6)}`));
      }
    }
  }
  return errs;
}

function validateLimits(lr: LimitRange): FieldError[] {
  const types = new Set<string>();
  return (lr.spec?.limits ?? []).flatMap((item, i) => validateItem(item, i, types));
}

export function validateLimitRange(lr: LimitRange): FieldError[] {
  return [...validateObjectMeta(lr.metadata, true, nameIsDNSSubdomain), ...validateLimits(lr)];
}

export function validateLimitRangeUpdate(lr: LimitRange, old: LimitRange): FieldError[] {
  return [...validateObjectMetaUpdate(lr.metadata, old.metadata, path('metadata')), ...validateLimits(lr)];
}

export const limitRangeKind: KindDefinition<LimitRange> = {
  group: '',
  version: 'v1',
  kind: 'LimitRange',
  plural: 'limitranges',
  singular: 'limitrange',
  shortNames: ['limits'],
  namespaced: true,
  schema: 'io.k8s.api.core.v1.LimitRange',
  tracksGeneration: false,
  default: defaultLimitRange,
  validateCreate: validateLimitRange,
  validateUpdate: validateLimitRangeUpdate,
};
