// Removing a cgroup root the agent (or a test node) created under every cgroupfs controller:
// what is still running in it is killed, then the tree goes deepest first, since rmdir takes
// only empty cgroups.
import { existsSync } from 'node:fs';
import { readdir, readFile, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const CGROUP_FS = '/sys/fs/cgroup';

async function removeCgroupTree(dir: string): Promise<void> {
  for (const e of await readdir(dir).catch(() => [])) {
    const p = join(dir, e);
    if ((await stat(p).catch(() => undefined))?.isDirectory()) await removeCgroupTree(p);
  }
  const procs = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
  for (const pid of procs.split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
  for (let i = 0; i < 50; i++) {
    if (await rmdir(dir).then(() => true, () => !existsSync(dir))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Removes `root` (e.g. /k8ts-test-ab12) from every controller's hierarchy. */
export async function removeCgroupRoot(root: string): Promise<void> {
  for (const ctrl of await readdir(CGROUP_FS).catch(() => [])) {
    const base = join(CGROUP_FS, ctrl, root);
    if (existsSync(base)) await removeCgroupTree(base);
  }
}
