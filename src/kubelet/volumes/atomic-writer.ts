// Upstream's AtomicWriter: a volume directory whose files all change at once. Contents live in a
// timestamped hidden directory; `..data` is a symlink to the current one and every visible
// top-level name is a symlink through `..data`. An update writes a new timestamped directory,
// points `..data_tmp` at it and renames that over `..data`: readers see the old set or the new
// set, never a mix. A bind mount of the volume directory sees updates because the symlinks are
// resolved inside the container at open time.
import { randomInt } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface FileProjection {
  data: Buffer;
  mode: number;
}

/** Relative file path (may contain `/`) → content and mode. */
export type Payload = Map<string, FileProjection>;

export const DATA_DIR_NAME = '..data';
const DATA_DIR_TMP_NAME = '..data_tmp';

/** Rejects paths that could leave the volume or collide with the writer's own hidden names. */
export function validatePayloadPath(path: string): void {
  if (path === '') throw new Error('invalid path: must not be empty');
  if (path.startsWith('/')) throw new Error(`invalid path: must be relative path: ${path}`);
  if (path.length > 4096) throw new Error(`invalid path: must be less than or equal to 4096 characters`);
  const parts = path.split('/');
  for (const part of parts) {
    if (part === '..') throw new Error(`invalid path: must not contain '..': ${path}`);
    if (part.length > 255) throw new Error(`invalid path: path element must be less than or equal to 255 characters`);
  }
  if (parts[0]!.startsWith('..')) throw new Error(`invalid path: must not start with '..': ${path}`);
}

/** Normalises `a//b/./c` to `a/b/c` (upstream cleans every payload path). */
function cleanPath(path: string): string {
  return path
    .split('/')
    .filter((p) => p !== '' && p !== '.')
    .join('/');
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `..2024_01_02_03_04_05.` + random digits, as Go's MkdirTemp with upstream's time layout. */
function timestampDirName(now = new Date()): string {
  const ts = `${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}_${pad(now.getUTCHours())}_${pad(now.getUTCMinutes())}_${pad(now.getUTCSeconds())}`;
  return `..${ts}.${randomInt(0, 1_000_000_000)}`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Relative paths of the regular files below `dir`. */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const ent of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${ent.name}` : ent.name;
    if (ent.isDirectory()) out.push(...(await listFiles(join(dir, ent.name), rel)));
    else out.push(rel);
  }
  return out;
}

/** The current data directory's name (`..2024_…`), when the volume has been written before. */
async function currentDataDir(targetDir: string): Promise<string | undefined> {
  try {
    const target = await readlink(join(targetDir, DATA_DIR_NAME));
    return target.includes('/') ? undefined : target;
  } catch {
    return undefined;
  }
}

/** Whether the files under the current data dir already are exactly the payload. */
async function sameAsCurrent(dataDir: string, payload: Payload): Promise<boolean> {
  let files: string[];
  try {
    files = await listFiles(dataDir);
  } catch {
    return false;
  }
  if (files.length !== payload.size) return false;
  for (const f of files) {
    const want = payload.get(f);
    if (!want) return false;
    const have = await readFile(join(dataDir, f)).catch(() => undefined);
    if (!have || !have.equals(want.data)) return false;
  }
  return true;
}

export interface WriteOptions {
  /** Runs on the new data directory before it becomes visible (fsGroup ownership). */
  beforeSwap?: (dataDir: string) => Promise<void>;
}

/**
 * Makes `targetDir` hold exactly `payload`; resolves to whether anything was written (false when
 * the current contents already match, so refreshes of unchanged objects cost only reads).
 */
export async function writeAtomically(targetDir: string, input: Payload, opts: WriteOptions = {}): Promise<boolean> {
  const payload: Payload = new Map();
  for (const [path, proj] of input) {
    validatePayloadPath(path);
    payload.set(cleanPath(path), proj);
  }
  await mkdir(targetDir, { recursive: true });
  const oldName = await currentDataDir(targetDir);
  if (oldName && (await sameAsCurrent(join(targetDir, oldName), payload))) return false;
  const oldVisible = oldName ? new Set((await listFiles(join(targetDir, oldName)).catch(() => [])).map((p) => p.split('/')[0]!)) : new Set<string>();

  const newName = timestampDirName();
  const newDir = join(targetDir, newName);
  await mkdir(newDir, { mode: 0o700 });
  try {
    // 0755 whatever the umask: group and other must be able to walk into the volume.
    await chmod(newDir, 0o755);
    for (const [path, proj] of payload) {
      const file = join(newDir, path);
      await mkdir(dirname(file), { recursive: true, mode: 0o755 });
      await writeFile(file, proj.data, { mode: proj.mode });
      await chmod(file, proj.mode);
    }
    await opts.beforeSwap?.(newDir);
    const tmpLink = join(targetDir, DATA_DIR_TMP_NAME);
    await rm(tmpLink, { force: true });
    await symlink(newName, tmpLink);
    await rename(tmpLink, join(targetDir, DATA_DIR_NAME));
  } catch (err) {
    await rm(newDir, { recursive: true, force: true });
    throw err;
  }

  const newVisible = new Set([...payload.keys()].map((p) => p.split('/')[0]!));
  for (const name of newVisible) {
    const link = join(targetDir, name);
    if (!(await exists(link))) await symlink(join(DATA_DIR_NAME, name), link);
  }
  for (const name of oldVisible) {
    if (!newVisible.has(name)) await rm(join(targetDir, name), { recursive: true, force: true });
  }
  // Old data dirs, including any a crash left behind: names starting `..` are never user keys.
  for (const ent of await readdir(targetDir)) {
    if (ent.startsWith('..') && ent !== newName && ent !== DATA_DIR_NAME) await rm(join(targetDir, ent), { recursive: true, force: true });
  }
  return true;
}
