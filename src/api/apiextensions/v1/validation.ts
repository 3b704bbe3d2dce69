// Validation of a CustomResourceDefinition, as upstream's apiextensions validation: names and
// group, scope, versions (unique names, exactly one storage version), a structural schema for
// every version (required in v1), the schema's own extensions, CEL rules that compile, printer
// columns, subresources, selectable fields and conversion. Messages and paths as upstream's.
import { forbidden, GoLiteral, invalid, notSupported, required, type FieldError, type FieldPath } from '../../validation/field.js';
import { FieldPath as Path } from '../../validation/field.js';
import { isDNS1035Label, isDNS1123Subdomain } from '../../validation/names.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { celSchema, compileRules } from '../schema/cel-rules.js';
import { parseJsonPath } from '../schema/jsonpath.js';
import { validateStructural } from '../schema/structural.js';
import { validateValue } from '../schema/validate.js';
import type { CustomResourceDefinition, CustomResourceDefinitionVersion, JSONSchemaProps, ValidationRule } from './types.js';

const COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const MAX_SELECTABLE_FIELDS = 8;

function goString(s: string | undefined): string {
  return JSON.stringify(s ?? '');
}

/** Go's %#v of a ValidationRule (what upstream prints as the bad value of a rule). */
function goRule(r: ValidationRule): GoLiteral {
  const reason = r.reason ? `(*apiextensions.FieldValueErrorReason)(${goString(r.reason)})` : '(*apiextensions.FieldValueErrorReason)(nil)';
  const optional = r.optionalOldSelf === undefined ? '(*bool)(nil)' : `(*bool)(${r.optionalOldSelf})`;
  return new GoLiteral(`apiextensions.ValidationRule{Rule:${goString(r.rule)}, Message:${goString(r.message)}, MessageExpression:${goString(r.messageExpression)}, Reason:${reason}, FieldPath:${goString(r.fieldPath)}, OptionalOldSelf:${optional}}`);
}

/** The versions as upstream's %#v would start them; the schemas are left out. */
function goVersions(vs: readonly CustomResourceDefinitionVersion[]): GoLiteral {
  const items = vs.map((v) => `apiextensions.CustomResourceDefinitionVersion{Name:${goString(v.name)}, Served:${!!v.served}, Storage:${!!v.storage}, …}`);
  return new GoLiteral(`[]apiextensions.CustomResourceDefinitionVersion{${items.join(', ')}}`);
}

function dns1035(p: FieldPath, v: string): FieldError[] {
  const m = isDNS1035Label(v);
  return m.length ? [invalid(p, v, m.join(','))] : [];
}

export function validateCustomResourceDefinition(crd: CustomResourceDefinition): FieldError[] {
  const errs = validateObjectMeta(crd.metadata, false, nameIsDNSSubdomain);
  const spec = crd.spec;
  if (!spec || typeof spec !== 'object') return [...errs, required('spec')];
  const sp = Path.root('spec');
  if (`${spec.names?.plural}.${spec.group}` !== crd.metadata.name) errs.push(invalid('metadata.name', crd.metadata.name ?? '', 'must be spec.names.plural+"."+spec.group'));
  if (!spec.group) errs.push(required(sp.child('group'), ''));
  else {
    const m = isDNS1123Subdomain(spec.group);
    if (m.length) errs.push(invalid(sp.child('group'), spec.group, m.join(',')));
    else if (!spec.group.includes('.')) errs.push(invalid(sp.child('group'), spec.group, 'should be a domain with at least one dot'));
  }
  if (!spec.scope) errs.push(required(sp.child('scope'), ''));
  else if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') errs.push(notSupported(sp.child('scope'), spec.scope, ['Cluster', 'Namespaced']));
  errs.push(...validateNames(spec.names, sp.child('names')));
  const versions = spec.versions ?? [];
  const vp = sp.child('versions');
  if (!versions.length) errs.push(invalid(vp, goVersions(versions), 'must have exactly one version marked as storage version'));
  const seen = new Set<string>();
  let unique = true;
  let storage = 0;
  versions.forEach((v, i) => {
    const p = vp.index(i);
    if (v.storage) storage++;
    if (seen.has(v.name)) unique = false;
    seen.add(v.name);
    if (!v.name) errs.push(required(p.child('name'), ''));
    else errs.push(...dns1035(p.child('name'), v.name));
    errs.push(...validateVersion(v, p));
  });
  if (!unique) errs.push(invalid(vp, goVersions(versions), 'must contain unique version names'));
  if (versions.length && storage !== 1) errs.push(invalid(vp, goVersions(versions), 'must have exactly one version marked as storage version'));
  const strategy = spec.conversion?.strategy;
  if (strategy !== undefined && strategy !== 'None' && strategy !== 'Webhook') errs.push(notSupported(sp.child('conversion', 'strategy'), strategy, ['None', 'Webhook']));
  if (strategy === 'Webhook' && !spec.conversion?.webhook?.clientConfig) errs.push(required(sp.child('conversion', 'webhook', 'clientConfig'), 'required when strategy is set to Webhook'));
  if (spec.preserveUnknownFields) errs.push(invalid(sp.child('preserveUnknownFields'), true, 'must be false in order to use defaults in the schema'));
  return errs;
}

