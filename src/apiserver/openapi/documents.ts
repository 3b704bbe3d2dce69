// OpenAPI documents for what the registry serves: v3 per group-version (with the index that
// points at them) and one v2 document. Paths carry the query parameters kubectl probes for
// (fieldValidation on PATCH tells it the server validates fields itself).
import { createHash } from 'node:crypto';
import { KUBERNETES_VERSION } from '../version.js';
import type { ResourceEntry } from '../registry/entry.js';
import type { Registry } from '../registry/registry.js';
import { collectDefinitions, type OpenApiVersion } from './convert.js';
import { lookupDefinition } from '../../api/schema/dsl.js';
import { customResourceSchema } from './custom-schema.js';

type Json = Record<string, unknown>;

const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
const SCALE = 'io.k8s.api.autoscaling.v1.Scale';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** The name a kind's schema is published under: a CRD version's is upstream's reversed-group name. */
function definitionName(entry: ResourceEntry): string {
  return entry.def.custom?.openApiName ?? entry.def.schema;
}

function listDefinitionName(entry: ResourceEntry): string {
  return `${definitionName(entry)}List`;
}

function gvk(entry: ResourceEntry, kind = entry.kind): Json {
  return { group: entry.group, version: entry.version, kind };
}

function queryParam(name: string, description: string, v: OpenApiVersion, type = 'string'): Json {
  return v === 3 ? { name, in: 'query', description, schema: { type, uniqueItems: true } } : { name, in: 'query', description, type, uniqueItems: true };
}

function pathParam(name: string, description: string, v: OpenApiVersion): Json {
  return v === 3 ? { name, in: 'path', required: true, description, schema: { type: 'string', uniqueItems: true } } : { name, in: 'path', required: true, description, type: 'string', uniqueItems: true };
}

function ref(name: string, v: OpenApiVersion): Json {
  return { $ref: v === 3 ? `#/components/schemas/${name}` : `#/definitions/${name}` };
}

function body(name: string, v: OpenApiVersion, contentTypes: string[]): Json {
  return v === 3 ? { requestBody: { required: true, content: Object.fromEntries(contentTypes.map((t) => [t, { schema: ref(name, v) }])) } } : { parameters: [{ name: 'body', in: 'body', required: true, schema: ref(name, v) }] };
}

function response(name: string, v: OpenApiVersion, code = '200'): Json {
  const content = v === 3 ? { content: { 'application/json': { schema: ref(name, v) }, 'application/yaml': { schema: ref(name, v) } } } : { schema: ref(name, v) };
  return { [code]: { description: 'OK', ...content }, '401': { description: 'Unauthorized' } };
}

function writeParams(v: OpenApiVersion): Json[] {
  return [
    queryParam('dryRun', 'When present, indicates that modifications should not be persisted.', v),
    queryParam('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.', v),
    queryParam('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields: Ignore, Warn or Strict.', v),
  ];
}

