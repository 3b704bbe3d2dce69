// The namespace controller: a namespace marked for deletion has all its content deleted, then
// its "kubernetes" finalizer removed, and is then deleted for good. Keys are namespace names.
import type { Namespace } from '../../api/core/v1/types.js';
import type { KubeObject } from '../../api/meta/types.js';
import { isNotFound } from '../../client/errors.js';
import type { Informer, SharedInformerFactory } from '../../client/informer.js';
import { R, resourcePath } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';
import { StatusWriter } from '../common/status-writer.js';

const FINALIZER = 'kubernetes';
const RECHECK_MS = 1000;
const DISCOVERY_TTL_MS = 30_000;

interface NamespacedResource {
  /** Path prefix up to the version: /api/v1 or /apis/apps/v1 */
  base: string;
  resource: string;
  verbs: string[];
}

export type NamespaceControllerOptions = Omit<ControllerOptions, 'clock'>;

export class NamespaceController extends QueueController {
  private readonly namespaces: Informer<Namespace>;
  private readonly statusWriter: StatusWriter<Namespace>;
  private discovered?: { at: number; resources: NamespacedResource[] };

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    opts: NamespaceControllerOptions = {},
  ) {
    super('namespace', opts, 2, { baseDelayMs: 100, maxDelayMs: 30_000 });
    this.statusWriter = new StatusWriter(client, R.namespaces, 'v1', 'Namespace');
    this.namespaces = this.cache(factory.informerFor<Namespace>(R.namespaces));
    const terminating = (ns: Namespace) => ns.metadata.deletionTimestamp && this.queue.add(ns.metadata.name!);
    this.namespaces.addHandlers({ add: terminating, update: (_old, ns) => terminating(ns) });
  }

  async sync(name: string): Promise<void> {
    let ns = this.namespaces.get(name);
    if (!ns?.metadata.deletionTimestamp) return;
    const spec = ns.spec ?? {};
    if (ns.status?.phase !== 'Terminating') {
      ns = await this.statusWriter.update(ns, { ...ns.status, phase: 'Terminating' });
      if (!ns) return;
    }
    if (spec.finalizers?.includes(FINALIZER)) {
      const remaining = await this.deleteContent(name);
      if (remaining > 0) {
        this.queue.addAfter(name, RECHECK_MS);
        return;
      }
      const finalizers = spec.finalizers.filter((f) => f !== FINALIZER);
      await this.client.update(resourcePath(R.namespaces, undefined, name, 'finalize'), { ...ns, spec: { ...spec, finalizers } });
      if (finalizers.length) return;
    }
    try {
      await this.client.delete(resourcePath(R.namespaces, undefined, name));
    } catch (err) {
      if (!isNotFound(err)) throw err;
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
            if (!isNotFound(err)) throw err;
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