export function validateCustomResourceDefinitionUpdate(crd: CustomResourceDefinition, old: CustomResourceDefinition): FieldError[] {
  const errs = [...validateObjectMetaUpdate(crd.metadata, old.metadata), ...validateCustomResourceDefinition(crd)];
  if (old.spec?.group !== crd.spec?.group) errs.push(invalid('spec.group', crd.spec?.group ?? '', 'field is immutable'));
  if (old.spec?.names?.plural !== crd.spec?.names?.plural && isEstablishedName(old)) errs.push(invalid('spec.names.plural', crd.spec?.names?.plural ?? '', 'field is immutable'));
  if (old.spec?.scope !== crd.spec?.scope) errs.push(invalid('spec.scope', crd.spec?.scope ?? '', 'field is immutable'));
  // A version objects were stored in may not go before they are migrated.
  for (const sv of old.status?.storedVersions ?? []) {
    if (!crd.spec?.versions?.some((v) => v.name === sv)) errs.push(invalid('status.storedVersions', new GoLiteral(`[]string{${(old.status?.storedVersions ?? []).map(goString).join(', ')}}`), `must have the storage version ${sv} in spec.versions`));
  }
  return errs;
}

function isEstablishedName(crd: CustomResourceDefinition): boolean {
  return !!crd.status?.acceptedNames?.plural;
}

function validateNames(n: CustomResourceDefinition['spec']['names'] | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!n) return [required(p, '')];
  if (!n.plural) errs.push(required(p.child('plural'), ''));
  else errs.push(...dns1035(p.child('plural'), n.plural));
  if (n.singular) errs.push(...dns1035(p.child('singular'), n.singular));
  if (!n.kind) errs.push(required(p.child('kind'), ''));
  else errs.push(...dns1035(p.child('kind'), n.kind.toLowerCase()));
  if (n.listKind) {
    errs.push(...dns1035(p.child('listKind'), n.listKind.toLowerCase()));
    if (n.listKind === n.kind) errs.push(invalid(p.child('listKind'), n.listKind, 'kind and listKind may not be the same'));
  }
  (n.shortNames ?? []).forEach((s, i) => errs.push(...dns1035(p.child('shortNames').index(i), s)));
  (n.categories ?? []).forEach((s, i) => errs.push(...dns1035(p.child('categories').index(i), s)));
  return errs;
}

function validateVersion(v: CustomResourceDefinitionVersion, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const sp = p.child('schema', 'openAPIV3Schema');
  const schema = v.schema?.openAPIV3Schema;
  if (!schema) errs.push(required(sp, 'schemas are required'));
  else {
    errs.push(...validateSchemaProps(schema, sp, true));
    errs.push(...validateStructural(schema, sp));
    if (!errs.length) errs.push(...validateRules(schema, sp, true));
  }
  (v.additionalPrinterColumns ?? []).forEach((c, i) => {
    const cp = p.child('additionalPrinterColumns').index(i);
    if (!c.name) errs.push(required(cp.child('name'), ''));
    if (!c.type) errs.push(required(cp.child('type'), ''));
    else if (!COLUMN_TYPES.includes(c.type)) errs.push(notSupported(cp.child('type'), c.type, COLUMN_TYPES));
    if (c.format && !COLUMN_FORMATS.includes(c.format)) errs.push(notSupported(cp.child('format'), c.format, COLUMN_FORMATS));
    if (c.priority !== undefined && c.priority < 0) errs.push(invalid(cp.child('priority'), c.priority, 'must be greater than or equal to 0'));
    if (!c.jsonPath) errs.push(required(cp.child('JSONPath'), ''));
    else if (parseJsonPath(c.jsonPath) instanceof Error) errs.push(invalid(cp.child('JSONPath'), c.jsonPath, 'must be a simple json path starting with .'));
  });
  const scale = v.subresources?.scale;
  if (scale) {
    const sc = p.child('subresources', 'scale');
    if (!scale.specReplicasPath) errs.push(required(sc.child('specReplicasPath'), ''));
    else if (!scale.specReplicasPath.startsWith('.spec.')) errs.push(invalid(sc.child('specReplicasPath'), scale.specReplicasPath, 'should be a json path under .spec'));
    if (!scale.statusReplicasPath) errs.push(required(sc.child('statusReplicasPath'), ''));
    else if (!scale.statusReplicasPath.startsWith('.status.')) errs.push(invalid(sc.child('statusReplicasPath'), scale.statusReplicasPath, 'should be a json path under .status'));
    if (scale.labelSelectorPath && !scale.labelSelectorPath.startsWith('.spec.') && !scale.labelSelectorPath.startsWith('.status.')) {
      errs.push(invalid(sc.child('labelSelectorPath'), scale.labelSelectorPath, 'should be a json path under either .spec or .status'));
    }
  }
  const fields = v.selectableFields ?? [];
  if (fields.length > MAX_SELECTABLE_FIELDS) errs.push({ type: 'FieldValueTooMany', field: String(p.child('selectableFields')), badValue: fields.length, detail: `must have at most ${MAX_SELECTABLE_FIELDS} items` });
  fields.forEach((f, i) => {
    const fp = p.child('selectableFields').index(i).child('jsonPath');
    if (!f.jsonPath) errs.push(required(fp, ''));
    else if (!f.jsonPath.startsWith('.') || parseJsonPath(f.jsonPath) instanceof Error) errs.push(invalid(fp, f.jsonPath, 'must be a simple json path starting with .'));
  });
  return errs;
}

