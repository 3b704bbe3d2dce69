// Helpers over decoded JSON values. Every write goes through setOwn so a key such as
// "__proto__" in user input stays an ordinary property instead of rewiring a prototype.

export type JsonMap = Record<string, unknown>;

export function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function hasOwn(m: JsonMap, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, key);
}

export function getOwn(m: JsonMap, key: string): unknown {
  return hasOwn(m, key) ? m[key] : undefined;
}

export function setOwn(m: JsonMap, key: string, value: unknown): void {
  Object.defineProperty(m, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Deep copy of a JSON value; the engines work on copies so callers' objects never change. */
export function deepClone<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => deepClone(x)) as T;
  if (isMap(v)) {
    const out: JsonMap = {};
    for (const k of Object.keys(v)) setOwn(out, k, deepClone(v[k]));
    return out as T;
  }
  return v;
}

/** Structural equality of two JSON values; key order does not matter. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** What Go's reflect kind would be for the decoded value: decides merge versus replace. */
export function jsonKind(v: unknown): 'map' | 'list' | 'string' | 'number' | 'boolean' | 'null' {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  return 'boolean';
}

function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  // Go's %v of a float64 switches to exponent form below 1e-4 and from 1e21, with a
  // two-digit signed exponent (1e-05, 1e+21).
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    const [mant, exp] = n.toExponential().split('e');
    const sign = exp!.startsWith('-') ? '-' : '+';
    const digits = exp!.replace(/^[+-]/, '').padStart(2, '0');
    return `${mant}e${sign}${digits}`;
  }
  return String(n);
}

/**
 * A JSON value printed as Go's fmt %v prints the decoded interface{}: map[a:1 b:[x y]].
 * Upstream's strategic-merge-patch errors embed values this way, and clients match on them.
 */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (isMap(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goFormat(v[k])}`).join(' ')}]`;
  }
  if (typeof v === 'number') return goNumber(v);
  return String(v);
}
