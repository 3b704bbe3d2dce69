// The few mount operations the volume manager needs (tmpfs, bind, unmount) through the
// util-linux binaries, and the host's mount table read from /proc/self/mountinfo.
import { execFile } from 'node:child_process';
import { readFile, realpath } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** mountinfo escapes space, tab, newline and backslash as octal (\040 …). */
function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Mount points currently in this process's mount namespace, in mount order. */
export async function listMountPoints(): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    if (fields.length > 4) out.push(unescapeMountPath(fields[4]!));
  }
  return out;
}

/** mountinfo holds canonical paths: compare against the real path, or a symlinked data dir hides its mounts. */
async function canonical(path: string): Promise<string> {
  const p = await realpath(path).catch(() => path);
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

/** Mount points at or below `dir`, deepest first (the order they must be unmounted in). */
export async function mountPointsUnder(dir: string): Promise<string[]> {
  const base = await canonical(dir);
  const found = new Set((await listMountPoints()).filter((p) => p === base || p.startsWith(base + '/')));
  return [...found].sort((a, b) => b.length - a.length);
}

export async function isMountPoint(path: string): Promise<boolean> {
  const p = await canonical(path);
  return (await listMountPoints()).includes(p);
}

async function mountCmd(args: string[]): Promise<void> {
  try {
    await run('mount', args, { timeout: 30_000 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`mount failed: ${stderr || (err as Error).message}`);
  }
}

/** `mount -t tmpfs -o size=N tmpfs dir`, as upstream's emptyDir medium Memory. */
export async function mountTmpfs(dir: string, sizeBytes?: number): Promise<void> {
  const args = ['-t', 'tmpfs'];
  if (sizeBytes !== undefined && sizeBytes > 0) args.push('-o', `size=${Math.ceil(sizeBytes)}`);
  await mountCmd([...args, 'tmpfs', dir]);
}

/**
 * Bind-mounts `source` onto `target`. --no-canonicalize keeps mount(8) from resolving
 * `/proc/<pid>/fd/<n>` into a path string, which would reopen the race the fd closed.
 */
export async function bindMount(source: string, target: string): Promise<void> {
  await mountCmd(['--no-canonicalize', '--bind', source, target]);
}

/**
 * `mount -t nfs [-o opts] server:/path dir`: the host's NFS client (mount.nfs from nfs-common and
 * the kernel's nfs filesystem), as upstream's nfs plugin mounts. Options are the PV's mountOptions.
 */
export async function mountNfs(source: string, target: string, options: string[]): Promise<void> {
  const args = ['-t', 'nfs'];
  if (options.length) args.push('-o', options.join(','));
  await mountCmd([...args, source, target]);
}

/** Unmounts `path`; a busy mount is detached lazily so teardown always makes progress. */
export async function unmount(path: string): Promise<void> {
  try {
    await run('umount', [path], { timeout: 30_000 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    if (/not mounted/i.test(stderr)) return;
    try {
      await run('umount', ['-l', path], { timeout: 30_000 });
    } catch (err2) {
      throw new Error(`unmount ${path} failed: ${((err2 as { stderr?: string }).stderr ?? String(err2)).trim()}`);
    }
  }
}
