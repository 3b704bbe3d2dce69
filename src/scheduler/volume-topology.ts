// Where a volume can be used, and where a class can provision: a PersistentVolume's required node
// affinity (upstream's CheckNodeAffinity) and a StorageClass's allowedTopologies
// (MatchTopologySelectorTerms), both against a Node.
import type { Node, PersistentVolume } from '../api/core/v1/types.js';
import type { StorageClass } from '../api/storage/v1/types.js';
import { nodeSelectorTermMatches } from './match.js';

/** The volume may be used on the node: no required affinity, or one of its terms matches. */
export function volumeNodeAffinityOk(pv: PersistentVolume, node: Node): boolean {
  const required = pv.spec?.nodeAffinity?.required;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => nodeSelectorTermMatches(t, node));
}

/** No allowedTopologies, or a term all of whose label requirements the node meets. */
export function classAllowsNode(sc: StorageClass, node: Node): boolean {
  const terms = sc.allowedTopologies ?? [];
  if (terms.length === 0) return true;
  const labels = node.metadata.labels ?? {};
  return terms.some((t) => (t.matchLabelExpressions ?? []).every((r) => labels[r.key] !== undefined && (r.values ?? []).includes(labels[r.key]!)));
}
