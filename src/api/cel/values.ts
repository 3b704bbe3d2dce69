// JSON objects as CEL sees them. Kubernetes hands CEL decoded JSON where integers are CEL `int`
// (int64) and other numbers `double`, so integral JSON numbers become bigints here; maps and
// lists stay plain (the evaluator reads them lazily).
import { isCelList, isCelMap, isCelUint, type CelInput, type CelValue } from '@bufbuild/cel';

/** A deep copy of a JSON value with integral numbers as bigint, ready to bind as a CEL variable. */
export function toCel(v: unknown): CelInput {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  if (Array.isArray(v)) return v.map(toCel);
  if (typeof v === 'object') {
    const out: Record<string, CelInput> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      // A JSON null field is an absent field to has(), as for upstream's unstructured objects.
      if (x !== undefined && x !== null) out[k] = toCel(x);
    }
    return out as unknown as CelInput;
  }
  return String(v);
}

/** A CEL result as JSON-ish JavaScript: bigints within the safe range become numbers. */
export function fromCel(v: CelValue): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (isCelUint(v)) return fromCel(v.value);
  if (isCelList(v)) return [...v].map(fromCel);
  if (isCelMap(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v) out[String(isCelUint(k) ? k.value : k)] = fromCel(x);
    return out;
  }
  return v;
}

/** How CEL names the type of a result, for "must evaluate to bool" style messages. */
export function celTypeName(v: CelValue): string {
  if (v === null) return 'null_type';
  switch (typeof v) {
    case 'boolean': return 'bool';
    case 'bigint': return 'int';
    case 'number': return 'double';
    case 'string': return 'string';
  }
  if (isCelUint(v)) return 'uint';
  if (isCelList(v)) return 'list';
  if (isCelMap(v)) return 'map';
  if (v instanceof Uint8Array) return 'bytes';
  return 'object';
}
