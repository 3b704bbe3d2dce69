// The namespace controller: a namespace marked for deletion has all its content deleted, then
// its "kubernetes" finalizer removed, and is then deleted for good.
import type { KubeObject } from '../../api/meta/types.js';
import { Reflector } from '../../client/reflector.js';
import { ApiStatusError, type RestClient } from '../../client/rest.js';
import { runWorkers, WorkQueue } from '../../client/workqueue.js';

const FINALIZER = 'kubernetes';
const RECHECK_MS = 1000;
const DISCOVERY_TTL_MS = 30_000;

interface NamespacedResource {
  /** Path prefix up to the version: /api/v1 or /apis/apps/v1 */
  base: string;
  resource: string;
  verbs: string[];
}

export class NamespaceController {
  private readonly queue = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 30_000 });
  private readonly reflector: Reflector;
  private discovered?: { at: number; resources: NamespacedResource[] };

  constructor(
    private readonly client: RestClient,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.reflector = new Reflector(client, '/api/v1/namespaces', {
      onObject: (_type, ns) => {
        if (ns.metadata.deletionTimestamp) this.queue.add(ns.metadata.name!);
      },
    });
  }

  run(workers = 2): Promise<unknown> {
    return Promise.all([this.reflector.run(), runWorkers(this.queue, workers, (k) => this.sync(k), (k, err) => this.log(`namespace ${k}: ${String(err)}`))]);
  }

  stop(): void {
    this.reflector.stop();
    this.queue.shutdown();
  }

  async sync(name: string): Promise<void> {
    let ns: KubeObject;
    try {
      ns = await this.client.get(`/api/v1/namespaces/${encodeURIComponent(name)}`);
    } catch (err) {
      if (err instanceof ApiStatusError && err.code === 404) return;
      throw err;
    }
    if (!ns.metadata.deletionTimestamp) return;
    const spec = (ns['spec'] as { finalizers?: string[] } | undefined) ?? {};
    if ((ns['status'] as { phase?: string } | undefined)?.phase !== 'Terminating') {
      ns = await this.client.update(`/api/v1/namespaces/${encodeURIComponent(name)}/status`, { ...ns, status: { ...((ns['status'] as object) ?? {}), phase: 'Terminating' } });
    }
    if (spec.finalizers?.includes(FINALIZER)) {
      const remaining = await this.deleteContent(name);
      if (remaining > 0) {
        this.queue.addAfter(name, RECHECK_MS);
        return;
      }
      const finalizers = spec.finalizers.filter((f) => f !== FINALIZER);
      await this.client.update(`/api/v1/namespaces/${encodeURIComponent(name)}/finalize`, { ...ns, spec: { ...spec, finalizers } });
      if (finalizers.length) return;
    }
    try {
      await this.client.delete(`/api/v1/namespaces/${encodeURIComponent(name)}`);
    } catch (err) {
      if (!(err instanceof ApiStatusError && err.code === 404)) throw err;
    }
  }

  /** Delete every namespaced object; returns how many are still there. */
  private async deleteContent(namespace: string): Promise<number> {
    let remaining = 0;
    for (const r of await this.resources()) {
      const path = `${r.base}/namespaces/${encodeURIComponent(namespace)}/${r.resource}`;
      if (r.verbs.includes('deletecollection')) {
        await this.client.request('DELETE', path, { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
      }
      const list = await this.client.get<{ items: KubeObject[] }>(`${path}?limit=500`);
      for (const item of list.items) {
        remaining++;
        if (!r.verbs.includes('deletecollection') && !item.metadata.deletionTimestamp && r.verbs.includes('delete')) {
          try {
            await this.client.delete(`${path}/${encodeURIComponent(item.metadata.name!)}`, { propagationPolicy: 'Background' });
          } catch (err) {
            if (!(err instanceof ApiStatusError && err.code === 404)) throw err;
          }
        }
      }
    }
    return remaining;
  }

  private async resources(): Promise<NamespacedResource[]> {
    if (this.discovered && Date.now() - this.discovered.at < DISCOVERY_TTL_MS) return this.discovered.resources;
    const bases = ['/api/v1'];
    const groups = await this.client.get<{ groups: { versions: { groupVersion: string }[]; preferredVersion: { groupVersion: string } }[] }>('/apis');
    for (const g of groups.groups) bases.push(`/apis/${g.preferredVersion.groupVersion}`);
    const resources: NamespacedResource[] = [];
    for (const base of bases) {
      const list = await this.client.get<{ resources: { name: string; namespaced: boolean; verbs: string[] }[] }>(base);
      for (const r of list.resources) {
        if (r.namespaced && !r.name.includes('/') && r.verbs.includes('list')) resources.push({ base, resource: r.name, verbs: r.verbs });
      }
    }
    this.discovered = { at: Date.now(), resources };
    return resources;
  }
}
