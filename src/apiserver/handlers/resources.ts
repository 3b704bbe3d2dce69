// The verbs on a resource: decode the request, call the generic resource store, encode the
// answer in the representation asked for. Nothing here knows any particular kind.
import type { KubeObject, ListMeta } from '../../api/meta/types.js';
import { ApiError, errors, successStatus, toApiError } from '../errors.js';
import { managerFromUserAgent } from '../fieldmanager/field-manager.js';
import { decodeBody, mediaType, readBody, type AnyRequest } from '../http/body.js';
import { negotiate } from '../http/negotiate.js';
import { parseBool } from '../http/query.js';
import type { ResourceRequest } from '../http/request-info.js';
import { sendEncoded, sendJson, sendJsonParts, type AnyResponse } from '../http/respond.js';
import { servesStoredBytes, type ResourceEntry } from '../registry/entry.js';
import { buildPredicate } from '../rest/filters.js';
import type { WatchSink } from '../rest/watch.js';
import type { CachedObject } from '../watchcache/types.js';
import { APPLY_PATCH_TYPE, checkAppliedConfig, patchOptions, serveApply } from './apply-request.js';
import { decodeDeleteOptions, decodePatch, decodeWriteBody, methodNotAllowed, parseDryRun, patchObject, requireVerb, sendObject } from './codec.js';
import type { ApiContext } from './context.js';
import { annotatorOf, userOf } from '../authz/request-user.js';
import { checkFields, checkPatchedFields, parseFieldValidation, warningHeader } from './field-validation.js';
import { parseIncludeObject, partialMetadata, tableRow, toTable } from './table.js';

const DEFAULT_WATCH_TIMEOUT_S = 1800;
const BOOKMARK_INTERVAL_MS = 30_000;
/** Bytes a watcher may have queued before it is judged too slow and closed. */
const WATCH_BACKLOG_LIMIT = 16 * 1024 * 1024;

