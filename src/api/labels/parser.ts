// Recursive-descent parser for label selector strings, with upstream's error messages so
// `kubectl get -l 'bad'` reports what it reports against a real cluster.
import { formatFieldError } from '../validation/field.js';
import { SelectorError } from './errors.js';
import { tokenize, type Token, type TokenKind } from './lexer.js';
import { labelKeyError, Requirement, type Operator } from './requirement.js';
import { selectorFromRequirements, type Selector } from './selector.js';

const binaryOperators = 'in, notin, =, ==, !=, gt, lt';

// Inside a value list "in" and "notin" are ordinary words; only after a key are they operators.
type Context = 'keyAndOperator' | 'values';

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private lookahead(ctx: Context): Token {
    const t = this.tokens[this.pos]!;
    if (ctx === 'values' && (t.kind === 'in' || t.kind === 'notIn')) return { kind: 'identifier', literal: t.literal };
    return t;
  }

  private consume(ctx: Context): Token {
    const t = this.lookahead(ctx);
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const t = this.lookahead('values');
      if (t.kind === 'eos') return reqs;
      if (t.kind !== 'identifier' && t.kind !== 'doesNotExist') {
        throw new SelectorError(`found '${t.literal}', expected: !, identifier, or 'end of string'`);
      }
      try {
        reqs.push(this.parseRequirement());
      } catch (err) {
        throw new SelectorError(`unable to parse requirement: ${(err as Error).message}`);
      }
      const after = this.consume('values');
      if (after.kind === 'eos') return reqs;
      if (after.kind !== 'comma') throw new SelectorError(`found '${after.literal}', expected: ',' or 'end of string'`);
      const next = this.lookahead('values');
      if (next.kind !== 'identifier' && next.kind !== 'doesNotExist') {
        throw new SelectorError(`found '${next.literal}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): Requirement {
    const { key, unary } = this.parseKeyAndInferOperator();
    if (unary) return new Requirement(key, unary, []);
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    return new Requirement(key, op, [...values].sort());
  }

  private parseKeyAndInferOperator(): { key: string; unary?: Operator } {
    let t = this.consume('values');
    let negated = false;
    if (t.kind === 'doesNotExist') {
      negated = true;
      t = this.consume('values');
    }
    if (t.kind !== 'identifier') throw new Error(`found '${t.literal}', expected: identifier`);
    // Upstream validates the bare key against a nil field path, which prints as "<nil>".
    const keyErr = labelKeyError(t.literal, '<nil>');
    if (keyErr) throw new Error(formatFieldError(keyErr));
    const next = this.lookahead('values').kind;
    if (next === 'eos' || next === 'comma') return { key: t.literal, unary: negated ? '!' : 'exists' };
    if (negated) return { key: t.literal, unary: '!' };
    return { key: t.literal };
  }

  private parseOperator(): Operator {
    const t = this.consume('keyAndOperator');
    const ops: Partial<Record<TokenKind, Operator>> = {
      in: 'in',
      equals: '=',
      doubleEquals: '==',
      greaterThan: 'gt',
      lessThan: 'lt',
      notIn: 'notin',
      notEquals: '!=',
    };
    const op = ops[t.kind];
    if (!op) throw new Error(`found '${t.literal}', expected: ${binaryOperators}`);
    return op;
  }

  private parseValues(): Set<string> {
    const open = this.consume('values');
    if (open.kind !== 'openPar') throw new Error(`found '${open.literal}' expected: '('`); // sic: upstream has no comma here
    const t = this.lookahead('values');
    if (t.kind === 'identifier' || t.kind === 'comma') {
      const set = this.parseIdentifiersList();
      const close = this.consume('values');
      if (close.kind !== 'closePar') throw new Error(`found '${close.literal}', expected: ')'`);
      return set;
    }
    if (t.kind === 'closePar') {
      this.consume('values');
      return new Set(['']);
    }
    throw new Error(`found '${t.literal}', expected: ',', ')' or identifier`);
  }

  private parseIdentifiersList(): Set<string> {
    const set = new Set<string>();
    for (;;) {
      const t = this.consume('values');
      if (t.kind === 'identifier') {
        set.add(t.literal);
        const next = this.lookahead('values');
        if (next.kind === 'comma') continue;
        if (next.kind === 'closePar') return set;
        throw new Error(`found '${next.literal}', expected: ',' or ')'`);
      }
      if (t.kind === 'comma') {
        // Empty entries ("(,a)", "(a,)", "(a,,b)") stand for the empty value.
        if (set.size === 0) set.add('');
        const next = this.lookahead('values');
        if (next.kind === 'closePar') {
          set.add('');
          return set;
        }
        if (next.kind === 'comma') {
          this.consume('values');
          set.add('');
        }
        continue;
      }
      throw new Error(`found '${t.literal}', expected: ',', or identifier`);
    }
  }

  private parseExactValue(): Set<string> {
    const t = this.lookahead('values');
    if (t.kind === 'eos' || t.kind === 'comma') return new Set(['']);
    const v = this.consume('values');
    if (v.kind === 'identifier') return new Set([v.literal]);
    throw new Error(`found '${v.literal}', expected: identifier`);
  }
}

/** Parses the string form of a label selector; '' selects everything. */
export function parseSelector(text: string): Selector {
  return selectorFromRequirements(new Parser(tokenize(text)).parse());
}
