// Mirror pods (upstream's pkg/kubelet/pod/mirror_client.go and the kubelet's mirror sync): each
// static pod is shown in the API as a copy annotated kubernetes.io/config.mirror=<hash> and owned
// by the Node. A mirror that is missing is created; one being deleted by someone, or carrying an
// old hash, is deleted at once and created afresh; one whose static pod is gone is deleted.
// Level-based: one queue of pod keys, each synced by comparing the desired static pod with the
// informer's view of the API.
import type { Pod } from '../../api/core/v1/pod/types.js';
import { Informer } from '../../client/informer.js';
import { R, resourcePath } from '../../client/resources.js';
import { ApiStatusError, type RestClient } from '../../client/rest.js';
import { runWorkers, WorkQueue } from '../../client/workqueue.js';
import { CONFIG_HASH_ANNOTATION, CONFIG_MIRROR_ANNOTATION } from './manifest.js';

export interface MirrorPodManagerOptions {
  client: RestClient;
  nodeName: string;
  /** The Node's uid, once registered; mirror pods wait for it (they are owned by the Node). */
  nodeUid: () => string | undefined;
  log?: (line: string) => void;
  /** How often every mirror pod is checked even without events. */
  resyncMs?: number;
}

const keyOf = (p: Pod): string => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;
export const mirrorHashOf = (p: Pod): string | undefined => p.metadata.annotations?.[CONFIG_MIRROR_ANNOTATION];
export const isMirrorPod = (p: Pod): boolean => mirrorHashOf(p) !== undefined;
const code = (err: unknown): number | undefined => (err instanceof ApiStatusError ? err.code : undefined);

export class MirrorPodManager {
  private readonly queue = new WorkQueue({ baseDelayMs: 200, maxDelayMs: 10_000 });
  private readonly pods: Informer<Pod>;
  private desired = new Map<string, Pod>();
  private haveDesired = false;
  private readonly desiredKnown: Promise<void>;
  private markDesiredKnown!: () => void;
  private readonly reported = new Set<string>();

  constructor(private readonly o: MirrorPodManagerOptions) {
    this.desiredKnown = new Promise((r) => (this.markDesiredKnown = r));
    this.pods = new Informer<Pod>(o.client, R.pods, { fieldSelector: `spec.nodeName=${o.nodeName}`, resyncMs: o.resyncMs ?? 30_000 });
    const enqueue = (p: Pod) => (isMirrorPod(p) || this.desired.has(keyOf(p))) && this.queue.add(keyOf(p));
    this.pods.addHandlers({ add: enqueue, update: (_old, p) => enqueue(p), delete: enqueue });
  }

  start(): void {
    this.pods.start();
    void this.run();
  }

  stop(): void {
    this.queue.shutdown();
    this.pods.stop();
  }

  /** The full set of static pods wanted now. */
  setDesired(pods: Pod[]): void {
    const next = new Map(pods.map((p) => [keyOf(p), p]));
    for (const k of new Set([...this.desired.keys(), ...next.keys()])) this.queue.add(k);
    this.desired = next;
    if (!this.haveDesired) {
      this.haveDesired = true;
      this.markDesiredKnown();
    }
  }

  /** The desired static pod a pod of the API mirrors, if it is a current mirror pod. */
  staticPodOf(pod: Pod): Pod | undefined {
    const want = this.desired.get(keyOf(pod));
    if (!want) return undefined;
    const hash = want.metadata.annotations?.[CONFIG_HASH_ANNOTATION];
    return mirrorHashOf(pod) === hash || pod.metadata.annotations?.[CONFIG_HASH_ANNOTATION] === hash ? want : undefined;
  }

  private async run(): Promise<void> {
    // Before the first read of the manifests every mirror pod would look orphaned.
    await Promise.all([this.pods.waitForSync(), this.desiredKnown]);
    await runWorkers(this.queue, 1, (k) => this.sync(k), (k, err) => this.o.log?.(`static pods: mirror pod ${k}: ${(err as Error).message}`));
  }

  async sync(key: string): Promise<void> {
    const want = this.desired.get(key);
    const have = this.pods.get(key);
    if (have && !isMirrorPod(have)) {
      // A pod of someone else holds the name: upstream leaves it and fails to create the mirror.
      if (want && !this.reported.has(key)) {
        this.reported.add(key);
        this.o.log?.(`static pods: pod ${key} exists in the API and is not a mirror pod; not replacing it`);
      }
      return;
    }
    this.reported.delete(key);
    const hash = want?.metadata.annotations?.[CONFIG_HASH_ANNOTATION];
    if (have && (!want || mirrorHashOf(have) !== hash || have.metadata.deletionTimestamp)) {
      await this.deleteMirror(have);
      if (!want) return;
    } else if (have || !want) return;
    await this.createMirror(want!, hash!);
  }

  private async deleteMirror(pod: Pod): Promise<void> {
    try {
      await this.o.client.delete(resourcePath(R.pods, pod.metadata.namespace, pod.metadata.name), { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
      this.o.log?.(`static pods: deleted mirror pod ${keyOf(pod)}`);
    } catch (err) {
      // Already gone, or replaced (a uid mismatch): either way this copy no longer exists.
      if (code(err) !== 404 && code(err) !== 409) throw err;
    }
  }

  private async createMirror(pod: Pod, hash: string): Promise<void> {
    const nodeUid = this.o.nodeUid();
    if (!nodeUid) throw new Error('failed to get node UID');
    const meta = { ...pod.metadata };
    delete meta.uid;
    delete meta.resourceVersion;
    const body: Pod = {
      ...pod,
      metadata: {
        ...meta,
        annotations: { ...meta.annotations, [CONFIG_MIRROR_ANNOTATION]: hash },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.o.nodeName, uid: nodeUid, controller: true }],
      },
    };
    delete body.status;
    try {
      await this.o.client.create(resourcePath(R.pods, meta.namespace), body);
      this.o.log?.(`static pods: created mirror pod ${keyOf(pod)}`);
    } catch (err) {
      if (code(err) !== 409) throw err;
      // Created before (the informer lags) or someone else's: fine only when it is our copy.
      const existing = await this.o.client.get<Pod>(resourcePath(R.pods, meta.namespace, meta.name));
      if (mirrorHashOf(existing) !== hash || existing.metadata.deletionTimestamp) throw new Error(`a different pod ${keyOf(pod)} exists`);
    }
  }
}
