// The RollingUpdate strategy (upstream's rolloutRolling): grow the new ReplicaSet within
// maxSurge, shrink old ones while at least replicas - maxUnavailable pods stay available,
// removing unhealthy old pods first so they never hold a rollout hostage.
import type { ReplicaSet } from '../../api/apps/v1/types.js';
import { availableReplicaCount, byCreation, filterActive, maxUnavailable, newRSNewReplicas, replicaCount, specReplicas } from './replicas.js';
import { deploymentComplete } from './status.js';
import type { DeploymentSync } from './sync.js';

export async function rolloutRolling(s: DeploymentSync): Promise<void> {
  const { newRS, oldRSs } = await s.newAndOld(true);
  const all = [...oldRSs, newRS];
  if (newRS && (await reconcileNewReplicaSet(s, all, newRS))) return s.syncRolloutStatus(currentAll(s, all), currentOf(s, newRS));
  if (newRS && (await reconcileOldReplicaSets(s, currentAll(s, all), filterActive(currentAll(s, oldRSs)), currentOf(s, newRS)))) {
    return s.syncRolloutStatus(currentAll(s, all), currentOf(s, newRS));
  }
  if (deploymentComplete(s.d, s.d.status ?? {})) await s.cleanup(currentAll(s, oldRSs) as ReplicaSet[]);
  return s.syncRolloutStatus(currentAll(s, all), newRS && currentOf(s, newRS));
}

/** The sync's latest copy of an RS (writes replace them). */
function currentOf(s: DeploymentSync, rs: ReplicaSet): ReplicaSet {
  return s.rsList.find((x) => x.metadata.uid === rs.metadata.uid) ?? rs;
}

function currentAll(s: DeploymentSync, rss: (ReplicaSet | undefined)[]): (ReplicaSet | undefined)[] {
  return rss.map((rs) => rs && currentOf(s, rs));
}

async function reconcileNewReplicaSet(s: DeploymentSync, all: (ReplicaSet | undefined)[], newRS: ReplicaSet): Promise<boolean> {
  const desired = specReplicas(s.d);
  if (specReplicas(newRS) === desired) return false;
  if (specReplicas(newRS) > desired) return (await s.scaleAndRecord(newRS, desired)).scaled;
  return (await s.scaleAndRecord(newRS, newRSNewReplicas(s.d, all, newRS))).scaled;
}

async function reconcileOldReplicaSets(s: DeploymentSync, all: (ReplicaSet | undefined)[], oldRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  if (replicaCount(oldRSs) === 0) return false;
  const minAvailable = specReplicas(s.d) - maxUnavailable(s.d);
  const newUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  // Counted on spec replicas, so pods already asked to go are not counted twice.
  const maxScaledDown = replicaCount(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = await cleanupUnhealthyReplicas(s, oldRSs, maxScaledDown);
  const old = oldRSs.map((rs) => currentOf(s, rs));
  const scaledDown = await scaleDownOldReplicaSets(s, [...old, newRS], old);
  return cleaned + scaledDown > 0;
}

/** Scale old RSs down by their unavailable pods, oldest first, up to `maxCleanup`. */
async function cleanupUnhealthyReplicas(s: DeploymentSync, oldRSs: ReplicaSet[], maxCleanup: number): Promise<number> {
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= maxCleanup) break;
    const available = rs.status?.availableReplicas ?? 0;
    if (specReplicas(rs) === 0 || specReplicas(rs) === available) continue;
    const count = Math.min(maxCleanup - total, specReplicas(rs) - available);
    const newCount = specReplicas(rs) - count;
    // Status lags a scale-down (the pods are still going): more available than asked for would
    // turn this "scale down" into a scale-up past the surge. Upstream refuses and retries too.
    if (newCount > specReplicas(rs)) {
      throw new Error(`when cleaning up unhealthy replicas, got invalid request to scale down ${rs.metadata.namespace}/${rs.metadata.name} ${specReplicas(rs)} -> ${newCount}`);
    }
    await s.scaleAndRecord(rs, newCount);
    total += count;
  }
  return total;
}

/** Scale old RSs down, oldest first, by as many pods as are available beyond the minimum. */
async function scaleDownOldReplicaSets(s: DeploymentSync, all: (ReplicaSet | undefined)[], oldRSs: ReplicaSet[]): Promise<number> {
  const minAvailable = specReplicas(s.d) - maxUnavailable(s.d);
  const available = availableReplicaCount(all);
  if (available <= minAvailable) return 0;
  const budget = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= budget) break;
    if (specReplicas(rs) === 0) continue;
    const count = Math.min(specReplicas(rs), budget - total);
    await s.scaleAndRecord(rs, specReplicas(rs) - count);
    total += count;
  }
  return total;
}
