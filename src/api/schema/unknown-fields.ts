// Fields an object carries that its schema does not declare: what fieldValidation=Strict
// rejects and Warn reports. Paths read as upstream prints them: spec.containers[0].imagee
import { resolve, type Schema } from './dsl.js';

function resolvedOrUndefined(s: Schema) {
  try {
    return resolve(s);
  } catch {
    // A definition not (yet) registered is no reason to reject a user's field.
    return undefined;
  }
}

export function findUnknownFields(value: unknown, schema: Schema, limit = 100): string[] {
  const out: string[] = [];
  const walk = (v: unknown, s: Schema, path: string) => {
    if (out.length >= limit || v === null || v === undefined) return;
    const r = resolvedOrUndefined(s);
    if (!r || r.type === 'any') return;
    if (r.type === 'object' && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
        const p = path ? `${path}.${k}` : k;
        const cs = r.properties[k];
        if (!cs) {
          if (!r.preserveUnknownFields) out.push(p);
        }
        else walk(child, cs, p);
      }
    } else if (r.type === 'map' && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) walk(child, r.values, path ? `${path}.${k}` : k);
    } else if (r.type === 'array' && Array.isArray(v)) {
      v.forEach((item, i) => walk(item, r.items, `${path}[${i}]`));
    }
  };
  walk(value, schema, '');
  return out;
}
