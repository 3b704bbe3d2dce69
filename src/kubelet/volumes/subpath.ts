// subPath mounts, made safe as upstream makes them: the path is resolved (symlinks included) and
// must stay inside the volume; then it is opened (O_PATH|O_NOFOLLOW), re-checked through
// /proc/self/fd, and that very inode is bind-mounted to a kubelet-owned target
// (<podDir>/volume-subpaths/<volume>/<container>/<index>) which the runtime mounts. A container
// swapping a directory for a symlink after the check therefore cannot redirect the mount.
import { constants } from 'node:fs';
import { chmod, lstat, mkdir, open, readlink, realpath, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { bindMount, isMountPoint, unmount } from './host-mounts.js';

/** Linux's O_PATH (the same value on x86_64 and arm64); Node does not export it. */
const O_PATH = 0o10000000;

export const SUBPATH_DIR = 'volume-subpaths';

export class SubPathError extends Error {}

function within(path: string, base: string): boolean {
  return base === '/' || path === base || path.startsWith(base + '/');
}

function notWithin(path: string, base: string): SubPathError {
  return new SubPathError(`subpath "${path}" not within volume path "${base}"`);
}

/** Upstream's checks on the subPath string itself. */
export function validateSubPath(subPath: string): void {
  if (isAbsolute(subPath)) throw new SubPathError(`error SubPath \`${subPath}\` must not be an absolute path`);
  if (subPath.split('/').includes('..')) throw new SubPathError(`unable to provision SubPath \`${subPath}\`: must not contain '..'`);
}

/**
 * Creates the missing directories of `subPath` inside the volume, never through a symlink that
 * leaves it; new directories get the volume root's mode (so fsGroup and 0777 carry over).
 */
async function safeMakeDir(realVolume: string, subPath: string, mode: number): Promise<void> {
  let cur = realVolume;
  for (const comp of subPath.split('/').filter((c) => c && c !== '.')) {
    const next = join(cur, comp);
    let st;
    try {
      st = await lstat(next);
    } catch {
      await mkdir(next, { mode });
      await chmod(next, mode);
      cur = next;
      continue;
    }
    if (st.isSymbolicLink()) {
      const real = await realpath(next);
      if (!within(real, realVolume)) throw notWithin(real, realVolume);
      cur = real;
    } else if (st.isDirectory()) cur = next;
    else return; // an existing non-directory: the bind step decides whether it is usable
  }
}

export interface SubPathMount {
  /** The volume's host path. */
  volumePath: string;
  subPath: string;
  podDir: string;
  volumeName: string;
  containerName: string;
  /** Index of the volumeMount in the container's list: upstream's target name. */
  mountIndex: number;
}

/** Returns the host path to hand the runtime: a bind mount of the checked subPath. */
export async function prepareSubPath(m: SubPathMount): Promise<string> {
  validateSubPath(m.subPath);
  const realVolume = await realpath(m.volumePath);
  const full = join(realVolume, m.subPath);
  try {
    await stat(full);
  } catch {
    await safeMakeDir(realVolume, m.subPath, (await stat(realVolume)).mode & 0o7777);
  }
  const resolved = await realpath(full);
  if (!within(resolved, realVolume)) throw notWithin(resolved, realVolume);

  const fh = await open(resolved, O_PATH | constants.O_NOFOLLOW);
  try {
    const st = await fh.stat();
    if (st.isSymbolicLink()) throw notWithin(resolved, realVolume);
    const opened = await readlink(`/proc/self/fd/${fh.fd}`);
    if (!within(opened, realVolume)) throw notWithin(opened, realVolume);

    const target = join(m.podDir, SUBPATH_DIR, m.volumeName, m.containerName, String(m.mountIndex));
    if (await isMountPoint(target)) {
      const t = await lstat(target);
      if (t.dev === st.dev && t.ino === st.ino) return target;
      await unmount(target);
    }
    await mkdir(dirname(target), { recursive: true, mode: 0o750 });
    await removeStaleTarget(target, st.isDirectory());
    if (st.isDirectory()) await mkdir(target, { mode: 0o750 }).catch(ignoreExists);
    // A file target fits every non-directory source (devices, sockets …): the bind replaces it.
    else await writeFile(target, '', { mode: 0o640, flag: 'a' });
    await bindMount(`/proc/${process.pid}/fd/${fh.fd}`, target);
    return target;
  } finally {
    await fh.close();
  }
}

function ignoreExists(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EEXIST') throw err;
}

/** A leftover target of the other type (the subPath changed from file to dir or back). */
async function removeStaleTarget(target: string, wantDir: boolean): Promise<void> {
  let st;
  try {
    st = await lstat(target);
  } catch {
    return;
  }
  if (st.isDirectory() && !wantDir) await rmdir(target);
  else if (!st.isDirectory() && wantDir) await unlink(target);
}
