// The binder's view of volumes and claims: the informer's copy, or the one this controller
// itself wrote when that is newer. Binding writes four objects in a row (volume, its status,
// claim, its status); without this view the sync after each write would read the informer's
// older copy and try to write it again (a conflict every time), as upstream's comment on its
// own local caches explains. Entries go once the informer has caught up with them.
import type { KubeObject } from '../../../api/meta/types.js';
import type { Informer } from '../../../client/informer.js';
import { keyOf } from '../../../client/resources.js';

/** a is newer than b (resourceVersions are the store's revision numbers; unparsable: trust a). */
function newer(a: KubeObject, b: KubeObject): boolean {
  try {
    return BigInt(a.metadata.resourceVersion ?? '0') > BigInt(b.metadata.resourceVersion ?? '0');
  } catch {
    return true;
  }
}

export class LocalCache<T extends KubeObject> {
  private readonly written = new Map<string, T>();

  constructor(private readonly informer: Informer<T>) {
    informer.addHandlers({
      add: (o) => this.caughtUp(o),
      update: (_old, o) => this.caughtUp(o),
      delete: (o) => this.written.delete(keyOf(o)),
    });
  }

  private caughtUp(o: T): void {
    const key = keyOf(o);
    const mine = this.written.get(key);
    if (mine && !newer(mine, o)) this.written.delete(key);
  }

  /** The newest copy known, or undefined when the informer no longer has the object. */
  get(key: string): T | undefined {
    const cached = this.informer.get(key);
    if (!cached) return undefined;
    return this.latest(cached);
  }

  /** Of an informer object, the newest copy known. */
  latest(cached: T): T {
    const mine = this.written.get(keyOf(cached));
    return mine && mine.metadata.uid === cached.metadata.uid && newer(mine, cached) ? mine : cached;
  }

  /** Record what the API server returned for a write of ours. */
  store(obj: T): void {
    this.written.set(keyOf(obj), obj);
  }
}
