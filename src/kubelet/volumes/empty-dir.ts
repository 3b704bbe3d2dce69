// emptyDir volumes: a 0777 directory under the pod dir, or a tmpfs for medium Memory sized as
// upstream sizes it (the smallest of sizeLimit, the pod's memory limit and the node's allocatable
// memory, whichever are known).
import { chmod, mkdir } from 'node:fs/promises';
import { parseQuantity } from '../../api/quantity/index.js';
import type { EmptyDirVolumeSource, Pod, QuantityValue } from '../../api/core/v1/pod/types.js';
import { isMountPoint, mountTmpfs } from './host-mounts.js';

function bytes(q: QuantityValue | undefined): number | undefined {
  if (q === undefined) return undefined;
  const v = parseQuantity(q).value();
  return v > 0 ? v : undefined;
}

/** Upstream's pod memory limit: defined only when every container has one. */
export function podMemoryLimit(pod: Pod): number | undefined {
  const apps = pod.spec?.containers ?? [];
  const inits = pod.spec?.initContainers ?? [];
  let sum = 0;
  for (const c of apps) {
    const l = bytes(c.resources?.limits?.['memory']);
    if (l === undefined) return undefined;
    sum += l;
  }
  let initMax = 0;
  for (const c of inits) {
    const l = bytes(c.resources?.limits?.['memory']);
    if (l === undefined) return undefined;
    // Sidecars (restartPolicy Always) run beside the app containers.
    if (c.restartPolicy === 'Always') sum += l;
    else initMax = Math.max(initMax, l);
  }
  return Math.max(sum, initMax);
}

export function tmpfsSize(pod: Pod, src: EmptyDirVolumeSource, nodeAllocatableMemory?: QuantityValue): number | undefined {
  let size = bytes(nodeAllocatableMemory);
  const podLimit = podMemoryLimit(pod);
  if (podLimit !== undefined && (size === undefined || podLimit <= size)) size = podLimit;
  const volLimit = bytes(src.sizeLimit);
  if (volLimit !== undefined && (size === undefined || volLimit <= size)) size = volLimit;
  return size;
}

/** Idempotent: an existing directory or mounted tmpfs is left as it is. */
export async function setUpEmptyDir(dir: string, pod: Pod, src: EmptyDirVolumeSource, nodeAllocatableMemory?: QuantityValue): Promise<void> {
  await mkdir(dir, { recursive: true });
  const medium = src.medium ?? '';
  if (medium === 'Memory') {
    if (!(await isMountPoint(dir))) await mountTmpfs(dir, tmpfsSize(pod, src, nodeAllocatableMemory));
    return;
  }
  if (medium !== '') throw new Error(`unknown storage medium "${medium}"`);
  // 0777 whatever the umask: containers running as any user write here.
  await chmod(dir, 0o777);
}
