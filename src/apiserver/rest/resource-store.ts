// Generic create/get/list/watch/update/delete for every resource, as upstream's generic
// registry Store: strategy hooks from the kind definition, optimistic concurrency on the
// storage revision, graceful deletion and finalizers, managedFields bookkeeping. Every verb
// passes through here, the one place authorization, admission and auditing hook into.
// Kind-agnostic by design.
import type { KubeObject } from '../../api/meta/types.js';
import { ref } from '../../api/schema/dsl.js';
import { inGoFieldOrder, orderInPlace } from '../../api/schema/field-order.js';
import type { FieldError } from '../../api/validation/field.js';
import { ConflictError, KeyExistsError, KeyNotFoundError, type Store } from '../../storage/store.js';
import { errors, type ApiError } from '../errors.js';
import { recordUpdate } from '../fieldmanager/field-manager.js';
import type { ResourceEntry } from '../registry/entry.js';
import { objectKey } from '../registry/registry.js';
import { decodeKv, type WatchCache } from '../watchcache/watch-cache.js';
import type { CachedObject } from '../watchcache/types.js';
import { deepEqual } from '../fieldmanager/equality.js';
import { listObjects, type ListPage, type ListQuery } from './list.js';
import { carryUpdateMeta, fillCreateMeta, generateName, nowTimestamp, specOf } from './object-meta.js';
import { startWatch, type ActiveWatch, type WatchQuery, type WatchSink } from './watch.js';

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager: string;
  subresource?: string;
  /**
   * The mutation is the server's own (binding, finalize): it may change fields the kind's
   * update strategy keeps fixed, and is not validated as a client update.
   */
  bypassStrategy?: boolean;
  /** With bypassStrategy: the subresource's own validation (finalize's), in place of the kind's. */
  validate?: (next: KubeObject, old: KubeObject) => FieldError[];
  /** The caller computed metadata.managedFields itself (server-side apply): keep them as they are. */
  managedFieldsSet?: boolean;
  /** Who asks, for admission that depends on it (RBAC escalation); none for the server's own writes. */
  requester?: Requester;
  /** Where admission's warnings go (the response's Warning header). */
  warn?: (message: string) => void;
  /** Where admission's audit annotations go. */
  annotate?: (key: string, value: string) => void;
}

/** The authenticated user of a request, as admission sees it. */
export interface Requester {
  name: string;
  uid?: string;
  groups: readonly string[];
  extra?: Readonly<Record<string, readonly string[]>>;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
  /** Who asks (NodeRestriction admits a kubelet's deletes); none for the server's own. */
  requester?: Requester;
  warn?: (message: string) => void;
  annotate?: (key: string, value: string) => void;
}

export interface DeleteResult {
  object: KubeObject;
  /** False when deletion is pending (grace period or finalizers): the object still exists. */
  deleted: boolean;
}

/**
 * Admission: runs after defaulting and validation, before the write; may change `obj` or refuse
 * it. A returned function is called once the write has finished (to release reservations).
 */
export type AdmissionCheck = (entry: ResourceEntry, obj: KubeObject, op: 'create' | 'update' | 'delete', old?: KubeObject, requester?: Requester, attrs?: AdmissionAttributes) => void | (() => void) | Promise<void | (() => void)>;

/** What admission knows of the request beyond the object (upstream's admission.Attributes). */
export interface AdmissionAttributes {
  dryRun: boolean;
  subresource?: string;
  /** Adds a warning to the response (kubectl prints it as `Warning: …`). */
  warn(message: string): void;
  /**
   * Adds an annotation to the request's audit event (upstream's AddAnnotation); a no-op when the
   * request is not audited.
   */
  annotate(key: string, value: string): void;
}

function admissionAttributes(opts: { dryRun?: boolean; subresource?: string; warn?: (message: string) => void; annotate?: (key: string, value: string) => void }): AdmissionAttributes {
  return { dryRun: !!opts.dryRun, subresource: opts.subresource, warn: opts.warn ?? (() => undefined), annotate: opts.annotate ?? (() => undefined) };
}

