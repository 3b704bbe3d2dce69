// Validation of where and how a pod may be placed: affinity, tolerations, topology spread,
// scheduling and readiness gates, DNS settings and host aliases.
import { duplicate, FieldPath, forbidden, invalid, notSupported, required, type FieldError } from '../../../validation/field.js';
import { isDNS1123Subdomain, isValidIP, isValidLabelValue } from '../../../validation/names.js';
import { validateLabelName, validateLabelSelector } from '../../../validation/objectmeta.js';
import { validateNodeSelector, validateNodeSelectorTerm } from '../node-selector-validation.js';
import type {
  Affinity,
  HostAlias,
  PodAffinityTerm,
  PodDNSConfig,
  PodReadinessGate,
  PodSchedulingGate,
  Toleration,
  TopologySpreadConstraint,
  WeightedPodAffinityTerm,
} from './types.js';
import { isNotPositiveErrorMsg, validateDNS1123Label, validateQualifiedName } from './validate-common.js';

// ---- node affinity --------------------------------------------------------------------

/** What a pod spec is checked against when it replaces another (upstream's PodValidationOptions, in part). */
export interface SchedulingValidationOptions {
  /** The old spec's required node affinity already held an invalid label value. */
  allowInvalidLabelValueInRequiredNodeAffinity?: boolean;
}

const validateWeight = (w: number | undefined, p: FieldPath): FieldError[] =>
  w === undefined || w < 1 || w > 100 ? [invalid(p, w ?? 0, 'must be in the range 1-100')] : [];

// ---- pod affinity ---------------------------------------------------------------------

function validatePodAffinityTerm(term: PodAffinityTerm, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateLabelSelector(term.labelSelector, p.child('labelSelector')));
  errs.push(...validateLabelSelector(term.namespaceSelector, p.child('namespaceSelector')));
  for (const ns of term.namespaces ?? []) errs.push(...validateDNS1123Label(ns, p.child('namespace')));
  if (!term.topologyKey) errs.push(required(p.child('topologyKey'), 'can not be empty'));
  else errs.push(...validateLabelName(term.topologyKey, p.child('topologyKey')));
  const selectorKeys = new Set((term.labelSelector?.matchExpressions ?? []).map((e) => e.key));
  const matchKeys = new Set<string>();
  (term.matchLabelKeys ?? []).forEach((k, i) => {
    const kp = p.child('matchLabelKeys').index(i);
    errs.push(...validateLabelName(k, kp));
    if (!term.labelSelector) errs.push(forbidden(kp, 'must not be specified when labelSelector is not set'));
    else if (selectorKeys.has(k)) errs.push(invalid(kp, k, 'exists in both matchLabelKeys and labelSelector'));
    matchKeys.add(k);
  });
  (term.mismatchLabelKeys ?? []).forEach((k, i) => {
    const kp = p.child('mismatchLabelKeys').index(i);
    errs.push(...validateLabelName(k, kp));
    if (!term.labelSelector) errs.push(forbidden(kp, 'must not be specified when labelSelector is not set'));
    if (matchKeys.has(k)) errs.push(invalid(kp, k, 'exists in both matchLabelKeys and mismatchLabelKeys'));
  });
  return errs;
}

function validatePodAffinityTerms(terms: PodAffinityTerm[] | undefined, p: FieldPath): FieldError[] {
  return (terms ?? []).flatMap((t, i) => validatePodAffinityTerm(t, p.index(i)));
}

function validateWeightedPodAffinityTerms(terms: WeightedPodAffinityTerm[] | undefined, p: FieldPath): FieldError[] {
  return (terms ?? []).flatMap((t, i) => [
    ...validateWeight(t.weight, p.index(i).child('weight')),
    ...validatePodAffinityTerm(t.podAffinityTerm ?? ({} as PodAffinityTerm), p.index(i).child('podAffinityTerm')),
  ]);
}