/** The schema's own extensions and keywords, as upstream's ValidateCustomResourceDefinitionOpenAPISchema. */
function validateSchemaProps(s: JSONSchemaProps, p: FieldPath, root: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (s.uniqueItems) errs.push(forbidden(p.child('uniqueItems'), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  if (s.$ref !== undefined) errs.push(forbidden(p.child('$ref'), '$ref is not supported'));
  if (s.additionalItems !== undefined) errs.push(forbidden(p.child('additionalItems'), 'additionalItems is not supported'));
  if (s.patternProperties !== undefined) errs.push(forbidden(p.child('patternProperties'), 'patternProperties is not supported'));
  if (s.definitions !== undefined) errs.push(forbidden(p.child('definitions'), 'definitions is not supported'));
  if (s.dependencies !== undefined) errs.push(forbidden(p.child('dependencies'), 'dependencies is not supported'));
  if (s.properties && s.additionalProperties !== undefined && s.additionalProperties !== false) errs.push(forbidden(p.child('additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
  if (Array.isArray(s.items)) errs.push(forbidden(p.child('items'), 'items must be a schema object and not an array'));
  const lt = s['x-kubernetes-list-type'];
  if (lt !== undefined) {
    if (!['atomic', 'set', 'map'].includes(lt)) errs.push(notSupported(p.child('x-kubernetes-list-type'), lt, ['atomic', 'set', 'map']));
    if (s.type !== 'array') errs.push(invalid(p.child('type'), s.type ?? '', 'must be array if x-kubernetes-list-type is specified'));
  }
  if (lt === 'map' && !s['x-kubernetes-list-map-keys']?.length) errs.push(required(p.child('x-kubernetes-list-map-keys'), 'must not be empty if x-kubernetes-list-type is map'));
  if (s['x-kubernetes-list-map-keys']?.length && lt !== 'map') errs.push(forbidden(p.child('x-kubernetes-list-type'), 'must be map if x-kubernetes-list-map-keys is non-empty'));
  const mt = s['x-kubernetes-map-type'];
  if (mt !== undefined && mt !== 'atomic' && mt !== 'granular') errs.push(notSupported(p.child('x-kubernetes-map-type'), mt, ['atomic', 'granular']));
  if (s['x-kubernetes-preserve-unknown-fields'] === false) errs.push(invalid(p.child('x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
  if (s.default !== undefined && !root) {
    for (const e of validateValue(s, s.default, '')) errs.push({ ...e, field: `${p.child('default')}${e.field ? `.${e.field}` : ''}` });
  }
  const items = s.items && !Array.isArray(s.items) ? s.items : undefined;
  if (items) errs.push(...validateSchemaProps(items, p.child('items'), false));
  for (const [k, v] of Object.entries(s.properties ?? {})) errs.push(...validateSchemaProps(v, p.child('properties').key(k), false));
  if (typeof s.additionalProperties === 'object') errs.push(...validateSchemaProps(s.additionalProperties, p.child('additionalProperties'), false));
  for (const j of ['allOf', 'anyOf', 'oneOf'] as const) s[j]?.forEach((x, i) => errs.push(...validateSchemaProps(x, p.child(j).index(i), false)));
  if (s.not) errs.push(...validateSchemaProps(s.not, p.child('not'), false));
  return errs;
}

/** Every x-kubernetes-validations rule compiles against its node's schema. */
function validateRules(s: JSONSchemaProps, p: FieldPath, root: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const rules = s['x-kubernetes-validations'] ?? [];
  if (rules.length) {
    const { errors } = compileRules(rules, celSchema(s, root));
    for (const e of errors) errs.push(invalid(p.child('x-kubernetes-validations').index(e.index).child(e.field), goRule(rules[e.index]!), e.detail));
    rules.forEach((r, i) => {
      if (!r.rule) errs.push(required(p.child('x-kubernetes-validations').index(i).child('rule'), ''));
      if (r.reason && !['FieldValueInvalid', 'FieldValueForbidden', 'FieldValueRequired', 'FieldValueDuplicate'].includes(r.reason)) {
        errs.push(notSupported(p.child('x-kubernetes-validations').index(i).child('reason'), r.reason, ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired']));
      }
    });
  }
  const items = s.items && !Array.isArray(s.items) ? s.items : undefined;
  if (items) errs.push(...validateRules(items, p.child('items'), false));
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    if (root && k === 'metadata') continue;
    errs.push(...validateRules(v, p.child('properties').key(k), false));
  }
  if (typeof s.additionalProperties === 'object') errs.push(...validateRules(s.additionalProperties, p.child('additionalProperties'), false));
  return errs;
}