export async function handleResource(ctx: ApiContext, info: ResourceRequest, query: URLSearchParams, req: AnyRequest, res: AnyResponse): Promise<void> {
  const entry = ctx.registry.lookup(info.group, info.version, info.resource);
  if (!entry) throw errors.notFoundPath();
  if (entry.namespaced === false && info.namespace !== undefined) throw errors.notFoundPath();
  // The entry's own table says what serves a subresource; one not in it is not there.
  const sub = info.subresource ? entry.subresources.find((s) => s.name === info.subresource) : undefined;
  if (info.subresource && (!sub || !info.name)) throw errors.notFoundPath();
  // Only a connect subresource has paths below it (a trailing slash aside).
  if (sub && !sub.connect && info.subpath !== undefined && info.subpath !== '/') throw errors.notFoundPath();
  if (sub?.connect) {
    return sub.serve({ entry, verb: info.verb, namespace: entry.namespaced ? info.namespace : undefined, name: info.name!, subpath: info.subpath, query, req, res, dryRun: false, fieldManager: '' });
  }
  const neg = negotiate(req.headers['accept'] as string | undefined);
  if (!neg.ok) throw errors.notAcceptable('only the following media types are accepted: application/json, application/yaml, application/json;stream=watch');
  const namespace = entry.namespaced ? info.namespace : undefined;
  const dryRun = parseDryRun(query);
  const fieldManager = query.get('fieldManager') || managerFromUserAgent(req.headers['user-agent'] as string | undefined);
  if (fieldManager.length > 128) throw errors.badRequest('fieldManager: Invalid value: the field manager is too long (at most 128 characters)');

  const requester = userOf(req);
  const call = (name: string) => ({ entry, verb: info.verb, namespace, name, query, req, res, dryRun, fieldManager });
  if (sub) return sub.serve(call(info.name!));
  requireVerb(entry, info.verb);
  // Writes to one object need its name; on a collection URL they are not a verb at all.
  if ((info.verb === 'update' || info.verb === 'patch') && !info.name) throw methodNotAllowed();
  if (info.verb === 'create' && info.name) throw methodNotAllowed();
  const now = ctx.clock();
  const fieldValidation = parseFieldValidation(query.get('fieldValidation'));
  // Field validation and admission both warn; the header carries all of them, and is set as they
  // come so a refused request still shows its warnings.
  const warnings: string[] = [];
  const warn = (more: readonly string[]) => {
    warnings.push(...more);
    if (warnings.length) res.setHeader('Warning', warningHeader(warnings));
  };
  const admissionWarn = (message: string) => warn([message]);
  const annotate = annotatorOf(req);
  switch (info.verb) {
    case 'get': {
      const c = await ctx.resources.getCached(entry, namespace, info.name!);
      return sendOne(ctx, entry, res, c, neg.representation, neg.yaml, query, now);
    }
    case 'list': {
      const page = await ctx.resources.list(entry, {
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
        return sendJson(res, 200, toTable(entry, await ctx.resources.servedAll(entry, page.items.map((c) => c.obj)), meta, parseIncludeObject(query.get('includeObject')), now));
      }
      if (neg.representation === 'partial-metadata') {
        return sendJson(res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: meta, items: page.items.map((c) => partialMetadata(c.obj)) });
      }
      const converted = await ctx.resources.servedAll(entry, page.items.filter((c) => !servesStoredBytes(entry, c.obj)).map((c) => c.obj));
      let next = 0;
      const items = page.items.map((c) => (servesStoredBytes(entry, c.obj) ? c.json : JSON.stringify(converted[next++])));
      const head = `{"kind":${JSON.stringify(`${entry.kind}List`)},"apiVersion":${JSON.stringify(entry.apiVersion)},"metadata":${JSON.stringify(meta)},"items":[`;
      if (!neg.yaml) return sendJsonParts(res, 200, head, items, ']}');
      return sendEncoded(res, 200, `${head}${items.join(',')}]}`, true);
    }
    case 'watch':
      return serveWatch(ctx, entry, namespace, query, req, res, neg.representation);
    case 'create': {
      if (entry.create) return entry.create(call(''));
      const obj = await decodeWriteBody(entry, req, namespace);
      warn(checkFields(entry, obj, fieldValidation));
      const created = await ctx.resources.create(entry, obj, { dryRun, fieldManager, requester, warn: admissionWarn, annotate });
      return sendObject(entry, res, 201, created, neg.representation, neg.yaml, query, now);
    }
    case 'update': {
      const obj = await decodeWriteBody(entry, req, namespace);
      warn(checkFields(entry, obj, fieldValidation));
      if (obj.metadata.name && obj.metadata.name !== info.name) {
        throw errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${info.name})`);
      }
      const { object } = await ctx.resources.update(entry, namespace, info.name!, () => obj, { dryRun, fieldManager, requester, warn: admissionWarn, annotate });
      return sendObject(entry, res, 200, object, neg.representation, neg.yaml, query, now);
    }
    case 'patch': {
      if (mediaType(req) === APPLY_PATCH_TYPE) {
        const { fieldManager: applier, force } = patchOptions(query, true);
        const body = await readBody(req);
        if (body.length === 0) throw errors.badRequest('the request body is empty');
        const config = checkAppliedConfig(entry, namespace, info.name!, decodeBody(body, APPLY_PATCH_TYPE));
        const r = await serveApply(ctx.resources, ctx.clock, entry, namespace, info.name!, config, { fieldManager: applier!, force, dryRun, requester, warn: admissionWarn, annotate });
        return sendObject(entry, res, r.code, r.object, neg.representation, neg.yaml, query, now);
      }
      patchOptions(query, false);
      const { type, patch } = await decodePatch(req, entry);
      let fieldWarnings: string[] = [];
      const mutate = (current: KubeObject) => {
        const next = patchObject(entry, current, type, patch);
        fieldWarnings = checkPatchedFields(entry, next, fieldValidation, type, patch);
        return next;
      };
      const { object } = await ctx.resources.update(entry, namespace, info.name!, mutate, { dryRun, fieldManager, requester, warn: admissionWarn, annotate });
      warn(fieldWarnings);
      return sendObject(entry, res, 200, object, neg.representation, neg.yaml, query, now);
    }
    case 'delete': {
      const opts = { ...(await decodeDeleteOptions(req, query, dryRun)), requester, warn: admissionWarn, annotate };
      const r = await ctx.resources.delete(entry, namespace, info.name!, opts);
      if (!r.deleted || entry.deleteReturnsObject) {
        const code = !r.deleted && opts.orphanDependents === false ? 202 : 200;
        return sendObject(entry, res, code, r.object, neg.representation, neg.yaml, query, now);
      }
      return sendJson(res, 200, successStatus({ name: info.name, group: entry.group || undefined, kind: entry.resource, uid: r.object.metadata.uid }));
    }
    case 'deletecollection': {
      const opts = { ...(await decodeDeleteOptions(req, query, dryRun)), requester, warn: admissionWarn, annotate };
      const page = await ctx.resources.list(entry, {
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
      const json = JSON.stringify({ kind: `${entry.kind}List`, apiVersion: entry.apiVersion, metadata: { resourceVersion: String(ctx.resources.currentRevision()) }, items: deleted });
      return sendEncoded(res, 200, json, neg.yaml);
    }
    default:
      throw methodNotAllowed();
  }
}

function parseLimit(v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw errors.badRequest(`limit: Invalid value: "${v}": must be a non-negative integer`);
  return n;
}

async function sendOne(ctx: ApiContext, entry: ResourceEntry, res: AnyResponse, c: CachedObject, rep: string, yaml: boolean, query: URLSearchParams, now: number): Promise<void> {
  if (rep === 'object' && servesStoredBytes(entry, c.obj)) return sendEncoded(res, 200, c.json, yaml);
  return sendObject(entry, res, 200, await ctx.resources.served(entry, c.obj), rep, yaml, query, now);
}

async function serveWatch(ctx: ApiContext, entry: ResourceEntry, namespace: string | undefined, query: URLSearchParams, req: AnyRequest, res: AnyResponse, rep: string): Promise<void> {
  const timeoutParam = query.get('timeoutSeconds');
  const timeoutS = timeoutParam ? Number(timeoutParam) : (ctx.minRequestTimeoutSeconds ?? DEFAULT_WATCH_TIMEOUT_S) * (1 + Math.random());
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
  const encodeServed = (c: CachedObject, obj: KubeObject): string => {
    if (rep === 'table') {
      const t = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: obj.metadata.resourceVersion }, columnDefinitions: columnsSent ? [] : entry.printer.columns, rows: [tableRow(entry, obj, include, ctx.clock())] };
      columnsSent = true;
      return JSON.stringify(t);
    }
    return JSON.stringify(obj);
  };
  const encodeObject = (c: CachedObject): string => {
    if (rep === 'partial-metadata') return JSON.stringify(partialMetadata(c.obj));
    if (rep !== 'table' && servesStoredBytes(entry, c.obj)) return c.json;
    return encodeServed(c, ctx.resources.toServed(entry, c.obj));
  };
  // Objects stored in another version of a webhook-converted resource are converted on the way
  // out; the events after one wait for it, so the stream keeps its order.
  const convertsByWebhook = !!entry.def.custom?.convert && rep !== 'partial-metadata';
  let queue: Promise<void> | undefined;
  const inOrder = (job: () => Promise<void>): boolean => {
    const p = (queue ?? Promise.resolve()).then(job).catch((err: unknown) => {
      if (res.writableEnded) return;
      write(`{"type":"ERROR","object":${JSON.stringify(toApiError(err).status)}}\n`);
      res.end();
    });
    queue = p;
    void p.finally(() => {
      if (queue === p) queue = undefined;
    });
    return true;
  };
  const bookmarkObject = (rev: number, end?: boolean): string => {
    const meta: Record<string, unknown> = { resourceVersion: String(rev) };
    if (end) meta['annotations'] = { 'k8s.io/initial-events-end': 'true' };
    if (rep === 'table') return JSON.stringify({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: meta, columnDefinitions: [], rows: [] });
    return JSON.stringify({ kind: entry.kind, apiVersion: entry.apiVersion, metadata: meta });
  };
  let lastRev = 0;
  const sent = ctx.watchEvents?.(entry.group, entry.version, entry.resource);
  const sink: WatchSink = {
    event: (type, c) => {
      lastRev = Math.max(lastRev, c.rev);
      sent?.inc();
      if (!queue && !(convertsByWebhook && c.obj.apiVersion !== entry.apiVersion)) return write(`{"type":"${type}","object":${encodeObject(c)}}\n`);
      return inOrder(async () => {
        const obj = await ctx.resources.served(entry, c.obj);
        if (!res.writableEnded) write(`{"type":"${type}","object":${encodeServed(c, obj)}}\n`);
      });
    },
    bookmark: (rev, end) => {
      if (!allowBookmarks) return true;
      const line = `{"type":"BOOKMARK","object":${bookmarkObject(rev, end)}}\n`;
      if (!queue) return write(line);
      return inOrder(async () => {
        if (!res.writableEnded) write(line);
      });
    },
    error: (status) => {
      write(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
      res.end();
    },
  };
  const watch = await ctx.resources.watch(entry, {
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
      if (allowBookmarks && !sink.bookmark(Math.max(lastRev, ctx.resources.currentRevision()))) finish();
    }, BOOKMARK_INTERVAL_MS);
    req.on('close', finish);
    res.on('close', finish);
    if (res.writableEnded) finish();
  });
}
