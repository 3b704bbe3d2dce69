// Serving a container's log as upstream's kubelet does (kuberuntime/logs): the CRI-format file
// is decoded line by line, filtered by time, cut to a tail and a byte limit, optionally prefixed
// with timestamps, and, when following, read on as the runtime appends, across rotations, until
// the caller signals that the container is gone.
import { watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { parseCriLogLine } from './cri-log.js';
import { findTailStart } from './tail.js';

export interface ReadLogOptions {
  follow?: boolean;
  /** Only the last n lines (physical CRI lines, as upstream counts them). */
  tailLines?: number;
  sinceTime?: Date;
  sinceSeconds?: number;
  timestamps?: boolean;
  limitBytes?: number;
  /** Ends following: what is in the file by then is still written, then the read returns. */
  signal?: AbortSignal;
  /** How often to look for changes when file events are missed (default 1 s). */
  pollIntervalMs?: number;
  now?: () => number;
}

const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

class LimitReached extends Error {}
class OutputClosed extends Error {}

/** Writes decoded log lines to `out`; stops at the byte limit or when `out` goes away. */
class LogWriter {
  private remain: number;
  private atLineStart = true;

  constructor(
    private readonly out: Writable,
    private readonly sinceMs: number | undefined,
    private readonly timestamps: boolean,
    limitBytes: number | undefined,
  ) {
    this.remain = limitBytes !== undefined && limitBytes > 0 ? limitBytes : Infinity;
  }

  async line(raw: Buffer): Promise<void> {
    const msg = parseCriLogLine(raw);
    if (!msg) return; // upstream skips lines it cannot parse
    const startsLine = this.atLineStart;
    this.atLineStart = !msg.partial;
    if (this.sinceMs !== undefined && msg.timeMs < this.sinceMs) return;
    let data = msg.content;
    if (this.timestamps && startsLine) data = Buffer.concat([Buffer.from(`${msg.timestamp} `), data]);
    if (data.length > this.remain) data = data.subarray(0, this.remain);
    this.remain -= data.length;
    await this.write(data);
    if (this.remain <= 0) throw new LimitReached();
  }

  private async write(data: Buffer): Promise<void> {
    if (this.out.destroyed || this.out.writableEnded) throw new OutputClosed();
    if (data.length === 0) return;
    if (this.out.write(data)) return;
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('close', closed);
        resolve();
      };
      const closed = () => {
        this.out.off('drain', done);
        reject(new OutputClosed());
      };
      this.out.once('drain', done);
      this.out.once('close', closed);
    });
  }
}

/** Reads lines from an open file from a position; keeps an incomplete last line for later. */
class LineReader {
  private pending: Buffer[] = [];
  private readonly buf = Buffer.allocUnsafe(CHUNK);

  constructor(
    public fh: FileHandle,
    public pos: number,
  ) {}

  /** Emits every complete line up to the current end of file. Returns whether anything was read. */
  async drain(emit: (line: Buffer) => Promise<void>): Promise<boolean> {
    let any = false;
    for (;;) {
      const { bytesRead } = await this.fh.read(this.buf, 0, CHUNK, this.pos);
      if (bytesRead === 0) return any;
      any = true;
      this.pos += bytesRead;
      const chunk = this.buf.subarray(0, bytesRead);
      let start = 0;
      for (let i = chunk.indexOf(NEWLINE); i >= 0; i = chunk.indexOf(NEWLINE, start)) {
        const piece = chunk.subarray(start, i + 1);
        const line = this.pending.length ? Buffer.concat([...this.pending, piece]) : Buffer.from(piece);
        this.pending = [];
        start = i + 1;
        await emit(line);
      }
      if (start < bytesRead) this.pending.push(Buffer.from(chunk.subarray(start)));
    }
  }

  /** The incomplete last line, if any (written when no more will come). */
  async flushPending(emit: (line: Buffer) => Promise<void>): Promise<void> {
    if (!this.pending.length) return;
    const line = Buffer.concat(this.pending);
    this.pending = [];
    await emit(line);
  }
}

/** Resolves on a change in the log's directory, a poll tick, or the abort signal. */
class ChangeWaiter {
  private watcher?: FSWatcher;
  private wake?: () => void;
  private dirty = false;

  constructor(
    private readonly path: string,
    private readonly pollMs: number,
    private readonly signal?: AbortSignal,
  ) {
    const name = basename(path);
    try {
      // The directory, not the file: a rotation replaces the file, and the new one must be seen.
      this.watcher = watch(dirname(path), (_event, file) => {
        if (file === null || file === name) this.notify();
      });
      this.watcher.on('error', () => this.close());
    } catch {
      this.watcher = undefined; // polling alone then
    }
    signal?.addEventListener('abort', this.onAbort);
  }

  private readonly onAbort = () => this.notify();

  notify(): void {
    this.dirty = true;
    this.wake?.();
  }

  async wait(): Promise<void> {
    if (this.dirty || this.signal?.aborted) {
      this.dirty = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.pollMs);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
    this.dirty = false;
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}

async function sameFile(path: string, fh: FileHandle): Promise<boolean> {
  try {
    const [a, b] = await Promise.all([stat(path), fh.stat()]);
    return a.ino === b.ino && a.dev === b.dev;
  } catch {
    // The file is gone for the moment (between rename and reopen): keep reading the old one.
    return true;
  }
}

/**
 * Writes the container log at `path` to `out` as `kubectl logs` shows it. Does not end `out`.
 * Rejects only when the file cannot be opened; a client that goes away ends the read quietly.
 */
export async function readContainerLog(path: string, o: ReadLogOptions, out: Writable): Promise<void> {
  const now = o.now ?? Date.now;
  let sinceMs: number | undefined;
  if (o.sinceTime) sinceMs = o.sinceTime.getTime();
  else if (o.sinceSeconds !== undefined && o.sinceSeconds > 0) sinceMs = now() - o.sinceSeconds * 1000;
  const writer = new LogWriter(out, sinceMs, o.timestamps === true, o.limitBytes);
  const emit = (line: Buffer) => writer.line(line);

  let fh = await open(path, 'r');
  let waiter: ChangeWaiter | undefined;
  let onOutClose: (() => void) | undefined;
  try {
    const start = o.tailLines !== undefined && o.tailLines >= 0 ? await findTailStart(fh, o.tailLines) : 0;
    const reader = new LineReader(fh, start);
    if (!o.follow) {
      await reader.drain(emit);
      await reader.flushPending(emit);
      return;
    }
    waiter = new ChangeWaiter(path, o.pollIntervalMs ?? 1000, o.signal);
    const w = waiter;
    onOutClose = () => w.notify();
    out.once('close', onOutClose);
    for (;;) {
      if (out.destroyed || out.writableEnded) return;
      await reader.drain(emit);
      if (o.signal?.aborted) {
        // The container has exited: what it wrote is complete, incomplete last line included.
        await reader.flushPending(emit);
        return;
      }
      await waiter.wait();
      if (!(await sameFile(path, reader.fh))) {
        // Rotated: finish the renamed file, then continue from the start of the new one.
        await reader.drain(emit);
        await reader.flushPending(emit);
        let next: FileHandle;
        try {
          next = await open(path, 'r');
        } catch {
          continue;
        }
        await fh.close();
        fh = next;
        reader.fh = next;
        reader.pos = 0;
      }
    }
  } catch (err) {
    if (err instanceof LimitReached || err instanceof OutputClosed) return;
    throw err;
  } finally {
    waiter?.close();
    if (onOutClose) out.off('close', onOutClose);
    await fh.close().catch(() => undefined);
  }
}
