// LimitRanger admission: the namespace's LimitRanges give new pods' containers their default
// requests and limits (recorded in the kubernetes.io/limit-ranger annotation), and bound
// containers, pods and PersistentVolumeClaims by min, max and maxLimitRequestRatio, refusing
// with upstream's messages. Pod updates are not checked: containers' resources are immutable.
import type { Container, Pod } from '../../api/core/v1/pod/types.js';
import type { LimitRange, LimitRangeItem, PersistentVolumeClaim, ResourceList } from '../../api/core/v1/types.js';
import { podTotals } from '../../api/core/v1/quota/usage.js';
import { parseQuantity, type Quantity } from '../../api/quantity/index.js';
import { errors } from '../errors.js';
import type { ResourceEntry } from '../registry/entry.js';
import type { AdmissionCheck } from '../rest/resource-store.js';
import type { WatchCache } from '../watchcache/watch-cache.js';
import { namespaceObjects } from './namespace-objects.js';

export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';

type Lists = { requests: Map<string, Quantity>; limits: Map<string, Quantity> };

function quantities(list: ResourceList | undefined): Map<string, Quantity> {
  return new Map(Object.entries(list ?? {}).map(([k, v]) => [k, parseQuantity(v)]));
}

/** Fills what the container leaves out from the defaults; answers what it set, as upstream's annotation phrases it. */
function mergeDefaults(c: Container, kind: string, defaults: { limits: ResourceList; requests: ResourceList }): string[] {
  const res = (c.resources ??= {});
  const set = (which: 'limits' | 'requests') => {
    const own = { ...(res[which] as ResourceList | undefined) };
    const added = Object.keys(defaults[which]).filter((k) => own[k] === undefined);
    for (const k of added) own[k] = defaults[which][k]!;
    if (added.length) res[which] = own;
    return added.sort();
  };
  const limits = set('limits');
  const requests = set('requests');
  const out: string[] = [];
  if (requests.length) out.push(`${requests.join(', ')} request for ${kind} ${c.name}`);
  if (limits.length) out.push(`${limits.join(', ')} limit for ${kind} ${c.name}`);
  return out;
}

function minConstraint(type: string, name: string, enforced: Quantity, l: Lists): string | undefined {
  const req = l.requests.get(name);
  const lim = l.limits.get(name);
  if (!req) return `minimum ${name} usage per ${type} is ${enforced}.  No request is specified`;
  if (req.cmp(enforced) < 0) return `minimum ${name} usage per ${type} is ${enforced}, but request is ${req}`;
  if (lim && lim.cmp(enforced) < 0) return `minimum ${name} usage per ${type} is ${enforced}, but limit is ${lim}`;
  return undefined;
}

function maxConstraint(type: string, name: string, enforced: Quantity, l: Lists): string | undefined {
  const req = l.requests.get(name);
  const lim = l.limits.get(name);
  if (!lim) return `maximum ${name} usage per ${type} is ${enforced}.  No limit is specified`;
  if (lim.cmp(enforced) > 0) return `maximum ${name} usage per ${type} is ${enforced}, but limit is ${lim}`;
  if (req && req.cmp(enforced) > 0) return `maximum ${name} usage per ${type} is ${enforced}, but request is ${req}`;
  return undefined;
}

function maxRequestConstraint(type: string, name: string, enforced: Quantity, l: Lists): string | undefined {
  const req = l.requests.get(name);
  if (!req) return `maximum ${name} usage per ${type} is ${enforced}.  No request is specified`;
  if (req.cmp(enforced) > 0) return `maximum ${name} usage per ${type} is ${enforced}, but request is ${req}`;
  return undefined;
}

function ratioConstraint(type: string, name: string, enforced: Quantity, l: Lists): string | undefined {
  const req = l.requests.get(name);
  const lim = l.limits.get(name);
  if (!req || req.isZero()) return `${name} max limit to request ratio per ${type} is ${enforced}, but no request is specified or request is 0`;
  if (!lim || lim.isZero()) return `${name} max limit to request ratio per ${type} is ${enforced}, but no limit is specified or limit is 0`;
  const ratio = lim.milliValue() / req.milliValue();
  if (ratio * 1000 > enforced.milliValue()) return `${name} max limit to request ratio per ${type} is ${enforced}, but provided ratio is ${ratio.toFixed(6)}`;
  return undefined;
}

