// Store watches over etcd's Watch API: every watcher of a store shares one bidirectional stream
// (etcd multiplexes watch ids on it), created with prev_kv and progress_notify.
//
// - Creates are answered in the order they were sent, so a FIFO matches each `created` response
//   to its watcher (etcd 3.4 has no client-chosen watch ids).
// - Sending a create waits for a compaction the store has started: a watcher registered before
//   compact() is then refused by etcd itself (compact_revision) rather than racing it.
// - One etcd response may hold many revisions; it is handed on in batches of at most
//   REPLAY_BATCH events, never splitting a revision.
// - If the stream breaks, every watcher is re-created from the revision after the last one it
//   was given, on the next endpoint; etcd replays the gap (or says it was compacted).
// - Progress: etcd's own notifications for one watch id are sent only once that watch has caught
//   up; answers to our periodic progress requests go to every watch of the stream (watch id -1),
//   and etcd 3.4 sends them even to watches still replaying, so those are applied only to
//   watchers known to be caught up (created at the head, or given an event past it since).
import type { ClientDuplexStream } from '@grpc/grpc-js';
import { CompactedError, type KeyValue, type StoreEvent, type Watcher, type WatchOptions } from '../store.js';
import { REPLAY_BATCH } from '../watch-hub.js';
import type { EtcdClient } from './client.js';
import { prefixRange } from './keys.js';
import type { WatchRequest, WatchResponse, WireEvent, WireKeyValue } from './proto.js';

export function toKv(kv: WireKeyValue): KeyValue {
  return { key: kv.key.toString('utf8'), value: kv.value, createRevision: kv.createRevision, modRevision: kv.modRevision };
}

export function toEvent(e: WireEvent): StoreEvent {
  const prevKv = e.prevKv && e.prevKv.key.length > 0 ? toKv(e.prevKv) : undefined;
  if (e.type === 'DELETE') {
    // etcd's tombstone carries only the key and the deleting revision; the contract wants the last value.
    const kv: KeyValue = { key: e.kv.key.toString('utf8'), value: prevKv?.value ?? Buffer.alloc(0), createRevision: prevKv?.createRevision ?? 0, modRevision: e.kv.modRevision };
    return { type: 'DELETE', kv, ...(prevKv ? { prevKv } : {}), created: false };
  }
  const kv = toKv(e.kv);
  return { type: 'PUT', kv, ...(prevKv ? { prevKv } : {}), created: kv.createRevision === kv.modRevision };
}

/** Splits events into batches of at most `max`, each revision whole. */
export function batches(events: StoreEvent[], max: number): StoreEvent[][] {
  const out: StoreEvent[][] = [];
  let cur: StoreEvent[] = [];
  for (const e of events) {
    const last = cur[cur.length - 1];
    if (cur.length >= max && last && last.kv.modRevision !== e.kv.modRevision) {
      out.push(cur);
      cur = [];
    }
    cur.push(e);
  }
  if (cur.length) out.push(cur);
  return out;
}

export interface WatchHost {
  client: EtcdClient;
  /** A compaction in progress, which new creates wait for. */
  compaction(): Promise<unknown> | undefined;
  /** Revisions seen on the stream (headers, progress notifications). */
  observe(revision: number): void;
  /** etcd reported this compact revision. */
  observeCompacted(revision: number): void;
  /** The Buffer to hand watchers for a PUT's value: the writer's own when the bytes are the same. */
  ownValue(key: string, value: Buffer): Buffer;
}

export class EtcdWatcher implements Watcher {
  /** Every event under the prefix with revision <= position has been delivered. */
  position: number;
  id: number | undefined;
  closed = false;
  /** Known to have caught up with etcd's head as of its creation (see the header comment). */
  synced = false;
  /** etcd's revision when this watch was created: reaching it means caught up. */
  createdAt = Infinity;
  private waiters: { rev: number; done(): void }[] = [];

  constructor(
    readonly prefix: string,
    private readonly opts: WatchOptions,
    private readonly onClose: (w: EtcdWatcher) => void,
  ) {
    this.position = opts.afterRevision;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.release(Infinity);
    this.onClose(this);
  }

  fail(err: Error): void {
    if (this.closed) return;
    this.close();
    try {
      this.opts.onError?.(err);
    } catch {
      // Already ended; a failing error handler changes nothing.
    }
  }

