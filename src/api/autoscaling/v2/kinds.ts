// autoscaling/v2 HorizontalPodAutoscaler: the storage version both autoscaling versions share.
import './schema.js';
import type { KindDefinition } from '../../scheme/kind.js';
import { defaultHorizontalPodAutoscaler } from './defaults.js';
import type { HorizontalPodAutoscaler } from './types.js';
import { validateHorizontalPodAutoscaler, validateHorizontalPodAutoscalerStatusUpdate, validateHorizontalPodAutoscalerUpdate } from './validation.js';

export const horizontalPodAutoscalerV2Kind: KindDefinition<HorizontalPodAutoscaler> = {
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  shortNames: ['hpa'],
  categories: ['all'],
  namespaced: true,
  schema: 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler',
  hasStatus: true,
  default: defaultHorizontalPodAutoscaler,
  prepareForCreate(hpa) {
    // desiredReplicas is serialized even when zero.
    hpa.status = { desiredReplicas: 0 };
  },
  validateCreate: validateHorizontalPodAutoscaler,
  validateUpdate: validateHorizontalPodAutoscalerUpdate,
  validateStatusUpdate: validateHorizontalPodAutoscalerStatusUpdate,
};

export const autoscalingV2Kinds: KindDefinition[] = [horizontalPodAutoscalerV2Kind] as KindDefinition[];
