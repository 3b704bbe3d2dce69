// fsGroup: upstream's SetVolumeOwnership (simple version, no change policy): every file and
// directory of the volume gets the group and group read (and write, unless the volume is
// read-only); directories also get setgid and group search so new files inherit the group.
import { chmod, lchown, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const RW_MASK = 0o660;
const RO_MASK = 0o440;
const EXEC_MASK = 0o110;
const SETGID = 0o2000;

export async function applyFsGroup(path: string, fsGroup: number, readOnly: boolean): Promise<void> {
  const st = await lstat(path);
  await lchown(path, -1, fsGroup);
  // Symlinks keep their own mode; the atomic writer's links point at files handled below.
  if (st.isSymbolicLink()) return;
  let mask = readOnly ? RO_MASK : RW_MASK;
  if (st.isDirectory()) mask |= SETGID | EXEC_MASK;
  await chmod(path, (st.mode & 0o7777) | mask);
  if (st.isDirectory()) {
    for (const name of await readdir(path)) await applyFsGroup(join(path, name), fsGroup, readOnly);
  }
}
