// The apiextensions controllers that run inside the API server, as upstream's do: naming
// (NamesAccepted and acceptedNames), establishing (Established once the resource is served),
// serving (each served version of an accepted CRD becomes a registry entry at run time), and the
// finalizer (a deleted CRD's objects are deleted, then its customresourcecleanup finalizer is
// removed and the resource withdrawn). Level-based: sync(name) reads the CRD from the watch
// cache and makes the world agree with it, however often it runs.
import { setCondition } from '../../api/apiextensions/v1/kinds.js';
import { CLEANUP_FINALIZER, GROUP, isEstablished, type CustomResourceDefinition, type CustomResourceDefinitionCondition } from '../../api/apiextensions/v1/types.js';
import { customKind } from '../../api/apiextensions/schema/custom-kind.js';
import type { KubeObject } from '../../api/meta/types.js';
import { undefine } from '../../api/schema/dsl.js';
import { rfc3339 } from '../../util/time.js';
import { ApiError, errors } from '../errors.js';
import type { ResourceEntry } from '../registry/entry.js';
import type { Registry } from '../registry/registry.js';
import type { ResourceStore } from '../rest/resource-store.js';
import type { ActiveWatch } from '../rest/watch.js';
import { webhookConverter } from '../webhook/conversion.js';
import type { WebhookClient } from '../webhook/client.js';
import { approvalCondition, decideNames } from './names.js';

const MANAGER = 'kube-apiserver';
/** How often a terminating CRD looks again at objects still held by their finalizers. */
const CLEANUP_RETRY_MS = 250;

interface Served {
  group: string;
  plural: string;
  /** What the entries were built from: rebuilt only when this changes. */
  fingerprint: string;
  schemaNames: string[];
  terminating: { value: boolean };
}

