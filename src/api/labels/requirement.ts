// One term of a label selector (upstream's labels.Requirement): a key, an operator and values,
// validated on construction so a Requirement in hand is always well-formed.
import { formatFieldError, type FieldError } from '../validation/field.js';
import { isQualifiedName, isValidLabelValue } from '../validation/names.js';
import { SelectorError } from './errors.js';

export type Operator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export type Labels = Record<string, string> | undefined | null;

const int64Re = /^[+-]?\d+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64) semantics: decimal digits with optional sign, within int64. */
export function parseInt64(s: string): bigint | undefined {
  if (!int64Re.test(s)) return undefined;
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? undefined : v;
}

/** `path` is the field path upstream's messages start with; the string parser passes none. */
export function labelKeyError(key: string, path: string): FieldError | undefined {
  const errs = isQualifiedName(key);
  if (errs.length === 0) return undefined;
  return { type: 'FieldValueInvalid', field: path, badValue: key, detail: errs.join('; ') };
}

function labelValueError(key: string, value: string, path: string): FieldError | undefined {
  const errs = isValidLabelValue(value);
  if (errs.length === 0) return undefined;
  return { type: 'FieldValueInvalid', field: `${path}[${key}]`, badValue: value, detail: errs.join('; ') };
}

/** Upstream's aggregate of several errors: one bare, more in brackets. */
function aggregate(errs: FieldError[]): string {
  const msgs = errs.map(formatFieldError);
  return msgs.length === 1 ? msgs[0]! : `[${msgs.join(', ')}]`;
}

export class Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];

  constructor(key: string, operator: Operator, values: readonly string[]) {
    const errs: FieldError[] = [];
    const keyErr = labelKeyError(key, 'key');
    if (keyErr) errs.push(keyErr);
    const vs = [...values];
    switch (operator) {
      case 'in':
      case 'notin':
        if (vs.length === 0) errs.push({ type: 'FieldValueInvalid', field: 'values', badValue: vs, detail: "for 'in', 'notin' operators, values set can't be empty" });
        break;
      case '=':
      case '==':
      case '!=':
        if (vs.length !== 1) errs.push({ type: 'FieldValueInvalid', field: 'values', badValue: vs, detail: 'exact-match compatibility requires one single value' });
        break;
      case 'exists':
      case '!':
        if (vs.length !== 0) errs.push({ type: 'FieldValueInvalid', field: 'values', badValue: vs, detail: 'values set must be empty for exists and does not exist' });
        break;
      case 'gt':
      case 'lt':
        if (vs.length !== 1) errs.push({ type: 'FieldValueInvalid', field: 'values', badValue: vs, detail: "for 'Gt', 'Lt' operators, exactly one value is required" });
        vs.forEach((v, i) => {
          if (parseInt64(v) === undefined) errs.push({ type: 'FieldValueInvalid', field: `values[${i}]`, badValue: v, detail: "for 'Gt', 'Lt' operators, the value must be an integer" });
        });
        break;
      default:
        errs.push({ type: 'FieldValueNotSupported', field: 'operator', badValue: operator, detail: 'supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"' });
    }
    vs.forEach((v, i) => {
      const e = labelValueError(key, v, `values[${i}]`);
      if (e) errs.push(e);
    });
    if (errs.length > 0) throw new SelectorError(aggregate(errs));
    this.key = key;
    this.operator = operator;
    this.values = vs;
  }

  matches(labels: Labels): boolean {
    const has = labels != null && Object.prototype.hasOwnProperty.call(labels, this.key);
    const value = has ? labels[this.key]! : '';
    switch (this.operator) {
      case 'in':
      case '=':
      case '==':
        return has && this.values.includes(value);
      case 'notin':
      case '!=':
        return !has || !this.values.includes(value);
      case 'exists':
        return has;
      case '!':
        return !has;
      case 'gt':
      case 'lt': {
        if (!has || this.values.length !== 1) return false;
        const actual = parseInt64(value);
        const bound = parseInt64(this.values[0]!);
        if (actual === undefined || bound === undefined) return false;
        return this.operator === 'gt' ? actual > bound : actual < bound;
      }
    }
  }

  /** The canonical string form; multiple values are listed sorted. */
  toString(): string {
    let s = this.operator === '!' ? `!${this.key}` : this.key;
    switch (this.operator) {
      case 'exists':
      case '!':
        return s;
      case 'in':
        s += ' in ';
        break;
      case 'notin':
        s += ' notin ';
        break;
      case 'gt':
        s += '>';
        break;
      case 'lt':
        s += '<';
        break;
      default:
        s += this.operator;
    }
    const vals = this.values.length === 1 ? this.values[0]! : [...this.values].sort().join(',');
    return this.operator === 'in' || this.operator === 'notin' ? `${s}(${vals})` : s + vals;
  }
}
