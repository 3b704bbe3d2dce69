// Go's `fmt.Sprintf("%+v", v)` of a decoded JSON value (map[string]interface{} and friends).
// Upstream quotes a strategic merge patch this way when strict field validation rejects it,
// and kubectl shows that text to the user, so the rendering is kept faithful.

/**
 * Integers print in full (the decoder keeps them as int64); other numbers as Go's %v of a
 * float64: shortest digits, exponent form outside [1e-4, 1e6).
 */
function goFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e21) return String(x);
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : x < 0 ? '-Inf' : 'NaN';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 6) {
    const [mant, e] = x.toExponential().split('e');
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return String(x);
}

export function goPrint(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goPrint).join(' ')}]`;
  if (typeof v === 'object') {
    // fmt sorts map keys when printing.
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goPrint((v as Record<string, unknown>)[k])}`).join(' ')}]`;
  }
  return String(v);
}
