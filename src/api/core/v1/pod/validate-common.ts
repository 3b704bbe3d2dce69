// Small validators shared by the pod validation modules: names, paths, modes, quantities.
import { FieldPath, invalid, notSupported, required, type FieldError } from '../../../validation/field.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from '../../../validation/names.js';
import { parseQuantity, type Quantity } from '../../../quantity/index.js';
import type { QuantityValue } from './types.js';

export const fileModeErrorMsg = 'must be a number between 0 and 0777 (octal), both inclusive';
export const isNotPositiveErrorMsg = 'must be greater than zero';
export const isNegativeErrorMsg = 'must be greater than or equal to 0';

export function validateDNS1123Label(value: string, p: FieldPath): FieldError[] {
  return isDNS1123Label(value).map((m) => invalid(p, value, m));
}
export function validateDNS1123Subdomain(value: string, p: FieldPath): FieldError[] {
  return isDNS1123Subdomain(value).map((m) => invalid(p, value, m));
}
export function validateQualifiedName(value: string, p: FieldPath): FieldError[] {
  return isQualifiedName(value).map((m) => invalid(p, value, m));
}
export function validateNonnegative(value: number | undefined, p: FieldPath): FieldError[] {
  return value !== undefined && value !== null && value < 0 ? [invalid(p, value, isNegativeErrorMsg)] : [];
}
/** Empty means required, anything outside `valid` is unsupported. */
export function validateEnum(value: string | undefined, valid: readonly string[], p: FieldPath, requiredValue = true): FieldError[] {
  if (!value) return requiredValue ? [required(p, '')] : [];
  return valid.includes(value) ? [] : [notSupported(p, value, valid)];
}

export function validateFileMode(mode: number | undefined, p: FieldPath): FieldError[] {
  if (mode === undefined || mode === null) return [];
  return mode < 0 || mode > 0o777 || !Number.isInteger(mode) ? [invalid(p, mode, fileModeErrorMsg)] : [];
}

/** A path with no '..' element: what may be joined below a directory without escaping it. */
export function validatePathNoBacksteps(target: string, p: FieldPath): FieldError[] {
  return target.split(/[\\/]/).includes('..') ? [invalid(p, target, "must not contain '..'")] : [];
}

/** A relative path that stays below the directory it is joined to. */
export function validateLocalDescendingPath(target: string, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith('/')) errs.push(invalid(p, target, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(target, p));
  return errs;
}

/** Like the above, and not starting with '..' either: such names are used for atomic swaps. */
export function validateLocalNonReservedPath(target: string, p: FieldPath): FieldError[] {
  const errs = validateLocalDescendingPath(target, p);
  if (target.startsWith('..')) errs.push(invalid(p, target, "must not start with '..'"));
  return errs;
}

/** Parses a quantity from JSON (a string or a number); undefined with an error when malformed. */
export function parseQuantityValue(value: QuantityValue | undefined, p: FieldPath, errs: FieldError[]): Quantity | undefined {
  if (value === undefined || value === null) return undefined;
  try {
    return parseQuantity(String(value));
  } catch (e) {
    errs.push(invalid(p, value, (e as Error).message));
    return undefined;
  }
}

export function sortedKeys(m: Record<string, unknown> | undefined | null): string[] {
  return Object.keys(m ?? {}).sort();
}

/**
 * Deep equality over decoded JSON where absent, null, false, 0 and empty string/list/map are
 * one value: what Go's zero values make indistinguishable for most fields after decoding.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  const empty = (v: unknown) =>
    v === undefined || v === null || v === '' || v === false || v === 0 || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);
  if (empty(a) && empty(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object' && a && b) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!semanticEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
    return true;
  }
  return a === b;
}
