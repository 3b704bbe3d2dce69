// The messages between the sqlite store and its writer thread, and how their Buffers travel.
//
// Structured cloning a Buffer copies its whole backing ArrayBuffer, which for the small Buffers
// Node allocates from its shared 8 KiB pool is the pool, not the value. So the values of one
// message are packed into a single fresh ArrayBuffer that is transferred (moved, not copied), and
// each value is referred to by offset and length.
import type { LogRow } from './log.js';
import type { OpOutcome, WriteOp } from './log-batch.js';

/** Where a value sits in its message's packed ArrayBuffer. */
export interface Slot {
  off: number;
  len: number;
}

export type WireOp =
  | { kind: 'create'; key: string; value: Slot }
  | { kind: 'update'; key: string; value: Slot; expected: number }
  | { kind: 'delete'; key: string; expected?: number };

export type WireRow = Omit<LogRow, 'value'> & { value: Slot };

export type WireOutcome =
  | { ok: true; id: number; prevId: number; live?: WireRow }
  | { ok: false; error: 'exists' | 'not-found' | 'conflict'; current?: WireRow };

export type Request =
  | { type: 'commit'; id: number; fromRev: number; ops: WireOp[]; data: ArrayBuffer }
  | { type: 'compact'; id: number; from: number; to: number }
  | { type: 'close'; id: number };

export type Reply =
  | { type: 'done'; id: number; outcomes?: WireOutcome[]; data?: ArrayBuffer }
  /** The request failed and changed nothing (a rolled-back transaction); the writer carries on. */
  | { type: 'failed'; id: number; message: string; code?: string };

/** Collects Buffers into one transferable ArrayBuffer. */
export class Packer {
  private readonly parts: Buffer[] = [];
  private size = 0;

  add(b: Buffer): Slot {
    const slot = { off: this.size, len: b.length };
    this.parts.push(b);
    this.size += b.length;
    return slot;
  }

  /** A fresh ArrayBuffer (never Node's shared pool, which cannot be transferred) holding every part. */
  finish(): ArrayBuffer {
    const out = Buffer.allocUnsafeSlow(this.size);
    let at = 0;
    for (const p of this.parts) at += p.copy(out, at);
    return out.buffer as ArrayBuffer;
  }
}

export const unpack = (data: ArrayBuffer, s: Slot): Buffer => Buffer.from(data, s.off, s.len);

export function packOps(ops: readonly WriteOp[]): { ops: WireOp[]; data: ArrayBuffer } {
  const p = new Packer();
  const wire = ops.map((op): WireOp => (op.kind === 'delete' ? op : { ...op, value: p.add(op.value) }));
  return { ops: wire, data: p.finish() };
}

export function unpackOps(ops: readonly WireOp[], data: ArrayBuffer): WriteOp[] {
  return ops.map((op): WriteOp => (op.kind === 'delete' ? op : { ...op, value: unpack(data, op.value) }));
}

export function packOutcomes(outcomes: readonly OpOutcome[]): { outcomes: WireOutcome[]; data: ArrayBuffer } {
  const p = new Packer();
  const row = (r: LogRow): WireRow => ({ ...r, value: p.add(r.value) });
  const wire = outcomes.map((o): WireOutcome => {
    if (o.ok) return o.live ? { ...o, live: row(o.live) } : { ok: true, id: o.id, prevId: o.prevId };
    return o.current ? { ...o, current: row(o.current) } : { ok: false, error: o.error };
  });
  return { outcomes: wire, data: p.finish() };
}

export function unpackOutcomes(outcomes: readonly WireOutcome[], data: ArrayBuffer): OpOutcome[] {
  const row = (r: WireRow): LogRow => ({ ...r, value: unpack(data, r.value) });
  return outcomes.map((o): OpOutcome => {
    if (o.ok) return o.live ? { ...o, live: row(o.live) } : { ok: true, id: o.id, prevId: o.prevId };
    return o.current ? { ...o, current: row(o.current) } : { ok: false, error: o.error };
  });
}