  deliver(events: StoreEvent[]): void {
    for (const batch of batches(events, REPLAY_BATCH)) {
      if (this.closed) return;
      try {
        this.opts.onEvents(batch);
      } catch (err) {
        this.fail(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      this.position = batch[batch.length - 1]!.kv.modRevision;
      if (this.position >= this.createdAt) this.synced = true;
      this.release(this.position);
    }
  }

  /** Nothing under the prefix changed up to `rev`. */
  progress(rev: number): void {
    if (this.closed || rev <= this.position) return;
    this.position = rev;
    this.release(rev);
    try {
      this.opts.onProgress?.(rev);
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** Resolves once this watcher was given revision `rev` (or ended). */
  reached(rev: number): Promise<void> {
    if (this.closed || this.position >= rev) return Promise.resolve();
    return new Promise((done) => this.waiters.push({ rev, done }));
  }

  private release(upTo: number): void {
    if (this.waiters.length === 0) return;
    this.waiters = this.waiters.filter((w) => (w.rev <= upTo ? (w.done(), false) : true));
  }
}

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5000;

export class WatchStream {
  private stream: ClientDuplexStream<WatchRequest, WatchResponse> | undefined;
  readonly watchers = new Set<EtcdWatcher>();
  private readonly awaitingCreate: EtcdWatcher[] = [];
  private readonly byId = new Map<number, EtcdWatcher>();
  private closed = false;
  private backoff = RECONNECT_MIN_MS;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private progressTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly host: WatchHost,
    /** How often an idle stream asks etcd for its revision (progress request). */
    private readonly progressIntervalMs: number,
  ) {}

  watch(prefix: string, opts: WatchOptions): Watcher {
    const w = new EtcdWatcher(prefix, opts, (x) => this.forget(x));
    this.watchers.add(w);
    // Deferred past the caller's synchronous code, so a compact() issued right after is seen.
    queueMicrotask(() => void this.create(w));
    return w;
  }

  /** Open watchers under which `key` falls. */
  matching(key: string): EtcdWatcher[] {
    const out: EtcdWatcher[] = [];
    for (const w of this.watchers) if (key.startsWith(w.prefix)) out.push(w);
    return out;
  }

  close(err: Error): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.progressTimer);
    for (const w of [...this.watchers]) w.fail(err);
    this.stream?.cancel();
    this.stream = undefined;
  }

  private async create(w: EtcdWatcher): Promise<void> {
    const pending = this.host.compaction();
    if (pending) await pending.catch(() => {});
    if (w.closed || this.closed) return;
    const stream = this.ensureStream();
    // Asked only while someone watches; forget() stops it with the last watcher.
    if (!this.progressTimer && this.progressIntervalMs > 0) {
      this.progressTimer = setInterval(() => this.stream?.write({ progressRequest: {} }), this.progressIntervalMs);
      this.progressTimer.unref();
    }
    const { key, rangeEnd } = prefixRange(w.prefix);
    this.awaitingCreate.push(w);
    stream.write({ createRequest: { key, rangeEnd, startRevision: w.position + 1, progressNotify: true, prevKv: true } });
  }

  private forget(w: EtcdWatcher): void {
    this.watchers.delete(w);
    if (w.id !== undefined) {
      this.byId.delete(w.id);
      if (!this.closed && this.stream) this.stream.write({ cancelRequest: { watchId: w.id } });
    }
    if (this.watchers.size === 0) {
      clearInterval(this.progressTimer);
      this.progressTimer = undefined;
    }
  }

  private ensureStream(): ClientDuplexStream<WatchRequest, WatchResponse> {
    if (this.stream) return this.stream;
    const stream = this.host.client.watchStream();
    this.stream = stream;
    stream.on('data', (res: WatchResponse) => {
      if (this.stream === stream) this.onResponse(res);
    });
    stream.on('error', () => {
      // 'end'/'close' follow; the reconnect is decided there.
    });
    stream.on('close', () => {
      if (this.stream === stream) this.lost();
    });
    return stream;
  }

  private onResponse(res: WatchResponse): void {
    this.backoff = RECONNECT_MIN_MS;
    if (res.header) this.host.observe(res.header.revision);
    if (res.created) {
      const w = this.awaitingCreate.shift();
      if (!w) return;
      w.id = res.watchId;
      w.createdAt = res.header.revision;
      w.synced = w.position >= res.header.revision;
      if (w.closed) {
        this.stream?.write({ cancelRequest: { watchId: res.watchId } });
        return;
      }
      this.byId.set(res.watchId, w);
      if (!res.canceled) return;
    }
    const w = this.byId.get(res.watchId);
    if (res.canceled) {
      if (!w) return;
      this.byId.delete(res.watchId);
      w.id = undefined;
      if (res.compactRevision > 0) {
        this.host.observeCompacted(res.compactRevision);
        w.fail(new CompactedError(w.position, res.compactRevision));
      } else {
        w.fail(new Error(`etcd canceled the watch on ${JSON.stringify(w.prefix)}: ${res.cancelReason || 'no reason given'}`));
      }
      return;
    }
    if (res.events.length === 0) {
      if (res.created) return;
      if (w) {
        w.synced = true;
        w.progress(res.header.revision);
      } else if (res.watchId === -1) {
        for (const x of this.byId.values()) if (x.synced) x.progress(res.header.revision);
      }
      return;
    }
    if (!w) return;
    w.deliver(
      res.events.map((e) => {
        const ev = toEvent(e);
        if (ev.type === 'PUT') ev.kv.value = this.host.ownValue(ev.kv.key, ev.kv.value);
        return ev;
      }),
    );
  }

  /** The stream ended under us: re-create every open watcher from where it stands. */
  private lost(): void {
    this.stream = undefined;
    this.byId.clear();
    this.awaitingCreate.length = 0;
    if (this.closed) return;
    for (const w of this.watchers) {
      w.id = undefined;
      w.synced = false;
      w.createdAt = Infinity;
    }
    if (this.watchers.size === 0) return;
    this.host.client.rotate();
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, RECONNECT_MAX_MS);
    this.reconnectTimer = setTimeout(() => {
      for (const w of this.watchers) void this.create(w);
    }, delay);
    this.reconnectTimer.unref();
  }
}
