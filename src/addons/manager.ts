// The manifests directory (k3s's deploy controller): every `*.yaml|yml|json` in it is applied
// with server-side apply (field manager `k8ts-addons`, conflicts forced, as k3s does) at start,
// when a file changes (fs watch) and on a periodic resync. What a file held is remembered in a
// ConfigMap per file in kube-system (k8ts's equivalent of k3s's Addon objects: a kind of its own
// would be an API of k8ts's only), so objects that leave a file, or whose file is deleted, are
// pruned. `<file>.skip` keeps a file from being applied; packaged add-ons are written into the
// directory at start (so users can see them) unless disabled, and a disabled one is removed with
// its objects.
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigMap } from '../api/core/v1/types.js';
import type { KubeObject } from '../api/meta/types.js';
import { errorMessage, isNotFound } from '../client/errors.js';
import { RestMapper } from '../client/rest-mapper.js';
import { R, resourcePath } from '../client/resources.js';
import type { ApiClient } from '../client/rest.js';
import { addonName, applyOrder, MANIFEST_FILE, parseManifests, refKey, type ObjectRef } from './manifest-file.js';

export const FIELD_MANAGER = 'k8ts-addons';
export const ADDON_LABEL = 'k8ts.io/addon';
const RECORD_NAMESPACE = 'kube-system';
const RESYNC_MS = 15_000;
const RETRY_MS = 2_000;
const DEBOUNCE_MS = 200;

/** A packaged add-on: a file the server writes into the directory. */
export interface PackagedAddon {
  name: string;
  /** The file's text (YAML). */
  manifest: string;
}

export interface AddonManagerOptions {
  dir: string;
  packaged?: readonly PackagedAddon[];
  /** Packaged add-ons not to install (k3s's --disable NAME); their files and objects are removed. */
  disabled?: ReadonlySet<string>;
  resyncMs?: number;
  log?: (line: string) => void;
}

/** The record of one file's add-on: which objects it applied from which content. */
interface AddonRecord {
  name: string;
  checksum: string;
  objects: ObjectRef[];
}

/** A ConfigMap name for an add-on: a DNS label from the file name, made unique by a hash. */
export function recordName(addon: string): string {
  const base = addon.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  const hash = createHash('sha256').update(addon).digest('hex').slice(0, 8);
  return `k8ts-addon-${base ? `${base}-` : ''}${hash}`;
}

const checksumOf = (text: string) => createHash('sha256').update(text).digest('hex');

export class AddonManager {
  private readonly mapper: RestMapper;
  private readonly log: (line: string) => void;
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  /** Applied at least once since start (a restart applies every file again, as k3s does). */
  private readonly appliedSinceStart = new Set<string>();
  syncs = 0;

  constructor(
    private readonly client: ApiClient,
    private readonly o: AddonManagerOptions,
  ) {
    this.mapper = new RestMapper(client);
    this.log = o.log ?? (() => undefined);
  }

  async start(): Promise<void> {
    await mkdir(this.o.dir, { recursive: true, mode: 0o700 });
    await this.writePackaged();
    this.watcher = watch(this.o.dir, () => this.request(DEBOUNCE_MS));
    this.watcher.on('error', (err) => this.log(`addons: watching ${this.o.dir}: ${err.message}`));
    await this.syncNow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.watcher?.close();
    await this.running?.catch(() => undefined);
  }

  /** Packaged files as the server ships them (a user's edit is overwritten, unless the file has a .skip). */
  private async writePackaged(): Promise<void> {
    const disabled = this.o.disabled ?? new Set();
    for (const p of this.o.packaged ?? []) {
      const file = join(this.o.dir, `${p.name}.yaml`);
      if (disabled.has(p.name)) {
        await rm(file, { force: true });
        continue;
      }
      const have = await readFile(file, 'utf8').catch(() => undefined);
      const skipped = await readFile(`${file}.skip`).then(() => true, () => false);
      if (have !== p.manifest && !skipped) await writeFile(file, p.manifest, { mode: 0o600 });
    }
  }

