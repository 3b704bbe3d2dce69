// Defaulting for autoscaling/v1 HorizontalPodAutoscalers: only minReplicas. The CPU target stays
// unset here; conversion to the storage version makes the implied 80% explicit.
import type { HorizontalPodAutoscaler } from './types.js';

export function defaultHorizontalPodAutoscalerV1(hpa: HorizontalPodAutoscaler): void {
  const spec = (hpa.spec ??= {});
  spec.minReplicas ??= 1;
}
