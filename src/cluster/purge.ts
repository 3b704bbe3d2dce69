// `k8ts down --purge`: what a node leaves on the host once its pods are gone, removed: the
// service proxy's and the network policies' rules, the pod network (VXLAN device, routes,
// masquerading), the pods' bridge, the pods' cgroup root, and the data dir itself. The data dir
// goes only when nothing is mounted under it: rm -r across a mount deletes what it exposes.
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { removeCgroupRoot } from '../kubelet/host/cgroups.js';
import { mountPointsUnder } from '../kubelet/volumes/host-mounts.js';
import { cleanupNodeServices } from './node-services.js';

const run = promisify(execFile);
/** What `k8ts server` gives its node (it takes no flags for them). */
const BRIDGE = 'cni0';
const CGROUP_ROOT = '/k8ts';

/** Removes it all; returns what was done, one line each. */
export async function purgeNode(dataDir: string): Promise<string[]> {
  const done: string[] = [];
  if (process.getuid?.() === 0) {
    await cleanupNodeServices();
    done.push('service proxy, network policy and pod network rules removed');
    if (await run('ip', ['link', 'del', BRIDGE]).then(() => true, () => false)) done.push(`bridge ${BRIDGE} removed`);
    await removeCgroupRoot(CGROUP_ROOT);
  }
  if (existsSync(dataDir)) {
    const mounted = await mountPointsUnder(dataDir);
    if (mounted.length) throw new Error(`not removing ${dataDir}: still mounted: ${mounted.join(', ')}`);
    rmSync(dataDir, { recursive: true, force: true });
    done.push(`${dataDir} removed`);
  }
  return done;
}