/** Called when an update is about to produce an object the caller wants to transform (e.g. patch). */
export type Mutation = (current: KubeObject) => KubeObject | Promise<KubeObject>;

const MAX_UPDATE_ATTEMPTS = 16;

/** `group/version, Kind=Kind`, as Go prints a GroupVersionKind (in conversion errors). */
const gvkString = (apiVersion: string, kind: string) => `${apiVersion}, Kind=${kind}`;

export class ResourceStore {
  private admission: AdmissionCheck[] = [];

  constructor(
    private readonly store: Store,
    private readonly cache: WatchCache,
    private readonly clock: () => number = Date.now,
  ) {}

  addAdmission(check: AdmissionCheck): void {
    this.admission.push(check);
  }

  // ---- conversion between the served version and storage -------------------------------

  toServed(entry: ResourceEntry, stored: KubeObject): KubeObject {
    const s = entry.def.storedAs;
    if (!s) return stored;
    const out = s.fromStorage(structuredClone(stored));
    out.metadata.resourceVersion = stored.metadata.resourceVersion;
    return inGoFieldOrder(out, ref(entry.def.schema));
  }

  private toStorage(entry: ResourceEntry, served: KubeObject): KubeObject {
    const s = entry.def.storedAs;
    return s ? s.toStorage(served) : served;
  }

  /**
   * Stored objects as this entry serves them; objects of custom resources stored in another
   * version go through their conversion webhook, all in one ConversionReview.
   */
  async servedAll(entry: ResourceEntry, stored: readonly KubeObject[]): Promise<KubeObject[]> {
    const convert = entry.def.custom?.convert;
    const foreign = convert ? stored.flatMap((o, i) => (o.apiVersion !== entry.apiVersion ? [i] : [])) : [];
    if (!convert || !foreign.length) return stored.map((o) => this.toServed(entry, o));
    const source = foreign.length === 1 && stored.length === 1 ? gvkString(stored[0]!.apiVersion!, entry.kind) : gvkString(stored[foreign[0]!]!.apiVersion!, `${entry.kind}List`);
    const converted = await convert(foreign.map((i) => structuredClone(stored[i]!)), entry.apiVersion, source);
    const out = [...stored];
    foreign.forEach((i, k) => {
      out[i] = converted[k]!;
    });
    return out.map((o) => this.toServed(entry, o));
  }

  async served(entry: ResourceEntry, stored: KubeObject): Promise<KubeObject> {
    return (await this.servedAll(entry, [stored]))[0]!;
  }

  /** The served object in the storage version: through the conversion webhook when it has one. */
  private async toStorageConverted(entry: ResourceEntry, served: KubeObject): Promise<KubeObject> {
    const s = entry.def.storedAs;
    const convert = entry.def.custom?.convert;
    if (!s || !convert) return this.toStorage(entry, served);
    const storageApiVersion = s.group ? `${s.group}/${s.version}` : s.version;
    if ((served.apiVersion ?? entry.apiVersion) === storageApiVersion) return served;
    const [out] = await convert([{ ...served, apiVersion: served.apiVersion ?? entry.apiVersion, kind: served.kind ?? entry.kind }], storageApiVersion, gvkString(served.apiVersion ?? entry.apiVersion, entry.kind));
    out!.metadata.resourceVersion = served.metadata.resourceVersion;
    return out!;
  }

  /** Whether the stored bytes are in another version than the storage version (a no-op update then migrates them). */
  private storedStale(entry: ResourceEntry, stored: KubeObject): boolean {
    const s = entry.def.storedAs;
    return !!s && stored.apiVersion !== (s.group ? `${s.group}/${s.version}` : s.version);
  }

