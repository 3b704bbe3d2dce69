// The structured LabelSelector (matchLabels + matchExpressions) as a Selector.
import type { LabelSelector } from '../meta/types.js';
import { SelectorError } from './errors.js';
import { Requirement, type Operator } from './requirement.js';
import { everything, nothing, selectorFromRequirements, type Selector } from './selector.js';

const operators: Record<string, Operator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/** A nil selector matches nothing; an empty one matches everything (upstream's LabelSelectorAsSelector). */
export function selectorFromLabelSelector(ls: LabelSelector | undefined | null): Selector {
  if (ls == null) return nothing();
  const matchLabels = ls.matchLabels ?? {};
  const exprs = ls.matchExpressions ?? [];
  if (Object.keys(matchLabels).length + exprs.length === 0) return everything();
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(matchLabels)) reqs.push(new Requirement(k, '=', [v]));
  for (const e of exprs) {
    const op = Object.prototype.hasOwnProperty.call(operators, e.operator) ? operators[e.operator] : undefined;
    if (!op) throw new SelectorError(`${JSON.stringify(e.operator ?? '')} is not a valid label selector operator`);
    reqs.push(new Requirement(e.key, op, e.values ?? []));
  }
  return selectorFromRequirements(reqs);
}

/** The canonical string of a LabelSelector, e.g. for a Scale's status.selector. */
export function labelSelectorToString(ls: LabelSelector | undefined | null): string {
  return selectorFromLabelSelector(ls).toString();
}
