// Decoding and encoding shared by every handler: request bodies reconciled with the URL
// (create/update objects, patches, DeleteOptions), query options, and the object answered in
// the representation asked for. Below every handler; imports none of them.
import type { KubeObject } from '../../api/meta/types.js';
import { ref } from '../../api/schema/dsl.js';
import { ApiError, errors } from '../errors.js';
import { decodeBody, decodeObject, mediaType, readBody, type AnyRequest } from '../http/body.js';
import { noteRequestObject } from '../http/request-body.js';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from '../http/protobuf.js';
import { negotiate } from '../http/negotiate.js';
import { parseBool } from '../http/query.js';
import { sendEncoded, sendJson, type AnyResponse } from '../http/respond.js';
import { applyPatch, PatchError, type PatchType } from '../patch/index.js';
import type { ResourceCall, ResourceEntry } from '../registry/entry.js';
import type { DeleteOptions } from '../rest/resource-store.js';
import { parseIncludeObject, partialMetadata, toTable } from './table.js';

const PATCH_TYPES: readonly string[] = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

export function methodNotAllowed(): ApiError {
  return errors.methodNotAllowed('the server does not allow this method on the requested resource');
}

export function requireVerb(entry: ResourceEntry, verb: string): void {
  if (!entry.verbs.includes(verb)) throw methodNotAllowed();
}

export function parseDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw errors.badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}

/** Decode a create/update body and reconcile apiVersion, kind and namespace with the URL. */
export async function decodeWriteBody(entry: ResourceEntry, req: AnyRequest, namespace: string | undefined, expectKind = entry.kind, expectApiVersion = entry.apiVersion): Promise<KubeObject> {
  const type = mediaType(req);
  const checkTypeMeta = (apiVersion: unknown, kind: unknown) => {
    if (apiVersion !== undefined && apiVersion !== expectApiVersion) {
      throw errors.badRequest(`the API version in the data (${String(apiVersion)}) does not match the expected API version (${expectApiVersion})`);
    }
    if (kind !== undefined && kind !== expectKind) {
      throw errors.badRequest(`the kind in the data (${String(kind)}) does not match the expected kind (${expectKind})`);
    }
  };
  let body: Record<string, unknown>;
  if (type === PROTOBUF_MEDIA_TYPE) {
    const buf = await readBody(req);
    if (buf.length === 0) throw errors.badRequest('the request body is empty');
    // The envelope names its type; only the entry's own kind is decoded, against the entry's schema.
    body = decodeProtobufObject(buf, (apiVersion, kind) => {
      checkTypeMeta(apiVersion || undefined, kind || undefined);
      return entry.def.schema;
    });
  } else {
    if (type && type !== 'application/json' && type !== 'application/yaml' && type !== 'application/x-yaml' && type !== 'text/yaml') {
      throw errors.unsupportedMediaType(type);
    }
    body = decodeObject(await readBody(req), type || 'application/json');
  }
  const obj = body as unknown as KubeObject;
  if (type === PROTOBUF_MEDIA_TYPE) noteRequestObject(req, obj);
  checkTypeMeta(obj.apiVersion, obj.kind);
  obj.apiVersion = expectApiVersion;
  obj.kind = expectKind;
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (typeof obj.metadata !== 'object' || Array.isArray(obj.metadata)) throw errors.badRequest('metadata must be an object');
  if (entry.namespaced) {
    if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (!namespace && !obj.metadata.namespace) throw errors.notFoundPath();
    obj.metadata.namespace = namespace ?? obj.metadata.namespace;
  } else {
    delete obj.metadata.namespace;
  }
  return obj;
}

/** A custom resource has no strategic merge patch (there is no Go struct to take merge keys from), as upstream. */
const CUSTOM_PATCH_TYPES: readonly string[] = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

export async function decodePatch(req: AnyRequest, entry?: ResourceEntry): Promise<{ type: PatchType; patch: unknown }> {
  const type = mediaType(req);
  if (entry?.def.custom && !CUSTOM_PATCH_TYPES.slice(0, 2).includes(type)) {
    throw new ApiError({
      apiVersion: 'v1',
      kind: 'Status',
      metadata: {},
      status: 'Failure',
      message: `the body of the request was in an unknown format - accepted media types include: ${CUSTOM_PATCH_TYPES.join(', ')}`,
      reason: 'UnsupportedMediaType',
      code: 415,
    });
  }
  if (!PATCH_TYPES.includes(type)) {
    throw new ApiError({
      apiVersion: 'v1',
      kind: 'Status',
      metadata: {},
      status: 'Failure',
      message: `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`,
      reason: 'UnsupportedMediaType',
      code: 415,
    });
  }
  const buf = await readBody(req);
  if (buf.length === 0) throw errors.badRequest('the request body is empty');
  return { type: type as PatchType, patch: decodeBody(buf, 'application/json') };
}

