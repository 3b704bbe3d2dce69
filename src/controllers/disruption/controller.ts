// The disruption controller: keeps each PodDisruptionBudget's status (expected pods, healthy
// counts, disruptions allowed, in-flight evictions, the DisruptionAllowed condition) current
// from the pods it selects and their controllers' scale. Keys are PDB keys.
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { KubeObject } from '../../api/meta/types.js';
import { selectorFromLabelSelector } from '../../api/labels/index.js';
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from '../../api/policy/v1/types.js';
import { EventRecorder } from '../../client/events.js';
import type { Informer, SharedInformerFactory } from '../../client/informer.js';
import { keyOf, R } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';
import { RestMapper } from '../../client/rest-mapper.js';
import { StatusWriter } from '../common/status-writer.js';
import { controllersScale, type ScaleSources } from './scale.js';
import { buildDisruptedPods, computeStatus, countHealthy, expectedPodCount, failSafeStatus } from './status.js';

export type DisruptionControllerOptions = ControllerOptions;

type Replicated = KubeObject & { spec?: { replicas?: number } };

export class DisruptionController extends QueueController {
  private readonly pdbs: Informer<PodDisruptionBudget>;
  private readonly pods: Informer<Pod>;
  private readonly scales: ScaleSources;
  private readonly recorder: EventRecorder;
  private readonly statusWriter: StatusWriter<PodDisruptionBudget>;

  constructor(client: ApiClient, factory: SharedInformerFactory, opts: DisruptionControllerOptions = {}) {
    super('disruption', opts, 2, { baseDelayMs: 20, maxDelayMs: 30_000 });
    this.recorder = new EventRecorder(client, 'controllermanager');
    this.statusWriter = new StatusWriter(client, R.poddisruptionbudgets, 'policy/v1', 'PodDisruptionBudget');
    this.pdbs = this.cache(factory.informerFor<PodDisruptionBudget>(R.poddisruptionbudgets));
    this.pods = this.cache(factory.informerFor<Pod>(R.pods));
    this.scales = {
      replicaSets: this.cache(factory.informerFor<Replicated>(R.replicasets)),
      deployments: this.cache(factory.informerFor<Replicated>(R.deployments)),
      replicationControllers: this.cache(factory.informerFor<Replicated>(R.replicationcontrollers)),
      statefulSets: this.cache(factory.informerFor<Replicated>(R.statefulsets)),
      client,
      mapper: new RestMapper(client),
    };
    this.enqueueOnChange(this.pdbs);
    this.pods.addHandlers({ add: (p) => this.enqueueFor(p), update: (o, p) => this.enqueueFor(o, p), delete: (p) => this.enqueueFor(p) });
    // A controller's scale feeds the expected count of every budget in its namespace.
    const scaled = (o: Replicated, n: Replicated) => o.spec?.replicas !== n.spec?.replicas && this.enqueueNamespace(n.metadata.namespace);
    for (const inf of [this.scales.replicaSets, this.scales.deployments, this.scales.replicationControllers, this.scales.statefulSets]) inf.addHandlers({ update: scaled });
  }

  private enqueueFor(...pods: Pod[]): void {
    for (const pdb of this.pdbs.list(pods[0]!.metadata.namespace ?? '')) {
      const sel = selectorFromLabelSelector(pdb.spec?.selector);
      if (pods.some((p) => sel.matches(p.metadata.labels ?? {}))) this.queue.add(keyOf(pdb));
    }
  }

  private enqueueNamespace(ns: string | undefined): void {
    for (const pdb of this.pdbs.list(ns ?? '')) this.queue.add(keyOf(pdb));
  }

  async sync(key: string): Promise<void> {
    const pdb = this.pdbs.get(key);
    if (!pdb) return;
    const now = this.now();
    let status: PodDisruptionBudgetStatus;
    try {
      const pods = this.pods.list(pdb.metadata.namespace ?? '').filter((p) => selectorFromLabelSelector(pdb.spec?.selector).matches(p.metadata.labels ?? {}));
      if (!pods.length) this.recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
      const counts = await expectedPodCount(pdb, pods, (ps) => controllersScale(ps, this.scales));
      const disrupted = buildDisruptedPods(pods, pdb.status?.disruptedPods, now);
      for (const pod of disrupted.expired) this.recorder.event(pod, 'Warning', 'NotDeleted', `Pod was expected by PDB ${pdb.metadata.namespace}/${pdb.metadata.name} to be deleted but it wasn't`);
      status = computeStatus(pdb, counts, countHealthy(pods, disrupted.pods, now), disrupted.pods, now);
      // An eviction's grace runs out: the pod counts again then.
      if (disrupted.recheckAt !== undefined) this.queue.addAfter(key, Math.max(0, disrupted.recheckAt - now) + 10);
    } catch (err) {
      this.log(`disruption ${key}: ${String(err)}`);
      status = failSafeStatus(pdb, err, now);
    }
    await this.statusWriter.update(pdb, status);
  }
}
