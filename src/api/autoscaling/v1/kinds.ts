// autoscaling/v1 HorizontalPodAutoscaler: served from autoscaling/v2 storage through conversion.
import './schema.js';
import type { KubeObject } from '../../meta/types.js';
import type { KindDefinition } from '../../scheme/kind.js';
import type * as v2 from '../v2/types.js';
import { conditionsAnnotation, hpaFromV2, hpaToV2, metricStatusesAnnotation } from './conversion.js';
import { defaultHorizontalPodAutoscalerV1 } from './defaults.js';
import type { HorizontalPodAutoscaler } from './types.js';
import { validateHorizontalPodAutoscalerV1, validateHorizontalPodAutoscalerV1StatusUpdate, validateHorizontalPodAutoscalerV1Update } from './validation.js';

/** Status carried in annotations follows the status: taken from `from`, or dropped when there is none. */
function carryStatusAnnotations(hpa: HorizontalPodAutoscaler, from: HorizontalPodAutoscaler | undefined): void {
  const next = { ...(hpa.metadata.annotations ?? {}) };
  for (const key of [metricStatusesAnnotation, conditionsAnnotation]) {
    const value = from?.metadata.annotations?.[key];
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  if (Object.keys(next).length) hpa.metadata.annotations = next;
  else delete hpa.metadata.annotations;
}

export const horizontalPodAutoscalerV1Kind: KindDefinition<HorizontalPodAutoscaler> = {
  group: 'autoscaling',
  version: 'v1',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  shortNames: ['hpa'],
  categories: ['all'],
  namespaced: true,
  schema: 'io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler',
  hasStatus: true,
  default: defaultHorizontalPodAutoscalerV1,
  prepareForCreate(hpa) {
    hpa.status = { currentReplicas: 0, desiredReplicas: 0 };
    carryStatusAnnotations(hpa, undefined);
  },
  prepareForUpdate(hpa, old) {
    // The main resource may not change status; in v1 part of it lives in annotations.
    carryStatusAnnotations(hpa, old);
  },
  validateCreate: validateHorizontalPodAutoscalerV1,
  validateUpdate: validateHorizontalPodAutoscalerV1Update,
  validateStatusUpdate: validateHorizontalPodAutoscalerV1StatusUpdate,
  storedAs: {
    group: 'autoscaling',
    version: 'v2',
    toStorage: (obj) => hpaToV2(obj) as KubeObject,
    fromStorage: (obj) => hpaFromV2(obj as v2.HorizontalPodAutoscaler),
  },
};

export const autoscalingV1Kinds: KindDefinition[] = [horizontalPodAutoscalerV1Kind] as KindDefinition[];
