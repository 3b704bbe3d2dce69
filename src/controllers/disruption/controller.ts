// The disruption controller: keeps each PodDisruptionBudget's status (expected pods, healthy
// counts, disruptions allowed, in-flight evictions, the DisruptionAllowed condition) current
// from the pods it selects and their controllers' scale. Keys are PDB keys.
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { KubeObject } from '../../api/meta/types.js';
import { selectorFromLabelSelector } from '../../api/labels/index.js';
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from '../../api/policy/v1/types.js';
import { EventRecorder } from '../../client/events.js';
import type { Informer, SharedInformerFactory } from '../../client/informer.js';
import { keyOf, R, resourcePath } from '../../client/resources.js';
import { ApiStatusError, type RestClient } from '../../client/rest.js';
import { runWorkers, WorkQueue } from '../../client/workqueue.js';
import { sameJson } from '../common/canonical-json.js';
import { RestMapper } from '../common/rest-mapper.js';
import { controllersScale, type ScaleSources } from './scale.js';
import { buildDisruptedPods, computeStatus, countHealthy, expectedPodCount, failSafeStatus } from './status.js';

export interface DisruptionControllerOptions {
  workers?: number;
  log?: (line: string) => void;
  clock?: () => number;
}

type Replicated = KubeObject & { spec?: { replicas?: number } };

const isNotFound = (err: unknown): boolean => err instanceof ApiStatusError && err.code === 404;

export class DisruptionController {
  private readonly queue = new WorkQueue({ baseDelayMs: 20, maxDelayMs: 30_000 });
  private readonly pdbs: Informer<PodDisruptionBudget>;
  private readonly pods: Informer<Pod>;
  private readonly scales: ScaleSources;
  private readonly recorder: EventRecorder;
  private readonly now: () => number;

  constructor(
    private readonly client: RestClient,
    factory: SharedInformerFactory,
    private readonly opts: DisruptionControllerOptions = {},
  ) {
    this.now = opts.clock ?? Date.now;
    this.recorder = new EventRecorder(client, 'controllermanager');
    this.pdbs = factory.informerFor<PodDisruptionBudget>(R.poddisruptionbudgets);
    this.pods = factory.informerFor<Pod>(R.pods);
    this.scales = {
      replicaSets: factory.informerFor<Replicated>(R.replicasets),
      deployments: factory.informerFor<Replicated>(R.deployments),
      replicationControllers: factory.informerFor<Replicated>(R.replicationcontrollers),
      statefulSets: factory.informerFor<Replicated>(R.statefulsets),
      client,
      mapper: new RestMapper(client),
    };
    this.pdbs.addHandlers({ add: (p) => this.queue.add(keyOf(p)), update: (_o, p) => this.queue.add(keyOf(p)), delete: () => undefined });
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

  async run(): Promise<void> {
    const informers = [this.pdbs, this.pods, this.scales.replicaSets, this.scales.deployments, this.scales.replicationControllers, this.scales.statefulSets];
    await Promise.all(informers.map((i) => i.waitForSync()));
    await runWorkers(this.queue, this.opts.workers ?? 2, (k) => this.sync(k), (k, err) => this.opts.log?.(`disruption ${k}: ${String(err)}`));
  }

  stop(): void {
    this.queue.shutdown();
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
      this.opts.log?.(`disruption ${key}: ${String(err)}`);
      status = failSafeStatus(pdb, err, now);
    }
    if (sameJson(status, pdb.status ?? {})) return;
    try {
      await this.client.update(resourcePath(R.poddisruptionbudgets, pdb.metadata.namespace, pdb.metadata.name, 'status'), { ...pdb, status });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
