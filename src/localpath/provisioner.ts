// The local-path provisioner (rancher.io/local-path, what k3s ships as its default storage): an
// external provisioner that works only through the API. It takes claims the PV binder annotated
// for it (volume.kubernetes.io/storage-provisioner) once the scheduler has chosen a node
// (volume.kubernetes.io/selected-node), makes a directory for each on that node, and creates a
// PV pre-bound to the claim with a hostPath source and node affinity to the node; the PV binder
// then completes the binding. A Released volume with policy Delete has its directory removed and
// its PV deleted.
//
// Where it runs: one instance per node, beside the node agent, acting only for its own node.
// Upstream runs one provisioner per cluster that starts a helper pod on the chosen node to mkdir
// or rm -rf there; here the directory is local to the process that makes it, so no helper pod,
// image or privileged container is needed, and a node that is down simply leaves its claims (and
// its released volumes) waiting until it is back, which is the truth: the data is on that node.
import { ANN_BETA_STORAGE_PROVISIONER, ANN_DYNAMICALLY_PROVISIONED, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, claimClass } from '../api/core/v1/storage-helpers.js';
import { provisionedVolume, provisionedVolumeName } from '../api/core/v1/provisioned-volume.js';
import type { Node, PersistentVolume, PersistentVolumeClaim } from '../api/core/v1/types.js';
import { IS_DEFAULT_CLASS_ANNOTATION } from '../api/storage/v1/default-class.js';
import type { StorageClass } from '../api/storage/v1/types.js';
import { errorMessage, isAlreadyExists, isNotFound } from '../client/errors.js';
import { EventRecorder } from '../client/events.js';
import { Informer } from '../client/informer.js';
import { keyOf, R, resourcePath } from '../client/resources.js';
import type { ApiClient } from '../client/rest.js';
import { runWorkers, WorkQueue } from '../client/workqueue.js';
import { createVolumeDir, removeVolumeDir, volumeDirName } from './volume-dir.js';

export const LOCAL_PATH_PROVISIONER = 'rancher.io/local-path';
export const LOCAL_PATH_CLASS = 'local-path';
const HOSTNAME_LABEL = 'kubernetes.io/hostname';

export interface LocalPathOptions {
  nodeName: string;
  /** --default-local-storage-path: the parent of every volume directory on this node. */
  storagePath: string;
  log?: (line: string) => void;
}

/** The StorageClass k3s ships (local-storage.yaml), installed by the server's manifests directory; users may edit or replace it. */
export function localPathStorageClass(): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: LOCAL_PATH_CLASS, annotations: { [IS_DEFAULT_CLASS_ANNOTATION]: 'true' }, labels: { 'app.kubernetes.io/managed-by': 'k8ts' } },
    provisioner: LOCAL_PATH_PROVISIONER,
    volumeBindingMode: 'WaitForFirstConsumer',
    reclaimPolicy: 'Delete',
  };
}

const withPvcKind = (c: PersistentVolumeClaim): PersistentVolumeClaim => ({ ...c, apiVersion: 'v1', kind: 'PersistentVolumeClaim' });
const withPvKind = (v: PersistentVolume): PersistentVolume => ({ ...v, apiVersion: 'v1', kind: 'PersistentVolume' });

/** The node a volume's required affinity names (kubernetes.io/hostname In [one value]). */
export function affinityHostname(pv: PersistentVolume): string | undefined {
  for (const term of pv.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? []) {
    for (const e of term.matchExpressions ?? []) if (e.key === HOSTNAME_LABEL && e.operator === 'In' && e.values?.length === 1) return e.values[0];
  }
  return undefined;
}

/** Why the provisioner refuses a claim (upstream's texts), or undefined. */
export function unsupported(claim: PersistentVolumeClaim): string | undefined {
  if (claim.spec?.selector) return 'claim.Spec.Selector is not supported';
  if (claim.spec?.volumeMode === 'Block') return 'Block volume mode is not supported';
  for (const m of claim.spec?.accessModes ?? []) {
    if (m !== 'ReadWriteOnce' && m !== 'ReadWriteOncePod') return 'NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes';
  }
  return undefined;
}

export class LocalPathProvisioner {
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly volumes: Informer<PersistentVolume>;
  private readonly classes: Informer<StorageClass>;
  private readonly node: Informer<Node>;
  private readonly queue = new WorkQueue({ baseDelayMs: 500, maxDelayMs: 60_000 });
  private readonly recorder: EventRecorder;
  private readonly log: (line: string) => void;
  private workers?: Promise<void>;

