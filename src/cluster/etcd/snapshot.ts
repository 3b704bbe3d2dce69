// etcd snapshots as k3s keeps them: the member's database streamed through Maintenance.Snapshot
// into <data-dir>/db/snapshots/<name>-<node>-<unix time>, byte for byte what `etcdctl snapshot
// save` writes (so `etcdctl snapshot restore` takes it too). etcd ends the stream with the
// sha256 of the database; a snapshot whose hash does not match is never kept.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import type { EtcdClient } from '../../storage/etcd/client.js';

const SHA256_SIZE = 32;

export const defaultSnapshotDir = (dataDir: string): string => join(dataDir, 'db', 'snapshots');

/** k3s's names: on-demand snapshots and scheduled ones. */
export const ON_DEMAND_NAME = 'on-demand';
export const SCHEDULED_NAME = 'etcd-snapshot';

/** This machine's part of a snapshot's name (k3s: the node name). */
export const snapshotNodeName = (): string => hostname().toLowerCase();

export interface SavedSnapshot {
  name: string;
  path: string;
  /** Bytes of the file (the database and its 32-byte hash). */
  size: number;
  /** Seconds it took. */
  seconds: number;
}

/**
 * Feeds a stream into sha256 holding back its last 32 bytes, which are, in an etcd snapshot,
 * the hash of everything before them.
 */
class TrailingHashCheck {
  private readonly hash = createHash('sha256');
  private held = Buffer.alloc(0);
  size = 0;

  update(chunk: Buffer): void {
    this.size += chunk.length;
    const all = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    const cut = Math.max(0, all.length - SHA256_SIZE);
    if (cut > 0) this.hash.update(all.subarray(0, cut));
    this.held = Buffer.from(all.subarray(cut));
  }

  /** Undefined when the hash matches; else what is wrong, in one line. */
  problem(): string | undefined {
    if (this.held.length < SHA256_SIZE) return `only ${this.size} bytes, too short for a snapshot`;
    // etcd's own rule (etcdctl snapshot restore): a database is whole pages, so a hash makes the size 32 past a multiple of 512.
    if (this.size % 512 !== SHA256_SIZE) return `${this.size} bytes: no integrity hash at its end (a db file copied from a data dir, or cut short)`;
    const want = this.hash.digest();
    if (!want.equals(this.held)) return `its sha256 ${want.toString('hex').slice(0, 16)}… does not match the ${this.held.toString('hex').slice(0, 16)}… it ends with: damaged`;
    return undefined;
  }
}

/** Checks a snapshot file's trailing sha256; throws a one-line error when it is not a whole etcd snapshot. */
export async function verifySnapshotFile(path: string): Promise<number> {
  const check = new TrailingHashCheck();
  for await (const chunk of createReadStream(path)) check.update(chunk as Buffer);
  const problem = check.problem();
  if (problem) throw new Error(`snapshot ${path}: ${problem}`);
  return check.size;
}

export interface SaveOptions {
  client: EtcdClient;
  dir: string;
  /** The base name (default on-demand); the node name and unix time are appended as k3s does. */
  name?: string;
  node?: string;
  /** Called as bytes arrive (the caller throttles what it prints). */
  progress?: (bytes: number) => void;
  now?: Date;
}

export async function saveSnapshot(o: SaveOptions): Promise<SavedSnapshot> {
  const started = Date.now();
  const base = o.name ?? ON_DEMAND_NAME;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(base)) throw new Error(`invalid snapshot name "${base}": letters, digits, '.', '_' and '-'`);
  const name = `${base}-${o.node ?? snapshotNodeName()}-${Math.floor((o.now ?? new Date()).getTime() / 1000)}`;
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const path = join(o.dir, name);
  // Names are by the second, as k3s's: a second snapshot of one name in one second would replace the first.
  if (existsSync(path)) throw new Error(`a snapshot ${name} exists already: one a second per name`);
  const part = `${path}.part`;
  const fd = openSync(part, 'w', 0o600);
  const check = new TrailingHashCheck();
  try {
    await new Promise<void>((resolve, reject) => {
      const stream = o.client.snapshot();
      stream.on('data', (res: { blob: Buffer }) => {
        try {
          writeSync(fd, res.blob);
        } catch (err) {
          stream.cancel();
          reject(err as Error);
          return;
        }
        check.update(res.blob);
        o.progress?.(check.size);
      });
      // gRPC's UNAVAILABLE (14) before any byte: nothing listens there.
      stream.on('error', (err: Error & { details?: string; code?: number }) => reject(new Error(`etcd snapshot stream failed after ${check.size} bytes: ${err.details || err.message}${err.code === 14 && !check.size ? ' (is the server running?)' : ''}`)));
      stream.on('end', () => resolve());
    });
    const problem = check.problem();
    if (problem) throw new Error(`the snapshot etcd sent is not whole: ${problem}`);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(part, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(part, path);
  return { name, path, size: check.size, seconds: (Date.now() - started) / 1000 };
}

export interface SnapshotFile {
  name: string;
  path: string;
  size: number;
  created: Date;
}

/** The snapshot's time: the unix time its name ends with, else the file's. */
function createdAt(name: string, mtime: Date): Date {
  const m = /-(\d{9,11})$/.exec(name);
  return m ? new Date(Number(m[1]) * 1000) : mtime;
}

/** Snapshots in `dir`, oldest first (no dir: none). */
export function listSnapshots(dir: string): SnapshotFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: SnapshotFile[] = [];
  for (const name of names) {
    if (name.endsWith('.part')) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (!st.isFile()) continue;
    out.push({ name, path, size: st.size, created: createdAt(name, st.mtime) });
  }
  return out.sort((a, b) => a.created.getTime() - b.created.getTime() || a.name.localeCompare(b.name));
}

export function deleteSnapshot(dir: string, name: string): string {
  if (name !== basename(name) || name === '.' || name === '..') throw new Error(`invalid snapshot name "${name}": a name from k8ts etcd-snapshot ls, not a path`);
  const path = join(dir, name);
  try {
    if (!statSync(path).isFile()) throw new Error(`${path} is not a snapshot file`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`no snapshot "${name}" in ${dir}`);
    throw err;
  }
  rmSync(path);
  return path;
}

/** Keeps the newest `retention` snapshots whose name starts with `<prefix>-`; returns those removed. */
export function pruneSnapshots(dir: string, prefix: string, retention: number): SnapshotFile[] {
  const mine = listSnapshots(dir).filter((s) => s.name.startsWith(`${prefix}-`));
  const drop = mine.slice(0, Math.max(0, mine.length - retention));
  for (const s of drop) rmSync(s.path, { force: true });
  return drop;
}
