// The verbs on a resource: decode the request, call the generic resource store, encode the
// answer in the representation asked for. Nothing here knows any particular kind.
import type { KubeObject, ListMeta } from '../../api/meta/types.js';
import { ref } from '../../api/schema/dsl.js';
import type { Store } from '../../storage/store.js';
import { ApiError, errors, successStatus } from '../errors.js';
import { managerFromUserAgent } from '../fieldmanager/field-manager.js';
import { APPLY_PATCH_TYPE, checkAppliedConfig, patchOptions, serveApply } from './apply-request.js';
import { applyPatch, PatchError, type PatchType } from '../patch/index.js';
import type { ResourceEntry } from '../registry/entry.js';
import type { Registry } from '../registry/registry.js';
import { buildPredicate } from '../rest/filters.js';
import { listObjects } from '../rest/list.js';
import type { DeleteOptions, ResourceStore } from '../rest/resource-store.js';
import { parseIncludeObject, partialMetadata, tableRow, toTable } from './table.js';
import { startWatch, type WatchSink } from '../rest/watch.js';
import { checkFields, checkPatchedFields, parseFieldValidation, warningHeader } from './field-validation.js';
import { handleSubresource } from './subresources.js';
import type { CachedObject } from '../watchcache/types.js';
import type { WatchCache } from '../watchcache/watch-cache.js';
import type { KubeletProxy } from '../proxy/kubelet-proxy.js';
import { decodeBody, decodeObject, mediaType, readBody, type AnyRequest } from '../http/body.js';
import { negotiate } from '../http/negotiate.js';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from '../http/protobuf.js';
import { parseBool } from '../http/query.js';
import type { ResourceRequest } from '../http/request-info.js';
import { sendEncoded, sendJson, sendJsonParts, type AnyResponse } from '../http/respond.js';

export interface ApiContext {
  registry: Registry;
  resources: ResourceStore;
  store: Store;
  cache: WatchCache;
  clock: () => number;
  /** pods/log, exec, attach, portforward and nodes/proxy go through it to the kubelets. */
  kubelet?: KubeletProxy;
}

const PATCH_TYPES: readonly string[] = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];
const DEFAULT_WATCH_TIMEOUT_S = 1800;
const BOOKMARK_INTERVAL_MS = 30_000;
/** Bytes a watcher may have queued before it is judged too slow and closed. */
const WATCH_BACKLOG_LIMIT = 16 * 1024 * 1024;
/** Resources whose DELETE answers with the object rather than a Status, as upstream. */
const RETURNS_DELETED_OBJECT = new Set(['pods', 'services', 'namespaces', 'nodes', 'persistentvolumes', 'persistentvolumeclaims']);

export interface RequestMeta {
  userAgent?: string;
}

