// WATCH from the cache: initial state or history replay, then live events, filtered by
// namespace and selectors with upstream's transitions (an object entering the selection is
// ADDED to this watcher, one leaving it is DELETED).
import type { KubeObject } from '../../api/meta/types.js';
import { errors } from '../errors.js';
import type { ResourceEntry } from '../registry/entry.js';
import { listPrefix } from '../registry/registry.js';
import type { CacheWatcherSink } from '../watchcache/resource-cache.js';
import { CachedObject, type CacheEvent, type EventType } from '../watchcache/types.js';
import type { WatchCache } from '../watchcache/watch-cache.js';
import type { ObjectPredicate } from './filters.js';

export interface WatchQuery {
  namespace?: string;
  predicate?: ObjectPredicate;
  resourceVersion?: string;
  sendInitialEvents?: boolean;
  allowWatchBookmarks?: boolean;
}

export interface WatchSink {
  /** Returns false when the client cannot keep up; the watch then ends. */
  event(type: EventType, obj: CachedObject): boolean;
  bookmark(rev: number, initialEventsEnd?: boolean): boolean;
  error(status: ReturnType<typeof errors.gone>['status']): void;
}

export interface ActiveWatch {
  stop(): void;
}

export async function startWatch(cache: WatchCache, entry: ResourceEntry, q: WatchQuery, sink: WatchSink): Promise<ActiveWatch> {
  const prefix = listPrefix(entry, q.namespace);
  const rc = cache.resource(entry.keyPrefix);
  const pred = q.predicate ?? (() => true);
  const rv = q.resourceVersion ?? '';
  if (rv !== '' && rv !== '0' && !/^\d+$/.test(rv)) throw errors.badRequest(`resourceVersion: Invalid value: "${rv}": must be a non-negative integer`);
  if (q.sendInitialEvents !== undefined && !q.allowWatchBookmarks) {
    throw errors.invalid({ group: 'meta.k8s.io', resource: 'listoptions', kind: 'ListOptions' }, '', [
      { type: 'FieldValueForbidden', field: 'sendInitialEvents', detail: 'sendInitialEvents is forbidden for watch unless allowWatchBookmarks=true' },
    ]);
  }
  const initial = q.sendInitialEvents ?? (rv === '' || rv === '0');
  // Catch up with storage first, so history holds everything up to now and a too-old
  // revision is recognised as such.
  if (rv !== '0') await cache.sync();
  const from = rv === '' || rv === '0' ? cache.currentRevision() : Number(rv);
  if (from > cache.currentRevision()) {
    try {
      await cache.waitForRevision(from);
    } catch (err) {
      throw errors.timeout((err as Error).message);
    }
  }

  let stopped = false;
  const stop = () => {
    stopped = true;
    rc.removeWatcher(watcher);
  };
  const send = (ev: CacheEvent): boolean => {
    if (!ev.key.startsWith(prefix)) return true;
    const now = pred(ev.object.obj);
    const before = ev.prev ? pred(ev.prev.obj) : false;
    let ok = true;
    if (ev.type === 'ADDED') {
      if (now) ok = sink.event('ADDED', ev.object);
    } else if (ev.type === 'DELETED') {
      if (now) ok = sink.event('DELETED', ev.object);
    } else if (now && before) ok = sink.event('MODIFIED', ev.object);
    else if (now) ok = sink.event('ADDED', ev.object);
    else if (before) ok = sink.event('DELETED', restamp(ev.prev!, ev.rev));
    return ok;
  };
  const watcher: CacheWatcherSink = {
    filter: { prefix, matches: pred },
    deliver: (ev) => {
      if (stopped) return false;
      if (!send(ev)) {
        stop();
        return false;
      }
      return true;
    },
  };

  // History replay and registration happen in one synchronous step so no event falls between.
  if (initial) {
    for (const c of rc.range(prefix)) if (pred(c.obj) && !sink.event('ADDED', c)) return { stop };
    if (q.sendInitialEvents) sink.bookmark(from, true);
  } else {
    if (from < rc.oldestResumable()) {
      sink.error(errors.gone(`too old resource version: ${from} (${rc.oldestResumable() + 1})`).status);
      return { stop };
    }
    for (const ev of rc.eventsAfter(from)) if (!send(ev)) return { stop };
  }
  rc.addWatcher(watcher);
  return { stop };
}

function restamp(c: CachedObject, rev: number): CachedObject {
  const obj: KubeObject = { ...c.obj, metadata: { ...c.obj.metadata, resourceVersion: String(rev) } };
  return new CachedObject(c.key, obj, rev);
}
