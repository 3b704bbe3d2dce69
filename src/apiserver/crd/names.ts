// Which of a CRD's names it may have, as upstream's NamingConditionController decides: a name
// another CRD of the same group already accepted is refused, with the condition saying which.
import type { CustomResourceDefinition, CustomResourceDefinitionCondition, CustomResourceDefinitionNames } from '../../api/apiextensions/v1/types.js';

export interface NamesDecision {
  accepted: CustomResourceDefinitionNames;
  condition: CustomResourceDefinitionCondition;
}

export function decideNames(crd: CustomResourceDefinition, others: readonly CustomResourceDefinition[]): NamesDecision {
  const want = crd.spec.names;
  const plurals = new Set<string>();
  const singulars = new Set<string>();
  const kinds = new Set<string>();
  const listKinds = new Set<string>();
  const shorts = new Set<string>();
  for (const o of others) {
    if (o.metadata.name === crd.metadata.name || o.spec?.group !== crd.spec.group) continue;
    const n = o.status?.acceptedNames;
    if (!n) continue;
    if (n.plural) plurals.add(n.plural);
    if (n.singular) singulars.add(n.singular);
    if (n.kind) kinds.add(n.kind);
    if (n.listKind) listKinds.add(n.listKind);
    for (const s of n.shortNames ?? []) shorts.add(s);
  }
  // Names are unique across plural and singular both, as upstream checks them.
  const taken = (s: string | undefined) => !!s && (plurals.has(s) || singulars.has(s));
  const previous = crd.status?.acceptedNames;
  const refuse = (reason: string, message: string): NamesDecision => ({
    accepted: previous?.plural ? previous : { plural: '', kind: '' },
    condition: { type: 'NamesAccepted', status: 'False', reason, message },
  });
  if (taken(want.plural)) return refuse('PluralConflict', `"${want.plural}" is already in use`);
  if (taken(want.singular)) return refuse('SingularConflict', `"${want.singular}" is already in use`);
  for (const s of want.shortNames ?? []) if (shorts.has(s) || taken(s)) return refuse('ShortNamesConflict', `"${s}" is already in use`);
  if (kinds.has(want.kind) || listKinds.has(want.kind)) return refuse('KindConflict', `"${want.kind}" is already in use`);
  if (want.listKind && (kinds.has(want.listKind) || listKinds.has(want.listKind))) return refuse('ListKindConflict', `"${want.listKind}" is already in use`);
  return { accepted: { ...want }, condition: { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' } };
}

const PROTECTED = /(^|\.)(k8s\.io|kubernetes\.io)$/;
const APPROVAL = 'api-approved.kubernetes.io';

/** KubernetesAPIApprovalPolicyConformant: groups under k8s.io and kubernetes.io say where their API was approved. */
export function approvalCondition(crd: CustomResourceDefinition): CustomResourceDefinitionCondition | undefined {
  if (!PROTECTED.test(crd.spec.group)) return undefined;
  const type = 'KubernetesAPIApprovalPolicyConformant';
  const v = crd.metadata.annotations?.[APPROVAL];
  if (v === undefined) return { type, status: 'False', reason: 'MissingAnnotation', message: `protected groups must have approval annotation "${APPROVAL}", see https://github.com/kubernetes/enhancements/pull/1111` };
  if (v.startsWith('unapproved')) return { type, status: 'False', reason: 'UnapprovedAnnotation', message: `not approved: "${v}"` };
  return { type, status: 'True', reason: 'ApprovedAnnotation', message: `approved in ${v}` };
}
