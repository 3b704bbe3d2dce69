// autoscaling/v1 autoscalers are validated in their v2 form, as upstream validates every version
// through one internal type; field paths therefore name v2 fields (spec.metrics[0]…).
import type { FieldError } from '../../validation/field.js';
import { validateHorizontalPodAutoscaler, validateHorizontalPodAutoscalerStatusUpdate, validateHorizontalPodAutoscalerUpdate } from '../v2/validation.js';
import { hpaToV2 } from './conversion.js';
import type { HorizontalPodAutoscaler } from './types.js';

export function validateHorizontalPodAutoscalerV1(hpa: HorizontalPodAutoscaler): FieldError[] {
  return validateHorizontalPodAutoscaler(hpaToV2(hpa));
}

export function validateHorizontalPodAutoscalerV1Update(hpa: HorizontalPodAutoscaler, old: HorizontalPodAutoscaler): FieldError[] {
  return validateHorizontalPodAutoscalerUpdate(hpaToV2(hpa), hpaToV2(old));
}

export function validateHorizontalPodAutoscalerV1StatusUpdate(hpa: HorizontalPodAutoscaler, old: HorizontalPodAutoscaler): FieldError[] {
  return validateHorizontalPodAutoscalerStatusUpdate(hpaToV2(hpa), hpaToV2(old));
}