function op(id: string, action: string, entry: ResourceEntry, v: OpenApiVersion, extra: Json, kind = entry.kind, g = gvk(entry, kind)): Json {
  const o: Json = { operationId: id, tags: [entry.group ? `${entry.group.replace(/\..*/, '')}_${entry.version}` : `core_${entry.version}`], 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': g, ...extra };
  const params = (extra['parameters'] as Json[] | undefined) ?? [];
  if (params.length) o['parameters'] = params;
  return o;
}

function pascal(s: string): string {
  return s.replace(/(^|[-.])([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

function pathsFor(entry: ResourceEntry, v: OpenApiVersion): Record<string, Json> {
  const base = entry.group ? `/apis/${entry.group}/${entry.version}` : `/api/${entry.version}`;
  const nsSeg = entry.namespaced ? '/namespaces/{namespace}' : '';
  const scope = entry.namespaced ? 'Namespaced' : '';
  const groupPart = pascal(entry.group ? entry.group.split('.')[0]! : 'core') + pascal(entry.version);
  const kind = entry.kind;
  const schema = definitionName(entry);
  const list = listDefinitionName(entry);
  const params = entry.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects', v)] : [];
  const named = [...params, pathParam('name', `name of the ${kind}`, v)];
  const ct = ['application/json', 'application/yaml'];
  const patchCt = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];
  const out: Record<string, Json> = {};
  const verbs = new Set(entry.verbs);
  const collection: Json = {};
  if (verbs.has('list')) collection['get'] = op(`list${groupPart}${scope}${kind}`, 'list', entry, v, { parameters: [...params, queryParam('labelSelector', 'A selector to restrict the list of returned objects by their labels.', v), queryParam('fieldSelector', 'A selector to restrict the list of returned objects by their fields.', v), queryParam('limit', 'limit is a maximum number of responses to return for a list call.', v, 'integer'), queryParam('continue', 'The continue option should be set when retrieving more results from the server.', v), queryParam('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.', v), queryParam('watch', 'Watch for changes to the described resources.', v, 'boolean')], responses: response(list, v) });
  if (verbs.has('create')) collection['post'] = op(`create${groupPart}${scope}${kind}`, 'post', entry, v, { ...body(schema, v, ct), parameters: [...params, ...writeParams(v), ...((v === 2 ? (body(schema, v, ct)['parameters'] as Json[]) : []))], responses: response(schema, v, '201') });
  if (verbs.has('deletecollection')) collection['delete'] = op(`deleteCollection${groupPart}${scope}${kind}`, 'deletecollection', entry, v, { parameters: [...params, queryParam('labelSelector', 'A selector to restrict the list of deleted objects by their labels.', v)], responses: response('io.k8s.apimachinery.pkg.apis.meta.v1.Status', v) });
  if (Object.keys(collection).length) out[`${base}${nsSeg}/${entry.resource}`] = collection;
  const item: Json = {};
  if (verbs.has('get')) item['get'] = op(`read${groupPart}${scope}${kind}`, 'get', entry, v, { parameters: named, responses: response(schema, v) });
  if (verbs.has('update')) item['put'] = op(`replace${groupPart}${scope}${kind}`, 'put', entry, v, { ...body(schema, v, ct), parameters: [...named, ...writeParams(v), ...((v === 2 ? (body(schema, v, ct)['parameters'] as Json[]) : []))], responses: response(schema, v) });
  if (verbs.has('patch')) item['patch'] = op(`patch${groupPart}${scope}${kind}`, 'patch', entry, v, { ...body('io.k8s.apimachinery.pkg.apis.meta.v1.Patch', v, patchCt), parameters: [...named, ...writeParams(v), queryParam('force', 'Force is going to "force" Apply requests.', v, 'boolean'), ...((v === 2 ? (body('io.k8s.apimachinery.pkg.apis.meta.v1.Patch', v, patchCt)['parameters'] as Json[]) : []))], responses: response(schema, v) });
  if (verbs.has('delete')) item['delete'] = op(`delete${groupPart}${scope}${kind}`, 'delete', entry, v, { parameters: [...named, queryParam('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', v, 'integer'), queryParam('propagationPolicy', 'Whether and how garbage collection will be performed.', v)], responses: response(schema, v) });
  if (Object.keys(item).length) out[`${base}${nsSeg}/${entry.resource}/{name}`] = item;
  for (const sub of documentedSubresources(entry)) {
    const subKind = sub === 'scale' ? 'Scale' : kind;
    const subSchema = sub === 'scale' ? 'io.k8s.api.autoscaling.v1.Scale' : schema;
    const subGvk = sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : gvk(entry);
    const suffix = pascal(sub);
    out[`${base}${nsSeg}/${entry.resource}/{name}/${sub}`] = {
      get: op(`read${groupPart}${scope}${kind}${suffix}`, 'get', entry, v, { parameters: named, responses: response(subSchema, v) }, subKind, subGvk),
      put: op(`replace${groupPart}${scope}${kind}${suffix}`, 'put', entry, v, { ...body(subSchema, v, ct), parameters: [...named, ...writeParams(v)], responses: response(subSchema, v) }, subKind, subGvk),
      patch: op(`patch${groupPart}${scope}${kind}${suffix}`, 'patch', entry, v, { ...body('io.k8s.apimachinery.pkg.apis.meta.v1.Patch', v, patchCt), parameters: [...named, ...writeParams(v)], responses: response(subSchema, v) }, subKind, subGvk),
    };
  }
  if (entry.namespaced && verbs.has('list')) {
    out[`${base}/${entry.resource}`] = { get: op(`list${groupPart}${kind}ForAllNamespaces`, 'list', entry, v, { responses: response(list, v) }) };
  }
  return out;
}

function synthesizedList(e: ResourceEntry, v: OpenApiVersion): Json {
  return {
    description: `${e.kind}List is a list of ${e.kind} objects.`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
      items: { type: 'array', items: ref(definitionName(e), v), description: `List of ${e.resource}.` },
      kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
      metadata: { ...(v === 3 ? { allOf: [ref(LIST_META, v)] } : ref(LIST_META, v)), description: 'Standard list metadata.' },
    },
  };
}

/** Adds a GVK to a definition's x-kubernetes-group-version-kind, once. */
function tagGvk(def: Json | undefined, g: Json): void {
  if (!def) return;
  const list = (def['x-kubernetes-group-version-kind'] as Json[] | undefined) ?? [];
  if (!list.some((x) => x['group'] === g['group'] && x['version'] === g['version'] && x['kind'] === g['kind'])) list.push(g);
  def['x-kubernetes-group-version-kind'] = list;
}

/**
 * Definitions for the kinds of some entries, with GVK extensions and synthesized List kinds.
 * Everything is rendered in one pass and tagged afterwards, so no later rendering can replace a
 * tagged definition (explain and apply find a kind's schema only through its GVK tag).
 */
function definitionsFor(entries: readonly ResourceEntry[], v: OpenApiVersion): Record<string, Json> {
  const roots = new Set<string>([
    'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
    'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions',
    'io.k8s.apimachinery.pkg.apis.meta.v1.Patch',
    LIST_META,
  ]);
  for (const e of entries) {
    if (e.def.custom) roots.add(OBJECT_META);
    else roots.add(e.def.schema);
    if (lookupDefinition(listDefinitionName(e))) roots.add(listDefinitionName(e));
    if (e.def.scale) roots.add(SCALE);
  }
  const defs = collectDefinitions(roots, v);
  for (const e of entries) {
    if (e.def.custom) defs[definitionName(e)] = customResourceSchema(e.def.custom.openApiSchema, v);
    const listName = listDefinitionName(e);
    defs[listName] ??= synthesizedList(e, v);
    tagGvk(defs[definitionName(e)], gvk(e));
    tagGvk(defs[listName], gvk(e, `${e.kind}List`));
    if (e.def.scale) tagGvk(defs[SCALE], { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  }
  defs['io.k8s.apimachinery.pkg.apis.meta.v1.Patch'] ??= { type: 'object', description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' };
  return defs;
}

const INFO = { title: 'Kubernetes', version: KUBERNETES_VERSION.gitVersion };

export function openApiV3(registry: Registry, group: string, version: string): Json | undefined {
  const entries = registry.entries().filter((e) => e.group === group && e.version === version);
  if (!entries.length) return undefined;
  const paths: Record<string, Json> = {};
  for (const e of entries) Object.assign(paths, pathsFor(e, 3));
  return { openapi: '3.0.0', info: INFO, paths, components: { schemas: definitionsFor(entries, 3), securitySchemes: { BearerToken: { type: 'apiKey', name: 'authorization', in: 'header' } } } };
}

export function openApiV2(registry: Registry): Json {
  const entries = registry.entries();
  const paths: Record<string, Json> = {};
  for (const e of entries) Object.assign(paths, pathsFor(e, 2));
  return { swagger: '2.0', info: INFO, paths, definitions: definitionsFor(entries, 2), securityDefinitions: { BearerToken: { type: 'apiKey', name: 'authorization', in: 'header' } }, security: [{ BearerToken: [] }] };
}

export function groupVersionPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export function hashOf(text: string): string {
  return createHash('sha512').update(text).digest('hex').slice(0, 128).toUpperCase();
}

/** The subresources documented with get/put/patch operations: status and scale, from the kind. */
function documentedSubresources(entry: ResourceEntry): string[] {
  const out: string[] = [];
  if (entry.def.hasStatus) out.push('status');
  if (entry.def.scale) out.push('scale');
  return out;
}