  private request(delayMs: number): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.syncNow();
    }, delayMs);
  }

  /** One sync at a time; a change during one runs another after it; a resync is always due. */
  async syncNow(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    let failed = false;
    this.running = this.sync()
      .then(
        (ok) => void (failed = !ok),
        (err: unknown) => {
          this.log(`addons: sync failed, retrying: ${errorMessage(err)}`);
          failed = true;
        },
      )
      .finally(() => (this.running = undefined));
    await this.running;
    this.syncs++;
    if (this.again || failed) {
      this.again = false;
      this.request(failed ? RETRY_MS : DEBOUNCE_MS);
    } else this.request(this.o.resyncMs ?? RESYNC_MS);
  }

  /** Level-based: the directory's files against the records; false when something must be retried. */
  private async sync(): Promise<boolean> {
    const records = await this.records();
    const all = new Set(await readdir(this.o.dir).catch(() => [] as string[]));
    const names = new Set([...all].filter((f) => MANIFEST_FILE.test(f)));
    const wanted = new Map<string, { text: string }>();
    for (const file of names) {
      if (all.has(`${file}.skip`)) continue;
      const name = addonName(file);
      if (this.o.disabled?.has(name)) continue;
      const text = await readFile(join(this.o.dir, file), 'utf8').catch(() => undefined);
      if (text !== undefined) wanted.set(name, { text });
    }
    // Files k3s's way skips (.skip) keep their objects: skipping stops managing, it does not delete.
    const skipped = new Set([...names].filter((f) => all.has(`${f}.skip`)).map(addonName));
    let ok = true;
    const kept = new Map<string, ObjectRef[]>();
    // Pruned once every file is applied, so an object moved from one file to another stays.
    const dropped: { name: string; refs: ObjectRef[] }[] = [];
    for (const [name, { text }] of wanted) {
      const record = records.get(name);
      const checksum = checksumOf(text);
      if (record?.checksum === checksum && this.appliedSinceStart.has(name)) {
        kept.set(name, record.objects);
        continue;
      }
      let objects: KubeObject[];
      try {
        objects = parseManifests(text, name);
      } catch (err) {
        this.log(`addons: ${errorMessage(err)}; left as it was`);
        kept.set(name, record?.objects ?? []);
        continue;
      }
      const applied = await this.applyAll(name, objects);
      kept.set(name, applied.refs);
      if (!applied.ok) {
        ok = false;
        // What was applied is recorded (so it is pruned when it leaves); the checksum only when all was.
        await this.writeRecord({ name, checksum: '', objects: mergeRefs(applied.refs, record?.objects ?? []) });
        continue;
      }
      const stillHeld = new Set(applied.refs.map(refKey));
      dropped.push({ name, refs: (record?.objects ?? []).filter((r) => !stillHeld.has(refKey(r))) });
      await this.writeRecord({ name, checksum, objects: applied.refs });
      this.appliedSinceStart.add(name);
      this.log(`addons: applied ${name} (${applied.refs.length} objects)`);
    }
    for (const d of dropped) await this.prune(d.refs, kept, d.name);
    for (const [name, record] of records) {
      if (wanted.has(name) || skipped.has(name)) continue;
      // The file is gone (or its add-on disabled): its objects go, unless another file holds them.
      await this.prune(record.objects, kept, name);
      await this.client.delete(resourcePath(R.configmaps, RECORD_NAMESPACE, recordName(name))).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
      this.log(`addons: removed ${name}`);
    }
    return ok;
  }

  private async applyAll(name: string, objects: KubeObject[]): Promise<{ ok: boolean; refs: ObjectRef[] }> {
    const refs: ObjectRef[] = [];
    let ok = true;
    for (const obj of [...objects].sort(applyOrder)) {
      const mapped = await this.mapper.lookup(obj.apiVersion!, obj.kind!);
      if (!mapped) {
        // A CRD applied a moment ago may not be served yet: tried again shortly.
        this.log(`addons: ${name}: no resource serves ${obj.apiVersion} ${obj.kind} (yet); retrying`);
        ok = false;
        continue;
      }
      const namespace = mapped.namespaced ? (obj.metadata?.namespace ?? 'default') : undefined;
      const body = { ...obj, metadata: { ...obj.metadata, ...(namespace ? { namespace } : {}) } };
      try {
        await this.client.request('PATCH', `${resourcePath(mapped.gvr, namespace, obj.metadata!.name)}?fieldManager=${FIELD_MANAGER}&force=true`, {
          body: JSON.stringify(body),
          contentType: 'application/apply-patch+yaml',
        });
        refs.push({ apiVersion: obj.apiVersion!, kind: obj.kind!, namespace, name: obj.metadata!.name! });
      } catch (err) {
        this.log(`addons: ${name}: applying ${obj.kind} ${namespace ? `${namespace}/` : ''}${obj.metadata!.name}: ${errorMessage(err)}`);
        ok = false;
      }
    }
    return { ok, refs };
  }

  /** Deletes what `refs` names, except what another add-on still holds. */
  private async prune(refs: ObjectRef[], held: Map<string, ObjectRef[]>, owner: string): Promise<void> {
    const elsewhere = new Set([...held].filter(([n]) => n !== owner).flatMap(([, rs]) => rs.map(refKey)));
    for (const r of refs) {
      if (elsewhere.has(refKey(r))) continue;
      const mapped = await this.mapper.lookup(r.apiVersion, r.kind);
      if (!mapped) continue;
      await this.client.delete(resourcePath(mapped.gvr, r.namespace, r.name)).then(
        () => this.log(`addons: ${owner}: pruned ${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`),
        (err: unknown) => {
          if (!isNotFound(err)) throw err;
        },
      );
    }
  }

  private async records(): Promise<Map<string, AddonRecord>> {
    const list = await this.client.get<{ items: ConfigMap[] }>(`${resourcePath(R.configmaps, RECORD_NAMESPACE)}?labelSelector=${encodeURIComponent(ADDON_LABEL)}`);
    const out = new Map<string, AddonRecord>();
    for (const cm of list.items) {
      const name = cm.data?.['name'];
      if (!name) continue;
      let objects: ObjectRef[] = [];
      try {
        objects = JSON.parse(cm.data?.['objects'] ?? '[]') as ObjectRef[];
      } catch {
        // A record someone broke by hand: its objects are no longer known, so none are pruned.
      }
      out.set(name, { name, checksum: cm.data?.['checksum'] ?? '', objects });
    }
    return out;
  }

  private async writeRecord(r: AddonRecord): Promise<void> {
    const cm: ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: recordName(r.name), namespace: RECORD_NAMESPACE, labels: { [ADDON_LABEL]: 'true' } },
      data: { name: r.name, checksum: r.checksum, objects: JSON.stringify(r.objects) },
    };
    await this.client.request('PATCH', `${resourcePath(R.configmaps, RECORD_NAMESPACE, cm.metadata.name)}?fieldManager=${FIELD_MANAGER}&force=true`, {
      body: JSON.stringify(cm),
      contentType: 'application/apply-patch+yaml',
    });
  }
}

function mergeRefs(a: ObjectRef[], b: ObjectRef[]): ObjectRef[] {
  const out = new Map<string, ObjectRef>();
  for (const r of [...a, ...b]) out.set(refKey(r), r);
  return [...out.values()];
}
