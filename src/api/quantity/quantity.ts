// resource.Quantity: an exact decimal amount plus the notation family it was written in.
// The amount is mantissa * 10^exponent with BigInt mantissa, so no value is ever approximated;
// parsing rounds away from zero to nano precision as upstream does, and toString() yields
// upstream's canonical text (what the API server echoes back for `cpu: 1000m`, i.e. `1`).
import {
  binarySuffixFor,
  decimalSuffixFor,
  errFormatWrong,
  interpretSuffix,
  QuantityError,
  scanQuantity,
  errSuffix,
  type QuantityFormat,
} from './scan.js';

const NANO = -9;
const INT64_MAX = 2n ** 63n - 1n;
// Aligning two amounts whose exponents are further apart than this would build an absurdly large
// integer (e.g. 1e2000000000 + 1); refuse rather than hang.
const MAX_ALIGN = 100_000;

const abs = (v: bigint): bigint => (v < 0n ? -v : v);
const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Strips factors of ten from the mantissa into the exponent, so equal amounts have one form. */
function normalize(m: bigint, e: number): [bigint, number] {
  if (m === 0n) return [0n, 0];
  while (m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  return [m, e];
}

/** Divides rounding away from zero (upstream's "round up" for quantities). */
function divAwayFromZero(m: bigint, d: bigint): bigint {
  const q = m / d;
  return m % d === 0n ? q : m < 0n ? q - 1n : q + 1n;
}

function align(a: Quantity, b: Quantity): [bigint, bigint, number] {
  const e = Math.min(a.exponent, b.exponent);
  if (a.exponent - e > MAX_ALIGN || b.exponent - e > MAX_ALIGN) throw new QuantityError('quantity arithmetic out of range');
  return [a.mantissa * pow10(a.exponent - e), b.mantissa * pow10(b.exponent - e), e];
}

export class Quantity {
  readonly mantissa: bigint;
  readonly exponent: number;
  readonly format: QuantityFormat;
  /** Upstream keeps the text it parsed when that text is already canonical-looking; so do we. */
  private readonly cached: string | undefined;

  constructor(mantissa: bigint, exponent: number, format: QuantityFormat, cached?: string) {
    [this.mantissa, this.exponent] = normalize(mantissa, exponent);
    this.format = format;
    this.cached = cached;
  }

  /** NewQuantity: an integer amount. */
  static fromInt(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(value), 0, format);
  }

  /** NewMilliQuantity: an amount given in thousandths. */
  static fromMilli(milli: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(milli), -3, format);
  }

  /** NewScaledQuantity: value * 10^scale, in DecimalSI. */
  static fromScaled(value: number | bigint, scale: number): Quantity {
    return new Quantity(BigInt(value), scale, 'DecimalSI');
  }

  static zero(format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(0n, 0, format);
  }

  isZero(): boolean {
    return this.mantissa === 0n;
  }

  sign(): -1 | 0 | 1 {
    return this.mantissa === 0n ? 0 : this.mantissa < 0n ? -1 : 1;
  }

  /** -1, 0 or 1 as this amount is less than, equal to or greater than `other`. */
  cmp(other: Quantity): -1 | 0 | 1 {
    const sa = this.sign();
    const sb = other.sign();
    if (sa !== sb) return sa < sb ? -1 : 1;
    if (sa === 0) return 0;
    // Same sign: compare the position of the leading digit first, which avoids scaling
    // mantissas by huge powers of ten when exponents are far apart.
    const leadA = abs(this.mantissa).toString().length + this.exponent;
    const leadB = abs(other.mantissa).toString().length + other.exponent;
    if (leadA !== leadB) return (leadA > leadB ? 1 : -1) * sa > 0 ? 1 : -1;
    const [a, b] = align(this, other);
    return a === b ? 0 : a > b ? 1 : -1;
  }

  equals(other: Quantity): boolean {
    return this.cmp(other) === 0;
  }

  /** Sum; keeps this quantity's format unless this is zero, then takes the other's (as upstream). */
  add(other: Quantity): Quantity {
    const [a, b, e] = align(this, other);
    return new Quantity(a + b, e, this.isZero() ? other.format : this.format);
  }

  sub(other: Quantity): Quantity {
    const [a, b, e] = align(this, other);
    return new Quantity(a - b, e, this.isZero() ? other.format : this.format);
  }

  neg(): Quantity {
    return new Quantity(-this.mantissa, this.exponent, this.format);
  }

  /** The amount in units of 10^scale as an exact BigInt, rounded away from zero. */
  scaledBigValue(scale: number): bigint {
    const shift = this.exponent - scale;
    if (shift >= 0) {
      if (shift > MAX_ALIGN) throw new QuantityError('quantity out of range');
      return this.mantissa * pow10(shift);
    }
    if (-shift > MAX_ALIGN) return this.mantissa === 0n ? 0n : this.mantissa < 0n ? -1n : 1n;
    return divAwayFromZero(this.mantissa, pow10(-shift));
  }

  /** Value(): the amount as an integer, rounded up away from zero. */
  value(): number {
    return this.scaledValue(0);
  }

  /** MilliValue(): the amount in thousandths, rounded up away from zero. */
  milliValue(): number {
    return this.scaledValue(-3);
  }

  scaledValue(scale: number): number {
    // Beyond any realistic resource amount: return a float (possibly Infinity) instead of
    // materialising a gigantic integer.
    if (this.exponent - scale > 330) return Number(this.mantissa) * Infinity;
    return Number(this.scaledBigValue(scale));
  }

  bigValue(): bigint {
    return this.scaledBigValue(0);
  }

  /** An approximate float, for ratios and display. */
  asApproximateFloat64(): number {
    return Number(`${this.mantissa}e${this.exponent}`);
  }

  toString(): string {
    return this.cached ?? this.canonical();
  }

  toJSON(): string {
    return this.toString();
  }

  /** The canonical text regardless of how the quantity was written. */
  canonical(): string {
    if (this.isZero()) return '0';
    if (this.format === 'BinarySI') {
      const small = this.cmp(Quantity.fromInt(-1024)) > 0 && this.cmp(Quantity.fromInt(1024)) < 0;
      if (!small && this.exponent >= 0) return this.binaryCanonical();
      // Small or fractional binary amounts read better, and exactly, in decimal.
    }
    return this.decimalCanonical(this.format === 'DecimalExponent' ? 'DecimalExponent' : 'DecimalSI');
  }

  private binaryCanonical(): string {
    let v = this.mantissa * pow10(this.exponent);
    let times = 0;
    while (times < 6 && abs(v) >= 1024n && v % 1024n === 0n) {
      v /= 1024n;
      times++;
    }
    return `${v}${binarySuffixFor(times * 10) ?? ''}`;
  }

  private decimalCanonical(format: 'DecimalSI' | 'DecimalExponent'): string {
    // The exponent is lowered to a multiple of three so an SI suffix (or e3k) can express it.
    const e3 = Math.floor(this.exponent / 3) * 3;
    let number = this.mantissa * pow10(this.exponent - e3);
    if (format === 'DecimalExponent') return e3 === 0 ? `${number}` : `${number}e${e3}`;
    let suffixExp = e3;
    if (suffixExp > 18) {
      // No SI suffix beyond exa: write the amount in E.
      number *= pow10(suffixExp - 18);
      suffixExp = 18;
    }
    const suffix = decimalSuffixFor(suffixExp);
    if (suffix === undefined) return e3 === 0 ? `${number}` : `${number}e${e3}`;
    return `${number}${suffix}`;
  }
}