export function patchObject(entry: ResourceEntry, current: KubeObject, type: PatchType, patch: unknown): KubeObject {
  try {
    const out = applyPatch(type, current, patch, ref(entry.def.schema)) as KubeObject;
    if (!out || typeof out !== 'object' || Array.isArray(out)) throw errors.badRequest('the patch produced something that is not an object');
    if (!out.metadata || typeof out.metadata !== 'object') out.metadata = {};
    return out;
  } catch (err) {
    if (err instanceof PatchError) {
      if (err.code === 413) throw errors.tooLarge(err.message);
      if (err.code === 422) {
        const e = errors.invalid(entry, current.metadata.name ?? '', []);
        e.status.message = err.message;
        delete e.status.details;
        throw e;
      }
      throw errors.badRequest(err.message);
    }
    throw err;
  }
}

const DELETE_OPTIONS_SCHEMA = 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions';

export async function decodeDeleteOptions(req: AnyRequest, query: URLSearchParams, dryRun: boolean): Promise<DeleteOptions> {
  const buf = await readBody(req);
  let body: Record<string, unknown> = {};
  if (buf.length && mediaType(req) === PROTOBUF_MEDIA_TYPE) {
    // client-go's typed clients (kubectl drain --disable-eviction, kubectl delete through them)
    // send their DeleteOptions as protobuf, whichever group the object is in.
    body = decodeProtobufObject(buf, (_apiVersion, kind) => (kind === 'DeleteOptions' ? DELETE_OPTIONS_SCHEMA : undefined));
  } else if (buf.length) {
    const v = decodeBody(buf, mediaType(req) || 'application/json');
    if (v && typeof v === 'object' && !Array.isArray(v)) body = v as Record<string, unknown>;
  }
  const opts: DeleteOptions = { dryRun: dryRun || (Array.isArray(body['dryRun']) && (body['dryRun'] as unknown[]).includes('All')) };
  const grace = query.get('gracePeriodSeconds') ?? (body['gracePeriodSeconds'] !== undefined ? String(body['gracePeriodSeconds']) : null);
  if (grace !== null && grace !== '') {
    const n = Number(grace);
    if (!Number.isInteger(n)) throw errors.badRequest(`gracePeriodSeconds: Invalid value: "${grace}": must be an integer`);
    opts.gracePeriodSeconds = Math.max(0, n);
  }
  const policy = query.get('propagationPolicy') ?? (body['propagationPolicy'] as string | undefined);
  if (policy) {
    if (policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
      throw errors.invalid({ group: '', resource: 'deleteoptions', kind: 'DeleteOptions' }, '', [
        { type: 'FieldValueNotSupported', field: 'propagationPolicy', badValue: policy, detail: 'supported values: "Foreground", "Background", "Orphan", "nil"' },
      ]);
    }
    opts.propagationPolicy = policy;
  }
  const orphan = parseBool(query.get('orphanDependents')) ?? (typeof body['orphanDependents'] === 'boolean' ? body['orphanDependents'] : undefined);
  if (orphan !== undefined) opts.orphanDependents = orphan;
  if (opts.orphanDependents !== undefined && opts.propagationPolicy) {
    throw errors.invalid({ group: '', resource: 'deleteoptions', kind: 'DeleteOptions' }, '', [
      { type: 'FieldValueInvalid', field: 'propagationPolicy', badValue: opts.propagationPolicy, detail: 'orphanDependents and deletionPropagation cannot be both set' },
    ]);
  }
  if (body['preconditions'] && typeof body['preconditions'] === 'object') opts.preconditions = body['preconditions'] as DeleteOptions['preconditions'];
  return opts;
}

export function sendObject(entry: ResourceEntry, res: AnyResponse, code: number, obj: KubeObject, rep: string, yaml: boolean, query: URLSearchParams, now: number): void {
  if (rep === 'table') return sendJson(res, code, toTable(entry, [obj], { resourceVersion: obj.metadata.resourceVersion }, parseIncludeObject(query.get('includeObject')), now));
  if (rep === 'partial-metadata') return sendJson(res, code, partialMetadata(obj));
  return sendEncoded(res, code, JSON.stringify(obj), yaml);
}

/** Answers a resource call with `obj`, in the representation its request asked for. */
export function answer(call: ResourceCall, code: number, obj: KubeObject, now: number): void {
  const neg = negotiate(call.req.headers['accept'] as string | undefined);
  sendObject(call.entry, call.res, code, obj, neg.representation, neg.yaml, call.query, now);
}
