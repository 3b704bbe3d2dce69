// What an object counts against a ResourceQuota, as upstream's quota evaluators (pods,
// services, persistentvolumeclaims, and the object-count evaluator for everything else), and
// which objects a quota's scopes select. Shared by quota admission and the resourcequota
// controller, so both count the same way.
import { add, parseQuantity, type Quantity } from '../../../quantity/index.js';
import type { KubeObject } from '../../../meta/types.js';
import type { Container, Pod } from '../pod/types.js';
import type { ResourceList, ResourceQuota, ScopedResourceSelectorRequirement } from '../types.js';

export type Usage = Map<string, Quantity>;

/** The resources whose legacy names count objects (beside `count/<resource>`). */
const LEGACY_COUNTS: Record<string, string> = {
  pods: 'pods',
  services: 'services',
  secrets: 'secrets',
  configmaps: 'configmaps',
  persistentvolumeclaims: 'persistentvolumeclaims',
  replicationcontrollers: 'replicationcontrollers',
  resourcequotas: 'resourcequotas',
};

const COMPUTE = ['cpu', 'memory', 'ephemeral-storage'];
/** The pod resources a quota on which makes every container declare them (upstream's validationSet). */
const MUST_DECLARE = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);
const STORAGE_CLASS_SUFFIX = '.storageclass.storage.k8s.io/';

function one(): Quantity {
  return parseQuantity(1);
}

function addTo(u: Usage, key: string, q: Quantity): void {
  const cur = u.get(key);
  u.set(key, cur ? add(cur, q) : q);
}

function sumList(into: Map<string, Quantity>, list: ResourceList | undefined): void {
  for (const [k, v] of Object.entries(list ?? {})) addTo(into, k, parseQuantity(v));
}

function maxList(into: Map<string, Quantity>, list: Map<string, Quantity>): void {
  for (const [k, v] of list) {
    const cur = into.get(k);
    if (!cur || v.cmp(cur) > 0) into.set(k, v);
  }
}

/**
 * A pod's effective requests or limits: the containers (and sidecars) summed, an init
 * container's own value where it is larger, then the overhead, as upstream's PodRequests.
 */
export function podTotals(pod: Pod, which: 'requests' | 'limits'): Map<string, Quantity> {
  const spec = pod.spec;
  const total = new Map<string, Quantity>();
  if (!spec) return total;
  for (const c of spec.containers ?? []) sumList(total, c.resources?.[which] as ResourceList | undefined);
  const sidecars = new Map<string, Quantity>();
  for (const c of spec.initContainers ?? []) {
    const own = new Map<string, Quantity>();
    sumList(own, c.resources?.[which] as ResourceList | undefined);
    if (c.restartPolicy === 'Always') {
      // A sidecar runs beside the later init containers and all app containers.
      for (const [k, v] of own) addTo(sidecars, k, v);
      for (const [k, v] of own) addTo(total, k, v);
      continue;
    }
    const withSidecars = new Map(own);
    for (const [k, v] of sidecars) addTo(withSidecars, k, v);
    maxList(total, withSidecars);
  }
  sumList(total, spec.overhead as ResourceList | undefined);
  return total;
}

/** Succeeded and Failed pods hold nothing (upstream's QuotaV1Pod). */
export function podIsTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

export function podIsBestEffort(pod: Pod): boolean {
  const all: Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  return all.every((c) => {
    const r = c.resources ?? {};
    return !['cpu', 'memory'].some((k) => (r.requests as ResourceList | undefined)?.[k] !== undefined || (r.limits as ResourceList | undefined)?.[k] !== undefined);
  });
}

function podUsage(pod: Pod): Usage {
  const u: Usage = new Map();
  if (podIsTerminal(pod)) return u;
  u.set('pods', one());
  u.set('count/pods', one());
  const requests = podTotals(pod, 'requests');
  const limits = podTotals(pod, 'limits');
  for (const [k, v] of requests) {
    u.set(`requests.${k}`, v);
    if (COMPUTE.includes(k)) u.set(k, v);
  }
  for (const [k, v] of limits) if (COMPUTE.includes(k) || k.includes('/') || k.startsWith('hugepages-')) u.set(`limits.${k}`, v);
  return u;
}

