// What an aggregated ClusterRole's rules are: the rules of every other ClusterRole its
// aggregationRule selects, roles in name order, each rule once (upstream's
// clusterrole-aggregation controller).
import { selectorFromLabelSelector } from '../../api/labels/label-selector.js';
import type { ClusterRole, PolicyRule } from '../../api/rbac/v1/types.js';
import { canonicalJson } from '../common/canonical-json.js';

export function aggregatedRules(role: ClusterRole, all: readonly ClusterRole[]): PolicyRule[] {
  const selectors = (role.aggregationRule?.clusterRoleSelectors ?? []).map((s) => selectorFromLabelSelector(s));
  const sources = all
    .filter((r) => r.metadata.name !== role.metadata.name && selectors.some((s) => s.matches(r.metadata.labels ?? {})))
    .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0));
  const seen = new Set<string>();
  const out: PolicyRule[] = [];
  for (const src of sources) {
    for (const rule of src.rules ?? []) {
      const key = canonicalJson(rule);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(rule);
    }
  }
  return out;
}