/**
 * Parses any quantity notation; throws QuantityError with upstream's messages. Numbers are
 * accepted because YAML and JSON manifests often write `cpu: 2` (upstream accepts those too).
 */
export function parseQuantity(input: string | number): Quantity {
  const str = typeof input === 'number' ? String(input) : input;
  if (typeof str !== 'string' || str.length === 0) throw new QuantityError(errFormatWrong);
  if (str === '0') return new Quantity(0n, 0, 'DecimalSI', '0');
  const { positive, num, denom, suffix } = scanQuantity(str);
  const sfx = interpretSuffix(suffix);
  if (!sfx) throw new QuantityError(errSuffix);
  const digits = BigInt(num + denom);
  const shifted = num + denom;

  let mantissa: bigint;
  let exponent: number;
  if (sfx.base === 10) {
    mantissa = digits;
    exponent = sfx.exponent - denom.length;
  } else {
    mantissa = digits << BigInt(sfx.exponent);
    exponent = -denom.length;
  }

  // Upstream's fast path (small integers at nano precision or coarser) is the only one that keeps
  // the input text, and only when it already looks canonical.
  let cached: string | undefined;
  if (sfx.base === 10) {
    const precision = 18 - (num.length + denom.length);
    if (precision >= 0 && exponent >= NANO && exponent % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0') cached = str;
  } else {
    const precision = 15 - num.length - Math.trunc((sfx.exponent * 3) / 10) - 1;
    const fits = mantissa <= INT64_MAX;
    if (denom.length === 0 && precision >= 0 && fits && sfx.exponent % 10 === 0 && (digits & 7n) !== 0n) cached = str;
  }

  let format = sfx.format;
  if (exponent < NANO) {
    // Ask for any of a resource and you get at least the smallest representable amount.
    mantissa = divAwayFromZero(mantissa, pow10(NANO - exponent));
    exponent = NANO;
  }
  if (format === 'BinarySI') {
    // Binary amounts are capped at the largest int64, a limit upstream applies to them alone.
    if (new Quantity(mantissa, exponent, format).cmp(Quantity.fromInt(INT64_MAX)) > 0) {
      mantissa = INT64_MAX;
      exponent = 0;
    }
    // Below one, a binary suffix cannot express the amount; switch to decimal.
    if (mantissa !== 0n && new Quantity(mantissa, exponent, format).cmp(Quantity.fromInt(1)) < 0) format = 'DecimalSI';
  }
  return new Quantity(positive ? mantissa : -mantissa, exponent, format, cached);
}

export function isQuantity(s: string | number): boolean {
  try {
    parseQuantity(s);
    return true;
  } catch {
    return false;
  }
}

export function cmp(a: Quantity, b: Quantity): -1 | 0 | 1 {
  return a.cmp(b);
}

export function add(a: Quantity, b: Quantity): Quantity {
  return a.add(b);
}

export function sub(a: Quantity, b: Quantity): Quantity {
  return a.sub(b);
}