interface ServiceLike {
  spec?: { type?: string; ports?: { nodePort?: number }[] };
}

function serviceUsage(svc: ServiceLike): Usage {
  const u: Usage = new Map([
    ['services', one()],
    ['count/services', one()],
  ]);
  const type = svc.spec?.type ?? 'ClusterIP';
  const zero = parseQuantity(0);
  u.set('services.loadbalancers', type === 'LoadBalancer' ? one() : zero);
  // Every port of a NodePort or LoadBalancer service takes a node port, allocated or not yet.
  const ports = type === 'NodePort' || type === 'LoadBalancer' ? (svc.spec?.ports ?? []).length : 0;
  u.set('services.nodeports', parseQuantity(ports));
  return u;
}

interface ClaimLike {
  spec?: { storageClassName?: string; resources?: { requests?: ResourceList } };
  status?: { capacity?: ResourceList; allocatedResources?: ResourceList };
}

function claimUsage(pvc: ClaimLike): Usage {
  const u: Usage = new Map([
    ['persistentvolumeclaims', one()],
    ['count/persistentvolumeclaims', one()],
  ]);
  const requested = pvc.spec?.resources?.requests?.['storage'];
  // A claim counts what it asked for, or what it was given when resizing raised that.
  const allocated = pvc.status?.allocatedResources?.['storage'];
  let storage = requested !== undefined ? parseQuantity(requested) : undefined;
  if (allocated !== undefined && (!storage || parseQuantity(allocated).cmp(storage) > 0)) storage = parseQuantity(allocated);
  if (storage) u.set('requests.storage', storage);
  const sc = pvc.spec?.storageClassName;
  if (sc) {
    u.set(`${sc}${STORAGE_CLASS_SUFFIX}persistentvolumeclaims`, one());
    if (storage) u.set(`${sc}${STORAGE_CLASS_SUFFIX}requests.storage`, storage);
  }
  return u;
}

/** What one object of `resource` in `group` uses. */
export function usageOf(group: string, resource: string, obj: KubeObject): Usage {
  if (group === '') {
    if (resource === 'pods') return podUsage(obj as Pod);
    if (resource === 'services') return serviceUsage(obj as ServiceLike);
    if (resource === 'persistentvolumeclaims') return claimUsage(obj as ClaimLike);
  }
  const u: Usage = new Map([[group ? `count/${resource}.${group}` : `count/${resource}`, one()]]);
  const legacy = group === '' ? LEGACY_COUNTS[resource] : undefined;
  if (legacy) u.set(legacy, one());
  return u;
}

/** Whether a quota name counts objects of this resource (every object counts for these). */
export function countsResource(group: string, resource: string, name: string): boolean {
  if (name === (group ? `count/${resource}.${group}` : `count/${resource}`)) return true;
  return group === '' && LEGACY_COUNTS[resource] === name;
}

/** The names in `hard` that objects of this resource could use. */
export function matchingResources(group: string, resource: string, hard: readonly string[]): string[] {
  return hard.filter((name) => {
    if (countsResource(group, resource, name)) return true;
    if (group !== '') return false;
    if (resource === 'pods') return COMPUTE.includes(name) || name.startsWith('requests.') || name.startsWith('limits.');
    if (resource === 'services') return name === 'services.loadbalancers' || name === 'services.nodeports';
    if (resource === 'persistentvolumeclaims') return name === 'requests.storage' || name.includes(STORAGE_CLASS_SUFFIX);
    return false;
  });
}

