// A client for white-box controller tests, as client-go's fake clientset: an object tracker
// that answers reads and applies writes in memory, and records every call as an action. A
// SharedInformerFactory over it fills its caches from the objects the test seeded, so a test
// builds a controller, waits for the caches and calls sync(key) with no API server. Watches hold
// the writes back until the test calls deliver(): the test decides when the caches catch up.
import { allKinds } from '../../api/scheme/all.js';
import { ref } from '../../api/schema/dsl.js';
import type { KubeList, KubeObject, Status } from '../../api/meta/types.js';
import { applyPatch, type PatchType } from '../../apiserver/patch/index.js';
import { keyOf, type GroupVersionResource } from '../resources.js';
import { rfc3339 } from '../../util/time.js';
import { ApiStatusError, type ApiClient, type RequestOptions, type WatchEvent, type WatchHandle } from '../rest.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface Action {
  verb: Verb;
  /** The resource's plural name (pods, replicasets, …). */
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  body?: unknown;
  patchType?: string;
}

/** Answers an action instead of the tracker (return a value, or throw); undefined lets it through. */
export type Reactor = (action: Action) => unknown;

interface ParsedPath {
  id: string;
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

interface Watcher {
  id: string;
  namespace?: string;
  onEvent(ev: WatchEvent): void;
  pending: WatchEvent[];
  stopped: boolean;
}

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
/** Subresources of a Namespace, which would otherwise read as a resource inside it. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

const resId = (group: string, version: string, resource: string): string => `${group}/${version}/${resource}`;

function failure(code: number, reason: string, message: string): ApiStatusError {
  const status: Status = { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code, reason, message };
  return new ApiStatusError(status);
}

function parse(path: string): ParsedPath {
  const segs = path.split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent);
  const [group, version, rest] = segs[0] === 'api' ? ['', segs[1]!, segs.slice(2)] : [segs[1]!, segs[2]!, segs.slice(3)];
  let namespace: string | undefined;
  let tail = rest;
  const namespaceItself = group === '' && rest[0] === 'namespaces' && (rest.length <= 2 || (rest.length === 3 && NAMESPACE_SUBRESOURCES.has(rest[2]!)));
  if (rest[0] === 'namespaces' && !namespaceItself) {
    namespace = rest[1];
    tail = rest.slice(2);
  }
  const [resource, name, subresource] = tail as [string, string?, string?];
  return { id: resId(group, version, resource), group, version, resource, namespace, name, subresource };
}

const clone = <T>(v: T): T => structuredClone(v);

export class FakeClient implements ApiClient {
  readonly actions: Action[] = [];
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly watchers = new Set<Watcher>();
  private readonly reactors: { verb: Verb | '*'; resource: string; react: Reactor }[] = [];
  private revision = 1;
  private uids = 0;
  private names = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  /** Seed objects, as if they had been created (uid and resourceVersion filled when missing). */
  add(r: GroupVersionResource, ...objs: KubeObject[]): this {
    for (const o of objs) {
      const obj = clone(o);
      obj.metadata.uid ??= this.nextUid();
      obj.metadata.resourceVersion = String(++this.revision);
      this.store(resId(r.group, r.version, r.resource)).set(keyOf(obj), obj);
    }
    return this;
  }

  /** The tracker's current copy of an object. */
  object<T extends KubeObject>(r: GroupVersionResource, namespace: string | undefined, name: string): T | undefined {
    const o = this.store(resId(r.group, r.version, r.resource)).get(namespace ? `${namespace}/${name}` : name);
    return o && (clone(o) as T);
  }

  /** Answer matching actions (verb '*' for all verbs) before the tracker does; the latest first. */
  prependReactor(verb: Verb | '*', resource: string, react: Reactor): void {
    this.reactors.unshift({ verb, resource, react });
  }

  /** The writes recorded (optionally of one resource), in order. */
  writes(resource?: string): Action[] {
    return this.actions.filter((a) => !['get', 'list', 'watch'].includes(a.verb) && (resource === undefined || a.resource === resource));
  }

  clearActions(): void {
    this.actions.length = 0;
  }

  /** Hand every write so far to the open watches (the informers catch up). */
  deliver(): void {
    for (const w of this.watchers) {
      for (const ev of w.pending.splice(0)) if (!w.stopped) w.onEvent(ev);
    }
  }

  // ---- ApiClient ----------------------------------------------------------------------------

