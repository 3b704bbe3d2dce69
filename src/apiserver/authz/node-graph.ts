// What each node's pods use, as upstream's Node authorizer graph holds it: for every pod bound to
// a node, the Secrets, ConfigMaps, PersistentVolumeClaims and ServiceAccount it references (and
// the PersistentVolumes behind those claims, looked up when asked). Built from the watch cache
// and kept current by its events, so a node's request costs a map lookup, not a scan of pods.
import type { Pod, PodSpec } from '../../api/core/v1/pod/types.js';
import type { KubeObject } from '../../api/meta/types.js';
import { objectKey, type Registry } from '../registry/registry.js';
import type { CacheEvent } from '../watchcache/types.js';
import type { WatchCache } from '../watchcache/watch-cache.js';

export type GraphResource = 'secrets' | 'configmaps' | 'persistentvolumeclaims' | 'serviceaccounts';

const ref = (resource: GraphResource, namespace: string, name: string) => `${resource}/${namespace}/${name}`;

/** Every object of the graph's kinds one pod references (upstream's graph_populator reads the same fields). */
export function podReferences(pod: Pod): string[] {
  const ns = pod.metadata.namespace ?? '';
  const spec: PodSpec | undefined = pod.spec;
  if (!spec) return [];
  const out = new Set<string>();
  const add = (resource: GraphResource, name: string | undefined) => {
    if (name) out.add(ref(resource, ns, name));
  };
  add('serviceaccounts', spec.serviceAccountName || 'default');
  for (const s of spec.imagePullSecrets ?? []) add('secrets', s.name);
  for (const c of [...(spec.initContainers ?? []), ...spec.containers, ...(spec.ephemeralContainers ?? [])]) {
    for (const e of c.envFrom ?? []) {
      add('secrets', e.secretRef?.name);
      add('configmaps', e.configMapRef?.name);
    }
    for (const e of c.env ?? []) {
      add('secrets', e.valueFrom?.secretKeyRef?.name);
      add('configmaps', e.valueFrom?.configMapKeyRef?.name);
    }
  }
  for (const v of spec.volumes ?? []) {
    add('secrets', v.secret?.secretName);
    add('configmaps', v.configMap?.name);
    add('persistentvolumeclaims', v.persistentVolumeClaim?.claimName);
    // A generic ephemeral volume's claim is named after the pod and the volume.
    if (v.ephemeral) add('persistentvolumeclaims', `${pod.metadata.name}-${v.name}`);
    for (const s of v.projected?.sources ?? []) {
      add('secrets', s.secret?.name);
      add('configmaps', s.configMap?.name);
    }
    const secretRefs = v as unknown as Record<string, { secretRef?: { name?: string }; nodePublishSecretRef?: { name?: string } } | undefined>;
    for (const plugin of Object.values(secretRefs)) {
      if (plugin && typeof plugin === 'object') {
        add('secrets', plugin.secretRef?.name);
        add('secrets', plugin.nodePublishSecretRef?.name);
      }
    }
  }
  return [...out];
}

export class NodeGraph {
  /** node → reference → how many of its pods hold it. */
  private readonly byNode = new Map<string, Map<string, number>>();
  /** pod key → its node and references, to undo on change. */
  private readonly contributed = new Map<string, { node: string; refs: string[] }>();
  private watching = false;

  constructor(
    private readonly cache: WatchCache,
    private readonly registry: Registry,
  ) {}

  /** Whether a pod bound to the node references the object. */
  has(node: string, resource: GraphResource, namespace: string, name: string): boolean {
    this.start();
    return (this.byNode.get(node)?.get(ref(resource, namespace, name)) ?? 0) > 0;
  }

  /** Whether a claim the node's pods use is bound to this PersistentVolume. */
  hasVolume(node: string, pvName: string): boolean {
    this.start();
    const claims = this.registry.lookup('', 'v1', 'persistentvolumeclaims');
    if (!claims) return false;
    const rc = this.cache.resource(claims.keyPrefix);
    for (const key of this.byNode.get(node)?.keys() ?? []) {
      if (!key.startsWith('persistentvolumeclaims/')) continue;
      const [, ns, name] = key.split('/');
      const pvc = rc.items.get(objectKey(claims, ns, name))?.obj as (KubeObject & { spec?: { volumeName?: string } }) | undefined;
      if (pvc?.spec?.volumeName === pvName) return true;
    }
    return false;
  }

  private start(): void {
    if (this.watching) return;
    const pods = this.registry.lookup('', 'v1', 'pods');
    if (!pods) return;
    this.watching = true;
    const rc = this.cache.resource(pods.keyPrefix);
    for (const c of rc.items.values()) this.put(c.key, c.obj as Pod);
    rc.addWatcher({
      filter: { prefix: pods.keyPrefix, matches: () => true },
      deliver: (ev: CacheEvent) => {
        this.remove(ev.key);
        if (ev.type !== 'DELETED') this.put(ev.key, ev.object.obj as Pod);
        return true;
      },
    });
  }

  private put(key: string, pod: Pod): void {
    const node = pod.spec?.nodeName;
    if (!node) return;
    const refs = podReferences(pod);
    let counts = this.byNode.get(node);
    if (!counts) this.byNode.set(node, (counts = new Map()));
    for (const r of refs) counts.set(r, (counts.get(r) ?? 0) + 1);
    this.contributed.set(key, { node, refs });
  }

  private remove(key: string): void {
    const was = this.contributed.get(key);
    if (!was) return;
    this.contributed.delete(key);
    const counts = this.byNode.get(was.node);
    if (!counts) return;
    for (const r of was.refs) {
      const n = (counts.get(r) ?? 0) - 1;
      if (n > 0) counts.set(r, n);
      else counts.delete(r);
    }
    if (!counts.size) this.byNode.delete(was.node);
  }
}
