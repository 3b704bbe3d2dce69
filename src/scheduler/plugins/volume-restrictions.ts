// VolumeRestrictions, the part that concerns claims: a ReadWriteOncePod claim is used by one pod
// at a time in the whole cluster, so a second pod asking for it is unschedulable until the first
// is gone (upstream's ErrReasonReadWriteOncePodConflict; preemption could free it, hence
// Unschedulable, not unresolvable). In-line disk conflicts (GCE PD, EBS, RBD, iSCSI) have no
// plugin in k8ts: no node mounts those sources.
import type { PersistentVolumeClaim } from '../../api/core/v1/types.js';
import { SKIP, unschedulable, type CycleState, type FilterPlugin, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { podClaimNames } from './volume-binding.js';

export const ERR_RWOP_CONFLICT = 'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';

export class VolumeRestrictionsPlugin implements FilterPlugin {
  readonly name = 'VolumeRestrictions';

  constructor(private readonly claim: (key: string) => PersistentVolumeClaim | undefined) {}

  preFilter(state: CycleState): Status | undefined {
    const pod = state.pod.pod;
    const ns = pod.metadata.namespace ?? 'default';
    const rwop = new Set<string>();
    for (const { name } of podClaimNames(pod)) {
      if (this.claim(`${ns}/${name}`)?.spec?.accessModes?.includes('ReadWriteOncePod')) rwop.add(name);
    }
    if (rwop.size === 0) return SKIP;
    // Any other pod placed anywhere that uses one of these claims is a conflict.
    for (const ni of state.cache.nodeList()) {
      for (const pi of ni.pods.values()) {
        if (pi.key === state.pod.key || state.excluded.has(pi.key) || (pi.pod.metadata.namespace ?? 'default') !== ns) continue;
        if (podClaimNames(pi.pod).some((c) => rwop.has(c.name))) return unschedulable(ERR_RWOP_CONFLICT);
      }
    }
    return SKIP;
  }

  filter(_state: CycleState, _node: NodeInfo): Status | undefined {
    return undefined;
  }
}
