// Workload controllers: ReplicationController, ReplicaSet, Deployment, DaemonSet, StatefulSet, ControllerRevision.
import type { LabelSelector, OwnerReference } from '../../api/meta/types.js';
import { parseApiVersion } from '../../api/meta/types.js';
import { ageColumn, ageOf, column, CONTAINERS_DESCRIPTION, IMAGES_DESCRIPTION, nameColumn, nameOf, printer, wide, type TableColumn } from './columns.js';
import { containerCells, formatLabels, formatLabelSelector, int, selectorString, type ContainerLike } from './format.js';

interface Template { metadata?: { labels?: Record<string, string> }; spec?: { containers?: ContainerLike[]; nodeSelector?: Record<string, string> } }

const wideContainerColumns = (selectorDescription: string): TableColumn[] => [
  wide('Containers', 'string', CONTAINERS_DESCRIPTION),
  wide('Images', 'string', IMAGES_DESCRIPTION),
  wide('Selector', 'string', selectorDescription),
];

// Replica counts the API defaults to 1 when unset.
const desired = (replicas: unknown): number => (typeof replicas === 'number' ? replicas : 1);

const replicaColumns = (): TableColumn[] => [
  nameColumn(),
  column('Desired', 'integer', 'Number of desired pods.'),
  column('Current', 'integer', 'The most recently observed number of replicas.'),
  column('Ready', 'integer', 'The number of pods targeted by this controller with a Ready Condition.'),
  ageColumn(),
];

interface RCShape { spec?: { replicas?: number; selector?: Record<string, string>; template?: Template }; status?: { replicas?: number; readyReplicas?: number } }

export const replicationControllerPrinter = printer<RCShape>(
  [...replicaColumns(), ...wideContainerColumns('Labels the pods managed by this controller must match.')],
  (rc, now) => {
    const [names, images] = containerCells(rc.spec?.template?.spec?.containers);
    return [
      nameOf(rc), desired(rc.spec?.replicas), int(rc.status?.replicas), int(rc.status?.readyReplicas), ageOf(rc, now),
      names, images, formatLabels(rc.spec?.selector),
    ];
  },
);

interface RSShape { spec?: { replicas?: number; selector?: LabelSelector; template?: Template }; status?: { replicas?: number; readyReplicas?: number } }

export const replicaSetPrinter = printer<RSShape>(
  [...replicaColumns(), ...wideContainerColumns('Label query over pods that should match the replica count.')],
  (rs, now) => {
    const [names, images] = containerCells(rs.spec?.template?.spec?.containers);
    return [
      nameOf(rs), desired(rs.spec?.replicas), int(rs.status?.replicas), int(rs.status?.readyReplicas), ageOf(rs, now),
      names, images, formatLabelSelector(rs.spec?.selector),
    ];
  },
);

interface DeploymentShape {
  spec?: { replicas?: number; selector?: LabelSelector; template?: Template };
  status?: { updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number };
}

export const deploymentPrinter = printer<DeploymentShape>(
  [
    nameColumn(),
    column('Ready', 'string', 'Number of the pod with ready state'),
    column('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    column('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    ageColumn(),
    ...wideContainerColumns('Label selector for pods.'),
  ],
  (d, now) => {
    const [names, images] = containerCells(d.spec?.template?.spec?.containers);
    return [
      nameOf(d), `${int(d.status?.readyReplicas)}/${desired(d.spec?.replicas)}`, int(d.status?.updatedReplicas),
      int(d.status?.availableReplicas), ageOf(d, now), names, images, selectorString(d.spec?.selector),
    ];
  },
);

interface DaemonSetShape {
  spec?: { selector?: LabelSelector; template?: Template };
  status?: { desiredNumberScheduled?: number; currentNumberScheduled?: number; numberReady?: number; updatedNumberScheduled?: number; numberAvailable?: number };
}

export const daemonSetPrinter = printer<DaemonSetShape>(
  [
    nameColumn(),
    column('Desired', 'integer', 'The total number of nodes that should be running the daemon pod.'),
    column('Current', 'integer', 'The number of nodes running at least one daemon pod that are supposed to.'),
    column('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of it running and ready.'),
    column('Up-to-date', 'integer', 'The total number of nodes running the updated daemon pod.'),
    column('Available', 'integer', 'The number of nodes running the daemon pod and having it available.'),
    column('Node Selector', 'string', 'Labels a node must carry for the pod to be scheduled there.'),
    ageColumn(),
    ...wideContainerColumns('A label query over pods that are managed by the daemon set.'),
  ],
  (ds, now) => {
    const s = ds.status ?? {};
    const [names, images] = containerCells(ds.spec?.template?.spec?.containers);
    return [
      nameOf(ds), int(s.desiredNumberScheduled), int(s.currentNumberScheduled), int(s.numberReady), int(s.updatedNumberScheduled),
      int(s.numberAvailable), formatLabels(ds.spec?.template?.spec?.nodeSelector), ageOf(ds, now),
      names, images, formatLabelSelector(ds.spec?.selector),
    ];
  },
);

interface StatefulSetShape { spec?: { replicas?: number; template?: Template }; status?: { readyReplicas?: number } }

export const statefulSetPrinter = printer<StatefulSetShape>(
  [
    nameColumn(),
    column('Ready', 'string', 'Number of the pod with ready state'),
    ageColumn(),
    wide('Containers', 'string', CONTAINERS_DESCRIPTION),
    wide('Images', 'string', IMAGES_DESCRIPTION),
  ],
  (ss, now) => {
    const [names, images] = containerCells(ss.spec?.template?.spec?.containers);
    return [nameOf(ss), `${int(ss.status?.readyReplicas)}/${desired(ss.spec?.replicas)}`, ageOf(ss, now), names, images];
  },
);

/** "statefulset.apps/web" for the controlling owner; "<none>" without one. */
export function controllerName(owners: readonly OwnerReference[] | undefined): string {
  const ref = (owners ?? []).find((o) => o.controller === true);
  if (!ref) return '<none>';
  const { group } = parseApiVersion(ref.apiVersion ?? '');
  if (!ref.kind) return ref.name;
  const groupKind = group ? `${ref.kind}.${group}` : ref.kind;
  return `${groupKind.toLowerCase()}/${ref.name}`;
}

export const controllerRevisionPrinter = printer<{ revision?: number }>(
  [
    nameColumn(),
    column('Controller', 'string', 'Controller of the object'),
    column('Revision', 'string', 'The revision of the state represented by this object.'),
    ageColumn(),
  ],
  (cr, now) => [nameOf(cr), controllerName(cr.metadata?.ownerReferences), int(cr.revision), ageOf(cr, now)],
);
