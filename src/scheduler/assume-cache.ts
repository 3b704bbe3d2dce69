// Upstream's AssumeCache: an informer's objects, overlaid with the versions this scheduler has
// decided on but not yet written (a volume's claimRef, a claim's selected-node). The next pod
// is filtered against what the previous pod's Reserve took, while its PreBind is still in
// flight. An assumed object is dropped as soon as the informer delivers any newer version: from
// then on the API's word is the truth (our write landed, or something else changed the object and
// the write will fail on its stale resourceVersion and be retried).
import type { KubeObject } from '../api/meta/types.js';

export interface Lister<T extends KubeObject> {
  get(key: string): T | undefined;
  byIndex(index: string, value: string): T[];
}

const keyOf = (o: KubeObject): string => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : (o.metadata.name ?? ''));

export class AssumeCache<T extends KubeObject> {
  private readonly assumed = new Map<string, { obj: T; baseVersion: string | undefined }>();

  constructor(private readonly lister: Lister<T>) {}

  get(key: string): T | undefined {
    const latest = this.lister.get(key);
    const a = this.assumed.get(key);
    if (!a) return latest;
    if (!latest || latest.metadata.resourceVersion !== a.baseVersion) {
      this.assumed.delete(key);
      return latest;
    }
    return a.obj;
  }

  /** The objects of an informer index, each at its assumed version where there is one. */
  byIndex(index: string, value: string): T[] {
    return this.lister.byIndex(index, value).map((o) => this.get(keyOf(o)) ?? o);
  }

  /** Takes `obj` (a modified copy of the cached object) as the object's version until the informer moves on. */
  assume(obj: T): void {
    const key = keyOf(obj);
    this.assumed.set(key, { obj, baseVersion: this.lister.get(key)?.metadata.resourceVersion });
  }

  restore(key: string): void {
    this.assumed.delete(key);
  }

  /** The assumed version, if still current: PreBind writes exactly what Reserve assumed. */
  assumedVersion(key: string): T | undefined {
    const a = this.assumed.get(key);
    return a && this.get(key) === a.obj ? a.obj : undefined;
  }
}
