// HorizontalPodAutoscalers (autoscaling/v1 and v2): the Targets column compares current and target metrics.
import { ageColumn, ageOf, column, nameColumn, nameOf, printer } from './columns.js';
import { int } from './format.js';

interface MetricTarget { type?: string; averageUtilization?: number; averageValue?: unknown; value?: unknown }
interface MetricValue { averageUtilization?: number; averageValue?: unknown; value?: unknown }

interface MetricSpec {
  type: string;
  resource?: { name: string; target: MetricTarget };
  containerResource?: { name: string; container?: string; target: MetricTarget };
  pods?: { target: MetricTarget };
  object?: { target: MetricTarget };
  external?: { target: MetricTarget };
}

interface MetricStatus {
  resource?: { current?: MetricValue };
  containerResource?: { current?: MetricValue };
  pods?: { current?: MetricValue };
  object?: { current?: MetricValue };
  external?: { current?: MetricValue };
}

interface HPAShape {
  spec?: {
    scaleTargetRef?: { kind?: string; name?: string };
    minReplicas?: number;
    maxReplicas?: number;
    metrics?: MetricSpec[];
    targetCPUUtilizationPercentage?: number; // autoscaling/v1
  };
  status?: {
    currentReplicas?: number;
    currentMetrics?: MetricStatus[] | null;
    currentCPUUtilizationPercentage?: number; // autoscaling/v1
  };
}

// What the API defaults an HPA without metrics to: average CPU utilization of 80%.
const DEFAULT_CPU_UTILIZATION = 80;

const UNKNOWN = '<unknown>';

function q(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '<nil>';
}

/** autoscaling/v1's single CPU target, expressed the way v2 (and the printer) sees it. */
function v1AsV2(spec: NonNullable<HPAShape['spec']>, status: HPAShape['status']): { specs: MetricSpec[]; statuses: MetricStatus[] } {
  const target = spec.targetCPUUtilizationPercentage ?? DEFAULT_CPU_UTILIZATION;
  const specs: MetricSpec[] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }];
  const current = status?.currentCPUUtilizationPercentage;
  const statuses: MetricStatus[] = typeof current === 'number' ? [{ resource: { current: { averageUtilization: current } } }] : status?.currentMetrics ?? [];
  return { specs, statuses };
}

function resourceTarget(name: string, target: MetricTarget, current: MetricValue | undefined): string {
  if (target.averageValue !== undefined && target.averageValue !== null) {
    const cur = current ? q(current.averageValue) : UNKNOWN;
    return `${name}: ${cur}/${q(target.averageValue)}`;
  }
  const cur = typeof current?.averageUtilization === 'number' ? `${current.averageUtilization}%` : UNKNOWN;
  const tgt = typeof target.averageUtilization === 'number' ? `${target.averageUtilization}%` : '<auto>';
  return `${name}: ${cur}/${tgt}`;
}

function valueTarget(target: MetricTarget, current: MetricValue | undefined, present: boolean): string {
  if (target.averageValue !== undefined && target.averageValue !== null) {
    const cur = present && current?.averageValue !== undefined ? q(current.averageValue) : UNKNOWN;
    return `${cur}/${q(target.averageValue)} (avg)`;
  }
  const cur = present ? q(current?.value) : UNKNOWN;
  return `${cur}/${q(target.value)}`;
}

function metricText(spec: MetricSpec, status: MetricStatus | undefined): string {
  switch (spec.type) {
    case 'Resource':
      return resourceTarget(spec.resource?.name ?? '', spec.resource?.target ?? {}, status?.resource?.current);
    case 'ContainerResource':
      return resourceTarget(spec.containerResource?.name ?? '', spec.containerResource?.target ?? {}, status?.containerResource?.current);
    case 'Pods': {
      const cur = status?.pods ? q(status.pods.current?.averageValue) : UNKNOWN;
      return `${cur}/${q(spec.pods?.target.averageValue)}`;
    }
    case 'Object':
      return valueTarget(spec.object?.target ?? {}, status?.object?.current, status?.object !== undefined);
    case 'External':
      return valueTarget(spec.external?.target ?? {}, status?.external?.current, status?.external !== undefined);
    default:
      return '<unknown type>';
  }
}

/** "cpu: 50%/80%, memory: 10Mi/100Mi + 1 more..." — at most two metrics shown. */
export function hpaTargets(hpa: HPAShape): string {
  const spec = hpa.spec ?? {};
  let specs = spec.metrics ?? [];
  let statuses = hpa.status?.currentMetrics ?? [];
  if (specs.length === 0) ({ specs, statuses } = v1AsV2(spec, hpa.status));
  const max = 2;
  const parts = specs.map((s, i) => metricText(s, statuses[i]));
  const shown = parts.slice(0, max).join(', ');
  return parts.length > max ? `${shown} + ${parts.length - max} more...` : shown;
}

export const horizontalPodAutoscalerPrinter = printer<HPAShape>(
  [
    nameColumn(),
    column('Reference', 'string', 'The scaled resource, as Kind/name.'),
    column('Targets', 'string', 'Current and target values of the metrics used to compute the replica count.'),
    column('MinPods', 'string', 'The lower limit for the number of replicas.'),
    column('MaxPods', 'string', 'The upper limit for the number of replicas.'),
    column('Replicas', 'string', 'Current number of replicas of pods managed by this autoscaler.'),
    ageColumn(),
  ],
  (hpa, now) => {
    const spec = hpa.spec ?? {};
    const ref = `${spec.scaleTargetRef?.kind ?? ''}/${spec.scaleTargetRef?.name ?? ''}`;
    const minPods = typeof spec.minReplicas === 'number' ? String(spec.minReplicas) : '<unset>';
    return [nameOf(hpa), ref, hpaTargets(hpa), minPods, int(spec.maxReplicas), int(hpa.status?.currentReplicas), ageOf(hpa, now)];
  },
);