/** min, max and ratio of one LimitRange item against one set of requests and limits. */
function bounds(item: LimitRangeItem, type: string, l: Lists): string[] {
  const errs: (string | undefined)[] = [];
  for (const [k, v] of quantities(item.min)) errs.push(minConstraint(type, k, v, l));
  for (const [k, v] of quantities(item.max)) errs.push(maxConstraint(type, k, v, l));
  for (const [k, v] of quantities(item.maxLimitRequestRatio)) errs.push(ratioConstraint(type, k, v, l));
  return errs.filter((e): e is string => !!e);
}

function containerLists(c: Container): Lists {
  return { requests: quantities(c.resources?.requests as ResourceList | undefined), limits: quantities(c.resources?.limits as ResourceList | undefined) };
}

function admitPod(pod: Pod, ranges: LimitRange[]): string[] {
  const spec = pod.spec;
  if (!spec) return [];
  const set: string[] = [];
  for (const lr of ranges) {
    for (const item of lr.spec?.limits ?? []) {
      if (item.type !== 'Container') continue;
      const defaults = { limits: item.default ?? {}, requests: item.defaultRequest ?? {} };
      if (!Object.keys(defaults.limits).length && !Object.keys(defaults.requests).length) continue;
      for (const c of spec.containers ?? []) set.push(...mergeDefaults(c, 'container', defaults));
      for (const c of spec.initContainers ?? []) set.push(...mergeDefaults(c, 'init container', defaults));
    }
  }
  if (set.length) pod.metadata.annotations = { ...pod.metadata.annotations, [LIMIT_RANGER_ANNOTATION]: `LimitRanger plugin set: ${set.join('; ')}` };
  const errs: string[] = [];
  for (const lr of ranges) {
    for (const item of lr.spec?.limits ?? []) {
      if (item.type === 'Container') {
        for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) errs.push(...bounds(item, 'Container', containerLists(c)));
      } else if (item.type === 'Pod') {
        errs.push(...bounds(item, 'Pod', { requests: podTotals(pod, 'requests'), limits: podTotals(pod, 'limits') }));
      }
    }
  }
  return errs;
}

function admitClaim(pvc: PersistentVolumeClaim, ranges: LimitRange[]): string[] {
  const l: Lists = { requests: quantities(pvc.spec?.resources?.requests), limits: new Map() };
  const errs: string[] = [];
  for (const lr of ranges) {
    for (const item of lr.spec?.limits ?? []) {
      if (item.type !== 'PersistentVolumeClaim') continue;
      for (const [k, v] of quantities(item.min)) {
        const e = minConstraint('PersistentVolumeClaim', k, v, l);
        if (e) errs.push(e);
      }
      for (const [k, v] of quantities(item.max)) {
        const e = maxRequestConstraint('PersistentVolumeClaim', k, v, l);
        if (e) errs.push(e);
      }
    }
  }
  return errs;
}

export function limitRanger(cache: WatchCache, limitRanges: ResourceEntry): AdmissionCheck {
  return (entry, obj, op) => {
    if (entry.group !== '') return;
    const isPod = entry.resource === 'pods' && op === 'create';
    const isClaim = entry.resource === 'persistentvolumeclaims' && (op === 'create' || op === 'update');
    if (!isPod && !isClaim) return;
    const ranges = namespaceObjects<LimitRange>(cache, limitRanges, obj.metadata.namespace ?? '');
    if (!ranges.length) return;
    const errs = isPod ? admitPod(obj as Pod, ranges) : admitClaim(obj as PersistentVolumeClaim, ranges);
    // Several failures read as Go's aggregated error: bracketed, comma-separated.
    if (errs.length) throw errors.forbidden(entry, obj.metadata.name ?? '', errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`);
  };
}
