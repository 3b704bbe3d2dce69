// LIST as upstream serves it: from the watch cache for current state (after a consistent
// sync), from a storage snapshot for exact revisions and for continue tokens whose snapshot
// the cache no longer represents.
import type { KubeObject } from '../../api/meta/types.js';
import { CompactedError, type Store } from '../../storage/store.js';
import { errors } from '../errors.js';
import type { ResourceEntry } from '../registry/entry.js';
import { listPrefix } from '../registry/registry.js';
import { CachedObject } from '../watchcache/types.js';
import { decodeKv, type WatchCache } from '../watchcache/watch-cache.js';
import type { ObjectPredicate } from './filters.js';

export interface ListQuery {
  namespace?: string;
  predicate?: ObjectPredicate;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListPage {
  items: CachedObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

export function encodeContinue(rv: number, lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: lastKey } satisfies ContinueToken)).toString('base64url');
}

function decodeContinue(token: string, prefix: string): ContinueToken {
  let t: ContinueToken;
  try {
    t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
  } catch {
    throw errors.badRequest('continue key is not valid: illegal base64 data');
  }
  if (t?.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string') {
    throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (!t.start.startsWith(prefix)) throw errors.badRequest('continue key is not valid: key is outside the listed range');
  return t;
}

const tooOldContinue =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.';

function parseRevision(rv: string): number {
  const n = Number(rv);
  if (!/^\d+$/.test(rv) || !Number.isSafeInteger(n)) throw errors.badRequest(`resourceVersion: Invalid value: "${rv}": must be a non-negative integer`);
  return n;
}

export async function listObjects(store: Store, cache: WatchCache, entry: ResourceEntry, q: ListQuery): Promise<ListPage> {
  const prefix = listPrefix(entry, q.namespace);
  const limit = q.limit && q.limit > 0 ? q.limit : 0;
  const match = q.resourceVersionMatch;
  if (match && match !== 'Exact' && match !== 'NotOlderThan') {
    throw errors.badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  }
  if (match && !q.resourceVersion) throw errors.badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
  if (q.continueToken && q.resourceVersion && q.resourceVersion !== '0') {
    throw errors.badRequest('specifying resource version is not allowed when using continue');
  }

  const rc = cache.resource(entry.keyPrefix);
  if (q.continueToken) {
    const t = decodeContinue(q.continueToken, prefix);
    await cache.waitForRevision(t.rv);
    if (rc.lastChange <= t.rv) return fromCache(rc.range(prefix, t.start), q.predicate, limit, t.rv, prefix);
    return fromStore(store, prefix, t.rv, t.start, q.predicate, limit);
  }
  if (match === 'Exact') {
    return fromStore(store, prefix, parseRevision(q.resourceVersion!), undefined, q.predicate, limit);
  }
  if (!q.resourceVersion) await cache.sync();
  else if (q.resourceVersion !== '0') {
    const want = parseRevision(q.resourceVersion);
    try {
      await cache.waitForRevision(want);
    } catch (err) {
      throw errors.timeout((err as Error).message);
    }
  }
  return fromCache(rc.range(prefix), q.predicate, limit, cache.currentRevision(), prefix);
}

function fromCache(it: Iterable<CachedObject>, predicate: ObjectPredicate | undefined, limit: number, rv: number, _prefix: string): ListPage {
  const items: CachedObject[] = [];
  let more = false;
  let remaining = 0;
  for (const c of it) {
    if (predicate && !predicate(c.obj)) continue;
    if (limit && items.length >= limit) {
      more = true;
      if (predicate) break;
      remaining++;
      continue;
    }
    items.push(c);
  }
  const page: ListPage = { items, resourceVersion: String(rv) };
  if (more) {
    page.continue = encodeContinue(rv, items[items.length - 1]!.key);
    if (!predicate) page.remainingItemCount = remaining;
  }
  return page;
}

async function fromStore(store: Store, prefix: string, rv: number, startAfter: string | undefined, predicate: ObjectPredicate | undefined, limit: number): Promise<ListPage> {
  const items: CachedObject[] = [];
  let cursor = startAfter;
  let more = false;
  try {
    // Read in chunks until the page is full: a selective predicate may drop most rows.
    for (;;) {
      const chunk = await store.list(prefix, { revision: rv, startAfter: cursor, limit: limit ? Math.max(limit, 100) : 0 });
      for (const kv of chunk.kvs) {
        cursor = kv.key;
        const obj: KubeObject = decodeKv(kv);
        if (predicate && !predicate(obj)) continue;
        if (limit && items.length >= limit) {
          more = true;
          break;
        }
        items.push(new CachedObject(kv.key, obj, kv.modRevision));
      }
      if (more || !chunk.more) break;
    }
  } catch (err) {
    if (err instanceof CompactedError) throw errors.gone(startAfter ? tooOldContinue : `too old resource version: ${rv} (${err.compacted})`);
    throw err;
  }
  const page: ListPage = { items, resourceVersion: String(rv) };
  if (more) page.continue = encodeContinue(rv, items[items.length - 1]!.key);
  return page;
}
