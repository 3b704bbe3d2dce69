// The two kinds one replica controller serves. A ReplicationController is a ReplicaSet with a
// map selector, as upstream's conversion adapter treats it; everything else is shared.
import type { ReplicationController } from '../../api/core/v1/pod/types.js';
import type { PodTemplateSpec } from '../../api/core/v1/pod/types.js';
import type { ReplicaSet } from '../../api/apps/v1/types.js';
import type { Condition, KubeObject } from '../../api/meta/types.js';
import { selectorFromLabelSelector, selectorFromSet, type Selector } from '../../api/labels/index.js';
import { R, type GroupVersionResource } from '../../client/resources.js';

/** The fields ReplicaSet and ReplicationController share. */
export interface ReplicaOwner extends KubeObject {
  spec?: { replicas?: number; minReadySeconds?: number; template?: PodTemplateSpec; selector?: unknown };
  status?: {
    replicas?: number;
    fullyLabeledReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    observedGeneration?: number;
    conditions?: Condition[];
  };
}

export interface ReplicaKind {
  kind: string;
  apiVersion: string;
  resource: GroupVersionResource;
  /** The event source component, as upstream names it. */
  component: string;
  selector(owner: ReplicaOwner): Selector;
}

export const replicaSetKind: ReplicaKind = {
  kind: 'ReplicaSet',
  apiVersion: 'apps/v1',
  resource: R.replicasets,
  component: 'replicaset-controller',
  selector: (o) => selectorFromLabelSelector((o as ReplicaSet).spec?.selector),
};

export const replicationControllerKind: ReplicaKind = {
  kind: 'ReplicationController',
  apiVersion: 'v1',
  resource: R.replicationcontrollers,
  component: 'replication-controller',
  selector: (o) => {
    const sel = (o as ReplicationController).spec?.selector;
    // An RC's selector is defaulted to its template's labels; an empty one would select everything.
    return sel && Object.keys(sel).length ? selectorFromSet(sel) : selectorFromSet((o as ReplicationController).spec?.template?.metadata?.labels);
  },
};
