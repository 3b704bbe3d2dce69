// Container log rotation, as upstream's containerLogManager: when a running container's log
// passes maxSize it is renamed to `<log>.<YYYYMMDD-hhmmss>` and the runtime is asked to reopen
// its log (so it starts a new file at the old path); older rotated files are gzipped and only
// maxFiles files in all (the live one included) are kept.
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { RuntimeService, StreamingRuntime } from '../runtime.js';

export const DEFAULT_LOG_MAX_SIZE = 10 * 1024 * 1024;
export const DEFAULT_LOG_MAX_FILES = 5;
const DEFAULT_INTERVAL_MS = 10_000;
const GZ = '.gz';
const TMP = '.tmp';

export type RotatorRuntime = Pick<RuntimeService, 'listContainers' | 'containerStatus'> & Pick<StreamingRuntime, 'reopenContainerLog'>;

export interface LogRotatorOptions {
  runtime: RotatorRuntime;
  maxSize?: number;
  maxFiles?: number;
  intervalMs?: number;
  /** When set, only logs under this directory are touched, whatever paths the runtime reports. */
  logsDir?: string;
  now?: () => number;
  log?: (line: string) => void;
}

function rotationSuffix(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

function isWithin(dir: string, path: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith('/');
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export class LogRotator {
  private readonly maxSize: number;
  private readonly maxFiles: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(private readonly o: LogRotatorOptions) {
    this.maxSize = o.maxSize ?? DEFAULT_LOG_MAX_SIZE;
    this.maxFiles = Math.max(2, o.maxFiles ?? DEFAULT_LOG_MAX_FILES);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.running ??= this.rotateAll().finally(() => (this.running = undefined));
    }, this.o.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass over the running containers. Errors of one container do not stop the others. */
  async rotateAll(): Promise<void> {
    let containers;
    try {
      containers = await this.o.runtime.listContainers({ state: 'CONTAINER_RUNNING' });
    } catch (err) {
      this.o.log?.(`log rotation: listing containers failed: ${String(err)}`);
      return;
    }
    for (const c of containers) {
      try {
        const status = await this.o.runtime.containerStatus(c.id);
        if (status.state !== 'CONTAINER_RUNNING' || !status.logPath) continue;
        if (this.o.logsDir && !isWithin(this.o.logsDir, status.logPath)) continue;
        await this.rotateIfNeeded(c.id, status.logPath);
      } catch (err) {
        this.o.log?.(`log rotation of container ${c.id} failed: ${String(err)}`);
      }
    }
  }

  /** Rotates the container's log when it has grown past maxSize. Resolves to whether it rotated. */
  async rotateIfNeeded(containerId: string, logPath: string): Promise<boolean> {
    let size: number;
    try {
      size = (await stat(logPath)).size;
    } catch {
      // The file was removed under the runtime: have it write a new one.
      await this.o.runtime.reopenContainerLog(containerId);
      return false;
    }
    if (size < this.maxSize) return false;
    await this.rotate(containerId, logPath);
    return true;
  }

  async rotate(containerId: string, logPath: string): Promise<void> {
    let rotated = await this.rotatedFiles(logPath);
    rotated = await this.cleanupUnused(rotated);
    rotated = await this.removeExcess(rotated);
    for (const f of rotated) if (!f.endsWith(GZ)) await this.compress(f);
    const target = `${logPath}.${rotationSuffix((this.o.now ?? Date.now)())}`;
    await rename(logPath, target);
    try {
      await this.o.runtime.reopenContainerLog(containerId);
    } catch (err) {
      // Put it back so the next pass can try again; the runtime still writes to the renamed file.
      await rename(target, logPath).catch(() => undefined);
      throw err;
    }
  }

  /** `<log>.*`, oldest first (the timestamp suffix sorts by time). */
  private async rotatedFiles(logPath: string): Promise<string[]> {
    const dir = dirname(logPath);
    const prefix = `${basename(logPath)}.`;
    const names = await readdir(dir).catch(() => [] as string[]);
    return names
      .filter((n) => n.startsWith(prefix))
      .sort()
      .map((n) => join(dir, n));
  }

  /** Drops leftovers of interrupted compressions: temp files, and originals whose .gz exists. */
  private async cleanupUnused(files: string[]): Promise<string[]> {
    const kept: string[] = [];
    for (const f of files) {
      if (f.endsWith(TMP) || (!f.endsWith(GZ) && files.includes(`${f}${GZ}`))) {
        await unlink(f).catch(() => undefined);
        continue;
      }
      kept.push(f);
    }
    return kept;
  }

  /** Besides the live file and the one about to be rotated, at most maxFiles - 2 are kept. */
  private async removeExcess(files: string[]): Promise<string[]> {
    const keep = this.maxFiles - 2;
    const excess = Math.max(0, files.length - keep);
    for (const f of files.slice(0, excess)) await unlink(f);
    return files.slice(excess);
  }

  private async compress(file: string): Promise<void> {
    const tmp = `${file}${TMP}`;
    await pipeline(createReadStream(file), createGzip(), createWriteStream(tmp));
    const gz = `${file}${GZ}`;
    await rename(tmp, gz);
    if (await exists(gz)) await unlink(file);
  }
}
