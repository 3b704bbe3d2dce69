// The audit log backend: one JSON event per line, to a file or to stdout for `-`. Lines are
// gathered and written once per turn of the event loop, in order: what upstream's default
// "blocking" mode promises (nothing dropped) without a synchronous write per event. A file rotates as upstream's lumberjack
// does: past --audit-log-maxsize megabytes it is renamed `<name>-<time><ext>` and a new one
// started; --audit-log-maxbackup and --audit-log-maxage bound what is kept.
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

export interface AuditLogOptions {
  /** A file, or `-` for stdout. */
  path: string;
  /** Megabytes before the file rotates; 0 never. */
  maxSizeMB?: number;
  /** Rotated files kept; 0 all. */
  maxBackups?: number;
  /** Days a rotated file is kept; 0 forever. */
  maxAgeDays?: number;
}

export interface AuditSink {
  write(line: string): void;
  close(): void;
}

export function openAuditLog(o: AuditLogOptions): AuditSink {
  if (o.path === '-') return { write: (line) => void process.stdout.write(line), close: () => undefined };
  return new RotatingFile(o);
}

const DAY_MS = 24 * 3600 * 1000;

class RotatingFile implements AuditSink {
  private fd: number;
  private size: number;
  private closed = false;
  private queued: string[] = [];
  private flushing = false;

  constructor(private readonly o: AuditLogOptions) {
    mkdirSync(dirname(o.path), { recursive: true });
    this.fd = openSync(o.path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  write(line: string): void {
    // Connections the server closed on stop end their requests after the log is closed.
    if (this.closed) return;
    this.queued.push(line);
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => this.flush());
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    closeSync(this.fd);
  }

  private flush(): void {
    this.flushing = false;
    if (this.closed) return;
    const lines = this.queued;
    this.queued = [];
    const max = (this.o.maxSizeMB ?? 0) * 1024 * 1024;
    let batch: Buffer[] = [];
    const writeBatch = () => {
      if (batch.length) writeSync(this.fd, batch.length === 1 ? batch[0]! : Buffer.concat(batch));
      batch = [];
    };
    for (const line of lines) {
      const bytes = Buffer.from(line);
      if (max > 0 && this.size > 0 && this.size + bytes.length > max) {
        writeBatch();
        this.rotate();
      }
      batch.push(bytes);
      this.size += bytes.length;
    }
    writeBatch();
  }

  private rotate(): void {
    closeSync(this.fd);
    const ext = extname(this.o.path);
    const stem = basename(this.o.path, ext);
    const stamp = new Date().toISOString().replace(/:/g, '-').replace(/Z$/, '');
    renameSync(this.o.path, join(dirname(this.o.path), `${stem}-${stamp}${ext}`));
    this.fd = openSync(this.o.path, 'a', 0o600);
    this.size = 0;
    this.prune(stem, ext);
  }

  private prune(stem: string, ext: string): void {
    const dir = dirname(this.o.path);
    const backups = readdirSync(dir)
      .filter((f) => f.startsWith(`${stem}-`) && f.endsWith(ext))
      .map((f) => ({ file: join(dir, f), mtime: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    const now = Date.now();
    backups.forEach((b, i) => {
      const tooMany = (this.o.maxBackups ?? 0) > 0 && i >= this.o.maxBackups!;
      const tooOld = (this.o.maxAgeDays ?? 0) > 0 && now - b.mtime > this.o.maxAgeDays! * DAY_MS;
      if (tooMany || tooOld) unlinkSync(b.file);
    });
  }
}
