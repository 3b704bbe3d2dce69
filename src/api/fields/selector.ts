// Field selectors (upstream's fields.Selector): `f=v`, `f==v`, `f!=v` terms joined by commas.
import { SelectorError } from '../labels/errors.js';
import { escapeValue, unescapeValue } from './escape.js';

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** Reads a field of the object being matched; undefined (unknown field) reads as ''. */
export type FieldGetter = (field: string) => string | undefined;

export interface FieldSelector {
  matches(get: FieldGetter): boolean;
  requirements(): FieldRequirement[];
  empty(): boolean;
  toString(): string;
}

class AndSelector implements FieldSelector {
  constructor(private readonly reqs: readonly FieldRequirement[]) {}
  matches(get: FieldGetter): boolean {
    return this.reqs.every((r) => ((get(r.field) ?? '') === r.value) === (r.operator === '='));
  }
  requirements(): FieldRequirement[] {
    return this.reqs.map((r) => ({ ...r }));
  }
  empty(): boolean {
    return this.reqs.length === 0;
  }
  toString(): string {
    return this.reqs.map((r) => `${r.field}${r.operator}${escapeValue(r.value)}`).join(',');
  }
}

// Split on commas that are not escaped; escapes themselves are resolved per value later.
function splitTerms(text: string): string[] {
  if (text.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

const termOperators = ['!=', '==', '='] as const;

function splitTerm(term: string): { lhs: string; op: (typeof termOperators)[number]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of termOperators) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** Parses a field selector; '' selects everything. Terms come back sorted, as upstream sorts them. */
export function parseFieldSelector(text: string): FieldSelector {
  const parts = splitTerms(text).sort();
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw new SelectorError(`invalid selector: '${text}'; can't understand '${part}'`);
    reqs.push({ field: t.lhs, operator: t.op === '!=' ? '!=' : '=', value: unescapeValue(t.rhs) });
  }
  return new AndSelector(reqs);
}

/** A selector requiring each field to equal the given value (upstream's fields.SelectorFromSet). */
export function fieldSelectorFromSet(set: Record<string, string>): FieldSelector {
  const reqs = Object.keys(set)
    .sort()
    .map((field): FieldRequirement => ({ field, operator: '=', value: set[field]! }));
  return new AndSelector(reqs);
}

export function requiresExactMatch(sel: FieldSelector, field: string): string | undefined {
  return sel.requirements().find((r) => r.field === field && r.operator === '=')?.value;
}
