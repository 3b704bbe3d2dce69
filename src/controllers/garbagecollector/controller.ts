// The garbage collector: deletes objects whose owners are gone, and carries out the
// foreground and orphan deletion of owners (the `foregroundDeletion` and `orphan` finalizers
// the API server adds for those propagation policies). Informers over the resources that have
// owners in practice give the owner/dependent graph (the OWNER_INDEX of each cache); owners of
// other kinds are looked up live through discovery's mapping. Custom resources get monitors of
// their own while their CRD is established, as upstream's graph builder watches every deletable
// resource: a foreground or orphan deletion of a custom resource needs its deletion observed.
// sync(key) is level-based.
import type { KubeObject, OwnerReference } from '../../api/meta/types.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import { Informer, OWNER_INDEX, type SharedInformerFactory } from '../../client/informer.js';
import { gvr, keyOf, resourcePath, type GroupVersionResource } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';
import { blocksOwner, decideDependent, type ClassifiedOwner } from './decide.js';
import { RestMapper } from '../../client/rest-mapper.js';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';
const UID_INDEX = 'gc:uid';

/** Resources whose objects have owners (or are owners) in practice; those served are watched. */
export const MONITORED: GroupVersionResource[] = [
  gvr('', 'v1', 'pods'),
  gvr('', 'v1', 'replicationcontrollers'),
  gvr('', 'v1', 'services'),
  gvr('', 'v1', 'endpoints'),
  gvr('', 'v1', 'configmaps'),
  gvr('', 'v1', 'secrets'),
  gvr('', 'v1', 'serviceaccounts'),
  gvr('', 'v1', 'persistentvolumeclaims'),
  gvr('apps', 'v1', 'deployments'),
  gvr('apps', 'v1', 'replicasets'),
  gvr('apps', 'v1', 'daemonsets'),
  gvr('apps', 'v1', 'statefulsets'),
  gvr('apps', 'v1', 'controllerrevisions'),
  gvr('batch', 'v1', 'jobs'),
  gvr('batch', 'v1', 'cronjobs'),
  gvr('discovery.k8s.io', 'v1', 'endpointslices'),
  gvr('policy', 'v1', 'poddisruptionbudgets'),
  // Nodes own their kube-node-lease Leases (and mirror pods): `kubectl delete node` takes them along.
  gvr('', 'v1', 'nodes'),
  gvr('coordination.k8s.io', 'v1', 'leases'),
];

/** Kind names of the monitored resources (for owner references, which name kinds). */
const KINDS: Record<string, string> = {
  pods: 'Pod',
  replicationcontrollers: 'ReplicationController',
  services: 'Service',
  endpoints: 'Endpoints',
  configmaps: 'ConfigMap',
  secrets: 'Secret',
  serviceaccounts: 'ServiceAccount',
  persistentvolumeclaims: 'PersistentVolumeClaim',
  deployments: 'Deployment',
  replicasets: 'ReplicaSet',
  daemonsets: 'DaemonSet',
  statefulsets: 'StatefulSet',
  controllerrevisions: 'ControllerRevision',
  jobs: 'Job',
  cronjobs: 'CronJob',
  endpointslices: 'EndpointSlice',
  poddisruptionbudgets: 'PodDisruptionBudget',
  nodes: 'Node',
  leases: 'Lease',
};
const kindOfResource = (resource: string): string | undefined => KINDS[resource];

/**
 * Narrower watches where the owned objects live in one namespace: the node leases are renewed
 * every 10 s per node, and the node lifecycle controller's informer over kube-node-lease is
 * shared rather than a second watch of every lease opened.
 */
const MONITOR_OPTIONS: Record<string, { namespace: string }> = { 'coordination.k8s.io/v1/leases': { namespace: 'kube-node-lease' } };

const resId = (r: GroupVersionResource): string => `${r.group}/${r.version}/${r.resource}`;
export interface GarbageCollectorOptions extends Omit<ControllerOptions, 'clock'> {
  /** Re-check a foreground owner whose blocking dependents are still there this often. */
  recheckMs?: number;
  /**
   * Re-examine, this often, dependents whose owners are of kinds no informer watches: nothing
   * announces those owners' deletion (0: never).
   */
  resyncMs?: number;
}

