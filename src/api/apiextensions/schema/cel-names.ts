// Property names as CEL sees them in CRD rules (upstream's escaping): a name that is a CEL
// reserved word becomes __name__, and `__`, `.`, `-` and `/` inside names are spelled out, so
// `namespace` is read as `self.__namespace__`. Map keys (additionalProperties) are not escaped.
import type { JSONSchemaProps } from '../v1/types.js';

const RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

export function escapeCelName(name: string): string {
  if (RESERVED.has(name)) return `__${name}__`;
  if (!/__|[.\-/]/.test(name)) return name;
  return name.replace(/__/g, '__underscores__').replace(/\./g, '__dot__').replace(/-/g, '__dash__').replace(/\//g, '__slash__');
}

/** Whether any property name below needs escaping (most schemas: none, and values pass as they are). */
export function needsEscaping(s: JSONSchemaProps): boolean {
  for (const [k, v] of Object.entries(s.properties ?? {})) if (escapeCelName(k) !== k || needsEscaping(v)) return true;
  if (s.items && !Array.isArray(s.items) && needsEscaping(s.items)) return true;
  return typeof s.additionalProperties === 'object' && needsEscaping(s.additionalProperties);
}

/** The schema with its property names escaped (what rules are checked against). */
export function escapeSchema(s: JSONSchemaProps): JSONSchemaProps {
  const out: JSONSchemaProps = { ...s };
  if (s.properties) out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [escapeCelName(k), escapeSchema(v)]));
  if (s.items && !Array.isArray(s.items)) out.items = escapeSchema(s.items);
  if (typeof s.additionalProperties === 'object') out.additionalProperties = escapeSchema(s.additionalProperties);
  return out;
}

/** A value with the property names of its schema's objects escaped. */
export function escapeValue(s: JSONSchemaProps, v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = s.items && !Array.isArray(s.items) ? s.items : undefined;
    return items ? v.map((x) => escapeValue(items, x)) : v;
  }
  if (!v || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const ps = s.properties?.[k];
    if (ps) out[escapeCelName(k)] = escapeValue(ps, x);
    else out[k] = typeof s.additionalProperties === 'object' ? escapeValue(s.additionalProperties, x) : x;
  }
  return out;
}
