// Whether a CRD's schema is structural, checked as upstream's apiextensions schema package does
// (ValidateStructural: invariants and completeness), with its messages. A non-structural schema is
// refused in apiextensions.k8s.io/v1; every error is reported, sorted as upstream sorts them.
import { forbidden, formatFieldError, invalid, required, type FieldError, type FieldPath } from '../../validation/field.js';
import type { JSONSchemaProps } from '../v1/types.js';
import { goRegExp } from './go-regexp.js';

type Level = 'root' | 'item' | 'field';

const JUNCTORS = ['allOf', 'anyOf', 'oneOf'] as const;

function itemsOf(s: JSONSchemaProps): JSONSchemaProps | undefined {
  return s.items && !Array.isArray(s.items) ? s.items : undefined;
}

function isIntOrStringAnyOf(anyOf: JSONSchemaProps[] | undefined): boolean {
  return anyOf?.length === 2 && sameKeys(anyOf[0]!, ['type']) && anyOf[0]!.type === 'integer' && sameKeys(anyOf[1]!, ['type']) && anyOf[1]!.type === 'string';
}

function sameKeys(o: object, keys: string[]): boolean {
  const k = Object.keys(o);
  return k.length === keys.length && keys.every((x) => k.includes(x));
}

export function validateStructural(s: JSONSchemaProps, path: FieldPath): FieldError[] {
  const errs = [...invariants(s, 'root', path), ...completeness(s, path)];
  return errs.sort((a, b) => (formatFieldError(a) < formatFieldError(b) ? -1 : formatFieldError(a) > formatFieldError(b) ? 1 : 0));
}

