// Checks shared by the workload kinds (apps, batch, policy): int-or-percent fields, selector
// matching against template labels, and upstream's "semantic" equality for immutable fields.
import type { LabelSelector } from '../../meta/types.js';
import { type FieldError, type FieldPath, invalid } from '../../validation/field.js';
import { isPercent } from '../../validation/names.js';
import { isNegativeErrorMsg } from '../../validation/objectmeta.js';
import { selectorFromLabelSelector, type Selector } from '../../labels/index.js';
import { semanticEqual } from '../../meta/equality.js';

export { semanticEqual };

export type IntOrPercent = number | string;

/** ValidatePositiveIntOrPercent: a non-negative integer, or a string of digits followed by '%'. */
export function validatePositiveIntOrPercent(v: IntOrPercent | undefined | null, path: FieldPath): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return isPercent(v).map((m) => invalid(path, v, m));
  if (typeof v === 'number') return v < 0 ? [invalid(path, v, isNegativeErrorMsg)] : [];
  return [invalid(path, v, "must be an integer or percentage (e.g '5%')")];
}

function percentValue(v: IntOrPercent | undefined | null): number | undefined {
  if (typeof v !== 'string' || isPercent(v).length) return undefined;
  return Number.parseInt(v.slice(0, -1), 10);
}

/** The number an int-or-percent holds: the percentage itself for "25%", 0 for anything unparseable. */
export function intOrPercentValue(v: IntOrPercent | undefined | null): number {
  const p = percentValue(v);
  if (p !== undefined) return p;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    // intstr's IntValue() parses a string with Atoi and yields 0 on failure.
    return /^[+-]?\d+$/.test(v) ? Number.parseInt(v, 10) : 0;
  }
  return 0;
}

export function isNotMoreThan100Percent(v: IntOrPercent | undefined | null, path: FieldPath): FieldError[] {
  const p = percentValue(v);
  if (p === undefined || p <= 100) return [];
  return [invalid(path, v, 'must not be greater than 100%')];
}

// ---- selectors ----------------------------------------------------------------------------

/** A label selector turned into a predicate, as LabelSelectorAsSelector does; undefined when it cannot be. */
export interface SelectorMatcher {
  /** True for the selector that matches everything (`{}`). */
  empty: boolean;
  matches(labels: Record<string, string> | undefined): boolean;
}

/**
 * nil selects nothing, `{}` selects everything; an unknown operator or a bad In/NotIn list
 * makes the selector unusable (upstream gets an error and skips the template check).
 */
export function selectorMatcher(ls: LabelSelector | undefined | null): SelectorMatcher | undefined {
  let sel: Selector;
  try {
    sel = selectorFromLabelSelector(ls);
  } catch {
    return undefined;
  }
  return { empty: sel.empty(), matches: (labels) => sel.matches(labels) };
}

export function selectorIsEmpty(ls: LabelSelector): boolean {
  return Object.keys(ls.matchLabels ?? {}).length + (ls.matchExpressions ?? []).length === 0;
}

export const selectorMismatchMsg = '`selector` does not match template `labels`';



/** ValidateImmutableField for structured values. */
export function validateImmutable(newValue: unknown, oldValue: unknown, path: FieldPath): FieldError[] {
  return semanticEqual(newValue, oldValue) ? [] : [invalid(path, newValue ?? null, 'field is immutable')];
}

export function nonNegative(value: number | undefined | null, path: FieldPath): FieldError[] {
  if (typeof value !== 'number' || value >= 0) return [];
  return [invalid(path, value, isNegativeErrorMsg)];
}
