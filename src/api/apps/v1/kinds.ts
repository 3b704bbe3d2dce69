// apps/v1 kind definitions: names, schema, and the registry strategy hooks of each workload.
import './schema.js';
import type { KindDefinition } from '../../scheme/kind.js';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from './defaults.js';
import { semanticEqual } from './validation-helpers.js';
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from './types.js';
import {
  validateControllerRevision,
  validateControllerRevisionUpdate,
  validateDaemonSet,
  validateDaemonSetStatusUpdate,
  validateDaemonSetUpdate,
  validateDeployment,
  validateDeploymentStatusUpdate,
  validateDeploymentUpdate,
  validateReplicaSet,
  validateReplicaSetStatusUpdate,
  validateReplicaSetUpdate,
  validateStatefulSet,
  validateStatefulSetStatusUpdate,
  validateStatefulSetUpdate,
} from './validation.js';

const GROUP = 'apps';
const VERSION = 'v1';
const SCHEMA = 'io.k8s.api.apps.v1';

/** DaemonSets still carry their template generation in this annotation, as apps/v1 conversion does. */
export const daemonSetTemplateGenerationAnnotation = 'deprecated.daemonset.template.generation';

const replicaScale = { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' } as const;

export const deploymentKind: KindDefinition<Deployment> = {
  group: GROUP,
  version: VERSION,
  kind: 'Deployment',
  plural: 'deployments',
  singular: 'deployment',
  shortNames: ['deploy'],
  categories: ['all'],
  namespaced: true,
  schema: `${SCHEMA}.Deployment`,
  hasStatus: true,
  scale: replicaScale,
  default: defaultDeployment,
  prepareForCreate(d) {
    d.status = {};
  },
  prepareForUpdate(d, old) {
    // Annotations are copied onto ReplicaSets, so changing them is a new generation too.
    if (!semanticEqual(d.metadata.annotations, old.metadata.annotations)) d.metadata.generation = (old.metadata.generation ?? 0) + 1;
  },
  validateCreate: validateDeployment,
  validateUpdate: validateDeploymentUpdate,
  validateStatusUpdate: validateDeploymentStatusUpdate,
};

export const replicaSetKind: KindDefinition<ReplicaSet> = {
  group: GROUP,
  version: VERSION,
  kind: 'ReplicaSet',
  plural: 'replicasets',
  singular: 'replicaset',
  shortNames: ['rs'],
  categories: ['all'],
  namespaced: true,
  schema: `${SCHEMA}.ReplicaSet`,
  hasStatus: true,
  scale: replicaScale,
  default: defaultReplicaSet,
  prepareForCreate(rs) {
    // An empty status still serializes its non-omitempty counters.
    rs.status = { replicas: 0 };
  },
  validateCreate: validateReplicaSet,
  validateUpdate: validateReplicaSetUpdate,
  validateStatusUpdate: validateReplicaSetStatusUpdate,
};

function templateGeneration(ds: DaemonSet): number {
  const n = Number.parseInt(ds.metadata.annotations?.[daemonSetTemplateGenerationAnnotation] ?? '', 10);
  return Number.isFinite(n) ? n : 0;
}

function setTemplateGeneration(ds: DaemonSet, n: number): void {
  ds.metadata.annotations = { ...(ds.metadata.annotations ?? {}), [daemonSetTemplateGenerationAnnotation]: String(n) };
}

export const daemonSetKind: KindDefinition<DaemonSet> = {
  group: GROUP,
  version: VERSION,
  kind: 'DaemonSet',
  plural: 'daemonsets',
  singular: 'daemonset',
  shortNames: ['ds'],
  categories: ['all'],
  namespaced: true,
  schema: `${SCHEMA}.DaemonSet`,
  hasStatus: true,
  default: defaultDaemonSet,
  prepareForCreate(ds) {
    ds.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
    setTemplateGeneration(ds, Math.max(1, templateGeneration(ds)));
  },
  prepareForUpdate(ds, old) {
    // Clients cannot set the template generation; it moves only when the template does.
    const prev = templateGeneration(old);
    const changed = !semanticEqual(ds.spec?.template, old.spec?.template);
    setTemplateGeneration(ds, changed ? prev + 1 : prev);
  },
  validateCreate: validateDaemonSet,
  validateUpdate: validateDaemonSetUpdate,
  validateStatusUpdate: validateDaemonSetStatusUpdate,
};

export const statefulSetKind: KindDefinition<StatefulSet> = {
  group: GROUP,
  version: VERSION,
  kind: 'StatefulSet',
  plural: 'statefulsets',
  singular: 'statefulset',
  shortNames: ['sts'],
  categories: ['all'],
  namespaced: true,
  schema: `${SCHEMA}.StatefulSet`,
  hasStatus: true,
  scale: replicaScale,
  default: defaultStatefulSet,
  prepareForCreate(sts) {
    sts.status = { replicas: 0, availableReplicas: 0 };
  },
  validateCreate: validateStatefulSet,
  validateUpdate: validateStatefulSetUpdate,
  validateStatusUpdate: validateStatefulSetStatusUpdate,
};

export const controllerRevisionKind: KindDefinition<ControllerRevision> = {
  group: GROUP,
  version: VERSION,
  kind: 'ControllerRevision',
  plural: 'controllerrevisions',
  singular: 'controllerrevision',
  namespaced: true,
  schema: `${SCHEMA}.ControllerRevision`,
  // Revisions have no spec/status split and upstream never sets their generation.
  tracksGeneration: false,
  validateCreate: validateControllerRevision,
  validateUpdate: validateControllerRevisionUpdate,
};

export const appsKinds: KindDefinition[] = [deploymentKind, replicaSetKind, daemonSetKind, statefulSetKind, controllerRevisionKind] as KindDefinition[];