interface Monitor {
  resource: GroupVersionResource;
  informer: Informer;
}

const CRDS = gvr('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');

interface Crd extends KubeObject {
  spec: { group: string; names: { plural: string }; versions: { name: string; served: boolean; storage: boolean }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

/** The resource a CRD serves its objects at, while it is established. */
function servedResource(crd: Crd): GroupVersionResource | undefined {
  if (!crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return undefined;
  if (crd.metadata.deletionTimestamp) return undefined;
  const version = crd.spec.versions.find((v) => v.storage && v.served) ?? crd.spec.versions.find((v) => v.served);
  return version ? gvr(crd.spec.group, version.name, crd.spec.names.plural) : undefined;
}

export class GarbageCollector extends QueueController {
  private readonly mapper: RestMapper;
  private readonly monitors = new Map<string, Monitor>();
  /** The custom resource monitor of each CRD (by CRD name). */
  private readonly customMonitors = new Map<string, string>();

  constructor(
    private readonly client: ApiClient,
    private readonly factory: SharedInformerFactory,
    private readonly opts: GarbageCollectorOptions = {},
  ) {
    super('garbagecollector', opts, 4, { baseDelayMs: 10, maxDelayMs: 30_000 });
    this.mapper = new RestMapper(client);
    this.every(opts.resyncMs ?? 30_000, () => this.enqueueUnwatchedOwners());
  }

  /** The monitored resources are known only once discovery answers. */
  protected override prepare(): Promise<void> {
    return this.startMonitors();
  }

  private enqueueUnwatchedOwners(): void {
    for (const [id, mon] of this.monitors) {
      for (const o of mon.informer.list()) {
        if ((o.metadata.ownerReferences ?? []).some((r) => !this.isWatchedKind(r))) this.queue.add(`${id}|${keyOf(o)}`);
      }
    }
  }

  private isWatchedKind(ref: OwnerReference): boolean {
    for (const mon of this.monitors.values()) if (mon.informer.byIndex(UID_INDEX, ref.uid).length) return true;
    const [group, version] = ref.apiVersion.includes('/') ? ref.apiVersion.split('/') : ['', ref.apiVersion];
    // An owner of a watched resource that is absent from its cache was deleted: that was announced.
    return MONITORED.some((m) => m.group === group && m.version === version && kindOfResource(m.resource) === ref.kind);
  }

  /** Watch the monitored resources the server serves (discovery decides; retried until it answers). */
  private async startMonitors(): Promise<void> {
    let served: Set<string> | undefined;
    while (!served && !this.stopped) {
      try {
        served = new Set((await this.mapper.all()).filter((m) => m.verbs.includes('watch')).map((m) => resId(m.gvr)));
      } catch (err) {
        this.log(`garbagecollector discovery: ${String(err)}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    // Stopped while discovery answered: an informer started now would outlive the controller.
    if (!served || this.stopped) return;
    for (const r of MONITORED) {
      if (!served.has(resId(r))) continue;
      this.monitor(r, this.cache(this.factory.informerFor(r, MONITOR_OPTIONS[resId(r)] ?? {})));
    }
    if (served.has(resId(CRDS))) {
      this.cache(this.factory.informerFor<Crd>(CRDS)).addHandlers({
        add: (crd) => this.followCrd(crd),
        update: (_old, crd) => this.followCrd(crd),
        delete: (crd) => this.unfollowCrd(crd.metadata.name!),
      });
    }
  }

  private monitor(r: GroupVersionResource, informer: Informer): void {
    informer.addIndex(OWNER_INDEX);
    informer.addIndex(UID_INDEX, (o) => (o.metadata.uid ? [o.metadata.uid] : []));
    const id = resId(r);
    this.monitors.set(id, { resource: r, informer });
    informer.addHandlers({
      add: (o) => this.observe(id, o),
      update: (old, o) => this.observe(id, o, old),
      delete: (o) => this.observeDeleted(id, o),
    });
    // Informers the factory already started keep running; new ones start here.
    informer.start();
  }

  /** A monitor of its own for an established CRD's objects (not shared: it ends with the CRD). */
  private followCrd(crd: Crd): void {
    const name = crd.metadata.name!;
    const r = servedResource(crd);
    const current = this.customMonitors.get(name);
    if (current && (!r || current !== resId(r))) this.unfollowCrd(name);
    if (!r || this.stopped || this.monitors.has(resId(r))) return;
    this.customMonitors.set(name, resId(r));
    this.monitor(r, new Informer(this.client, r, { log: (line) => this.log(line) }));
  }

  private unfollowCrd(name: string): void {
    const id = this.customMonitors.get(name);
    if (!id) return;
    this.customMonitors.delete(name);
    this.monitors.get(id)?.informer.stop();
    this.monitors.delete(id);
  }

  override stop(): void {
    super.stop();
    for (const name of [...this.customMonitors.keys()]) this.unfollowCrd(name);
  }

  private observe(id: string, o: KubeObject, old?: KubeObject): void {
    const m = o.metadata;
    // As upstream's graph builder, an update matters when the references changed or a deletion
    // began: a node's lease renewed every 10 s is not a change to the graph.
    const refsChanged = !old || JSON.stringify(old.metadata.ownerReferences ?? []) !== JSON.stringify(m.ownerReferences ?? []);
    if (m.ownerReferences?.length && (refsChanged || m.deletionTimestamp)) this.queue.add(`${id}|${keyOf(o)}`);
    if (m.deletionTimestamp && (m.finalizers?.includes(FOREGROUND_FINALIZER) || m.finalizers?.includes(ORPHAN_FINALIZER))) this.queue.add(`${id}|${keyOf(o)}`);
    // A dependent that changed may unblock a foreground owner.
    if (m.deletionTimestamp) this.enqueueOwners(o);
  }

  private observeDeleted(_id: string, o: KubeObject): void {
    if (o.metadata.uid) for (const dep of this.dependentsOf(o.metadata.uid)) this.queue.add(`${dep.id}|${keyOf(dep.obj)}`);
    this.enqueueOwners(o);
  }

  private enqueueOwners(o: KubeObject): void {
    for (const ref of o.metadata.ownerReferences ?? []) {
      for (const [id, mon] of this.monitors) for (const owner of mon.informer.byIndex(UID_INDEX, ref.uid)) this.queue.add(`${id}|${keyOf(owner)}`);
    }
  }

  private hasDependents(uid: string): boolean {
    for (const mon of this.monitors.values()) if (mon.informer.countByIndex(OWNER_INDEX, uid) > 0) return true;
    return false;
  }

  private dependentsOf(uid: string): { id: string; obj: KubeObject }[] {
    const out: { id: string; obj: KubeObject }[] = [];
    for (const [id, mon] of this.monitors) for (const obj of mon.informer.byIndex(OWNER_INDEX, uid)) out.push({ id, obj });
    return out;
  }

  async sync(key: string): Promise<void> {
    const bar = key.indexOf('|');
    const mon = this.monitors.get(key.slice(0, bar));
    if (!mon) return;
    const obj = mon.informer.get(key.slice(bar + 1));
    if (!obj) return;
    const m = obj.metadata;
    if (m.deletionTimestamp && m.finalizers?.includes(ORPHAN_FINALIZER)) await this.orphanDependents(mon, obj);
    else if (m.deletionTimestamp && m.finalizers?.includes(FOREGROUND_FINALIZER)) await this.deleteDependentsFirst(mon, obj, key);
    if (m.ownerReferences?.length) await this.collectIfOwnersGone(mon, obj);
  }

  // ---- dependents whose owners are gone ------------------------------------------------

  private async collectIfOwnersGone(mon: Monitor, obj: KubeObject): Promise<void> {
    const owners: ClassifiedOwner[] = [];
    for (const ref of obj.metadata.ownerReferences ?? []) owners.push({ ref, state: await this.ownerState(ref, obj.metadata.namespace) });
    // Counted, not listed: a ReplicaSet's sync would otherwise copy out all its pods on every status update.
    const hasDependents = !!obj.metadata.uid && this.hasDependents(obj.metadata.uid);
    const action = decideDependent(owners, obj.metadata.finalizers, hasDependents);
    const path = resourcePath(mon.resource, obj.metadata.namespace, obj.metadata.name);
    if (action.kind === 'removeReferences') {
      await this.patchOwnerRefs(mon, obj, (refs) => refs.filter((r) => !action.uids.includes(r.uid)));
    } else if (action.kind === 'delete') {
      if (obj.metadata.deletionTimestamp && action.propagationPolicy === 'Background') return;
      this.log(`garbagecollector: deleting ${mon.resource.resource} ${keyOf(obj)} (${action.propagationPolicy})`);
      try {
        // The uid precondition keeps a same-named successor safe.
        await this.client.delete(path, { propagationPolicy: action.propagationPolicy, preconditions: { uid: obj.metadata.uid } });
      } catch (err) {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
    }
  }

  /** Upstream's classification: the owner exists, is gone (404 or another uid), or is deleting in the foreground. */
  private async ownerState(ref: OwnerReference, namespace: string | undefined): Promise<ClassifiedOwner['state']> {
    for (const mon of this.monitors.values()) {
      const [cached] = mon.informer.byIndex(UID_INDEX, ref.uid);
      if (cached) return this.liveState(cached);
    }
    const mapped = await this.mapper.lookup(ref.apiVersion, ref.kind);
    // An owner of a kind the server does not serve can never come back.
    if (!mapped) return 'dangling';
    try {
      const live = await this.client.get(resourcePath(mapped.gvr, mapped.namespaced ? namespace : undefined, ref.name));
      if (live.metadata.uid !== ref.uid) return 'dangling';
      return this.liveState(live);
    } catch (err) {
      if (isNotFound(err)) return 'dangling';
      throw err;
    }
  }

  private liveState(owner: KubeObject): ClassifiedOwner['state'] {
    return owner.metadata.deletionTimestamp && owner.metadata.finalizers?.includes(FOREGROUND_FINALIZER) ? 'waitingForDependentsDeletion' : 'solid';
  }

  // ---- orphan and foreground deletion of owners ----------------------------------------

  private async orphanDependents(mon: Monitor, owner: KubeObject): Promise<void> {
    const uid = owner.metadata.uid!;
    for (const dep of this.dependentsOf(uid)) {
      await this.patchOwnerRefs(this.monitors.get(dep.id)!, dep.obj, (refs) => refs.filter((r) => r.uid !== uid));
    }
    await this.removeFinalizer(mon, owner, ORPHAN_FINALIZER);
  }

  private async deleteDependentsFirst(mon: Monitor, owner: KubeObject, key: string): Promise<void> {
    const uid = owner.metadata.uid!;
    let blocking = 0;
    for (const dep of this.dependentsOf(uid)) {
      if (blocksOwner(uid, dep.obj.metadata.ownerReferences)) blocking++;
      // Each dependent is judged on its own owners (others may keep it alive).
      this.queue.add(`${dep.id}|${keyOf(dep.obj)}`);
    }
    if (blocking) {
      // Dependents' deletions re-queue the owner; the recheck covers missed transitions.
      this.queue.addAfter(key, this.opts.recheckMs ?? 2000);
      return;
    }
    await this.removeFinalizer(mon, owner, FOREGROUND_FINALIZER);
  }

  // ---- writes ----------------------------------------------------------------------------

  private async patchOwnerRefs(mon: Monitor, obj: KubeObject, edit: (refs: OwnerReference[]) => OwnerReference[]): Promise<void> {
    const path = resourcePath(mon.resource, obj.metadata.namespace, obj.metadata.name);
    const refs = edit(obj.metadata.ownerReferences ?? []);
    // The resourceVersion makes this a compare-and-swap; a conflict retries from a fresh cache.
    try {
      await this.client.patch(path, { metadata: { ownerReferences: refs.length ? refs : null, resourceVersion: obj.metadata.resourceVersion, uid: obj.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async removeFinalizer(mon: Monitor, obj: KubeObject, finalizer: string): Promise<void> {
    const path = resourcePath(mon.resource, obj.metadata.namespace, obj.metadata.name);
    const finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    try {
      await this.client.patch(path, { metadata: { finalizers: finalizers.length ? finalizers : null, resourceVersion: obj.metadata.resourceVersion, uid: obj.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
