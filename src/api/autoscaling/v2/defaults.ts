// Defaulting for autoscaling/v2 HorizontalPodAutoscalers (SetDefaults_HorizontalPodAutoscaler).
import type { HPAScalingRules, HorizontalPodAutoscaler, MetricSpec } from './types.js';

/** The CPU utilization target an autoscaler gets when it names no metric. */
export const defaultCPUUtilization = 80;

export function defaultCPUMetric(): MetricSpec {
  return { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: defaultCPUUtilization } } };
}

// Scale-down stabilization is left unset: the controller's flag decides it (300s by default).
const scaleUpDefaults = (): HPAScalingRules => ({
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
});
const scaleDownDefaults = (): HPAScalingRules => ({
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
});

/** Fields the user set win; the rest come from the defaults. */
function fillRules(given: HPAScalingRules | undefined, defaults: HPAScalingRules): HPAScalingRules {
  if (!given) return defaults;
  const out = { ...defaults };
  if (given.selectPolicy !== undefined) out.selectPolicy = given.selectPolicy;
  if (given.stabilizationWindowSeconds !== undefined) out.stabilizationWindowSeconds = given.stabilizationWindowSeconds;
  if (given.policies !== undefined) out.policies = given.policies;
  return out;
}

export function defaultHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): void {
  const spec = (hpa.spec ??= {});
  spec.minReplicas ??= 1;
  if (!spec.metrics || spec.metrics.length === 0) spec.metrics = [defaultCPUMetric()];
  // Behavior is only completed when the user gave one.
  if (spec.behavior) {
    spec.behavior.scaleUp = fillRules(spec.behavior.scaleUp, scaleUpDefaults());
    spec.behavior.scaleDown = fillRules(spec.behavior.scaleDown, scaleDownDefaults());
  }
}
