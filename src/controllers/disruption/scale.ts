// The scale of the controllers behind a PDB's pods: a pod's ReplicaSet (or the Deployment
// owning that ReplicaSet), ReplicationController or StatefulSet from the caches, any other
// controller through its scale subresource. Each controller counts once.
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { KubeObject, OwnerReference } from '../../api/meta/types.js';
import type { Informer } from '../../client/informer.js';
import { resourcePath } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import type { RestMapper } from '../../client/rest-mapper.js';

type Replicated = KubeObject & { spec?: { replicas?: number } };

export interface ScaleSources {
  replicaSets: Informer<Replicated>;
  deployments: Informer<Replicated>;
  replicationControllers: Informer<Replicated>;
  statefulSets: Informer<Replicated>;
  client: ApiClient;
  mapper: RestMapper;
}

const controllerOf = (o: KubeObject): OwnerReference | undefined => o.metadata.ownerReferences?.find((r) => r.controller === true);
const replicasOf = (o: Replicated): number => o.spec?.replicas ?? 1;

function cached(inf: Informer<Replicated>, namespace: string | undefined, ref: OwnerReference): Replicated | undefined {
  const o = inf.get(`${namespace}/${ref.name}`);
  return o && o.metadata.uid === ref.uid ? o : undefined;
}

/** Sum of the pods' controllers' replicas. Throws when a controller cannot be found. */
export async function controllersScale(pods: Pod[], s: ScaleSources): Promise<number> {
  // By the pod's controller uid: the controller whose scale counts (for a Deployment's
  // ReplicaSet, the Deployment), so that each counts once however many pods and ReplicaSets.
  const byRef = new Map<string, { uid: string; replicas: number }>();
  for (const pod of pods) {
    const ref = controllerOf(pod);
    // Pods without a controller do not add to the expected count (upstream's unmanaged pods).
    if (!ref || byRef.has(ref.uid)) continue;
    const found = await scaleFor(pod.metadata.namespace, ref, s);
    if (!found) throw new Error(`found no controllers for pod "${pod.metadata.name}"`);
    byRef.set(ref.uid, found);
  }
  const byController = new Map<string, number>();
  for (const f of byRef.values()) byController.set(f.uid, f.replicas);
  let total = 0;
  for (const n of byController.values()) total += n;
  return total;
}

async function scaleFor(ns: string | undefined, ref: OwnerReference, s: ScaleSources): Promise<{ uid: string; replicas: number } | undefined> {
  if (ref.kind === 'ReplicaSet' && ref.apiVersion.startsWith('apps/')) {
    const rs = cached(s.replicaSets, ns, ref);
    if (!rs) return undefined;
    const owner = controllerOf(rs);
    if (owner?.kind === 'Deployment') {
      const d = cached(s.deployments, ns, owner);
      return d ? { uid: d.metadata.uid!, replicas: replicasOf(d) } : undefined;
    }
    return { uid: rs.metadata.uid!, replicas: replicasOf(rs) };
  }
  if (ref.kind === 'ReplicationController' && ref.apiVersion === 'v1') {
    const rc = cached(s.replicationControllers, ns, ref);
    return rc && { uid: rc.metadata.uid!, replicas: replicasOf(rc) };
  }
  if (ref.kind === 'StatefulSet' && ref.apiVersion.startsWith('apps/')) {
    const ss = cached(s.statefulSets, ns, ref);
    return ss && { uid: ss.metadata.uid!, replicas: replicasOf(ss) };
  }
  // Any other controller that serves /scale (custom resources included).
  const mapped = await s.mapper.lookup(ref.apiVersion, ref.kind);
  if (!mapped) return undefined;
  try {
    const scale = await s.client.get<{ metadata: { uid?: string }; spec?: { replicas?: number } }>(resourcePath(mapped.gvr, mapped.namespaced ? ns : undefined, ref.name, 'scale'));
    if (scale.metadata.uid && scale.metadata.uid !== ref.uid) return undefined;
    return { uid: ref.uid, replicas: scale.spec?.replicas ?? 0 };
  } catch {
    return undefined;
  }
}