export class CrdServing {
  private readonly served = new Map<string, Served>();
  private readonly queue = new Set<string>();
  private running?: Promise<void>;
  private watch?: ActiveWatch;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly registry: Registry,
    private readonly resources: ResourceStore,
    private readonly log?: (line: string) => void,
    /** Calls conversion webhooks (strategy Webhook); without it such CRDs convert as None. */
    private readonly webhooks?: WebhookClient,
  ) {
    // A custom resource's creates are refused once its CRD is being deleted, as upstream.
    resources.addAdmission((entry, _obj, op) => {
      if (op === 'create' && entry.def.custom?.terminating?.()) throw errors.methodNotAllowed('create not allowed while custom resource definition is terminating');
    });
  }

  private get crdEntry(): ResourceEntry {
    const e = this.registry.lookup(GROUP, 'v1', 'customresourcedefinitions');
    if (!e) throw new Error('customresourcedefinitions are not registered');
    return e;
  }

  /** Serves the CRDs already stored (a restart) before returning, then follows changes. */
  async start(): Promise<void> {
    this.watch = await this.resources.watch(this.crdEntry, {}, {
      event: (_type, c) => {
        this.enqueue(c.obj.metadata.name!);
        return true;
      },
      bookmark: () => true,
      error: () => undefined,
    });
    await this.drain();
  }

  stop(): void {
    this.stopped = true;
    this.watch?.stop();
    for (const t of this.timers) clearTimeout(t);
  }

  private enqueue(name: string): void {
    if (this.stopped) return;
    this.queue.add(name);
    void this.drain();
  }

  /** One worker: keys are synced one at a time, each at most once per pass. */
  private drain(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      while (this.queue.size && !this.stopped) {
        const name = this.queue.values().next().value!;
        this.queue.delete(name);
        try {
          await this.sync(name);
        } catch (err) {
          if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) this.log?.(`crd ${name}: ${(err as Error).message}`);
          this.later(name, CLEANUP_RETRY_MS);
        }
      }
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private later(name: string, ms: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.enqueue(name);
    }, ms);
    this.timers.add(t);
  }

  private async current(name: string): Promise<CustomResourceDefinition | undefined> {
    try {
      return (await this.resources.get(this.crdEntry, undefined, name)) as CustomResourceDefinition;
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  }

  async sync(name: string): Promise<void> {
    const crd = await this.current(name);
    if (!crd) return this.withdraw(name);
    if (crd.metadata.deletionTimestamp) {
      if (!crd.metadata.finalizers?.includes(CLEANUP_FINALIZER)) return;
      return this.cleanup(crd);
    }
    const all = (await this.resources.list(this.crdEntry, {})).items.map((c) => c.obj as CustomResourceDefinition);
    const names = decideNames(crd, all);
    const accepted = names.condition.status === 'True';
    // Serve before saying Established: a client that waits for the condition may use the resource at once.
    if (accepted) this.serve({ ...crd, status: { ...crd.status, acceptedNames: names.accepted } });
    const now = rfc3339();
    await this.writeStatus(crd, (next) => {
      next.status ??= {};
      next.status.acceptedNames = names.accepted;
      setCondition(next, names.condition, now);
      const established: CustomResourceDefinitionCondition = accepted || isEstablished(next)
        ? { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }
        : { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' };
      setCondition(next, established, now);
      const approval = approvalCondition(next);
      if (approval) setCondition(next, approval, now);
    });
  }

  /** Writes the status through the status subresource when `mutate` changes it. */
  private async writeStatus(crd: CustomResourceDefinition, mutate: (next: CustomResourceDefinition) => void): Promise<void> {
    const probe = structuredClone(crd);
    mutate(probe);
    if (JSON.stringify(probe.status) === JSON.stringify(crd.status)) return;
    await this.resources.update(this.crdEntry, undefined, crd.metadata.name!, (cur) => {
      mutate(cur as CustomResourceDefinition);
      return cur;
    }, { fieldManager: MANAGER, subresource: 'status' });
  }

  /** Adds (or replaces) the registry entries of the CRD's served versions. */
  private serve(crd: CustomResourceDefinition): void {
    const name = crd.metadata.name!;
    const fingerprint = JSON.stringify([crd.spec, crd.status?.acceptedNames, crd.metadata.uid]);
    const had = this.served.get(name);
    if (had?.fingerprint === fingerprint) return;
    const terminating = { value: false };
    const defs = crd.spec.versions.filter((v) => v.served).map((v) => customKind(crd, v, { terminating: () => terminating.value }));
    const convert = this.webhooks ? webhookConverter(this.webhooks, crd) : undefined;
    if (convert) for (const d of defs) d.custom!.convert = convert;
    const plural = crd.status?.acceptedNames?.plural || crd.spec.names.plural;
    if (had && (had.group !== crd.spec.group || had.plural !== plural)) this.registry.removeResource(had.group, had.plural);
    this.registry.replaceResource(crd.spec.group, plural, defs);
    for (const n of had?.schemaNames ?? []) undefine(n);
    this.served.set(name, { group: crd.spec.group, plural, fingerprint, schemaNames: defs.map((d) => d.schema), terminating });
  }

  private withdraw(name: string): void {
    const had = this.served.get(name);
    if (!had) return;
    this.registry.removeResource(had.group, had.plural);
    for (const n of had.schemaNames) undefine(n);
    this.served.delete(name);
  }

  /**
   * A deleted CRD: creates are refused, every object is deleted, and once none is left the
   * finalizer goes (and with it the CRD) and the resource stops being served.
   */
  private async cleanup(crd: CustomResourceDefinition): Promise<void> {
    const name = crd.metadata.name!;
    const served = this.served.get(name);
    if (served) served.terminating.value = true;
    const entry = served ? this.registry.entries().find((e) => e.group === served.group && e.resource === served.plural && e.storage === e) : undefined;
    let left = 0;
    if (entry) {
      const items = (await this.resources.list(entry, {})).items;
      left = items.length;
      for (const c of items) {
        if (c.obj.metadata.deletionTimestamp) continue;
        try {
          await this.resources.delete(entry, c.obj.metadata.namespace, c.obj.metadata.name!, {});
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 404)) throw err;
        }
      }
      if (left) left = (await this.resources.list(entry, {})).items.length;
    }
    const now = rfc3339();
    if (left) {
      await this.writeStatus(crd, (next) => setCondition(next, { type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' }, now));
      this.later(name, CLEANUP_RETRY_MS);
      return;
    }
    await this.writeStatus(crd, (next) => setCondition(next, { type: 'Terminating', status: 'True', reason: 'InstanceDeletionCompleted', message: `removed all instances` }, now));
    await this.resources.update(this.crdEntry, undefined, name, (cur: KubeObject) => {
      cur.metadata.finalizers = (cur.metadata.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
      if (!cur.metadata.finalizers.length) delete cur.metadata.finalizers;
      return cur;
    }, { fieldManager: MANAGER, bypassStrategy: true });
    this.withdraw(name);
  }
}
