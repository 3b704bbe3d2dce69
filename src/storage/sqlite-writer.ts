// The sqlite store's side of its writer thread (sqlite-writer-thread.ts): sends batches and
// compactions, matches replies to requests, and turns the thread's death into a clear failure of
// everything still pending instead of promises that never settle.
import { Worker } from 'node:worker_threads';
import { WriterFailedError, type LogWriter, type OpOutcome, type WriteOp } from './log-batch.js';
import { packOps, unpackOutcomes, type Reply, type Request } from './sqlite-writer-protocol.js';

type Done = Extract<Reply, { type: 'done' }>;
type Body<R> = R extends unknown ? Omit<R, 'id'> : never;

/** A batch's transaction failed and rolled back; the writer is still usable. */
export class SqliteCommitError extends Error {
  constructor(message: string, readonly code: string | undefined) {
    super(message);
  }
}

export class SqliteWriter implements LogWriter {
  /** Public so tests can kill the thread; nothing else should touch it. */
  readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(r: Done): void; reject(err: Error): void }>();
  private nextId = 1;
  private closing = false;
  private failure: WriterFailedError | undefined;
  private readonly exited: Promise<void>;

  constructor(path: string) {
    this.worker = new Worker(new URL('./sqlite-writer-thread.js', import.meta.url), { workerData: { path } });
    // An idle writer must not keep the process alive; one with work pending must (see request).
    this.worker.unref();
    this.worker.on('message', (r: Reply) => this.onReply(r));
    this.worker.on('error', (err: Error) => this.die(`sqlite writer thread failed: ${err.message}`, err));
    this.worker.on('messageerror', (err: Error) => this.die(`sqlite writer thread sent an unreadable reply: ${err.message}`, err));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        if (!this.closing) this.die(`sqlite writer thread exited unexpectedly (code ${code})`);
        resolve();
      }),
    );
  }

  async commit(ops: WriteOp[], fromRev: number): Promise<OpOutcome[]> {
    const packed = packOps(ops);
    const r = await this.request({ type: 'commit', fromRev, ...packed }, [packed.data]);
    return unpackOutcomes(r.outcomes!, r.data!);
  }

  async compactRange(from: number, to: number): Promise<void> {
    await this.request({ type: 'compact', from, to }, []);
  }

  async close(): Promise<void> {
    if (!this.failure && !this.closing) {
      // Replies come in request order, so this one means everything sent before it is done.
      const done = this.request({ type: 'close' }, []);
      this.closing = true;
      await done.catch(() => {});
    }
    this.closing = true;
    await this.worker.terminate();
    await this.exited;
  }

  private request(body: Body<Request>, transfer: ArrayBuffer[]): Promise<Done> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new WriterFailedError('sqlite writer is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...body, id } as Request, transfer);
    });
  }

  private onReply(r: Reply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if (this.pending.size === 0) this.worker.unref();
    if (r.type === 'failed') p.reject(new SqliteCommitError(r.message, r.code));
    else p.resolve(r);
  }

  private die(reason: string, cause?: Error): void {
    if (this.failure) return;
    const n = this.pending.size;
    this.failure = new WriterFailedError(`${reason}; the outcome of ${n} pending request${n === 1 ? '' : 's'} is unknown and the store accepts no more writes`, { cause });
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(this.failure);
    void this.worker.terminate();
  }
}
