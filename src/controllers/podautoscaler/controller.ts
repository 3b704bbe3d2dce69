// The horizontal pod autoscaler (pkg/controller/podautoscaler/horizontal.go): every sync period
// each HPA reads its target's `scale` subresource, computes a replica count per metric (the
// highest wins), stabilizes and rate-limits it, writes the new scale and reports conditions
// (AbleToScale, ScalingActive, ScalingLimited), current metrics and Events as upstream does.
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { HorizontalPodAutoscaler, HorizontalPodAutoscalerCondition, MetricSpec, MetricStatus } from '../../api/autoscaling/v2/types.js';
import { parseSelector } from '../../api/labels/index.js';
import { parseQuantity, Quantity } from '../../api/quantity/index.js';
import { errorMessage } from '../../client/errors.js';
import { EventRecorder } from '../../client/events.js';
import type { Informer, SharedInformerFactory } from '../../client/informer.js';
import { keyOf, R, resourcePath } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { rfc3339 } from '../../util/time.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';
import { RestMapper } from '../../client/rest-mapper.js';
import { ApiMetricsSource, type MetricsSource } from './metrics-client.js';
import { normalizeWithBehavior, normalizeWithoutBehavior, recordScale, type HpaMemory } from './normalize.js';
import { averageValueReplicas, plainMetricReplicas, resourceReplicas, valueReplicas, type CalculatorOptions } from './replica-calculator.js';

export interface HpaControllerOptions extends ControllerOptions {
  /** --horizontal-pod-autoscaler-sync-period (15 s). */
  syncPeriodMs?: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization (5 min). */
  downscaleStabilizationMs?: number;
  /** --horizontal-pod-autoscaler-tolerance (0.1). */
  tolerance?: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period (5 min). */
  cpuInitializationPeriodMs?: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay (30 s). */
  initialReadinessDelayMs?: number;
  /** Where metrics come from (tests give a fake); by default the metrics APIs through the client. */
  metrics?: MetricsSource;
}

interface Scale {
  metadata: { resourceVersion?: string };
  spec?: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}

type Cond = Omit<HorizontalPodAutoscalerCondition, 'lastTransitionTime'>;

class MetricError extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly event: string,
  ) {
    super(message);
  }
}

