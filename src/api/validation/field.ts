// Field errors as Kubernetes reports them (k8s.io/apimachinery/pkg/util/validation/field).
// The API server turns a list of these into a 422 Invalid Status whose message reads
// `Kind "name" is invalid: [path: Type: detail, ...]` and whose causes carry each one.

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueNotFound'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  badValue?: unknown;
  detail?: string;
}

/** A field path builder: `path('spec').child('containers').index(0).child('image')` -> "spec.containers[0].image". */
export class FieldPath {
  private constructor(private readonly text: string) {}
  static root(name: string): FieldPath {
    return new FieldPath(name);
  }
  child(name: string, ...more: string[]): FieldPath {
    let t = this.text ? `${this.text}.${name}` : name;
    for (const m of more) t += `.${m}`;
    return new FieldPath(t);
  }
  index(i: number): FieldPath {
    return new FieldPath(`${this.text}[${i}]`);
  }
  key(k: string): FieldPath {
    return new FieldPath(`${this.text}[${k}]`);
  }
  toString(): string {
    return this.text;
  }
}

export function path(root: string, ...more: string[]): FieldPath {
  let p = FieldPath.root(root);
  for (const m of more) p = p.child(m);
  return p;
}

const typeText: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueNotFound: 'Not found',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

export const required = (p: FieldPath | string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field: String(p), detail });
export const invalid = (p: FieldPath | string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field: String(p), badValue: value, detail });
export const forbidden = (p: FieldPath | string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field: String(p), detail });
export const duplicate = (p: FieldPath | string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field: String(p), badValue: value });
export const notFound = (p: FieldPath | string, value: unknown): FieldError => ({ type: 'FieldValueNotFound', field: String(p), badValue: value });
export const tooLong = (p: FieldPath | string, value: unknown, max: number): FieldError => ({ type: 'FieldValueTooLong', field: String(p), badValue: value, detail: `must have at most ${max} bytes` });
export function notSupported(p: FieldPath | string, value: unknown, valid: readonly string[]): FieldError {
  return { type: 'FieldValueNotSupported', field: String(p), badValue: value, detail: `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` };
}

/** A bad value whose Go rendering (`%#v` of a struct) the caller spelled out itself. */
export class GoLiteral {
  constructor(readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
}

/**
 * A bad value as upstream prints it: strings quoted, simple scalars bare, and Go's %#v for the
 * composite shapes users meet (label maps, string lists); other shapes fall back to JSON.
 * Without Go types a struct whose fields are all strings reads as a map here, where upstream
 * would print its type name (core.ObjectReference{Kind:"Pod", …}).
 */
function formatBadValue(v: unknown): string {
  if (v instanceof GoLiteral) return v.text;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return `[]string{${v.map((x) => JSON.stringify(x)).join(', ')}}`;
  if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0 && Object.values(v).every((x) => typeof x === 'string')) {
    const entries = Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify((v as Record<string, string>)[k])}`);
    return `map[string]string{${entries.join(', ')}}`;
  }
  return JSON.stringify(v);
}

/** One error as upstream's `(*field.Error).Error()` prints it. */
export function formatFieldError(e: FieldError): string {
  const head = `${e.field}: ${typeText[e.type]}`;
  const omitValue = e.type === 'FieldValueRequired' || e.type === 'FieldValueForbidden' || e.type === 'FieldValueTooMany' || e.type === 'InternalError' || e.badValue === undefined;
  let s = omitValue ? head : `${head}: ${formatBadValue(e.badValue)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** Upstream's aggregate message: one error bare, several in brackets. */
export function formatFieldErrors(errs: readonly FieldError[]): string {
  if (errs.length === 1) return formatFieldError(errs[0]!);
  return `[${errs.map(formatFieldError).join(', ')}]`;
}
