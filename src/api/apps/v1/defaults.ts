// Defaulting for apps/v1 (SetDefaults_* of k8s.io/kubernetes/pkg/apis/apps/v1), applied in place.
import { defaultPodTemplateSpec } from '../../core/v1/pod/defaults.js';
import type { PodTemplateSpec } from '../../core/v1/pod/types.js';
import type { DaemonSet, Deployment, PersistentVolumeClaimTemplate, ReplicaSet, StatefulSet } from './types.js';

function defaultTemplate(spec: { template?: PodTemplateSpec }): void {
  spec.template ??= {};
  defaultPodTemplateSpec(spec.template);
}

export function defaultDeployment(d: Deployment): void {
  const spec = (d.spec ??= {});
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {});
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultTemplate(spec);
}

export function defaultReplicaSet(rs: ReplicaSet): void {
  const spec = (rs.spec ??= {});
  spec.replicas ??= 1;
  defaultTemplate(spec);
}

export function defaultDaemonSet(ds: DaemonSet): void {
  const spec = (ds.spec ??= {});
  const strategy = (spec.updateStrategy ??= {});
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= 1;
    ru.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultTemplate(spec);
}

/** A claim template gets the PersistentVolumeClaim defaults: Filesystem mode, Pending phase. */
export function defaultClaimTemplate(pvc: PersistentVolumeClaimTemplate): void {
  const spec = (pvc.spec ??= {});
  spec.volumeMode ??= 'Filesystem';
  const status = (pvc.status ??= {});
  status.phase ??= 'Pending';
}

export function defaultStatefulSet(sts: StatefulSet): void {
  const spec = (sts.spec ??= {});
  if (!spec.podManagementPolicy) spec.podManagementPolicy = 'OrderedReady';
  const strategy = (spec.updateStrategy ??= {});
  if (!strategy.type) {
    strategy.type = 'RollingUpdate';
    strategy.rollingUpdate ??= {};
  }
  // Only a RollingUpdate block that exists gets its partition; OnDelete keeps none.
  if (strategy.type === 'RollingUpdate' && strategy.rollingUpdate) strategy.rollingUpdate.partition ??= 0;
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  if (!retention.whenDeleted) retention.whenDeleted = 'Retain';
  if (!retention.whenScaled) retention.whenScaled = 'Retain';
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  for (const pvc of spec.volumeClaimTemplates ?? []) defaultClaimTemplate(pvc);
  defaultTemplate(spec);
}