export function validateAffinity(a: Affinity | undefined, p: FieldPath, opts: SchedulingValidationOptions = {}): FieldError[] {
  if (!a) return [];
  const errs: FieldError[] = [];
  const na = a.nodeAffinity;
  if (na) {
    const np = p.child('nodeAffinity');
    if (na.requiredDuringSchedulingIgnoredDuringExecution) {
      const allowInvalidLabelValues = opts.allowInvalidLabelValueInRequiredNodeAffinity;
      errs.push(...validateNodeSelector(na.requiredDuringSchedulingIgnoredDuringExecution, np.child('requiredDuringSchedulingIgnoredDuringExecution'), { allowInvalidLabelValues }));
    }
    (na.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
      const tp = np.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      errs.push(...validateWeight(t.weight, tp.child('weight')));
      // A preference only weighs nodes, so upstream lets its label values be anything.
      errs.push(...validateNodeSelectorTerm(t.preference ?? {}, tp.child('preference'), { allowInvalidLabelValues: true }));
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const pa = a[kind];
    if (!pa) continue;
    const pp = p.child(kind);
    errs.push(...validatePodAffinityTerms(pa.requiredDuringSchedulingIgnoredDuringExecution, pp.child('requiredDuringSchedulingIgnoredDuringExecution')));
    errs.push(...validateWeightedPodAffinityTerms(pa.preferredDuringSchedulingIgnoredDuringExecution, pp.child('preferredDuringSchedulingIgnoredDuringExecution')));
  }
  return errs;
}

// ---- tolerations ----------------------------------------------------------------------

const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateTolerations(tolerations: Toleration[] | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const ip = p.index(i);
    if (t.key) errs.push(...validateLabelName(t.key, ip.child('key')));
    // An empty key with Exists matches every taint; any other operator needs a key.
    if (!t.key && t.operator !== 'Exists') {
      errs.push(invalid(ip.child('operator'), t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== 'NoExecute') {
      errs.push(invalid(ip.child('effect'), t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (t.operator ?? '') {
      case 'Equal':
      case '': {
        const msgs = isValidLabelValue(t.value ?? '');
        if (msgs.length) errs.push(invalid(ip.child('operator'), t.value ?? '', msgs.join(';')));
        break;
      }
      case 'Exists':
        if (t.value) errs.push(invalid(ip.child('operator'), t, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(notSupported(ip.child('operator'), t.operator, ['Equal', 'Exists']));
    }
    if (t.effect && !taintEffects.includes(t.effect)) errs.push(notSupported(ip.child('effect'), t.effect, taintEffects));
  });
  return errs;
}

// ---- topology spread ------------------------------------------------------------------

const whenUnsatisfiableValues = ['DoNotSchedule', 'ScheduleAnyway'];
const policyValues = ['Honor', 'Ignore'];

export function validateTopologySpreadConstraints(constraints: TopologySpreadConstraint[] | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const list = constraints ?? [];
  list.forEach((c, i) => {
    const ip = p.index(i);
    if (!c.maxSkew || c.maxSkew <= 0) errs.push(invalid(ip.child('maxSkew'), c.maxSkew ?? 0, isNotPositiveErrorMsg));
    if (!c.topologyKey) errs.push(required(ip.child('topologyKey'), 'can not be empty'));
    else errs.push(...validateLabelName(c.topologyKey, ip.child('topologyKey')));
    if (!whenUnsatisfiableValues.includes(c.whenUnsatisfiable)) errs.push(notSupported(ip.child('whenUnsatisfiable'), c.whenUnsatisfiable ?? '', whenUnsatisfiableValues));
    const repeated = list.slice(i + 1).some((o) => o.topologyKey === c.topologyKey && o.whenUnsatisfiable === c.whenUnsatisfiable);
    if (repeated) errs.push(duplicate(ip.child('{topologyKey, whenUnsatisfiable}'), `{${c.topologyKey}, ${c.whenUnsatisfiable}}`));
    if (c.minDomains !== undefined && c.minDomains !== null) {
      if (c.minDomains <= 0) errs.push(invalid(ip.child('minDomains'), c.minDomains, isNotPositiveErrorMsg));
      if (c.whenUnsatisfiable !== 'DoNotSchedule') {
        errs.push(invalid(ip.child('minDomains'), c.minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${c.whenUnsatisfiable}`));
      }
    }
    if (c.nodeAffinityPolicy && !policyValues.includes(c.nodeAffinityPolicy)) errs.push(notSupported(ip.child('nodeAffinityPolicy'), c.nodeAffinityPolicy, policyValues));
    if (c.nodeTaintsPolicy && !policyValues.includes(c.nodeTaintsPolicy)) errs.push(notSupported(ip.child('nodeTaintsPolicy'), c.nodeTaintsPolicy, policyValues));
    errs.push(...validateLabelSelector(c.labelSelector, ip.child('labelSelector')));
    const selectorKeys = new Set([...Object.keys(c.labelSelector?.matchLabels ?? {}), ...(c.labelSelector?.matchExpressions ?? []).map((e) => e.key)]);
    (c.matchLabelKeys ?? []).forEach((k, j) => {
      const kp = ip.child('matchLabelKeys').index(j);
      errs.push(...validateLabelName(k, kp));
      if (!c.labelSelector) errs.push(forbidden(kp, 'must not be specified when labelSelector is not set'));
      else if (selectorKeys.has(k)) errs.push(invalid(kp, k, 'exists in both matchLabelKeys and labelSelector'));
    });
  });
  return errs;
}

// ---- gates, DNS, hosts ----------------------------------------------------------------

export function validateReadinessGates(gates: PodReadinessGate[] | undefined, p: FieldPath): FieldError[] {
  return (gates ?? []).flatMap((g, i) => validateQualifiedName(g.conditionType ?? '', p.index(i).child('conditionType')));
}

export function validateSchedulingGates(gates: PodSchedulingGate[] | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (gates ?? []).forEach((g, i) => {
    const np = p.index(i).child('name');
    errs.push(...validateQualifiedName(g.name ?? '', np));
    if (seen.has(g.name)) errs.push(duplicate(np, g.name));
    seen.add(g.name);
  });
  return errs;
}

const maxDNSNameservers = 3;
const maxDNSSearchPaths = 32;
const maxDNSSearchListChars = 2048;

export function validatePodDNSConfig(cfg: PodDNSConfig | undefined, dnsPolicy: string | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (dnsPolicy === 'None' && !cfg) return [required(p, 'must provide `dnsConfig` when `dnsPolicy` is None')];
  if (!cfg) return errs;
  const ns = cfg.nameservers ?? [];
  if (dnsPolicy === 'None' && ns.length === 0) errs.push(required(p.child('nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
  if (ns.length > maxDNSNameservers) errs.push(invalid(p.child('nameservers'), ns, `must not have more than ${maxDNSNameservers} nameservers`));
  ns.forEach((n, i) => {
    for (const m of isValidIP(n)) errs.push(invalid(p.child('nameservers').index(i), n, m));
  });
  const searches = cfg.searches ?? [];
  if (searches.length > maxDNSSearchPaths) errs.push(invalid(p.child('searches'), searches, `must not have more than ${maxDNSSearchPaths} search paths`));
  if (searches.join(' ').length > maxDNSSearchListChars) {
    errs.push(invalid(p.child('searches'), searches, `must not have more than ${maxDNSSearchListChars} characters (including spaces) in the search list`));
  }
  searches.forEach((s, i) => {
    // A trailing dot marks an absolute name and is allowed.
    const name = s.endsWith('.') ? s.slice(0, -1) : s;
    for (const m of isDNS1123Subdomain(name)) errs.push(invalid(p.child('searches').index(i), s, m));
  });
  (cfg.options ?? []).forEach((o, i) => {
    if (!o.name) errs.push(required(p.child('options').index(i), 'Option.Name must not be empty'));
  });
  return errs;
}

export function validateHostAliases(aliases: HostAlias[] | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (aliases ?? []).forEach((a, i) => {
    const ip = p.index(i);
    for (const m of isValidIP(a.ip ?? '')) errs.push(invalid(ip.child('ip'), a.ip ?? '', m));
    (a.hostnames ?? []).forEach((h, j) => {
      for (const m of isDNS1123Subdomain(h)) errs.push(invalid(ip.child('hostnames').index(j), h, m));
    });
  });
  return errs;
}
