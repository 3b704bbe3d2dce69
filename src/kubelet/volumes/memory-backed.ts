// Secret, downwardAPI and projected volumes live on a tmpfs, as upstream wraps them in a
// memory-medium emptyDir: a Secret or a ServiceAccount token never touches the node's disk. The
// tmpfs is sized as such an emptyDir (the pod's memory limit, else the node's allocatable memory).
// ConfigMap volumes stay on disk, as upstream's do.
import { lstat, mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Pod, QuantityValue } from '../../api/core/v1/pod/types.js';
import { DATA_DIR_NAME } from './atomic-writer.js';
import { tmpfsSize } from './empty-dir.js';
import { mountTmpfs } from './host-mounts.js';

/** A mount point has a device of its own; two stats, not a read of the mount table, on every refresh. */
async function isOwnFilesystem(dir: string): Promise<boolean> {
  const [self, parent] = await Promise.all([stat(dir), stat(dirname(dir))]);
  return self.dev !== parent.dev;
}

async function hasData(dir: string): Promise<boolean> {
  return lstat(join(dir, DATA_DIR_NAME)).then(
    () => true,
    () => false,
  );
}

/**
 * Makes `dir` a tmpfs unless it is one already; true when it mounted one now (so a failed first
 * write can unmount it again). A volume an older agent wrote on disk is left there: its containers
 * bind-mounted the disk directory, and a tmpfs over it would hide every later update from them.
 */
export async function ensureMemoryBacked(dir: string, pod: Pod, nodeAllocatableMemory?: QuantityValue): Promise<boolean> {
  await mkdir(dir, { recursive: true });
  if (await isOwnFilesystem(dir)) return false;
  if (await hasData(dir)) return false;
  await mountTmpfs(dir, tmpfsSize(pod, { medium: 'Memory' }, nodeAllocatableMemory));
  return true;
}
