// Label selectors (upstream's labels.Selector): a conjunction of requirements kept sorted by key.
import { Requirement, type Labels } from './requirement.js';

export interface Selector {
  /** True when every requirement holds for these labels. */
  matches(labels: Labels): boolean;
  /** True when the selector has no requirements (it selects everything). */
  empty(): boolean;
  /** Canonical string form, as `kubectl get -l` would accept it. */
  toString(): string;
  requirements(): Requirement[];
  /** The key=value (and key==value, key in (single)) terms, usable to pick an index. */
  exactMatches(): Map<string, string>;
}

const byKey = (a: Requirement, b: Requirement): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

class RequirementsSelector implements Selector {
  private readonly reqs: Requirement[];
  constructor(reqs: readonly Requirement[]) {
    // Array.prototype.sort is stable, so terms on the same key keep their written order.
    this.reqs = [...reqs].sort(byKey);
  }
  matches(labels: Labels): boolean {
    return this.reqs.every((r) => r.matches(labels));
  }
  empty(): boolean {
    return this.reqs.length === 0;
  }
  toString(): string {
    return this.reqs.map((r) => r.toString()).join(',');
  }
  requirements(): Requirement[] {
    return [...this.reqs];
  }
  exactMatches(): Map<string, string> {
    const out = new Map<string, string>();
    for (const r of this.reqs) {
      const exact = r.operator === '=' || r.operator === '==' || (r.operator === 'in' && r.values.length === 1);
      if (exact) out.set(r.key, r.values[0]!);
    }
    return out;
  }
}

/** Selects nothing: what a nil LabelSelector means. */
class NothingSelector implements Selector {
  matches(): boolean {
    return false;
  }
  empty(): boolean {
    return false;
  }
  toString(): string {
    return '';
  }
  requirements(): Requirement[] {
    return [];
  }
  exactMatches(): Map<string, string> {
    return new Map();
  }
}

export function everything(): Selector {
  return new RequirementsSelector([]);
}

export function nothing(): Selector {
  return new NothingSelector();
}

export function selectorFromRequirements(reqs: readonly Requirement[]): Selector {
  return new RequirementsSelector(reqs);
}

/** A selector matching exactly these labels (upstream's SelectorFromSet / SelectorFromValidatedSet). */
export function selectorFromSet(set: Record<string, string> | undefined | null): Selector {
  return new RequirementsSelector(Object.entries(set ?? {}).map(([k, v]) => new Requirement(k, '=', [v])));
}