function invariants(s: JSONSchemaProps, lvl: Level, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (s.type === 'array' && !s.items) errs.push(required(p.child('items'), 'must be specified'));
  const items = itemsOf(s);
  if (items) errs.push(...invariants(items, 'item', p.child('items')));
  for (const [k, v] of Object.entries(s.properties ?? {})) errs.push(...invariants(v, 'field', p.child('properties').key(k)));
  if (s.additionalProperties !== undefined && s.additionalProperties !== false) {
    if (lvl === 'root') errs.push(forbidden(p.child('additionalProperties'), 'must not be used at the root'));
    if (typeof s.additionalProperties === 'object') errs.push(...invariants(s.additionalProperties, 'field', p.child('additionalProperties')));
  }
  const xios = !!s['x-kubernetes-int-or-string'];
  const xpuf = !!s['x-kubernetes-preserve-unknown-fields'];
  const xer = !!s['x-kubernetes-embedded-resource'];
  if (xios && xpuf) errs.push(invalid(p.child('x-kubernetes-preserve-unknown-fields'), true, 'must be false if x-kubernetes-int-or-string is true'));
  if (xios && xer) errs.push(invalid(p.child('x-kubernetes-embedded-resource'), true, 'must be false if x-kubernetes-int-or-string is true'));
  const skipAnyOf = isIntOrStringAnyOf(s.anyOf);
  const skipFirstAllOfAnyOf = !!s.allOf?.length && isIntOrStringAnyOf(s.allOf[0]!.anyOf);
  errs.push(...valueValidation(s, skipAnyOf, skipFirstAllOfAnyOf, lvl, p));
  const checkMetadata = lvl === 'root' || xer;
  if (xer && s.type !== 'object') {
    if (!s.type) errs.push(required(p.child('type'), 'must be object if x-kubernetes-embedded-resource is true'));
    else errs.push(invalid(p.child('type'), s.type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (!s.type && !xios && !xpuf) {
    const where = lvl === 'root' ? 'at the root' : lvl === 'item' ? 'for specified array items' : 'for specified object fields';
    errs.push(required(p.child('type'), `must not be empty ${where}`));
  }
  if (xer && s.additionalProperties !== undefined) errs.push(forbidden(p.child('additionalProperties'), 'must not be used if x-kubernetes-embedded-resource is set'));
  if (lvl === 'root' && s.type && s.type !== 'object') errs.push(invalid(p.child('type'), s.type, 'must be object at the root'));
  const props = s.properties ?? {};
  if (checkMetadata && props['kind'] && props['kind'].type !== 'string') errs.push(invalid(p.child('properties').key('kind').child('type'), props['kind'].type ?? '', 'must be string'));
  if (checkMetadata && props['apiVersion'] && props['apiVersion'].type !== 'string') errs.push(invalid(p.child('properties').key('apiVersion').child('type'), props['apiVersion'].type ?? '', 'must be string'));
  if (checkMetadata && props['metadata'] && props['metadata'].type !== 'object') errs.push(invalid(p.child('properties').key('metadata').child('type'), props['metadata'].type ?? '', 'must be object'));
  if (lvl === 'root' && props['metadata'] && !onlyNameRestrictions(props['metadata'])) {
    errs.push(forbidden(p.child('properties').key('metadata'), 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  }
  if (xer && !xpuf && Object.keys(props).length === 0) errs.push(required(p.child('properties'), 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  return errs;
}

/** Root metadata may only restrict name and generateName (and carry its type and a description). */
function onlyNameRestrictions(m: JSONSchemaProps): boolean {
  const { type: _t, default: _d, description: _desc, properties, ...rest } = m;
  const names = Object.keys(properties ?? {});
  if (names.some((n) => n !== 'name' && n !== 'generateName')) return false;
  return Object.keys(rest).length === 0;
}

function valueValidation(s: JSONSchemaProps, skipAnyOf: boolean, skipFirstAllOfAnyOf: boolean, lvl: Level, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!skipAnyOf) s.anyOf?.forEach((x, i) => errs.push(...nested(x, false, lvl, p.child('anyOf').index(i))));
  s.allOf?.forEach((x, i) => errs.push(...nested(x, skipFirstAllOfAnyOf && i === 0, lvl, p.child('allOf').index(i))));
  s.oneOf?.forEach((x, i) => errs.push(...nested(x, false, lvl, p.child('oneOf').index(i))));
  if (s.not) errs.push(...nested(s.not, false, lvl, p.child('not')));
  if (s.pattern) {
    const re = goRegExp(s.pattern);
    if (re instanceof Error) errs.push(invalid(p.child('pattern'), s.pattern, `must be a valid regular expression, but isn't: ${re.message}`));
  }
  return errs;
}

/** Below a logical junctor only value validations may appear; the structure lives outside. */
function nested(v: JSONSchemaProps, skipAnyOf: boolean, lvl: Level, p: FieldPath): FieldError[] {
  const errs = valueValidation(v, skipAnyOf, false, lvl, p);
  const items = itemsOf(v);
  if (items) errs.push(...nested(items, false, lvl, p.child('items')));
  for (const [k, f] of Object.entries(v.properties ?? {})) errs.push(...nested(f, false, 'field', p.child('properties').key(k)));
  if (v.type) errs.push(forbidden(p.child('type'), 'must be empty to be structural'));
  if (v.additionalProperties !== undefined) errs.push(forbidden(p.child('additionalProperties'), 'must be undefined to be structural'));
  if (v.default !== undefined) errs.push(forbidden(p.child('default'), 'must be undefined to be structural'));
  if (v.title) errs.push(forbidden(p.child('title'), 'must be empty to be structural'));
  if (v.description) errs.push(forbidden(p.child('description'), 'must be empty to be structural'));
  if (v.nullable) errs.push(forbidden(p.child('nullable'), 'must be false to be structural'));
  if (v['x-kubernetes-preserve-unknown-fields']) errs.push(forbidden(p.child('x-kubernetes-preserve-unknown-fields'), 'must be false to be structural'));
  if (v['x-kubernetes-embedded-resource']) errs.push(forbidden(p.child('x-kubernetes-embedded-resource'), 'must be false to be structural'));
  if (v['x-kubernetes-int-or-string']) errs.push(forbidden(p.child('x-kubernetes-int-or-string'), 'must be false to be structural'));
  if (v['x-kubernetes-list-map-keys']?.length) errs.push(forbidden(p.child('x-kubernetes-list-map-keys'), 'must be empty to be structural'));
  if (v['x-kubernetes-list-type'] !== undefined) errs.push(forbidden(p.child('x-kubernetes-list-type'), 'must be undefined to be structural'));
  if (v.properties?.['metadata']) errs.push(forbidden(p.child('properties').key('metadata'), 'must not be specified in a nested context'));
  return errs;
}

/** Every field or item a junctor talks about is also specified outside of it (upstream's completeness). */
function completeness(s: JSONSchemaProps, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const walk = (x: JSONSchemaProps, at: FieldPath) => {
    for (const j of JUNCTORS) x[j]?.forEach((n, i) => errs.push(...nestedCompleteness(x, n, at, at.child(j).index(i))));
    if (x.not) errs.push(...nestedCompleteness(x, x.not, at, at.child('not')));
    const items = itemsOf(x);
    if (items) walk(items, at.child('items'));
    for (const [k, f] of Object.entries(x.properties ?? {})) walk(f, at.child('properties').key(k));
    if (typeof x.additionalProperties === 'object') walk(x.additionalProperties, at.child('additionalProperties'));
  };
  walk(s, p);
  return errs;
}

function nestedCompleteness(outer: JSONSchemaProps | undefined, v: JSONSchemaProps, outerPath: FieldPath, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const vItems = itemsOf(v);
  const oItems = outer ? itemsOf(outer) : undefined;
  if (vItems) {
    if (!oItems) errs.push(required(outerPath.child('items'), `because it is defined in ${p.child('items')}`));
    errs.push(...nestedCompleteness(oItems, vItems, outerPath.child('items'), p.child('items')));
  }
  for (const [k, f] of Object.entries(v.properties ?? {})) {
    const of = outer?.properties?.[k];
    if (!of) errs.push(required(outerPath.child('properties').key(k), `because it is defined in ${p.child('properties').key(k)}`));
    errs.push(...nestedCompleteness(of, f, outerPath.child('properties').key(k), p.child('properties').key(k)));
  }
  for (const j of JUNCTORS) v[j]?.forEach((n, i) => errs.push(...nestedCompleteness(outer, n, outerPath, p.child(j).index(i))));
  if (v.not) errs.push(...nestedCompleteness(outer, v.not, outerPath, p.child('not')));
  return errs;
}
