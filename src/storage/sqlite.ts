// SQLite revision log (kine's design): one append-only table whose INTEGER PRIMARY KEY is the
// revision. A create is one indexed lookup plus one insert; reads of the current state pick each
// key's newest row through the (name, id) index.
//
// The id column is a plain INTEGER PRIMARY KEY, not AUTOINCREMENT (which costs a write to
// sqlite_sequence on every commit). Revisions are assigned by the store, and on reopening the
// counter is max(max(id), compact revision): compaction only deletes rows at or below the compact
// revision, so any newer row survives and the maximum can never go backwards.
//
// Two connections per store: this thread reads through one (WAL lets it read while the other
// commits, and every read sees each commit whose outcome has been reported here); the writer
// thread (sqlite-writer-thread.ts) owns the other and runs every commit, so the fsync never blocks
// the event loop.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { prefixEnd, type LogBackend, type LogRow } from './log.js';
import { LogStore } from './log-store.js';
import { SqliteWriter } from './sqlite-writer.js';

/**
 * Durability settings of every k8ts sqlite database. WAL with synchronous=FULL fsyncs the WAL on
 * each commit, so an acknowledged write survives kill -9 and power loss. Benchmarks open their
 * reference tables with these same pragmas.
 */
export const SQLITE_PRAGMAS: readonly string[] = ['journal_mode = WAL', 'synchronous = FULL', 'busy_timeout = 5000'];

