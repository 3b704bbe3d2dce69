// Kind definitions of core/v1 Pod, PodTemplate, ReplicationController and Binding: names,
// schema, and the strategy hooks the API server runs for each.
import './schema.js';
import type { KindDefinition } from '../../../scheme/kind.js';
import { CORE_V1 } from './schema.js';
import { defaultPod, defaultPodTemplate, defaultReplicationController } from './defaults.js';
import { podDeletionGracePeriod, preparePodForCreate } from './strategy.js';
import type { Binding, Pod, PodTemplate, ReplicationController } from './types.js';
import {
  validateBinding,
  validatePod,
  validatePodStatusUpdate,
  validatePodTemplate,
  validatePodTemplateUpdate,
  validatePodUpdate,
  validateReplicationController,
  validateReplicationControllerStatusUpdate,
  validateReplicationControllerUpdate,
} from './validation.js';

export { computeQOSClass } from './qos.js';

const core = { group: '', version: 'v1' } as const;

// Field selectors render values as upstream's field sets do: booleans as "true"/"false", absent as "".
export const podFieldSelectors: Record<string, (p: Pod) => string | undefined> = {
  'spec.nodeName': (p) => p.spec?.nodeName ?? '',
  'spec.restartPolicy': (p) => p.spec?.restartPolicy ?? '',
  'spec.schedulerName': (p) => p.spec?.schedulerName ?? '',
  'spec.serviceAccountName': (p) => p.spec?.serviceAccountName ?? '',
  'spec.hostNetwork': (p) => String(p.spec?.hostNetwork ?? false),
  'status.phase': (p) => p.status?.phase ?? '',
  'status.podIP': (p) => p.status?.podIPs?.[0]?.ip ?? p.status?.podIP ?? '',
  'status.nominatedNodeName': (p) => p.status?.nominatedNodeName ?? '',
};

export const podKind: KindDefinition<Pod> = {
  ...core,
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  shortNames: ['po'],
  categories: ['all'],
  namespaced: true,
  schema: `${CORE_V1}.Pod`,
  hasStatus: true,
  // Kubernetes 1.32 does not set metadata.generation on pods (that arrives in 1.33).
  tracksGeneration: false,
  default: defaultPod,
  prepareForCreate: preparePodForCreate,
  prepareForUpdate(pod, old) {
    pod.status = old.status;
  },
  validateCreate: validatePod,
  validateUpdate: validatePodUpdate,
  validateStatusUpdate: validatePodStatusUpdate,
  deletionGracePeriod: podDeletionGracePeriod,
  fieldSelectors: podFieldSelectors,
};

export const podTemplateKind: KindDefinition<PodTemplate> = {
  ...core,
  kind: 'PodTemplate',
  plural: 'podtemplates',
  singular: 'podtemplate',
  namespaced: true,
  schema: `${CORE_V1}.PodTemplate`,
  tracksGeneration: false,
  default: defaultPodTemplate,
  validateCreate: validatePodTemplate,
  validateUpdate: validatePodTemplateUpdate,
};

export const replicationControllerKind: KindDefinition<ReplicationController> = {
  ...core,
  kind: 'ReplicationController',
  plural: 'replicationcontrollers',
  singular: 'replicationcontroller',
  shortNames: ['rc'],
  categories: ['all'],
  namespaced: true,
  schema: `${CORE_V1}.ReplicationController`,
  hasStatus: true,
  scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' },
  default: defaultReplicationController,
  prepareForCreate(rc) {
    // status.replicas is not omitempty upstream, so a fresh status reads {replicas: 0}.
    rc.status = { replicas: 0 };
  },
  prepareForUpdate(rc, old) {
    rc.status = old.status;
  },
  validateCreate: validateReplicationController,
  validateUpdate: validateReplicationControllerUpdate,
  validateStatusUpdate: validateReplicationControllerStatusUpdate,
};

export const bindingKind: KindDefinition<Binding> = {
  ...core,
  kind: 'Binding',
  plural: 'bindings',
  singular: 'binding',
  namespaced: true,
  schema: `${CORE_V1}.Binding`,
  verbs: ['create'],
  tracksGeneration: false,
  validateCreate: validateBinding,
};

export const podKinds: KindDefinition[] = [podKind, podTemplateKind, replicationControllerKind, bindingKind] as unknown as KindDefinition[];
