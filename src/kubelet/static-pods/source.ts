// The file source of static pods (upstream's pkg/kubelet/config/file.go): a directory of
// manifests (hidden files and subdirectories ignored) or one file, read again on every change
// fs.watch reports and every 20 s regardless, since watches miss events on some filesystems.
// Yields the full desired set each time it changes. A bad manifest is logged once (until its
// content changes) and skipped; nothing here throws.
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Pod } from '../../api/core/v1/pod/types.js';
import { CONFIG_HASH_ANNOTATION, MAX_MANIFEST_BYTES, staticPodFromManifest } from './manifest.js';

export const DEFAULT_RESCAN_MS = 20_000;
/** Editors write in bursts; one read after the burst is enough. */
const DEBOUNCE_MS = 50;

export interface StaticPodSourceOptions {
  path: string;
  nodeName: string;
  onChange: (pods: Pod[]) => void;
  rescanMs?: number;
  log?: (line: string) => void;
}

export const staticPodHashOf = (pod: Pod): string | undefined => pod.metadata.annotations?.[CONFIG_HASH_ANNOTATION];

export class StaticPodSource {
  private watcher?: FSWatcher;
  private rescanTimer?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private scanning?: Promise<void>;
  private again = false;
  private stopped = false;
  /** The desired pods by full name (namespace/name), as last yielded. */
  private pods = new Map<string, Pod>();
  private yielded = false;
  /** What was last reported per file, so a problem is logged once until it changes. */
  private readonly reported = new Map<string, string>();

  constructor(private readonly o: StaticPodSourceOptions) {}

  start(): void {
    this.ensureWatch();
    void this.rescan();
    this.rescanTimer = setInterval(() => {
      this.ensureWatch();
      void this.rescan();
    }, this.o.rescanMs ?? DEFAULT_RESCAN_MS);
    this.rescanTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    if (this.debounce) clearTimeout(this.debounce);
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** The desired static pods as last read. */
  current(): Pod[] {
    return [...this.pods.values()];
  }

  /** Read the path now; resolves when the read (and any requested meanwhile) is done. */
  rescan(): Promise<void> {
    if (this.scanning) {
      this.again = true;
      return this.scanning;
    }
    this.scanning = (async () => {
      do {
        this.again = false;
        try {
          await this.scanOnce();
        } catch (err) {
          this.report('*', `static pods: reading ${this.o.path}: ${(err as Error).message}`);
        }
      } while (this.again && !this.stopped);
    })().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  /** Watch the directory, or the parent of a single file (editors replace files by rename). */
  private ensureWatch(): void {
    if (this.watcher || this.stopped) return;
    void stat(this.o.path)
      .then((st) => {
        if (this.watcher || this.stopped) return;
        const dir = st.isDirectory() ? this.o.path : dirname(this.o.path);
        const only = st.isDirectory() ? undefined : basename(this.o.path);
        const w = watch(dir, { persistent: false }, (_event, file) => {
          if (only && file && file.toString() !== only) return;
          this.scheduleRescan();
        });
        w.on('error', () => {
          w.close();
          if (this.watcher === w) this.watcher = undefined;
        });
        this.watcher = w;
      })
      .catch(() => undefined); // not there yet: the periodic rescan tries again
  }

  private scheduleRescan(): void {
    if (this.stopped) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.rescan(), DEBOUNCE_MS);
  }

  private report(key: string, line: string): void {
    if (this.reported.get(key) === line) return;
    this.reported.set(key, line);
    this.o.log?.(line);
  }

  private async files(): Promise<string[]> {
    let st;
    try {
      st = await stat(this.o.path);
    } catch {
      this.report('*', `static pods: path ${this.o.path} does not exist, no static pods`);
      return [];
    }
    this.reported.delete('*');
    if (!st.isDirectory()) return [this.o.path];
    const names = (await readdir(this.o.path)).filter((n) => !n.startsWith('.')).sort();
    const out: string[] = [];
    for (const n of names) {
      const p = join(this.o.path, n);
      try {
        if ((await stat(p)).isFile()) out.push(p);
      } catch {
        // Gone between the listing and the stat: it is not part of this read.
      }
    }
    return out;
  }

  private async scanOnce(): Promise<void> {
    const next = new Map<string, Pod>();
    const files = await this.files();
    for (const file of files) {
      let text: string;
      try {
        const st = await stat(file);
        if (st.size > MAX_MANIFEST_BYTES) {
          this.report(file, `static pods: skipping ${file}: larger than ${MAX_MANIFEST_BYTES} bytes`);
          continue;
        }
        text = await readFile(file, 'utf8');
      } catch {
        continue;
      }
      const r = staticPodFromManifest(text, { path: file, nodeName: this.o.nodeName });
      if ('error' in r) {
        this.report(file, `static pods: skipping ${file} (content ${createHash('sha256').update(text).digest('hex').slice(0, 12)}): ${r.error}`);
        continue;
      }
      this.reported.delete(file);
      const key = `${r.pod.metadata.namespace}/${r.pod.metadata.name}`;
      if (next.has(key)) {
        this.report(`${file}#dup`, `static pods: skipping ${file}: pod ${key} is already defined by another manifest`);
        continue;
      }
      // An unchanged pod keeps the object first seen, and with it its config.seen time.
      const prior = this.pods.get(key);
      next.set(key, prior && staticPodHashOf(prior) === staticPodHashOf(r.pod) ? prior : r.pod);
    }
    for (const k of [...this.reported.keys()]) {
      const file = k.endsWith('#dup') ? k.slice(0, -4) : k;
      if (k !== '*' && !files.includes(file)) this.reported.delete(k);
    }
    if (this.stopped) return;
    const changed = !this.yielded || next.size !== this.pods.size || [...next].some(([k, p]) => this.pods.get(k) !== p);
    this.pods = next;
    if (changed) {
      this.yielded = true;
      this.o.onChange(this.current());
    }
  }
}