function hasCrossNamespaceAffinity(pod: Pod): boolean {
  const a = pod.spec?.affinity as { podAffinity?: AffinityTerms; podAntiAffinity?: AffinityTerms } | undefined;
  const terms = [a?.podAffinity, a?.podAntiAffinity].flatMap((x) => [...(x?.requiredDuringSchedulingIgnoredDuringExecution ?? []), ...(x?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm)]);
  return terms.some((t) => (t.namespaces?.length ?? 0) > 0 || t.namespaceSelector !== undefined);
}

interface AffinityTerm {
  namespaces?: string[];
  namespaceSelector?: unknown;
}
interface AffinityTerms {
  requiredDuringSchedulingIgnoredDuringExecution?: AffinityTerm[];
  preferredDuringSchedulingIgnoredDuringExecution?: { podAffinityTerm: AffinityTerm }[];
}

function podMatchesScope(pod: Pod, req: ScopedResourceSelectorRequirement): boolean {
  switch (req.scopeName) {
    case 'Terminating':
      return pod.spec?.activeDeadlineSeconds !== undefined && pod.spec.activeDeadlineSeconds >= 0;
    case 'NotTerminating':
      return pod.spec?.activeDeadlineSeconds === undefined;
    case 'BestEffort':
      return podIsBestEffort(pod);
    case 'NotBestEffort':
      return !podIsBestEffort(pod);
    case 'CrossNamespacePodAffinity':
      return hasCrossNamespaceAffinity(pod);
    case 'PriorityClass': {
      const name = pod.spec?.priorityClassName;
      const values = req.values ?? [];
      switch (req.operator) {
        case 'In':
          return name !== undefined && values.includes(name);
        case 'NotIn':
          return name === undefined || !values.includes(name);
        case 'Exists':
          return !!name;
        case 'DoesNotExist':
          return !name;
      }
      return false;
    }
  }
  return false;
}

/** The quota's scopes and scope selector as one list of requirements, as upstream's getScopeSelectorsFromQuota. */
function scopeRequirements(q: ResourceQuota): ScopedResourceSelectorRequirement[] {
  const reqs = (q.spec?.scopes ?? []).map((scopeName) => ({ scopeName, operator: 'Exists' }) as ScopedResourceSelectorRequirement);
  return [...reqs, ...(q.spec?.scopeSelector?.matchExpressions ?? [])];
}

/** Whether the quota tracks this object: unscoped quotas track all; scopes only select pods. */
export function quotaSelects(q: ResourceQuota, group: string, resource: string, obj: KubeObject): boolean {
  const reqs = scopeRequirements(q);
  if (reqs.length === 0) return true;
  if (group !== '' || resource !== 'pods') return false;
  return reqs.every((r) => podMatchesScope(obj as Pod, r));
}

/**
 * Upstream's pod evaluator Constraints: a quota on cpu or memory makes every container state
 * it (a request for `cpu`/`requests.*`, a limit for `limits.*`). Answers the message or undefined.
 */
export function missingDeclarations(pod: Pod, required: readonly string[]): string | undefined {
  const names = required.filter((r) => MUST_DECLARE.has(r));
  if (!names.length) return undefined;
  const missing = new Map<string, Set<string>>();
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    for (const r of names) {
      const [list, key] = r.startsWith('limits.') ? [c.resources?.limits, r.slice(7)] : [c.resources?.requests, r.replace(/^requests\./, '')];
      if ((list as ResourceList | undefined)?.[key] !== undefined) continue;
      if (!missing.has(r)) missing.set(r, new Set());
      missing.get(r)!.add(c.name);
    }
  }
  if (!missing.size) return undefined;
  const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}

/** `a=1,b=2` in name order, as upstream's prettyPrint of a ResourceList. */
export function prettyPrint(list: Map<string, Quantity>): string {
  return [...list.keys()]
    .sort()
    .map((k) => `${k}=${list.get(k)!.toString()}`)
    .join(',');
}

export function toResourceList(u: Usage, only?: readonly string[]): ResourceList {
  const out: ResourceList = {};
  for (const k of only ?? [...u.keys()]) out[k] = (u.get(k) ?? parseQuantity(0)).toString();
  return out;
}
