// The directories of local-path volumes on this node: <storage>/pvc-<uid>_<namespace>_<claim>,
// created 0777 (as the provisioner's setup script does, so a container running as any user can
// write) and removed when the volume is deleted. Removal is the dangerous half: only a real
// directory (not a symlink) directly under the storage path, with a name of the form we create,
// is ever removed, and fs.rm never follows the links it meets inside it.
import { chmod, lstat, mkdir, realpath, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

const VOLUME_DIR_NAME = /^pvc-[0-9a-f-]+_[a-z0-9][-a-z0-9]*_[a-z0-9][-a-z0-9.]*$/;

/** The folder of a claim's volume, as rancher's local-path provisioner names it. */
export function volumeDirName(pvName: string, namespace: string, claim: string): string {
  return `${pvName}_${namespace}_${claim}`;
}

/** Creates (idempotently) the volume's directory under `storagePath`; returns its path. */
export async function createVolumeDir(storagePath: string, name: string): Promise<string> {
  if (!VOLUME_DIR_NAME.test(name)) throw new Error(`invalid volume directory name ${JSON.stringify(name)}`);
  const base = resolve(storagePath);
  await mkdir(base, { recursive: true, mode: 0o755 });
  const dir = join(base, name);
  await mkdir(dir, { mode: 0o777 }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  const st = await lstat(dir);
  if (!st.isDirectory()) throw new Error(`${dir} exists and is not a directory`);
  // mkdir's mode is masked by the umask.
  await chmod(dir, 0o777);
  return dir;
}

/**
 * Removes a volume's directory. Refuses any path that is not a directory of ours directly under
 * the storage path (a PV edited to point elsewhere must not make us delete it). Absent: done.
 */
export async function removeVolumeDir(storagePath: string, path: string): Promise<void> {
  const base = await realpath(resolve(storagePath)).catch(() => resolve(storagePath));
  const dir = resolve(path);
  if (dirname(dir) !== base && dirname(dir) !== resolve(storagePath)) throw new Error(`refusing to delete ${dir}: not under the local storage path ${base}`);
  if (!VOLUME_DIR_NAME.test(basename(dir))) throw new Error(`refusing to delete ${dir}: not a local-path volume directory`);
  let st;
  try {
    st = await lstat(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!st.isDirectory()) throw new Error(`refusing to delete ${dir}: not a directory`);
  await rm(dir, { recursive: true, force: true });
}
