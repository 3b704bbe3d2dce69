// ControllerRef management (upstream's BaseControllerRefManager.ClaimObject): an owner claims the
// objects its selector matches. Orphans that match are adopted (the owner becomes their
// controller), objects it controls that no longer match are released, and objects controlled by
// someone else are left alone. Used by ReplicaSets for pods and by Deployments for ReplicaSets.
import type { KubeObject, OwnerReference } from '../../api/meta/types.js';
import { isInvalid, isNotFound } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import { resourcePath, type GroupVersionResource } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';

const SMP = 'application/strategic-merge-patch+json';

export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/**
 * The owner a controller reference names, from the owners' cache, when it is of `kind` and the
 * same object (not a successor of the same name): upstream's resolveControllerRef.
 */
export function resolveControllerRef<T extends KubeObject>(owners: Informer<T>, namespace: string | undefined, ref: OwnerReference | undefined, kind: string): T | undefined {
  if (!ref || ref.kind !== kind) return undefined;
  const owner = owners.get(namespace ? `${namespace}/${ref.name}` : ref.name);
  return owner && owner.metadata.uid === ref.uid ? owner : undefined;
}

export interface ClaimOptions<T extends KubeObject> {
  client: ApiClient;
  owner: KubeObject;
  ownerApiVersion: string;
  ownerKind: string;
  /** The resource of the claimed objects (for the adopt/release patches). */
  resource: GroupVersionResource;
  matches(obj: T): boolean;
  /** A fresh check that the owner may still adopt (same uid, not being deleted); called at most once. */
  canAdopt(): Promise<void>;
}

/** The objects the owner controls after adopting and releasing; throws on the first failed write. */
export async function claimObjects<T extends KubeObject>(objects: T[], o: ClaimOptions<T>): Promise<T[]> {
  const claimed: T[] = [];
  const ownerUid = o.owner.metadata.uid;
  const ownerDeleting = !!o.owner.metadata.deletionTimestamp;
  let adoptable: Promise<void> | undefined;
  const errors: unknown[] = [];
  for (const obj of objects) {
    const ref = controllerOf(obj);
    try {
      if (ref) {
        if (ref.uid !== ownerUid) continue;
        if (o.matches(obj)) {
          claimed.push(obj);
          continue;
        }
        if (ownerDeleting) continue;
        await release(o, obj);
        continue;
      }
      if (ownerDeleting || !o.matches(obj) || obj.metadata.deletionTimestamp) continue;
      if (o.owner.metadata.namespace && o.owner.metadata.namespace !== obj.metadata.namespace) continue;
      adoptable ??= o.canAdopt();
      await adoptable;
      claimed.push(await adopt(o, obj));
    } catch (err) {
      if (!isNotFound(err)) errors.push(err);
    }
  }
  if (errors.length) throw errors[0];
  return claimed;
}

async function adopt<T extends KubeObject>(o: ClaimOptions<T>, obj: T): Promise<T> {
  const ref = newControllerRef(o.owner, o.ownerApiVersion, o.ownerKind);
  // The uid in the patch is a precondition: a re-created object of the same name is not adopted.
  const patch = { metadata: { ownerReferences: [ref], uid: obj.metadata.uid } };
  return o.client.patch<T>(resourcePath(o.resource, obj.metadata.namespace, obj.metadata.name), patch, SMP);
}

async function release<T extends KubeObject>(o: ClaimOptions<T>, obj: T): Promise<void> {
  const patch = { metadata: { ownerReferences: [{ $patch: 'delete', uid: o.owner.metadata.uid }], uid: obj.metadata.uid } };
  try {
    await o.client.patch(resourcePath(o.resource, obj.metadata.namespace, obj.metadata.name), patch, SMP);
  } catch (err) {
    // Already gone, or changed under us (422 on the uid precondition): nothing left to release.
    if (isNotFound(err) || isInvalid(err)) return;
    throw err;
  }
}

/** canAdopt for an owner: re-read it from the API and refuse if it was replaced or is being deleted. */
export function recheckOwner(client: ApiClient, resource: GroupVersionResource, owner: KubeObject): () => Promise<void> {
  return async () => {
    const fresh = await client.get(resourcePath(resource, owner.metadata.namespace, owner.metadata.name));
    if (fresh.metadata.uid !== owner.metadata.uid) throw new Error(`original ${owner.metadata.namespace}/${owner.metadata.name} is gone: got uid ${fresh.metadata.uid}, wanted ${owner.metadata.uid}`);
    if (fresh.metadata.deletionTimestamp) throw new Error(`${owner.metadata.namespace}/${owner.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  };
}
