// The revision log both local backends are built on, in the manner of kine: every write appends
// one row whose id is the new global revision. A key's current value is its newest row; older rows
// are history kept for list-at-revision and watch replay until compaction removes them.
import type { KeyValue, StoreEvent } from './store.js';

export interface LogRow {
  /** The revision this row was written at. */
  id: number;
  /** The key. */
  name: string;
  /** This row brought the key into existence (first write, or first write after a delete). */
  created: boolean;
  /** This row is a tombstone; `value` then holds the value that was deleted. */
  deleted: boolean;
  createRevision: number;
  /** The id of the key's previous row, 0 for the very first one. */
  prevRevision: number;
  value: Buffer;
}

/**
 * The storage primitives a backend supplies; the store semantics (existence checks, compare and
 * swap, revisions, watch fan-out) live once in LogStore on top of these.
 */
export interface LogBackend {
  /** Highest revision ever committed (survives compaction and reopening). */
  readonly lastRevision: number;
  /** Durably recorded compaction point. */
  readonly compactedRevision: number;

  /** The key's newest row, tombstone or not. */
  latest(name: string): LogRow | undefined;
  /** The row written at exactly this revision, if it still exists. */
  row(id: number): LogRow | undefined;
  /** Appends a row; only called inside `transaction`. */
  append(row: LogRow): void;
  /** Runs fn atomically and durably: when it returns, every append in it is committed. */
  transaction<T>(fn: () => T): T;

  /** Rows with id > afterId under the prefix, in revision order, at most `limit`. */
  rowsAfter(prefix: string, afterId: number, limit: number): LogRow[];
  /** The live (non-deleted) newest row at or below `revision` of every key under the prefix, ordered by key. */
  listAt(prefix: string, revision: number, startAfter: string | undefined, limit: number): LogRow[];
  /** How many keys `listAt` would return without a limit. */
  countAt(prefix: string, revision: number, startAfter: string | undefined): number;

  /**
   * Removes history made invisible by compacting from `from` to `to` (rows superseded by a row
   * with id in (from, to], and tombstones in that range) and records `to` durably.
   */
  compactRange(from: number, to: number): void;
  close(): void;
}

/**
 * The smallest string greater than every string that starts with prefix, in code point order
 * (which is UTF-8 byte order, SQLite's BINARY collation). Undefined when there is none.
 */
export function prefixEnd(prefix: string): string | undefined {
  const cps = Array.from(prefix);
  while (cps.length > 0) {
    const last = cps.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      let next = last + 1;
      // Skip the surrogate block: those code points cannot appear in a well-formed key.
      if (next >= 0xd800 && next <= 0xdfff) next = 0xe000;
      return cps.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

export function rowKv(row: LogRow): KeyValue {
  return { key: row.name, value: row.value, createRevision: row.createRevision, modRevision: row.id };
}

/**
 * Turns a row into the watch event it represents. `prev` is the key's previous row; it is only
 * consulted for updates, since a tombstone carries the deleted value itself and a creation has none.
 */
export function rowEvent(row: LogRow, prev: LogRow | undefined): StoreEvent {
  if (row.deleted) {
    const last: KeyValue = { key: row.name, value: row.value, createRevision: row.createRevision, modRevision: row.prevRevision };
    return { type: 'DELETE', kv: rowKv(row), prevKv: last, created: false };
  }
  const event: StoreEvent = { type: 'PUT', kv: rowKv(row), created: row.created };
  if (!row.created && prev && !prev.deleted) event.prevKv = rowKv(prev);
  return event;
}
