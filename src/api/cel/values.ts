// JSON objects as CEL sees them. Kubernetes hands CEL decoded JSON where integers are CEL `int`
// (int64) and other numbers `double`, so integral JSON numbers become bigints here; maps and
// lists stay plain (the evaluator reads them lazily). Lists are metered: every element read
// during an evaluation is charged to its cost budget (see withCostLimit).
import { isCelList, isCelMap, isCelUint, type CelInput, type CelValue } from '@bufbuild/cel';

/** What an evaluation that ran out of budget reports, as upstream's runtime cost check. */
export const COST_LIMIT_EXCEEDED = 'operation cancelled: actual cost limit exceeded';

let budget: { remaining: number } | undefined;

/**
 * Runs `f` (one evaluation) with `limit` element reads of the input lists allowed. The library
 * has no cost accounting of its own; reads of the request's lists are where an expression's cost
 * grows with its input (a macro nested over two lists reads one list once per element of the
 * other), so they stand in for upstream's runtime cost. Past the limit the read throws, which the
 * evaluator turns into an error ending the evaluation.
 */
export function withCostLimit<T>(limit: number, f: () => T): T {
  const outer = budget;
  budget = { remaining: limit };
  try {
    return f();
  } finally {
    budget = outer;
  }
}

const metering: ProxyHandler<CelInput[]> = {
  get(target, key, receiver) {
    if (budget && typeof key === 'string' && key.charCodeAt(0) >= 48 && key.charCodeAt(0) <= 57 && --budget.remaining < 0) {
      throw new Error(COST_LIMIT_EXCEEDED);
    }
    return Reflect.get(target, key, receiver);
  },
};

/** A deep copy of a JSON value with integral numbers as bigint, ready to bind as a CEL variable. */
export function toCel(v: unknown): CelInput {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  if (Array.isArray(v)) return new Proxy(v.map(toCel), metering);
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