  request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const p = parse(path);
    switch (method) {
      case 'GET':
        return this.get<T & KubeObject>(path) as Promise<T>;
      case 'POST':
        return this.create<T & KubeObject>(path, opts.body) as Promise<T>;
      case 'PUT':
        return this.update<T & KubeObject>(path, opts.body) as Promise<T>;
      case 'PATCH':
        return this.patch<T & KubeObject>(path, opts.body, opts.contentType) as Promise<T>;
      case 'DELETE':
        if (p.name === undefined) return this.act({ verb: 'deletecollection', ...this.where(p), body: opts.body }, () => this.deleteCollection(p) as T);
        return this.delete<T>(path, opts.body as Record<string, unknown> | undefined);
      default:
        return Promise.reject(failure(405, 'MethodNotAllowed', `${method} is not supported by the fake client`));
    }
  }

  get<T = KubeObject>(path: string): Promise<T> {
    const p = parse(path);
    if (p.name === undefined) {
      const query = new URLSearchParams(path.split('?')[1] ?? '');
      if (query.get('labelSelector') || query.get('fieldSelector')) return Promise.reject(failure(400, 'BadRequest', 'selectors are not supported by the fake client'));
      return this.act({ verb: 'list', ...this.where(p) }, () => this.list(p) as T);
    }
    return this.act({ verb: 'get', ...this.where(p) }, () => clone(this.existing(p)) as T);
  }

  create<T = KubeObject>(path: string, body: unknown): Promise<T> {
    const p = parse(path);
    return this.act({ verb: 'create', ...this.where(p), body: clone(body) }, () => this.doCreate(p, body as KubeObject) as T);
  }

  update<T = KubeObject>(path: string, body: unknown): Promise<T> {
    const p = parse(path);
    return this.act({ verb: 'update', ...this.where(p), body: clone(body) }, () => this.doUpdate(p, body as KubeObject) as T);
  }

  patch<T = KubeObject>(path: string, body: unknown, type = 'application/merge-patch+json'): Promise<T> {
    const p = parse(path);
    return this.act({ verb: 'patch', ...this.where(p), body: clone(body), patchType: type }, () => this.doPatch(p, body, type) as T);
  }

  delete<T = unknown>(path: string, options?: Record<string, unknown>): Promise<T> {
    const p = parse(path);
    return this.act({ verb: 'delete', ...this.where(p), body: options && clone(options) }, () => this.doDelete(p, options) as T);
  }

  watch<T = KubeObject>(path: string, onEvent: (ev: WatchEvent<T>) => void): WatchHandle {
    const p = parse(path);
    this.actions.push({ verb: 'watch', ...this.where(p) });
    const w: Watcher = { id: p.id, namespace: p.namespace, onEvent: onEvent as (ev: WatchEvent) => void, pending: [], stopped: false };
    this.watchers.add(w);
    let end: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (end = resolve));
    return {
      stop: () => {
        w.stopped = true;
        this.watchers.delete(w);
        end();
      },
      done,
    };
  }

  // ---- the tracker --------------------------------------------------------------------------

  private where(p: ParsedPath): Omit<Action, 'verb'> {
    return { resource: p.resource, namespace: p.namespace, name: p.name, subresource: p.subresource };
  }

  private async act<T>(action: Action, run: () => T): Promise<T> {
    this.actions.push(action);
    for (const r of this.reactors) {
      if ((r.verb !== '*' && r.verb !== action.verb) || r.resource !== action.resource) continue;
      const answer = r.react(action);
      if (answer !== undefined) return answer as T;
    }
    return run();
  }

  private store(id: string): Map<string, KubeObject> {
    let m = this.objects.get(id);
    if (!m) this.objects.set(id, (m = new Map()));
    return m;
  }

  private key(p: ParsedPath, name = p.name): string {
    return p.namespace ? `${p.namespace}/${name}` : name!;
  }

  private existing(p: ParsedPath): KubeObject {
    const o = this.store(p.id).get(this.key(p));
    if (!o) throw failure(404, 'NotFound', `${p.resource} "${p.name}" not found`);
    return o;
  }

  private list(p: ParsedPath): KubeList {
    const items = [...this.store(p.id).entries()]
      .filter(([, o]) => p.namespace === undefined || o.metadata.namespace === p.namespace)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => clone(o));
    return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: String(this.revision) }, items };
  }

  private nextUid(): string {
    return `00000000-0000-0000-0000-${String(++this.uids).padStart(12, '0')}`;
  }

  private generatedName(prefix: string): string {
    let n = ++this.names;
    let suffix = '';
    for (let i = 0; i < 5; i++, n = Math.floor(n / NAME_ALPHABET.length)) suffix += NAME_ALPHABET[n % NAME_ALPHABET.length];
    return prefix + suffix;
  }

  private timestamp(): string {
    return rfc3339(this.clock());
  }

  private emit(p: ParsedPath, type: WatchEvent['type'], obj: KubeObject): void {
    for (const w of this.watchers) {
      if (w.id === p.id && (w.namespace === undefined || w.namespace === obj.metadata.namespace)) w.pending.push({ type, object: clone(obj) });
    }
  }

  private save(p: ParsedPath, obj: KubeObject, type: 'ADDED' | 'MODIFIED'): KubeObject {
    obj.metadata.resourceVersion = String(++this.revision);
    this.store(p.id).set(keyOf(obj), obj);
    this.emit(p, type, obj);
    return clone(obj);
  }

  private doCreate(p: ParsedPath, body: KubeObject): KubeObject {
    const obj = clone(body);
    obj.metadata = { ...obj.metadata };
    if (p.namespace) obj.metadata.namespace = p.namespace;
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = this.generatedName(obj.metadata.generateName);
    if (!obj.metadata.name) throw failure(422, 'Invalid', `${p.resource}: metadata.name: Required value`);
    if (this.store(p.id).has(keyOf(obj))) throw failure(409, 'AlreadyExists', `${p.resource} "${obj.metadata.name}" already exists`);
    obj.metadata.uid = this.nextUid();
    obj.metadata.creationTimestamp = this.timestamp();
    obj.metadata.generation = 1;
    return this.save(p, obj, 'ADDED');
  }

  private checkPreconditions(p: ParsedPath, cur: KubeObject, want: { uid?: unknown; resourceVersion?: unknown } | undefined): void {
    if (want?.uid !== undefined && want.uid !== cur.metadata.uid) throw failure(409, 'Conflict', `Operation cannot be fulfilled on ${p.resource} "${p.name}": the UID in the precondition does not match`);
    if (want?.resourceVersion !== undefined && want.resourceVersion !== cur.metadata.resourceVersion) {
      throw failure(409, 'Conflict', `Operation cannot be fulfilled on ${p.resource} "${p.name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
  }

  /** As the API's strategies: a status write keeps the spec, a main write keeps the status and counts spec changes. */
  private merged(p: ParsedPath, cur: KubeObject, next: KubeObject): KubeObject {
    const out = clone(next);
    out.metadata = { ...out.metadata, uid: cur.metadata.uid, creationTimestamp: cur.metadata.creationTimestamp, namespace: cur.metadata.namespace, generation: cur.metadata.generation };
    if (p.subresource === 'status') {
      out['spec'] = clone(cur['spec']);
      out.metadata.ownerReferences = cur.metadata.ownerReferences;
    } else {
      if ('status' in cur) out['status'] = clone(cur['status']);
      else delete out['status'];
      if (p.subresource !== 'finalize' && JSON.stringify(cur['spec']) !== JSON.stringify(out['spec'])) out.metadata.generation = (cur.metadata.generation ?? 1) + 1;
    }
    return out;
  }

  private doUpdate(p: ParsedPath, body: KubeObject): KubeObject {
    const cur = this.existing(p);
    this.checkPreconditions(p, cur, { resourceVersion: body.metadata?.resourceVersion || undefined });
    return this.commit(p, this.merged(p, cur, body));
  }

  private doPatch(p: ParsedPath, body: unknown, type: string): KubeObject {
    const cur = this.existing(p);
    const meta = (body as { metadata?: { uid?: unknown; resourceVersion?: unknown } } | undefined)?.metadata;
    if (!Array.isArray(body)) this.checkPreconditions(p, cur, meta);
    const kind = allKinds.find((k) => k.group === p.group && k.version === p.version && k.plural === p.resource);
    const patched = applyPatch(type as PatchType, cur, body, kind && ref(kind.schema)) as KubeObject;
    patched.metadata.resourceVersion = cur.metadata.resourceVersion;
    return this.commit(p, this.merged(p, cur, patched));
  }

  /** A terminating object whose last finalizer went is deleted, as the API server does. */
  private commit(p: ParsedPath, obj: KubeObject): KubeObject {
    if (!obj.metadata.deletionTimestamp || obj.metadata.finalizers?.length) return this.save(p, obj, 'MODIFIED');
    this.remove(p, obj);
    return clone(obj);
  }

  private doDelete(p: ParsedPath, options: Record<string, unknown> | undefined): Status {
    const cur = this.existing(p);
    this.checkPreconditions(p, cur, options?.['preconditions'] as { uid?: unknown; resourceVersion?: unknown } | undefined);
    if (cur.metadata.finalizers?.length) {
      // Finalizers keep it, terminating, until they are removed.
      if (!cur.metadata.deletionTimestamp) {
        const next = clone(cur);
        next.metadata.deletionTimestamp = this.timestamp();
        next.metadata.deletionGracePeriodSeconds = 0;
        this.save(p, next, 'MODIFIED');
      }
    } else this.remove(p, cur);
    return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', code: 200 };
  }

  private remove(p: ParsedPath, obj: KubeObject): void {
    this.store(p.id).delete(keyOf(obj));
    const gone = clone(obj);
    gone.metadata.resourceVersion = String(++this.revision);
    this.emit(p, 'DELETED', gone);
  }

  private deleteCollection(p: ParsedPath): Status {
    for (const o of this.list(p).items) this.doDelete({ ...p, name: o.metadata.name }, undefined);
    return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', code: 200 };
  }
}
