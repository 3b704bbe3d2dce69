// Validation of node selectors, the one copy that pod affinity and a persistent volume's node
// affinity share (upstream's ValidateNodeSelector, ValidateNodeSelectorTerm and
// ValidateNodeSelectorRequirement in pkg/apis/core/validation).
import { forbidden, invalid, required, type FieldError, type FieldPath } from '../../validation/field.js';
import { isDNS1123Subdomain, isValidLabelValue } from '../../validation/names.js';
import { validateLabelName } from '../../validation/objectmeta.js';
import type { NodeSelector, NodeSelectorRequirement } from './types.js';

type NodeSelectorTerm = NonNullable<NodeSelector['nodeSelectorTerms']>[number];

/**
 * Whether a term's label values go unchecked: upstream accepts invalid ones in preferred terms
 * (they only weigh nodes) and in a required selector that already held one before an update
 * (so objects stored by older servers can still be updated).
 */
export interface NodeSelectorOptions {
  allowInvalidLabelValues?: boolean;
}

function validateRequirement(rq: NodeSelectorRequirement, opts: NodeSelectorOptions, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = rq.values ?? [];
  switch (rq.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(p.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(p.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      // Upstream checks only the count here; the value is read as an integer when matching.
      if (values.length !== 1) errs.push(required(p.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalid(p.child('operator'), rq.operator, 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(rq.key ?? '', p.child('key')));
  if (!opts.allowInvalidLabelValues) {
    values.forEach((v, i) => {
      for (const msg of isValidLabelValue(v)) errs.push(invalid(p.child('values').index(i), v, msg));
    });
  }
  return errs;
}

function validateFieldRequirement(rq: NodeSelectorRequirement, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = rq.values ?? [];
  if (rq.operator === 'In' || rq.operator === 'NotIn') {
    if (values.length !== 1) errs.push(required(p.child('values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  } else {
    errs.push(invalid(p.child('operator'), rq.operator, 'not a valid selector operator'));
  }
  // metadata.name is the only node field a selector may use; its values are node names.
  if (rq.key !== 'metadata.name') {
    errs.push(invalid(p.child('key'), rq.key, 'not a valid field selector key'));
  } else {
    values.forEach((v, i) => {
      for (const msg of isDNS1123Subdomain(v)) errs.push(invalid(p.child('values').index(i), v, msg));
    });
  }
  return errs;
}

export function validateNodeSelectorTerm(term: NodeSelectorTerm, p: FieldPath, opts: NodeSelectorOptions = {}): FieldError[] {
  const errs: FieldError[] = [];
  (term.matchExpressions ?? []).forEach((rq, j) => errs.push(...validateRequirement(rq, opts, p.child('matchExpressions').index(j))));
  (term.matchFields ?? []).forEach((rq, j) => errs.push(...validateFieldRequirement(rq, p.child('matchFields').index(j))));
  return errs;
}

export function validateNodeSelector(sel: NodeSelector, p: FieldPath, opts: NodeSelectorOptions = {}): FieldError[] {
  const termsPath = p.child('nodeSelectorTerms');
  const terms = sel.nodeSelectorTerms ?? [];
  if (terms.length === 0) return [required(termsPath, 'must have at least one node selector term')];
  return terms.flatMap((term, i) => validateNodeSelectorTerm(term, termsPath.index(i), opts));
}

/** Upstream's HasInvalidLabelValueInNodeSelectorTerms: decides the allowance on update. */
export function hasInvalidLabelValue(sel: NodeSelector | undefined): boolean {
  return (sel?.nodeSelectorTerms ?? []).some((t) => (t.matchExpressions ?? []).some((rq) => (rq.values ?? []).some((v) => isValidLabelValue(v).length > 0)));
}