export class HorizontalPodAutoscalerController extends QueueController {
  private readonly hpas: Informer<HorizontalPodAutoscaler>;
  private readonly pods: Informer<Pod>;
  private readonly recorder: EventRecorder;
  private readonly mapper: RestMapper;
  private readonly metrics: MetricsSource;
  private readonly memory = new Map<string, HpaMemory>();
  private readonly o: Required<Omit<HpaControllerOptions, 'metrics' | 'workers' | 'log' | 'clock'>>;

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    opts: HpaControllerOptions = {},
  ) {
    super('horizontalpodautoscaler', opts, opts.workers ?? 5, { baseDelayMs: 1000, maxDelayMs: opts.syncPeriodMs ?? 15_000 });
    this.o = {
      syncPeriodMs: opts.syncPeriodMs ?? 15_000,
      downscaleStabilizationMs: opts.downscaleStabilizationMs ?? 300_000,
      tolerance: opts.tolerance ?? 0.1,
      cpuInitializationPeriodMs: opts.cpuInitializationPeriodMs ?? 300_000,
      initialReadinessDelayMs: opts.initialReadinessDelayMs ?? 30_000,
    };
    this.recorder = new EventRecorder(client, 'horizontal-pod-autoscaler', undefined, this.now);
    this.mapper = new RestMapper(client);
    this.metrics = opts.metrics ?? new ApiMetricsSource(client);
    this.hpas = this.cache(factory.informerFor<HorizontalPodAutoscaler>(R.horizontalpodautoscalers));
    this.pods = this.cache(factory.informerFor<Pod>(R.pods));
    this.hpas.addHandlers({
      add: (h) => this.queue.add(keyOf(h)),
      // Our own status writes come back as updates: only a changed spec is looked at before the period.
      update: (old, cur) => {
        if (old.metadata.generation !== cur.metadata.generation) this.queue.add(keyOf(cur));
      },
      delete: (h) => this.memory.delete(keyOf(h)),
    });
    this.every(this.o.syncPeriodMs, () => this.enqueueAll(this.hpas));
  }

  /** Drops what the controller remembers of deleted HPAs; also what tests read. */
  memoryOf(key: string): HpaMemory | undefined {
    return this.memory.get(key);
  }

  async sync(key: string): Promise<void> {
    const cached = this.hpas.get(key);
    if (!cached) {
      this.memory.delete(key);
      return;
    }
    const hpa = structuredClone(cached);
    hpa.apiVersion = 'autoscaling/v2';
    hpa.kind = 'HorizontalPodAutoscaler';
    const before = JSON.stringify(hpa.status ?? {});
    await this.reconcile(key, hpa);
    if (JSON.stringify(hpa.status ?? {}) !== before) await this.client.update(resourcePath(R.horizontalpodautoscalers, hpa.metadata.namespace, hpa.metadata.name, 'status'), hpa);
  }

  private setCondition(hpa: HorizontalPodAutoscaler, type: string, status: 'True' | 'False', reason: string, message: string): void {
    const st = (hpa.status ??= { desiredReplicas: 0 });
    const conds = (st.conditions ??= []);
    const existing = conds.find((c) => c.type === type);
    const c: Cond = { type, status, reason, message };
    if (existing) {
      if (existing.status !== status) existing.lastTransitionTime = rfc3339(this.now());
      Object.assign(existing, c);
    } else conds.push({ ...c, lastTransitionTime: rfc3339(this.now()) });
  }

  private async reconcile(key: string, hpa: HorizontalPodAutoscaler): Promise<void> {
    const spec = hpa.spec ?? {};
    const ns = hpa.metadata.namespace!;
    const ref = spec.scaleTargetRef ?? {};
    const refText = `${ref.kind ?? ''}/${ref.name ?? ''}`;
    let scalePath: string;
    let scale: Scale;
    try {
      const mapping = await this.mapper.lookup(ref.apiVersion ?? '', ref.kind ?? '');
      if (!mapping) throw new Error(`unable to determine resource for scale target reference: no matches for kind "${ref.kind}" in group "${(ref.apiVersion ?? '').split('/').slice(0, -1).join('/')}"`);
      scalePath = resourcePath(mapping.gvr, ns, ref.name ?? '', 'scale');
      scale = await this.client.get<Scale>(scalePath);
    } catch (err) {
      this.setCondition(hpa, 'AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${errorMessage(err)}`);
      this.recorder.event(hpa, 'Warning', 'FailedGetScale', errorMessage(err));
      return;
    }
    this.setCondition(hpa, 'AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
    const current = scale.spec?.replicas ?? 0;
    const min = spec.minReplicas ?? 1;
    const max = spec.maxReplicas ?? 1;
    let desired: number;
    let reason = '';
    let statuses: MetricStatus[] = hpa.status?.currentMetrics ?? [];
    const memory = this.memory.get(key) ?? { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };
    this.memory.set(key, memory);
    if (current === 0 && min !== 0) {
      desired = 0;
      this.setCondition(hpa, 'ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
    } else if (current > max) {
      desired = max;
      reason = 'Current number of replicas above Spec.MaxReplicas';
    } else if (current < min) {
      desired = min;
      reason = 'Current number of replicas below Spec.MinReplicas';
    } else {
      const selectorText = scale.status?.selector ?? '';
      if (!selectorText) {
        this.setCondition(hpa, 'ScalingActive', 'False', 'InvalidSelector', "the HPA target's scale is missing a selector");
        this.recorder.event(hpa, 'Warning', 'SelectorRequired', 'selector is required');
        return;
      }
      const computed = await this.computeReplicasForMetrics(hpa, current, selectorText);
      statuses = computed.statuses;
      if (computed.replicas < 0) {
        this.fillStatus(hpa, current, hpa.status?.desiredReplicas ?? current, statuses, false);
        return;
      }
      const out = spec.behavior
        ? normalizeWithBehavior(memory, this.now(), spec.behavior, this.o.downscaleStabilizationMs, current, computed.replicas, min, max)
        : normalizeWithoutBehavior(memory, this.now(), this.o.downscaleStabilizationMs, current, computed.replicas, min, max);
      this.setCondition(hpa, 'AbleToScale', 'True', out.ableToScale.reason, out.ableToScale.message);
      this.setCondition(hpa, 'ScalingLimited', out.scalingLimited.status, out.scalingLimited.reason, out.scalingLimited.message);
      desired = out.replicas;
      if (desired > current) reason = `${computed.metricName} above target`;
      else if (desired < current) reason = 'All metrics below target';
    }
    const rescale = desired !== current;
    if (rescale) {
      try {
        await this.client.update(scalePath, { ...scale, apiVersion: 'autoscaling/v1', kind: 'Scale', spec: { ...scale.spec, replicas: desired } });
      } catch (err) {
        this.setCondition(hpa, 'AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${errorMessage(err)}`);
        this.recorder.event(hpa, 'Warning', 'FailedRescale', `New size: ${desired}; reason: ${reason}; error: ${errorMessage(err)}`);
        this.fillStatus(hpa, current, hpa.status?.desiredReplicas ?? current, statuses, false);
        return;
      }
      this.setCondition(hpa, 'AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`);
      this.recorder.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${reason}`);
      recordScale(memory, spec.behavior, this.now(), current, desired);
      this.log(`HPA ${key}: ${current} -> ${desired} (${reason})`);
    }
    this.fillStatus(hpa, current, desired, statuses, rescale);
  }

  private fillStatus(hpa: HorizontalPodAutoscaler, current: number, desired: number, metrics: MetricStatus[], rescaled: boolean): void {
    const st = (hpa.status ??= { desiredReplicas: 0 });
    st.currentReplicas = current;
    st.desiredReplicas = desired;
    st.currentMetrics = metrics.length ? metrics : undefined;
    if (!st.currentMetrics) delete st.currentMetrics;
    if (rescaled) st.lastScaleTime = rfc3339(this.now());
    if (hpa.metadata.generation !== undefined) st.observedGeneration = hpa.metadata.generation;
  }

  private calcOptions(): CalculatorOptions {
    return { tolerance: this.o.tolerance, cpuInitializationPeriodMs: this.o.cpuInitializationPeriodMs, delayOfInitialReadinessStatusMs: this.o.initialReadinessDelayMs, now: this.now() };
  }

  /** computeReplicasForMetrics: the highest proposal; -1 when no metric (or a scale-down with an invalid one) may be acted on. */
  private async computeReplicasForMetrics(hpa: HorizontalPodAutoscaler, current: number, selectorText: string): Promise<{ replicas: number; metricName: string; statuses: MetricStatus[] }> {
    const specs = hpa.spec?.metrics ?? [];
    const ns = hpa.metadata.namespace!;
    const selector = parseSelector(selectorText);
    const pods = this.pods.list(ns).filter((p) => selector.matches(p.metadata.labels ?? {}));
    let replicas = -1;
    let metricName = '';
    let invalid = 0;
    let firstError: MetricError | undefined;
    const statuses: MetricStatus[] = [];
    for (const [i, m] of specs.entries()) {
      try {
        const r = await this.computeOne(m, current, ns, selectorText, pods);
        statuses[i] = r.status;
        if (r.replicas > replicas) {
          replicas = r.replicas;
          metricName = r.name;
        }
      } catch (err) {
        const e = err instanceof MetricError ? err : new MetricError('FailedGetResourceMetric', errorMessage(err), 'FailedGetResourceMetric');
        invalid++;
        firstError ??= e;
        statuses[i] = { type: '' };
        this.recorder.event(hpa, 'Warning', e.event, e.message);
        this.setCondition(hpa, 'ScalingActive', 'False', e.reason, `the HPA was unable to compute the replica count: ${e.message}`);
      }
    }
    const kept = statuses.filter((s) => s && s.type);
    // Upstream refuses to act when every metric failed, or when one failed and the rest would scale down.
    if (invalid >= specs.length || (invalid > 0 && replicas < current)) {
      if (firstError) this.recorder.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstError.message}`);
      return { replicas: -1, metricName: '', statuses: kept };
    }
    this.setCondition(hpa, 'ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${metricName}`);
    return { replicas, metricName, statuses: kept };
  }

  private async computeOne(m: MetricSpec, current: number, ns: string, selector: string, pods: Pod[]): Promise<{ replicas: number; name: string; status: MetricStatus }> {
    const o = this.calcOptions();
    switch (m.type) {
      case 'Resource':
      case 'ContainerResource': {
        const src = m.type === 'Resource' ? m.resource : m.containerResource;
        const resource = src?.name ?? '';
        const container = m.type === 'ContainerResource' ? m.containerResource?.container : undefined;
        const what = m.type === 'Resource' ? 'resource' : 'container resource';
        const reason = m.type === 'Resource' ? 'FailedGetResourceMetric' : 'FailedGetContainerResourceMetric';
        const target = src?.target ?? {};
        let metrics;
        try {
          metrics = await this.metrics.resource(resource, ns, selector, container);
        } catch (err) {
          throw new MetricError(reason, `failed to get ${resource} utilization: ${errorMessage(err)}`, reason);
        }
        const statusOf = (current: MetricStatus['resource']) => (m.type === 'Resource' ? { type: 'Resource', resource: current } : { type: 'ContainerResource', containerResource: { ...current, container } });
        if (target.averageValue !== undefined) {
          const p = wrap(reason, `failed to get ${resource} usage`, () => plainMetricReplicas(current, parseQuantity(target.averageValue!).milliValue(), resource, pods, metrics, o));
          return { replicas: p.replicas, name: `${resource} ${what}`, status: statusOf({ name: resource, current: { averageValue: Quantity.fromMilli(Math.round(p.rawAverage)).toString() } }) };
        }
        const utilization = target.averageUtilization;
        if (utilization === undefined) throw new MetricError(reason, `invalid ${what} metric source: neither a utilization target nor a value target was set`, reason);
        const p = wrap(reason, `failed to get ${resource} utilization`, () => resourceReplicas(current, utilization, resource, pods, metrics, o, container));
        return {
          replicas: p.replicas,
          name: `${resource} ${what} utilization (percentage of request)`,
          status: statusOf({ name: resource, current: { averageUtilization: p.utilization, averageValue: Quantity.fromMilli(Math.round(p.rawAverage)).toString() } }),
        };
      }
      case 'Pods': {
        const name = m.pods?.metric?.name ?? '';
        const metricSelector = m.pods?.metric?.selector ? selectorText(m.pods.metric.selector) : undefined;
        let metrics;
        try {
          metrics = await this.metrics.podsMetric(name, ns, selector, metricSelector);
        } catch (err) {
          throw new MetricError('FailedGetPodsMetric', `failed to get pods metric value: ${errorMessage(err)}`, 'FailedGetPodsMetric');
        }
        const target = parseQuantity(m.pods?.target?.averageValue ?? 0).milliValue();
        const p = wrap('FailedGetPodsMetric', 'failed to get pods metric value', () => plainMetricReplicas(current, target, undefined, pods, metrics, o));
        return { replicas: p.replicas, name: `pods metric ${name}`, status: { type: 'Pods', pods: { metric: m.pods?.metric, current: { averageValue: Quantity.fromMilli(Math.round(p.rawAverage)).toString() } } } };
      }
      case 'Object': {
        const src = m.object!;
        const obj = src.describedObject ?? {};
        const name = src.metric?.name ?? '';
        let resource = '';
        try {
          const mapping = await this.mapper.lookup(obj.apiVersion ?? '', obj.kind ?? '');
          if (!mapping) throw new Error(`no matches for kind "${obj.kind}"`);
          resource = mapping.gvr.resource;
          const v = await this.metrics.objectMetric(name, ns, resource, obj.name ?? '', src.metric?.selector ? selectorText(src.metric.selector) : undefined);
          const ready = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
          const t = src.target ?? {};
          const replicas = t.averageValue !== undefined ? averageValueReplicas(current, v.value, parseQuantity(t.averageValue).milliValue(), this.o.tolerance) : valueReplicas(current, v.value, parseQuantity(t.value ?? 0).milliValue(), ready, this.o.tolerance);
          const cur = t.averageValue !== undefined ? { averageValue: Quantity.fromMilli(Math.round(v.value / Math.max(1, current))).toString() } : { value: Quantity.fromMilli(v.value).toString() };
          return { replicas, name: `${obj.kind} metric ${name}`, status: { type: 'Object', object: { metric: src.metric, describedObject: obj, current: cur } } };
        } catch (err) {
          throw new MetricError('FailedGetObjectMetric', `failed to get object metric value: ${errorMessage(err)}`, 'FailedGetObjectMetric');
        }
      }
      case 'External': {
        const src = m.external!;
        const name = src.metric?.name ?? '';
        try {
          const v = await this.metrics.externalMetric(name, ns, src.metric?.selector ? selectorText(src.metric.selector) : undefined);
          const ready = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
          const t = src.target ?? {};
          const replicas = t.averageValue !== undefined ? averageValueReplicas(current, v.value, parseQuantity(t.averageValue).milliValue(), this.o.tolerance) : valueReplicas(current, v.value, parseQuantity(t.value ?? 0).milliValue(), ready, this.o.tolerance);
          const cur = t.averageValue !== undefined ? { averageValue: Quantity.fromMilli(Math.round(v.value / Math.max(1, current))).toString() } : { value: Quantity.fromMilli(v.value).toString() };
          return { replicas, name: `external metric ${name}(${JSON.stringify(src.metric?.selector ?? null)})`, status: { type: 'External', external: { metric: src.metric, current: cur } } };
        } catch (err) {
          throw new MetricError('FailedGetExternalMetric', `failed to get external metric value: ${errorMessage(err)}`, 'FailedGetExternalMetric');
        }
      }
      default:
        throw new MetricError('InvalidMetricSourceType', `unknown metric source type "${m.type}"`, 'InvalidMetricSourceType');
    }
  }
}

function wrap<T>(reason: string, prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new MetricError(reason, `${prefix}: ${errorMessage(err)}`, reason);
  }
}

function selectorText(sel: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] }): string {
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'In' || e.operator === 'NotIn') parts.push(`${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

