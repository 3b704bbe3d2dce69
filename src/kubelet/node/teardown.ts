// What `k8ts down` does to a node the server left running (a stopped server leaves its pods
// running on purpose, for the next start to adopt): every pod sandbox of the node's own
// containerd stopped and removed (the CNI plugins release the pods' addresses and veths), the
// pods' volume mounts unmounted, then containerd stopped. Works after a crash as well, since it
// needs nothing but the agent's data dir.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ContainerdRuntime } from '../cri/runtime.js';
import { containerdSocketPath, isContainerdListening, startContainerd } from '../containerd/supervisor.js';
import { PAUSE_IMAGE } from '../images/builtin.js';
import { mountPointsUnder, unmount } from '../volumes/host-mounts.js';

export interface TeardownResult {
  sandboxes: number;
  unmounted: number;
}

/** Stops and removes every pod of the agent under `agentDir` (the server's <data-dir>/agent). */
export async function removeNodePods(agentDir: string, log: (line: string) => void = () => undefined): Promise<TeardownResult> {
  const result = { sandboxes: 0, unmounted: 0 };
  const hasContainerd = existsSync(join(agentDir, 'containerd')) || (await isContainerdListening(containerdSocketPath(agentDir)));
  if (hasContainerd) {
    // Adopts the containerd the agent left running (or starts it on the same state to reach its shims).
    const containerd = await startContainerd({ dataDir: agentDir, sandboxImage: PAUSE_IMAGE, log });
    const runtime = new ContainerdRuntime({ endpoint: containerd.endpoint, log });
    try {
      await runtime.connect(20_000);
      for (const sb of await runtime.listPodSandbox()) {
        await runtime.stopPodSandbox(sb.id);
        await runtime.removePodSandbox(sb.id);
        result.sandboxes++;
      }
    } finally {
      runtime.close();
      await containerd.stop();
    }
  }
  const pods = join(agentDir, 'pods');
  for (const uid of existsSync(pods) ? readdirSync(pods) : []) {
    for (const mp of await mountPointsUnder(join(pods, uid))) {
      await unmount(mp);
      result.unmounted++;
    }
  }
  return result;
}
