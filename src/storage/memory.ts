// In-memory revision log: the same semantics as the sqlite backend (history, list at a revision,
// watch from a revision, compaction), nothing durable. For tests and throwaway clusters.
import type { LogBackend, LogRow } from './log.js';
import { LogStore } from './log-store.js';

/** Index of the first element for which `before` is false (elements are partitioned by it). */
function partition<T>(items: readonly T[], before: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(items[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class MemoryLog implements LogBackend {
  lastRevision = 0;
  compactedRevision = 0;
  /** Every row still kept, oldest first. */
  private rows: LogRow[] = [];
  private readonly byId = new Map<number, LogRow>();
  /** Each key's rows, oldest first. */
  private readonly history = new Map<string, LogRow[]>();
  /** Keys with any history, sorted, for prefix scans and paging. */
  private keys: string[] = [];
  /** Rows appended by the running transaction, for rollback. */
  private pending: LogRow[] | undefined;

  latest(name: string): LogRow | undefined {
    const h = this.history.get(name);
    return h?.[h.length - 1];
  }

  row(id: number): LogRow | undefined {
    return this.byId.get(id);
  }

  append(row: LogRow): void {
    this.rows.push(row);
    this.byId.set(row.id, row);
    let h = this.history.get(row.name);
    if (!h) {
      h = [];
      this.history.set(row.name, h);
      this.keys.splice(partition(this.keys, (k) => k < row.name), 0, row.name);
    }
    h.push(row);
    this.lastRevision = row.id;
    this.pending?.push(row);
  }

  transaction<T>(fn: () => T): T {
    const before = this.lastRevision;
    this.pending = [];
    try {
      return fn();
    } catch (err) {
      this.undo(this.pending, before);
      throw err;
    } finally {
      this.pending = undefined;
    }
  }

  rowsAfter(prefix: string, afterId: number, limit: number): LogRow[] {
    const out: LogRow[] = [];
    for (let i = partition(this.rows, (r) => r.id <= afterId); i < this.rows.length && out.length < limit; i++) {
      const r = this.rows[i]!;
      if (r.name.startsWith(prefix)) out.push(r);
    }
    return out;
  }

  listAt(prefix: string, revision: number, startAfter: string | undefined, limit: number): LogRow[] {
    const out: LogRow[] = [];
    this.scan(prefix, revision, startAfter, (r) => {
      out.push(r);
      return limit === 0 || out.length < limit;
    });
    return out;
  }

  countAt(prefix: string, revision: number, startAfter: string | undefined): number {
    let n = 0;
    this.scan(prefix, revision, startAfter, () => {
      n++;
      return true;
    });
    return n;
  }

  compactRange(from: number, to: number): void {
    const doomed = new Set<number>();
    for (let i = partition(this.rows, (r) => r.id <= from); i < this.rows.length && this.rows[i]!.id <= to; i++) {
      const r = this.rows[i]!;
      if (r.prevRevision > 0) doomed.add(r.prevRevision);
      if (r.deleted) doomed.add(r.id);
    }
    this.remove(doomed);
    this.compactedRevision = to;
  }

  close(): void {
    this.rows = [];
    this.byId.clear();
    this.history.clear();
    this.keys = [];
  }

  /** Visits the newest live row at or below revision of each key under prefix, in key order, until visit returns false. */
  private scan(prefix: string, revision: number, startAfter: string | undefined, visit: (r: LogRow) => boolean): void {
    const from = startAfter !== undefined && startAfter >= prefix ? partition(this.keys, (k) => k <= startAfter) : partition(this.keys, (k) => k < prefix);
    for (let i = from; i < this.keys.length; i++) {
      const key = this.keys[i]!;
      if (!key.startsWith(prefix)) break;
      const h = this.history.get(key)!;
      const at = partition(h, (r) => r.id <= revision) - 1;
      const r = h[at];
      if (r && !r.deleted && !visit(r)) return;
    }
  }

  private remove(ids: Set<number>): void {
    if (ids.size === 0) return;
    const touched = new Set<string>();
    for (const id of ids) {
      const r = this.byId.get(id);
      if (!r) continue;
      this.byId.delete(id);
      touched.add(r.name);
    }
    this.rows = this.rows.filter((r) => !ids.has(r.id));
    let keysGone = false;
    for (const name of touched) {
      const h = this.history.get(name)!.filter((r) => !ids.has(r.id));
      if (h.length > 0) this.history.set(name, h);
      else {
        this.history.delete(name);
        keysGone = true;
      }
    }
    if (keysGone) this.keys = this.keys.filter((k) => this.history.has(k));
  }

  private undo(appended: LogRow[], lastRevision: number): void {
    this.remove(new Set(appended.map((r) => r.id)));
    this.lastRevision = lastRevision;
  }
}

export class MemoryStore extends LogStore {
  constructor() {
    // Memory writes cost nothing to commit, so each is applied synchronously in its call.
    super(new MemoryLog(), { groupCommit: false });
  }
}
