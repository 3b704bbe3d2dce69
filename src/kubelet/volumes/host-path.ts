// hostPath volumes: the host path is mounted as is; `type` asks for a check (or creation) first,
// with upstream's messages.
import { lstat, mkdir, open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    // Follows symlinks, as upstream's checks do: a link to a directory is a directory.
    return await stat(path);
  } catch {
    return undefined;
  }
}

async function existsNoFollow(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Checks (or creates) the host path for the volume's `type`; throws upstream's message. */
export async function checkHostPathType(path: string, type: string | undefined): Promise<void> {
  const fail = (what: string) => new Error(`hostPath type check failed: ${path} is not ${what}`);
  let want = type ?? '';
  if (want === '') return;
  // The …OrCreate types create what is missing; an existing path must then be of the kind.
  if (want === 'DirectoryOrCreate' || want === 'FileOrCreate') {
    if (!(await existsNoFollow(path))) {
      if (want === 'DirectoryOrCreate') await mkdir(path, { recursive: true, mode: 0o755 });
      // O_CREAT without O_TRUNC: a file appearing meanwhile is left untouched.
      else await (await open(path, 'a', 0o644)).close();
      return;
    }
    want = want === 'DirectoryOrCreate' ? 'Directory' : 'File';
  }
  const st = await statOrUndefined(path);
  switch (want) {
    case 'Directory':
      if (!st?.isDirectory()) throw fail('a directory');
      return;
    case 'File':
      if (!st?.isFile()) throw fail('a file');
      return;
    case 'Socket':
      if (!st?.isSocket()) throw fail('a socket file');
      return;
    case 'CharDevice':
      if (!st?.isCharacterDevice()) throw fail('a character device');
      return;
    case 'BlockDevice':
      if (!st?.isBlockDevice()) throw fail('a block device');
      return;
    default:
      throw new Error(`${type} is an invalid volume type`);
  }
}