export async function handleResource(ctx: ApiContext, info: ResourceRequest, query: URLSearchParams, req: AnyRequest, res: AnyResponse): Promise<void> {
  const entry = ctx.registry.lookup(info.group, info.version, info.resource);
  if (!entry) throw errors.notFoundPath();
  if (entry.namespaced === false && info.namespace !== undefined) throw errors.notFoundPath();
  const neg = negotiate(req.headers['accept'] as string | undefined);
  if (!neg.ok) throw errors.notAcceptable('only the following media types are accepted: application/json, application/yaml, application/json;stream=watch');
  const namespace = entry.namespaced ? info.namespace : undefined;
  const dryRun = parseDryRun(query);
  const fieldManager = query.get('fieldManager') || managerFromUserAgent(req.headers['user-agent'] as string | undefined);
  if (fieldManager.length > 128) throw errors.badRequest('fieldManager: Invalid value: the field manager is too long (at most 128 characters)');

  if (info.subresource) {
    await handleSubresource(ctx, entry, info, query, req, res, { namespace, dryRun, fieldManager });
    return;
  }
  requireVerb(entry, info.verb);
  // Writes to one object need its name; on a collection URL they are not a verb at all.
  if ((info.verb === 'update' || info.verb === 'patch') && !info.name) throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
  if (info.verb === 'create' && info.name) throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
  const now = ctx.clock();
  const fieldValidation = parseFieldValidation(query.get('fieldValidation'));
  const warn = (warnings: string[]) => {
    if (warnings.length) res.setHeader('Warning', warningHeader(warnings));
  };
  switch (info.verb) {
    case 'get': {
      const c = await ctx.resources.getCached(entry, namespace, info.name!);
      return sendOne(ctx, entry, res, c, neg.representation, neg.yaml, query, now);
    }
    case 'list': {
      const page = await listObjects(ctx.store, ctx.cache, entry, {
        namespace,
        predicate: buildPredicate(entry, query.get('labelSelector') ?? undefined, query.get('fieldSelector') ?? undefined),
        limit: parseLimit(query.get('limit')),
        continueToken: query.get('continue') || undefined,
        resourceVersion: query.get('resourceVersion') ?? undefined,
        resourceVersionMatch: query.get('resourceVersionMatch') || undefined,
      });
      const meta: ListMeta = { resourceVersion: page.resourceVersion };
      if (page.continue) meta.continue = page.continue;
      if (page.remainingItemCount !== undefined) meta.remainingItemCount = page.remainingItemCount;
      if (neg.representation === 'table') {
        return sendJson(res, 200, toTable(entry, page.items.map((c) => ctx.resources.toServed(entry, c.obj)), meta, parseIncludeObject(query.get('includeObject')), now));
      }
      if (neg.representation === 'partial-metadata') {
        return sendJson(res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: meta, items: page.items.map((c) => partialMetadata(c.obj)) });
      }
      const items = entry.storage === entry ? page.items.map((c) => c.json) : page.items.map((c) => JSON.stringify(ctx.resources.toServed(entry, c.obj)));
      const head = `{"kind":${JSON.stringify(`${entry.kind}List`)},"apiVersion":${JSON.stringify(entry.apiVersion)},"metadata":${JSON.stringify(meta)},"items":[`;
      if (!neg.yaml) return sendJsonParts(res, 200, head, items, ']}');
      return sendEncoded(res, 200, `${head}${items.join(',')}]}`, true);
    }
    case 'watch':
      return serveWatch(ctx, entry, namespace, query, req, res, neg.representation);
    case 'create': {
      const obj = await decodeWriteBody(entry, req, namespace);
      warn(checkFields(entry, obj, fieldValidation));
      const created = await ctx.resources.create(entry, obj, { dryRun, fieldManager });
      return sendObject(entry, res, 201, created, neg.representation, neg.yaml, query, now);
    }
    case 'update': {
      const obj = await decodeWriteBody(entry, req, namespace);
      warn(checkFields(entry, obj, fieldValidation));
      if (obj.metadata.name && obj.metadata.name !== info.name) {
        throw errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${info.name})`);
      }
      const { object } = await ctx.resources.update(entry, namespace, info.name!, () => obj, { dryRun, fieldManager });
      return sendObject(entry, res, 200, object, neg.representation, neg.yaml, query, now);
    }
    case 'patch': {
      if (mediaType(req) === APPLY_PATCH_TYPE) {
        const { fieldManager: applier, force } = patchOptions(query, true);
        const body = await readBody(req);
        if (body.length === 0) throw errors.badRequest('the request body is empty');
        const config = checkAppliedConfig(entry, namespace, info.name!, decodeBody(body, APPLY_PATCH_TYPE));
        const r = await serveApply(ctx.resources, ctx.clock, entry, namespace, info.name!, config, { fieldManager: applier!, force, dryRun });
        return sendObject(entry, res, r.code, r.object, neg.representation, neg.yaml, query, now);
      }
      patchOptions(query, false);
      const { type, patch } = await decodePatch(req);
      let warnings: string[] = [];
      const mutate = (current: KubeObject) => {
        const next = patchObject(entry, current, type, patch);
        warnings = checkPatchedFields(entry, next, fieldValidation, type, patch);
        return next;
      };
      const { object } = await ctx.resources.update(entry, namespace, info.name!, mutate, { dryRun, fieldManager });
      warn(warnings);
      return sendObject(entry, res, 200, object, neg.representation, neg.yaml, query, now);
    }
    case 'delete': {
      const opts = await decodeDeleteOptions(req, query, dryRun);
      const r = await ctx.resources.delete(entry, namespace, info.name!, opts);
      if (!r.deleted || RETURNS_DELETED_OBJECT.has(entry.resource)) {
        const code = !r.deleted && opts.orphanDependents === false ? 202 : 200;
        return sendObject(entry, res, code, r.object, neg.representation, neg.yaml, query, now);
      }
      return sendJson(res, 200, successStatus({ name: info.name, group: entry.group || undefined, kind: entry.resource, uid: r.object.metadata.uid }));
    }
    case 'deletecollection': {
      const opts = await decodeDeleteOptions(req, query, dryRun);
      const page = await listObjects(ctx.store, ctx.cache, entry, {
        namespace,
        predicate: buildPredicate(entry, query.get('labelSelector') ?? undefined, query.get('fieldSelector') ?? undefined),
      });
      const deleted: KubeObject[] = [];
      for (const c of page.items) {
        try {
          const r = await ctx.resources.delete(entry, c.obj.metadata.namespace, c.obj.metadata.name!, opts);
          deleted.push(r.object);
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 404)) throw err;
        }
      }
      const json = JSON.stringify({ kind: `${entry.kind}List`, apiVersion: entry.apiVersion, metadata: { resourceVersion: String(ctx.cache.currentRevision()) }, items: deleted });
      return sendEncoded(res, 200, json, neg.yaml);
    }
    default:
      throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
  }
}

export function requireVerb(entry: ResourceEntry, verb: string): void {
  if (!entry.verbs.includes(verb)) throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
}

export function parseDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw errors.badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}

function parseLimit(v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw errors.badRequest(`limit: Invalid value: "${v}": must be a non-negative integer`);
  return n;
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

export async function decodePatch(req: AnyRequest): Promise<{ type: PatchType; patch: unknown }> {
  const type = mediaType(req);
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

async function decodeDeleteOptions(req: AnyRequest, query: URLSearchParams, dryRun: boolean): Promise<DeleteOptions> {
  const buf = await readBody(req);
  let body: Record<string, unknown> = {};
  if (buf.length) {
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

function sendOne(ctx: ApiContext, entry: ResourceEntry, res: AnyResponse, c: CachedObject, rep: string, yaml: boolean, query: URLSearchParams, now: number): void {
  if (rep === 'object' && entry.storage === entry) return sendEncoded(res, 200, c.json, yaml);
  return sendObject(entry, res, 200, ctx.resources.toServed(entry, c.obj), rep, yaml, query, now);
}

export function sendObject(entry: ResourceEntry, res: AnyResponse, code: number, obj: KubeObject, rep: string, yaml: boolean, query: URLSearchParams, now: number): void {
  if (rep === 'table') return sendJson(res, code, toTable(entry, [obj], { resourceVersion: obj.metadata.resourceVersion }, parseIncludeObject(query.get('includeObject')), now));
  if (rep === 'partial-metadata') return sendJson(res, code, partialMetadata(obj));
  return sendEncoded(res, code, JSON.stringify(obj), yaml);
}

async function serveWatch(ctx: ApiContext, entry: ResourceEntry, namespace: string | undefined, query: URLSearchParams, req: AnyRequest, res: AnyResponse, rep: string): Promise<void> {
  const timeoutParam = query.get('timeoutSeconds');
  const timeoutS = timeoutParam ? Number(timeoutParam) : DEFAULT_WATCH_TIMEOUT_S * (1 + Math.random());
  if (!Number.isFinite(timeoutS) || timeoutS < 0) throw errors.badRequest(`timeoutSeconds: Invalid value: "${timeoutParam}"`);
  const include = parseIncludeObject(query.get('includeObject'));
  const sendInitial = parseBool(query.get('sendInitialEvents'));
  const allowBookmarks = parseBool(query.get('allowWatchBookmarks')) === true;
  let headerSent = false;
  let columnsSent = false;
  const begin = () => {
    if (headerSent) return;
    headerSent = true;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
    (res as { flushHeaders?: () => void }).flushHeaders?.();
  };
  const write = (line: string): boolean => {
    begin();
    (res as { write(chunk: string): boolean }).write(line);
    return res.writableLength < WATCH_BACKLOG_LIMIT;
  };
  const encodeObject = (c: CachedObject): string => {
    if (rep === 'table') {
      const obj = ctx.resources.toServed(entry, c.obj);
      const t = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: obj.metadata.resourceVersion }, columnDefinitions: columnsSent ? [] : entry.printer.columns, rows: [tableRow(entry, obj, include, ctx.clock())] };
      columnsSent = true;
      return JSON.stringify(t);
    }
    if (rep === 'partial-metadata') return JSON.stringify(partialMetadata(c.obj));
    return entry.storage === entry ? c.json : JSON.stringify(ctx.resources.toServed(entry, c.obj));
  };
  const bookmarkObject = (rev: number, end?: boolean): string => {
    const meta: Record<string, unknown> = { resourceVersion: String(rev) };
    if (end) meta['annotations'] = { 'k8s.io/initial-events-end': 'true' };
    if (rep === 'table') return JSON.stringify({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: meta, columnDefinitions: [], rows: [] });
    return JSON.stringify({ kind: entry.kind, apiVersion: entry.apiVersion, metadata: meta });
  };
  let lastRev = 0;
  const sink: WatchSink = {
    event: (type, c) => {
      lastRev = Math.max(lastRev, c.rev);
      return write(`{"type":"${type}","object":${encodeObject(c)}}\n`);
    },
    bookmark: (rev, end) => (allowBookmarks ? write(`{"type":"BOOKMARK","object":${bookmarkObject(rev, end)}}\n`) : true),
    error: (status) => {
      write(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
      res.end();
    },
  };
  const watch = await startWatch(ctx.cache, entry, {
    namespace,
    predicate: buildPredicate(entry, query.get('labelSelector') ?? undefined, query.get('fieldSelector') ?? undefined),
    resourceVersion: query.get('resourceVersion') ?? undefined,
    sendInitialEvents: sendInitial,
    allowWatchBookmarks: allowBookmarks,
  }, sink);
  begin();
  await new Promise<void>((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      clearInterval(bookmarks);
      watch.stop();
      if (!res.writableEnded) res.end();
      resolve();
    };
    const timer = setTimeout(finish, timeoutS * 1000);
    const bookmarks = setInterval(() => {
      if (allowBookmarks && !sink.bookmark(Math.max(lastRev, ctx.cache.currentRevision()))) finish();
    }, BOOKMARK_INTERVAL_MS);
    req.on('close', finish);
    res.on('close', finish);
    if (res.writableEnded) finish();
  });
}
