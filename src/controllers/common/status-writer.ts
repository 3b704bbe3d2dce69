// Status writes, one way for every controller: PUT to the status subresource, skipped when the
// status would not change. A write that loses a race (409: the cache was behind) is thrown, which
// ends the sync; the work queue syncs the key again with its backoff, from a cache that has caught
// up by then (upstream's controllers return that error to processNextWorkItem likewise). An object
// deleted meanwhile needs no status: that write answers undefined.
import { semanticEqual } from '../../api/meta/equality.js';
import type { KubeObject } from '../../api/meta/types.js';
import { isNotFound } from '../../client/errors.js';
import { resourcePath, type GroupVersionResource } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';

export type WithStatus<S> = KubeObject & { status?: S };

export class StatusWriter<T extends WithStatus<unknown>> {
  constructor(
    private readonly client: ApiClient,
    private readonly resource: GroupVersionResource,
    private readonly apiVersion: string,
    private readonly kind: string,
  ) {}

  /** Writes `status` unless `obj` holds it already; answers the object as written (or `obj`). */
  async update(obj: T, status: T['status']): Promise<T | undefined> {
    if (semanticEqual(obj.status, status)) return obj;
    return this.put({ ...obj, status });
  }

  /** Writes `obj` as it is: for callers that decided what changed (metadata travels too). */
  async put(obj: T): Promise<T | undefined> {
    try {
      return await this.client.update<T>(resourcePath(this.resource, obj.metadata.namespace, obj.metadata.name, 'status'), { ...obj, apiVersion: this.apiVersion, kind: this.kind });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}
