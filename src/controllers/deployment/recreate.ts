// The Recreate strategy (upstream's rolloutRecreate): scale every old ReplicaSet to zero, wait
// until none of their pods is left running, and only then create and scale up the new one.
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { ReplicaSet } from '../../api/apps/v1/types.js';
import { actualReplicaCount, filterActive, specReplicas } from './replicas.js';
import { deploymentComplete } from './status.js';
import type { DeploymentSync } from './sync.js';

/** Pods by the uid of the ReplicaSet that controls them. */
export type PodMap = Map<string, Pod[]>;

export async function rolloutRecreate(s: DeploymentSync, podMap: PodMap): Promise<void> {
  let { newRS, oldRSs } = await s.newAndOld(false);
  let scaledDown = false;
  for (const rs of filterActive(oldRSs)) if ((await s.scaleAndRecord(rs, 0)).scaled) scaledDown = true;
  const latest = (rss: (ReplicaSet | undefined)[]) => rss.map((rs) => rs && (s.rsList.find((x) => x.metadata.uid === rs.metadata.uid) ?? rs));
  if (scaledDown || oldPodsRunning(newRS, latest(oldRSs) as ReplicaSet[], podMap)) {
    return s.syncRolloutStatus(latest([...oldRSs, newRS]), newRS);
  }
  if (!newRS) ({ newRS, oldRSs } = await s.newAndOld(true));
  if (newRS && specReplicas(newRS) !== specReplicas(s.d)) await s.scaleAndRecord(newRS, specReplicas(s.d));
  if (deploymentComplete(s.d, s.d.status ?? {})) await s.cleanup(latest(oldRSs) as ReplicaSet[]);
  return s.syncRolloutStatus(latest([...oldRSs, newRS]), newRS && latest([newRS])[0]);
}

function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[], podMap: PodMap): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    if (pods.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}