  constructor(
    private readonly client: ApiClient,
    private readonly o: LocalPathOptions,
  ) {
    this.log = o.log ?? (() => undefined);
    this.recorder = new EventRecorder(client, `${LOCAL_PATH_PROVISIONER}_${o.nodeName}`);
    this.claims = new Informer<PersistentVolumeClaim>(client, R.persistentvolumeclaims);
    this.volumes = new Informer<PersistentVolume>(client, R.persistentvolumes);
    this.classes = new Informer<StorageClass>(client, R.storageclasses);
    this.node = new Informer<Node>(client, R.nodes, { fieldSelector: `metadata.name=${o.nodeName}` });
    const claim = (c: PersistentVolumeClaim) => this.queue.add(`claim:${keyOf(c)}`);
    const volume = (v: PersistentVolume) => this.queue.add(`volume:${v.metadata.name}`);
    this.claims.addHandlers({ add: claim, update: (_o, c) => claim(c) });
    this.volumes.addHandlers({ add: volume, update: (_o, v) => volume(v) });
  }

  async start(): Promise<void> {
    const informers = [this.claims, this.volumes, this.classes, this.node] as Informer<any>[];
    for (const i of informers) i.start();
    await Promise.all(informers.map((i) => i.waitForSync()));
    this.workers = runWorkers(this.queue, 1, (key) => this.sync(key), (key, err) => this.log(`local-path: ${key}: ${errorMessage(err)}`));
  }

  async stop(): Promise<void> {
    this.queue.shutdown();
    for (const i of [this.claims, this.volumes, this.classes, this.node] as Informer<any>[]) i.stop();
    await this.workers;
    await this.recorder.flush();
  }

  /** The value this node answers to in a volume's hostname affinity. */
  private hostname(): string {
    return this.node.get(this.o.nodeName)?.metadata.labels?.[HOSTNAME_LABEL] ?? this.o.nodeName;
  }

  private sync(key: string): Promise<void> {
    if (key.startsWith('claim:')) return this.syncClaim(key.slice(6));
    return this.syncVolume(key.slice(7));
  }

  /** shouldProvision, then Provision: a claim for us, placed on this node, still without a volume. */
  private async syncClaim(key: string): Promise<void> {
    const claim = this.claims.get(key);
    if (!claim || claim.spec?.volumeName || claim.metadata.deletionTimestamp) return;
    const ann = claim.metadata.annotations ?? {};
    if ((ann[ANN_STORAGE_PROVISIONER] ?? ann[ANN_BETA_STORAGE_PROVISIONER]) !== LOCAL_PATH_PROVISIONER) return;
    // Without a selected node (an Immediate class) there is no node to put it on; upstream
    // fails such claims too ("configuration error, no node was specified").
    if (ann[ANN_SELECTED_NODE] !== this.o.nodeName) return;
    const className = claimClass(claim);
    const sc = this.classes.get(className);
    if (!sc || sc.provisioner !== LOCAL_PATH_PROVISIONER) return;
    const pvName = provisionedVolumeName(claim);
    if (this.volumes.get(pvName)) return;
    const refused = unsupported(claim);
    if (refused) {
      this.recorder.event(withPvcKind(claim), 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${className}": ${refused}`);
      return;
    }
    this.recorder.event(withPvcKind(claim), 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${key}"`);
    try {
      const dir = await createVolumeDir(this.o.storagePath, volumeDirName(pvName, claim.metadata.namespace ?? 'default', claim.metadata.name ?? ''));
      const pv = provisionedVolume(claim, sc, LOCAL_PATH_PROVISIONER, { hostPath: { path: dir, type: 'DirectoryOrCreate' } });
      pv.spec!.nodeAffinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [this.hostname()] }] }] } };
      try {
        await this.client.create(resourcePath(R.persistentvolumes), pv);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        return;
      }
      this.log(`local-path: volume ${pvName} for claim ${key} at ${this.o.nodeName}:${dir}`);
      this.recorder.event(withPvcKind(claim), 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`);
    } catch (err) {
      this.recorder.event(withPvcKind(claim), 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${className}": ${errorMessage(err)}`);
      throw err;
    }
  }

  /** shouldDelete, then Delete: our Released volume on this node with policy Delete. */
  private async syncVolume(name: string): Promise<void> {
    const pv = this.volumes.get(name);
    if (!pv || pv.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED] !== LOCAL_PATH_PROVISIONER) return;
    if (pv.status?.phase !== 'Released' || pv.spec?.persistentVolumeReclaimPolicy !== 'Delete') return;
    if (affinityHostname(pv) !== this.hostname()) return;
    const path = pv.spec?.hostPath?.['path'];
    try {
      if (typeof path !== 'string') throw new Error('no HostPath set');
      await removeVolumeDir(this.o.storagePath, path);
      await this.client.delete(resourcePath(R.persistentvolumes, undefined, name), { preconditions: { uid: pv.metadata.uid } });
      this.log(`local-path: deleted volume ${name} (${path})`);
    } catch (err) {
      if (isNotFound(err)) return;
      this.recorder.event(withPvKind(pv), 'Warning', 'VolumeFailedDelete', `failed to delete volume ${name}: ${errorMessage(err)}`);
      throw err;
    }
  }
}

export async function startLocalPathProvisioner(client: ApiClient, o: LocalPathOptions): Promise<LocalPathProvisioner> {
  const p = new LocalPathProvisioner(client, o);
  await p.start();
  return p;
}