  private encode(entry: ResourceEntry, stored: KubeObject): Buffer {
    // Upstream's field order, set once here for the stored bytes, the cache and the response.
    // resourceVersion takes its place now, so stamping it after the write keeps the order.
    stored.metadata.resourceVersion ??= '';
    orderInPlace(stored, ref(entry.storage.def.schema));
    const { resourceVersion: _rv, ...meta } = stored.metadata;
    const buf = Buffer.from(JSON.stringify({ ...stored, metadata: meta }));
    // Served-version objects differ from what is stored for converted kinds; hint only the stored form.
    this.cache.hint(buf, copyTopAndMetadata(stored));
    return buf;
  }

  private schemaOf(entry: ResourceEntry) {
    return ref(entry.def.schema);
  }

  // ---- reads ---------------------------------------------------------------------------

  /** The current object (served version), read after the cache has caught up with storage. */
  async get(entry: ResourceEntry, namespace: string | undefined, name: string): Promise<KubeObject> {
    const c = await this.getCached(entry, namespace, name);
    return this.served(entry, c.obj);
  }

  async getCached(entry: ResourceEntry, namespace: string | undefined, name: string): Promise<CachedObject> {
    await this.cache.sync();
    const c = this.cache.resource(entry.keyPrefix).items.get(objectKey(entry, namespace, name));
    if (!c) throw errors.notFound(entry, name);
    return c;
  }

  /**
   * LIST, from the watch cache after a consistent sync, or from a storage snapshot for exact
   * revisions and continue tokens the cache no longer represents (`list.ts`).
   */
  list(entry: ResourceEntry, q: ListQuery): Promise<ListPage> {
    return listObjects(this.store, this.cache, entry, q);
  }

  /** WATCH from the cache: initial state or history replay, then live events (`watch.ts`). */
  watch(entry: ResourceEntry, q: WatchQuery, sink: WatchSink): Promise<ActiveWatch> {
    return startWatch(this.cache, entry, q, sink);
  }

  /** The revision the cache has reached: a deletecollection's list revision, a bookmark's. */
  currentRevision(): number {
    return this.cache.currentRevision();
  }

  // ---- create --------------------------------------------------------------------------

  async create(entry: ResourceEntry, obj: KubeObject, opts: WriteOptions): Promise<KubeObject> {
    const def = entry.def;
    const m = obj.metadata;
    if (m.resourceVersion) throw errors.badRequest('resourceVersion should not be set on objects to be created');
    def.default?.(obj);
    if (!m.name && m.generateName) m.name = generateName(m.generateName);
    const now = nowTimestamp(this.clock);
    fillCreateMeta(obj, now, def.tracksGeneration !== false);
    def.prepareForCreate?.(obj, opts.requester);
    this.validate(entry, obj, def.validateCreate?.(obj) ?? []);
    for (const w of def.warnings?.(obj) ?? []) opts.warn?.(w);
    // As upstream's create handler: ownership is recorded for what the client sent (with its
    // defaults), before admission adds its own fields (tolerations, the token volume, a cluster IP).
    if (!opts.managedFieldsSet) recordUpdate(obj, undefined, this.schemaOf(entry), { manager: opts.fieldManager, apiVersion: entry.apiVersion, time: now });
    const release = await this.admit(entry, obj, 'create', undefined, opts.requester, admissionAttributes(opts));
    try {
      if (opts.dryRun) return obj;
      const stored = await this.toStorageConverted(entry, obj);
      const key = objectKey(entry, m.namespace, m.name!);
      let rev: number;
      try {
        rev = await this.store.create(key, this.encode(entry, stored));
      } catch (err) {
        if (err instanceof KeyExistsError) throw errors.alreadyExists(entry, m.name!);
        throw err;
      }
      obj.metadata.resourceVersion = String(rev);
      await this.cache.waitForRevision(rev).catch(() => undefined);
      return obj;
    } finally {
      release();
    }
  }

  private async admit(entry: ResourceEntry, obj: KubeObject, op: 'create' | 'update' | 'delete', old: KubeObject | undefined, requester: Requester | undefined, attrs: AdmissionAttributes): Promise<() => void> {
    const releases: (() => void)[] = [];
    const releaseAll = () => {
      for (const r of releases) r();
    };
    try {
      for (const check of this.admission) {
        const r = await check(entry, obj, op, old, requester, attrs);
        if (r) releases.push(r);
      }
    } catch (err) {
      releaseAll();
      throw err;
    }
    return releaseAll;
  }