export function applySqlitePragmas(db: Database.Database): void {
  for (const p of SQLITE_PRAGMAS) db.pragma(p);
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS log (
  id              INTEGER PRIMARY KEY,
  name            TEXT    NOT NULL,
  created         INTEGER NOT NULL,
  deleted         INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision   INTEGER NOT NULL,
  value           BLOB    NOT NULL
);
CREATE INDEX IF NOT EXISTS log_name_id ON log (name, id);
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

interface RangeParams {
  lo: string;
  hi: string | Buffer;
  rev: number;
}

const COLUMNS = 'id, name, created, deleted, create_revision, prev_revision, value';

interface DbRow {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: Buffer;
}

function toRow(r: DbRow): LogRow {
  return {
    id: r.id,
    name: r.name,
    created: r.created === 1,
    deleted: r.deleted === 1,
    createRevision: r.create_revision,
    prevRevision: r.prev_revision,
    value: r.value,
  };
}

// Any TEXT sorts below any BLOB in SQLite, so this is an upper bound above every key, used when a
// prefix has no finite end (the empty prefix).
const ABOVE_ALL_TEXT = Buffer.from([0xff]);

/** Index range [lo, hi) of the keys under prefix that sort after startAfter. */
function keyRange(prefix: string, startAfter: string | undefined): { lo: string; hi: string | Buffer } {
  // s + NUL is the smallest string greater than s, turning "after" into an inclusive bound so
  // a single indexed range serves both prefix and paging.
  const lo = startAfter !== undefined && startAfter >= prefix ? `${startAfter}\0` : prefix;
  return { lo, hi: prefixEnd(prefix) ?? ABOVE_ALL_TEXT };
}

export class SqliteLog implements LogBackend {
  lastRevision: number;
  compactedRevision: number;
  private readonly db: Database.Database;
  private readonly runInTx: Database.Transaction<(fn: () => unknown) => unknown>;
  private readonly stmt: {
    latest: Database.Statement<[string], DbRow>;
    row: Database.Statement<[number], DbRow>;
    insert: Database.Statement<[number, string, number, number, number, number, Buffer]>;
    rowsAfter: Database.Statement<[number, string, string | Buffer, number], DbRow>;
    listAt: Database.Statement<[RangeParams & { limit: number }], DbRow>;
    countAt: Database.Statement<[RangeParams], { n: number }>;
    deleteSuperseded: Database.Statement<[number, number]>;
    deleteTombstones: Database.Statement<[number, number]>;
    setCompacted: Database.Statement<[number]>;
  };

  /** With `readOnly` the connection refuses writes (query_only): for a connection that only serves reads. */
  constructor(readonly path: string, opts: { readOnly?: boolean } = {}) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    try {
      applySqlitePragmas(this.db);
      this.db.exec(SCHEMA);
      if (opts.readOnly) this.db.pragma('query_only = ON');
    } catch (err) {
      this.db.close();
      throw err;
    }
    const db = this.db;
    this.stmt = {
      latest: db.prepare(`SELECT ${COLUMNS} FROM log WHERE name = ? ORDER BY id DESC LIMIT 1`),
      row: db.prepare(`SELECT ${COLUMNS} FROM log WHERE id = ?`),
      insert: db.prepare(`INSERT INTO log (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      // The unary + keeps the planner on the primary key: replay walks revisions, not names.
      rowsAfter: db.prepare(`SELECT ${COLUMNS} FROM log WHERE id > ? AND +name >= ? AND +name < ? ORDER BY id LIMIT ?`),
      // Walks the (name, id) index in key order and keeps each key's newest row at the revision,
      // so a LIMIT stops the scan early instead of grouping the whole prefix first.
      listAt: db.prepare(
        `SELECT ${COLUMNS} FROM log AS l WHERE l.name >= @lo AND l.name < @hi AND l.id <= @rev AND l.deleted = 0
           AND l.id = (SELECT MAX(h.id) FROM log AS h WHERE h.name = l.name AND h.id <= @rev)
         ORDER BY l.name LIMIT @limit`,
      ),
      countAt: db.prepare(
        `SELECT COUNT(*) AS n FROM log AS l WHERE l.name >= @lo AND l.name < @hi AND l.id <= @rev AND l.deleted = 0
           AND l.id = (SELECT MAX(h.id) FROM log AS h WHERE h.name = l.name AND h.id <= @rev)`,
      ),
      // Every row but a key's first names its predecessor, so the rows superseded within (from, to]
      // are exactly the predecessors named there.
      deleteSuperseded: db.prepare(`DELETE FROM log WHERE id IN (SELECT prev_revision FROM log WHERE id > ? AND id <= ? AND prev_revision > 0)`),
      deleteTombstones: db.prepare(`DELETE FROM log WHERE id > ? AND id <= ? AND deleted = 1`),
      setCompacted: db.prepare(`INSERT INTO meta (key, value) VALUES ('compact_revision', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
    };
    this.runInTx = db.transaction((fn: () => unknown) => fn());
    const meta = db.prepare(`SELECT value FROM meta WHERE key = 'compact_revision'`).get() as { value: number } | undefined;
    const max = db.prepare(`SELECT MAX(id) AS id FROM log`).get() as { id: number | null };
    this.compactedRevision = meta?.value ?? 0;
    this.lastRevision = Math.max(max.id ?? 0, this.compactedRevision);
  }

  latest(name: string): LogRow | undefined {
    const r = this.stmt.latest.get(name);
    return r && toRow(r);
  }

  row(id: number): LogRow | undefined {
    const r = this.stmt.row.get(id);
    return r && toRow(r);
  }

  append(row: LogRow): void {
    this.stmt.insert.run(row.id, row.name, row.created ? 1 : 0, row.deleted ? 1 : 0, row.createRevision, row.prevRevision, row.value);
    this.lastRevision = row.id;
  }

  transaction<T>(fn: () => T): T {
    const before = this.lastRevision;
    try {
      // IMMEDIATE takes the write lock up front, so the checks inside see the state they write on.
      return this.runInTx.immediate(fn) as T;
    } catch (err) {
      this.lastRevision = before;
      throw err;
    }
  }

  rowsAfter(prefix: string, afterId: number, limit: number): LogRow[] {
    const { hi } = keyRange(prefix, undefined);
    return this.stmt.rowsAfter.all(afterId, prefix, hi, limit).map(toRow);
  }

  listAt(prefix: string, revision: number, startAfter: string | undefined, limit: number): LogRow[] {
    const { lo, hi } = keyRange(prefix, startAfter);
    // LIMIT -1 is SQLite's "no limit".
    return this.stmt.listAt.all({ lo, hi, rev: revision, limit: limit > 0 ? limit : -1 }).map(toRow);
  }

  countAt(prefix: string, revision: number, startAfter: string | undefined): number {
    const { lo, hi } = keyRange(prefix, startAfter);
    return this.stmt.countAt.get({ lo, hi, rev: revision })!.n;
  }

  compactRange(from: number, to: number): void {
    this.runInTx.immediate(() => {
      this.stmt.deleteSuperseded.run(from, to);
      this.stmt.deleteTombstones.run(from, to);
      this.stmt.setCompacted.run(to);
    });
    this.compactedRevision = to;
  }

  close(): void {
    this.db.close();
  }
}

export class SqliteStore extends LogStore {
  readonly path: string;
  /** The thread that commits; exposed so tests can watch it die. */
  readonly writerThread: SqliteWriter;

  constructor(path: string) {
    // The read connection creates the schema first, so the writer thread opens a ready file.
    // Requests queue until that thread has opened its connection: the first commit waits for it.
    const log = new SqliteLog(resolve(path), { readOnly: true });
    const writer = new SqliteWriter(log.path);
    super(log, { groupCommit: true }, writer);
    this.path = log.path;
    this.writerThread = writer;
  }
}

/** Opens (creating if needed) the database file at path. */
export function openSqliteStore(path: string): SqliteStore {
  return new SqliteStore(path);
}
