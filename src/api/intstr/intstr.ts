// IntOrString (k8s.io/apimachinery/pkg/util/intstr): fields such as maxSurge or targetPort that
// hold either a number or a string (a percentage, or a named port).
import { FieldPath, invalid, type FieldError } from '../validation/field.js';
import { isPercent } from '../validation/names.js';

export type IntOrString = number | string;

export class IntOrStringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntOrStringError';
  }
}

// Go's strconv.Atoi: optional sign, decimal digits, within int64.
function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new IntOrStringError(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const v = BigInt(s);
  if (v > 2n ** 63n - 1n || v < -(2n ** 63n)) throw new IntOrStringError(`strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`);
  return Number(v);
}

function intOrPercentValue(v: IntOrString): { value: number; isPercent: boolean } {
  if (typeof v === 'number') return { value: Math.trunc(v), isPercent: false };
  if (typeof v !== 'string') throw new IntOrStringError('invalid type: neither int nor percentage');
  if (!v.endsWith('%')) throw new IntOrStringError('invalid type: string is not a percentage');
  try {
    return { value: atoi(v.slice(0, -1)), isPercent: true };
  } catch (err) {
    throw new IntOrStringError(`invalid value ${JSON.stringify(v)}: ${(err as Error).message}`);
  }
}

/**
 * GetScaledValueFromIntOrPercent: an int is returned as is; "25%" of `total` is rounded up or
 * down as asked (maxSurge rounds up, maxUnavailable rounds down).
 */
export function scaledValueFromIntOrPercent(v: IntOrString | undefined | null, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) throw new IntOrStringError('nil value for IntOrString');
  let parsed: { value: number; isPercent: boolean };
  try {
    parsed = intOrPercentValue(v);
  } catch (err) {
    throw new IntOrStringError(`invalid value for IntOrString: ${(err as Error).message}`);
  }
  if (!parsed.isPercent) return parsed.value;
  const scaled = (parsed.value * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/** The int, or the int a numeric string spells (upstream's IntValue: non-numbers read as 0). */
export function intValue(v: IntOrString): number {
  if (typeof v === 'number') return v;
  const n = Number.parseInt(v, 10);
  return /^[+-]?\d+$/.test(v) && Number.isFinite(n) ? n : 0;
}

/** The numeric part of a "NN%" string, if it is one. */
export function percentValue(v: IntOrString): number | undefined {
  if (typeof v !== 'string' || isPercent(v).length > 0) return undefined;
  return Number(v.slice(0, -1));
}

/** ValidatePositiveIntOrPercent: a non-negative int, or a string of the form "NN%". */
export function validateIntOrPercent(v: IntOrString, path: FieldPath): FieldError[] {
  if (typeof v === 'string') return isPercent(v).map((m) => invalid(path, v, m));
  if (typeof v === 'number') return v < 0 ? [invalid(path, v, 'must be greater than or equal to 0')] : [];
  return [invalid(path, v, 'must be an integer or percentage')];
}

/** IsNotMoreThan100Percent: percentages above 100% are meaningless for surge/unavailability. */
export function validateNotMoreThan100Percent(v: IntOrString, path: FieldPath): FieldError[] {
  const p = percentValue(v);
  if (p === undefined || p <= 100) return [];
  return [invalid(path, v, 'must not be greater than 100%')];
}