  private validate(entry: ResourceEntry, obj: KubeObject, errs: FieldError[]): void {
    if (errs.length) throw errors.invalid(entry, obj.metadata.name ?? '', errs);
  }

  // ---- update --------------------------------------------------------------------------

  /**
   * Read-modify-write with optimistic concurrency. `mutate` receives a private copy of the
   * current object (served version) and returns the desired one. When the desired object
   * carries a resourceVersion it must match the current one (409 otherwise). A write that loses
   * a race reads again and asks `mutate` again, as upstream's GuaranteedUpdate: a patch applies
   * afresh, a client's stale resourceVersion fails the check.
   */
  async update(entry: ResourceEntry, namespace: string | undefined, name: string, mutate: Mutation, opts: WriteOptions): Promise<{ object: KubeObject; changed: boolean }> {
    const key = objectKey(entry, namespace, name);
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      const kv = await this.store.get(key);
      if (!kv) throw errors.notFound(entry, name);
      const stored = decodeKv(kv);
      const old = await this.served(entry, stored);
      const desired = await mutate(structuredClone(old));
      desired.metadata ??= {};
      const pinned = desired.metadata.resourceVersion;
      if (pinned && pinned !== String(kv.modRevision)) throw errors.modified(entry, name);
      const next = this.prepareUpdate(entry, desired, old, opts);
      const release = opts.subresource ? () => undefined : await this.admit(entry, next, 'update', old, opts.requester, admissionAttributes(opts));
      try {
        const r = await this.writeUpdate(entry, key, kv.modRevision, next, old, opts, this.storedStale(entry, stored));
        if (r) return r;
      } finally {
        release();
      }
    }
    throw errors.modified(entry, name);
  }

  /** One compare-and-swap attempt; undefined means the revision moved and the loop should retry. */
  private async writeUpdate(entry: ResourceEntry, key: string, revision: number, next: KubeObject, old: KubeObject, opts: WriteOptions, storedStale = false): Promise<{ object: KubeObject; changed: boolean } | undefined> {
    const name = old.metadata.name ?? '';
    // A write that only changes ownership (apply, or managedFields sent explicitly) still writes.
    const ownershipChanged = (opts.managedFieldsSet || next.metadata.managedFields !== undefined) && !deepEqual(next.metadata.managedFields ?? [], old.metadata.managedFields ?? []);
    // An unchanged object is not written, unless its bytes are in an earlier storage version: as
    // upstream compares the encoded bytes, a no-op update then rewrites it (storage migration).
    if (!ownershipChanged && !storedStale && deepEqual(withoutVolatile(next), withoutVolatile(old))) return { object: old, changed: false };
    const now = nowTimestamp(this.clock);
    if (!opts.managedFieldsSet) recordUpdate(next, old, this.schemaOf(entry), { manager: opts.fieldManager, apiVersion: entry.apiVersion, subresource: opts.subresource, time: now });
    if (opts.dryRun) {
      next.metadata.resourceVersion = String(revision);
      return { object: next, changed: true };
    }
    // An object whose deletion was only waiting on finalizers goes once the last is removed.
    if (next.metadata.deletionTimestamp && !(next.metadata.finalizers?.length) && (next.metadata.deletionGracePeriodSeconds ?? 0) === 0) {
      try {
        const deleted = await this.store.delete(key, revision);
        next.metadata.resourceVersion = String(deleted.revision);
        return { object: next, changed: true };
      } catch (err) {
        if (err instanceof ConflictError) return undefined;
        if (err instanceof KeyNotFoundError) throw errors.notFound(entry, name);
        throw err;
      }
    }
    try {
      const rev = await this.store.update(key, this.encode(entry, await this.toStorageConverted(entry, next)), revision);
      next.metadata.resourceVersion = String(rev);
      // Admission reservations (service IPs) are released once the cache shows the write.
      await this.cache.waitForRevision(rev).catch(() => undefined);
      return { object: next, changed: true };
    } catch (err) {
      // Someone wrote between our read and this write: read again and ask the mutation again, as
      // upstream's GuaranteedUpdate does. A stale resourceVersion the client sent fails the next
      // round's check (409); a patch, applied afresh, carries the new one and goes through.
      if (err instanceof ConflictError) return undefined;
      if (err instanceof KeyNotFoundError) throw errors.notFound(entry, name);
      throw err;
    }
  }

  private prepareUpdate(entry: ResourceEntry, desired: KubeObject, old: KubeObject, opts: WriteOptions): KubeObject {
    const def = entry.def;
    let next: KubeObject;
    if (opts.subresource === 'status') {
      // Only status moves through the status subresource; everything else stays as stored.
      // Status writers may also move labels and annotations (controllers record revisions this
      // way); spec, owners and finalizers stay as stored.
      next = structuredClone(old);
      if (desired.status === undefined) delete next.status;
      else next.status = desired.status;
      if (desired.metadata.labels !== undefined) next.metadata.labels = desired.metadata.labels;
      if (desired.metadata.annotations !== undefined) next.metadata.annotations = desired.metadata.annotations;
      def.default?.(next);
      def.prepareForStatusUpdate?.(next, old);
      const errs = def.validateStatusUpdate?.(next, old) ?? [];
      if (errs.length) throw errors.invalid(entry, old.metadata.name ?? '', errs);
      return next;
    }
    next = desired;
    next.apiVersion = entry.apiVersion;
    next.kind = entry.kind;
    if (next.metadata.name !== undefined && next.metadata.name !== old.metadata.name) {
      throw errors.badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${old.metadata.name})`);
    }
    if (next.metadata.uid && next.metadata.uid !== old.metadata.uid) {
      throw errors.conflict(entry, old.metadata.name ?? '', `Precondition failed: UID in precondition: ${next.metadata.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    next.metadata.name = old.metadata.name;
    if (entry.namespaced) next.metadata.namespace = old.metadata.namespace;
    def.default?.(next);
    carryUpdateMeta(next, old);
    // An unconditional update is validated as if it named the revision it read.
    next.metadata.resourceVersion ||= old.metadata.resourceVersion;
    if (opts.bypassStrategy) {
      this.validate(entry, next, opts.validate?.(next, old) ?? []);
      return next;
    }
    if (def.hasStatus) {
      if (old.status === undefined) delete next.status;
      else next.status = structuredClone(old.status);
    }
    def.prepareForUpdate?.(next, old);
    if (def.tracksGeneration !== false && !deepEqual(specOf(next), specOf(old))) {
      next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    const errs = def.validateUpdate?.(next, old) ?? [];
    if (errs.length) throw errors.invalid(entry, old.metadata.name ?? '', errs);
    for (const w of def.warnings?.(next, old) ?? []) opts.warn?.(w);
    return next;
  }

  // ---- delete --------------------------------------------------------------------------

  async delete(entry: ResourceEntry, namespace: string | undefined, name: string, options: DeleteOptions): Promise<DeleteResult> {
    const key = objectKey(entry, namespace, name);
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      const kv = await this.store.get(key);
      if (!kv) throw errors.notFound(entry, name);
      const obj = await this.served(entry, decodeKv(kv));
      const pre = options.preconditions;
      if (pre?.uid && pre.uid !== obj.metadata.uid) {
        throw errors.conflict(entry, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
        throw errors.conflict(entry, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`);
      }
      (await this.admit(entry, obj, 'delete', obj, options.requester, admissionAttributes(options)))();
      const plan = this.planDeletion(entry, obj, options);
      if (!plan.pending) {
        if (options.dryRun) return { object: obj, deleted: true };
        try {
          await this.store.delete(key, kv.modRevision);
          return { object: obj, deleted: true };
        } catch (err) {
          if (err instanceof ConflictError) continue;
          if (err instanceof KeyNotFoundError) throw errors.notFound(entry, name);
          throw err;
        }
      }
      if (!plan.changed) return { object: obj, deleted: false };
      if (options.dryRun) return { object: plan.object, deleted: false };
      try {
        const rev = await this.store.update(key, this.encode(entry, await this.toStorageConverted(entry, plan.object)), kv.modRevision);
        plan.object.metadata.resourceVersion = String(rev);
        return { object: plan.object, deleted: false };
      } catch (err) {
        if (err instanceof ConflictError) continue;
        if (err instanceof KeyNotFoundError) throw errors.notFound(entry, name);
        throw err;
      }
    }
    throw errors.modified(entry, name);
  }

  /** Decide between deleting now and marking for deletion (grace period, finalizers). */
  private planDeletion(entry: ResourceEntry, obj: KubeObject, options: DeleteOptions): { pending: boolean; changed: boolean; object: KubeObject } {
    const next = structuredClone(obj);
    const m = next.metadata;
    const policy = options.propagationPolicy ?? (options.orphanDependents === true ? 'Orphan' : options.orphanDependents === false ? 'Background' : undefined);
    // Before the finalizers are read: a kind's own deletion may add one (a CRD's cleanup finalizer).
    const ownFinalizers = entry.def.pendingDeletion?.(next) ?? false;
    const finalizers = new Set(m.finalizers ?? []);
    if (!m.deletionTimestamp) {
      if (policy === 'Orphan') finalizers.add('orphan');
      if (policy === 'Foreground') finalizers.add('foregroundDeletion');
    }
    if (policy === 'Background' || policy === 'Foreground') finalizers.delete('orphan');
    if (policy === 'Background' || policy === 'Orphan') finalizers.delete('foregroundDeletion');
    const hook = entry.def.deletionGracePeriod;
    const grace = hook ? (hook(obj, options.gracePeriodSeconds) ?? 0) : 0;
    const nowMs = this.clock();
    if (m.deletionTimestamp) {
      // Already terminating: delete once nothing holds it; a shorter grace period may bring the deadline forward.
      if (ownFinalizers) return { pending: true, changed: false, object: obj };
      const current = m.deletionGracePeriodSeconds ?? 0;
      const g = Math.min(grace, current);
      if (g === 0 && finalizers.size === 0) return { pending: false, changed: true, object: next };
      const sameFinalizers = finalizers.size === (m.finalizers?.length ?? 0) && (m.finalizers ?? []).every((f) => finalizers.has(f));
      if (g === current && sameFinalizers) return { pending: true, changed: false, object: obj };
      m.deletionGracePeriodSeconds = g;
      if (g < current) m.deletionTimestamp = nowTimestamp(() => nowMs + g * 1000);
      m.finalizers = [...finalizers];
      if (!m.finalizers.length) delete m.finalizers;
      return { pending: true, changed: true, object: next };
    }
    if (grace === 0 && finalizers.size === 0 && !ownFinalizers) return { pending: false, changed: true, object: next };
    m.deletionTimestamp = nowTimestamp(() => nowMs + grace * 1000);
    m.deletionGracePeriodSeconds = grace;
    if (finalizers.size) m.finalizers = [...finalizers];
    else delete m.finalizers;
    if (entry.def.tracksGeneration !== false) m.generation = (m.generation ?? 0) + 1;
    return { pending: true, changed: true, object: next };
  }
}

/**
 * The cache keeps the object it is given; the writer goes on to stamp and return its own, so
 * the cache gets a copy of the top level and metadata (nested values are never mutated after
 * a write).
 */
function copyTopAndMetadata(obj: KubeObject): KubeObject {
  return { ...obj, metadata: { ...obj.metadata } };
}

/** Fields that differ between two reads of an unchanged object. */
function withoutVolatile(obj: KubeObject): KubeObject {
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = obj.metadata;
  return { ...obj, metadata: meta };
}

export type { ApiError };
