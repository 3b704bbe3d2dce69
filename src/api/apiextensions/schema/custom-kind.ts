// One served version of a CRD as a kind definition: the registry serves a custom resource like
// any built-in kind, with the strategy upstream's customresource package gives it: defaulting
// and pruning from the structural schema, validation of metadata, schema and CEL rules, the
// status and scale subresources, selectable fields, and conversion `None` between versions
// (only apiVersion changes; objects are stored in the storage version).
import type { KubeObject } from '../../meta/types.js';
import { defineDynamic } from '../../schema/dsl.js';
import type { KindDefinition } from '../../scheme/kind.js';
import type { FieldError } from '../../validation/field.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { storageVersionOf, type CustomResourceDefinition, type CustomResourceDefinitionVersion, type JSONSchemaProps } from '../v1/types.js';
import { evaluateRules, ruleTree, type RuleTree } from './cel-rules.js';
import { applyDefaults, hasDefaults } from './defaults.js';
import { simpleJsonPath } from './jsonpath.js';
import { toDsl } from './to-dsl.js';
import { validateValue } from './validate.js';

let serial = 0;

/** The OpenAPI definition name upstream gives a CRD version: the reversed group, version, kind. */
export function openApiNameOf(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

function stripLeadingDot(p: string): string {
  return p.startsWith('.') ? p.slice(1) : p;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Upstream's message when a rule could not run because the object failed its schema. */
const BLOCKED = 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

export interface CustomKindOptions {
  terminating?: () => boolean;
}

export function customKind(crd: CustomResourceDefinition, v: CustomResourceDefinitionVersion, opts: CustomKindOptions = {}): KindDefinition {
  const spec = crd.spec;
  const names = crd.status?.acceptedNames?.plural ? { ...spec.names, ...crd.status.acceptedNames } : spec.names;
  const schema: JSONSchemaProps = v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const namespaced = spec.scope === 'Namespaced';
  const storage = storageVersionOf(crd) ?? v.name;
  const apiVersion = `${spec.group}/${v.name}`;
  const schemaName = `k8ts.crd.${++serial}.${openApiNameOf(spec.group, v.name, names.kind)}`;
  defineDynamic(schemaName, toDsl(schema));
  const rules: RuleTree | undefined = ruleTree(schema);
  const defaults = hasDefaults(schema);
  const hasStatus = !!v.subresources?.status;
  const scale = v.subresources?.scale;

  const validateSchema = (obj: KubeObject, old?: KubeObject): FieldError[] => {
    const errs = validateValue(schema, obj, '', { root: true });
    if (rules) {
      if (errs.some((e) => e.type === 'FieldValueTypeInvalid')) errs.push({ type: 'FieldValueInvalid', field: '<nil>', badValue: null, detail: BLOCKED });
      else errs.push(...evaluateRules(rules, obj, old, ''));
    }
    if (scale?.labelSelectorPath && hasStatus) {
      const sel = simpleJsonPath(obj, stripLeadingDot(scale.labelSelectorPath));
      if (sel !== undefined && typeof sel !== 'string') errs.push({ type: 'FieldValueInvalid', field: stripLeadingDot(scale.labelSelectorPath), badValue: sel, detail: 'must be a string' });
    }
    return errs;
  };

  const fieldSelectors: Record<string, (obj: KubeObject) => string | undefined> = {};
  for (const f of v.selectableFields ?? []) {
    const p = stripLeadingDot(f.jsonPath);
    fieldSelectors[p] = (obj) => {
      const x = simpleJsonPath(obj, p);
      return x === undefined || x === null ? undefined : String(x);
    };
  }

  const def: KindDefinition = {
    group: spec.group,
    version: v.name,
    kind: names.kind,
    plural: names.plural,
    singular: names.singular || names.kind.toLowerCase(),
    shortNames: names.shortNames,
    categories: names.categories,
    namespaced,
    schema: schemaName,
    hasStatus,
    scale: scale ? { specReplicasPath: stripLeadingDot(scale.specReplicasPath), statusReplicasPath: stripLeadingDot(scale.statusReplicasPath), labelSelectorPath: scale.labelSelectorPath ? stripLeadingDot(scale.labelSelectorPath) : undefined } : undefined,
    fieldSelectors,
    default: defaults ? (obj) => applyDefaults(schema, obj) : undefined,
    prepareForCreate(obj) {
      // With a status subresource the main resource never writes status.
      if (hasStatus) delete obj.status;
    },
    warnings: v.deprecated ? () => [v.deprecationWarning ?? `${apiVersion} ${names.kind} is deprecated`] : undefined,
    validateCreate: (obj) => [...validateObjectMeta(obj.metadata, namespaced, nameIsDNSSubdomain), ...validateSchema(obj)],
    validateUpdate: (obj, old) => [...validateObjectMeta(obj.metadata, namespaced, nameIsDNSSubdomain), ...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateSchema(obj, old)],
    validateStatusUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateSchema(obj, old)],
    // Every version is read through here: objects written in another (earlier storage) version
    // come back in this one, defaulted with this version's schema (upstream defaults on read).
    storedAs: {
      group: spec.group,
      version: storage,
      toStorage: (obj) => (obj.apiVersion === `${spec.group}/${storage}` ? obj : { ...obj, apiVersion: `${spec.group}/${storage}` }),
      fromStorage: (obj) => {
        const out = obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
        if (defaults) applyDefaults(schema, out);
        return out;
      },
    },
    custom: {
      printerColumns: v.additionalPrinterColumns ?? [],
      openApiName: openApiNameOf(spec.group, v.name, names.kind),
      openApiSchema: schema as Record<string, unknown>,
      terminating: opts.terminating,
    },
  };
  return def;
}

/** Whether a stored object needs no change to be served as this version (the raw-bytes fast path). */
export function servedAsStored(def: KindDefinition, obj: KubeObject): boolean {
  return obj.apiVersion === `${def.group}/${def.version}` && !def.default && isObject(obj);
}
