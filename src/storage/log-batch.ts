// One group commit, split in two halves so that the half touching the database can run on
// whichever thread owns the write connection:
//  - applyBatch runs the checks (exists, compare and swap) and appends the rows inside one
//    transaction, returning each write's outcome as plain data that can cross a thread boundary;
//  - settleOutcome turns an outcome back into the row, the watch event and the caller's result,
//    on the thread that holds the caller's promise, reusing the caller's own value Buffer (the
//    API server's watch cache recognises its writes by that Buffer's identity).
import { ConflictError, KeyExistsError, KeyNotFoundError, type StoreEvent } from './store.js';
import { rowEvent, rowKv, type LogBackend, type LogRow } from './log.js';

export type WriteOp =
  | { kind: 'create'; key: string; value: Buffer }
  | { kind: 'update'; key: string; value: Buffer; expected: number }
  | { kind: 'delete'; key: string; expected?: number };

/** What one write did. */
export type OpOutcome =
  /** Written at revision `id`. `prevId` is the key's previous row (0 if none); `live` the value it replaced (update, delete). */
  | { ok: true; id: number; prevId: number; live?: LogRow }
  /** Refused; nothing written. `current` is the key's live row for a conflict. */
  | { ok: false; error: 'exists' | 'not-found' | 'conflict'; current?: LogRow };

export interface Applied {
  row: LogRow;
  event: StoreEvent;
  /** What the caller's promise resolves to. */
  result: unknown;
}

/**
 * Applies ops in order, from revision fromRev + 1, in one transaction of the log. A write that
 * fails its check is reported and skipped without spoiling the rest; anything else (an I/O
 * error) throws, and the transaction has rolled back: nothing in the batch happened.
 */
export function applyBatch(log: LogBackend, ops: readonly WriteOp[], fromRev: number): OpOutcome[] {
  return log.transaction(() => {
    const outcomes: OpOutcome[] = [];
    let next = fromRev + 1;
    for (const op of ops) {
      const o = applyOne(log, op, next);
      if (o.ok) next = o.id + 1;
      outcomes.push(o);
    }
    return outcomes;
  });
}

function applyOne(log: LogBackend, op: WriteOp, id: number): OpOutcome {
  const latest = log.latest(op.key);
  const live = latest && !latest.deleted ? latest : undefined;
  switch (op.kind) {
    case 'create': {
      if (live) return { ok: false, error: 'exists' };
      const prevId = latest?.id ?? 0;
      log.append({ id, name: op.key, created: true, deleted: false, createRevision: id, prevRevision: prevId, value: op.value });
      return { ok: true, id, prevId };
    }
    case 'update': {
      if (!live) return { ok: false, error: 'not-found' };
      if (live.id !== op.expected) return { ok: false, error: 'conflict', current: live };
      log.append({ id, name: op.key, created: false, deleted: false, createRevision: live.createRevision, prevRevision: live.id, value: op.value });
      return { ok: true, id, prevId: live.id, live };
    }
    case 'delete': {
      if (!live) return { ok: false, error: 'not-found' };
      if (op.expected !== undefined && live.id !== op.expected) return { ok: false, error: 'conflict', current: live };
      log.append({ id, name: op.key, created: false, deleted: true, createRevision: live.createRevision, prevRevision: live.id, value: live.value });
      return { ok: true, id, prevId: live.id, live };
    }
  }
}

/** The row, event and result of a committed write, or the error a refused write rejects with. */
export function settleOutcome(op: WriteOp, o: OpOutcome): Applied | { error: Error } {
  if (!o.ok) {
    if (o.error === 'exists') return { error: new KeyExistsError(op.key) };
    if (o.error === 'not-found') return { error: new KeyNotFoundError(op.key) };
    return { error: new ConflictError(op.key, o.current && rowKv(o.current)) };
  }
  const { id, prevId, live } = o;
  switch (op.kind) {
    case 'create': {
      const row: LogRow = { id, name: op.key, created: true, deleted: false, createRevision: id, prevRevision: prevId, value: op.value };
      return { row, event: rowEvent(row, undefined), result: id };
    }
    case 'update': {
      const row: LogRow = { id, name: op.key, created: false, deleted: false, createRevision: live!.createRevision, prevRevision: prevId, value: op.value };
      return { row, event: rowEvent(row, live), result: id };
    }
    case 'delete': {
      const row: LogRow = { id, name: op.key, created: false, deleted: true, createRevision: live!.createRevision, prevRevision: prevId, value: live!.value };
      return { row, event: rowEvent(row, live), result: { revision: id, prev: rowKv(live!) } };
    }
  }
}

/**
 * Who commits batches and compactions. In-process logs answer synchronously (the memory store
 * and tests keep their exact timing); a writer on another thread answers with a Promise, and the
 * store keeps at most one batch in flight, so writes queued meanwhile form the next group.
 */
export interface LogWriter {
  commit(ops: WriteOp[], fromRev: number): OpOutcome[] | Promise<OpOutcome[]>;
  compactRange(from: number, to: number): void | Promise<void>;
  /** Waits for everything sent so far, then releases the writer's resources. */
  close(): void | Promise<void>;
}

/**
 * The writer itself is gone (its thread died): what it was doing may or may not have committed,
 * and the store accepts no further writes. Distinct from a failed transaction, which rolls back
 * its batch and leaves the store usable.
 */
export class WriterFailedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Commits on the calling thread, into the same log that serves reads. */
export function inlineWriter(log: LogBackend): LogWriter {
  return {
    commit: (ops, fromRev) => applyBatch(log, ops, fromRev),
    compactRange: (from, to) => log.compactRange(from, to),
    close: () => {},
  };
}
