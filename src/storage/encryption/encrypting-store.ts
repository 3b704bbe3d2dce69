// Encryption at rest as upstream places it: a value transformer between the codec and the
// backend. Everything above this Store (the resource store, the watch cache) sees plain values;
// the backend (the sqlite rows, etcd) holds what the first provider of the value's resource
// wrote. Keys outside every rule pass through untouched.
import { ConflictError, type KeyValue, type ListOptions, type ListResult, type Store, type StoreEvent, type Watcher, type WatchOptions } from '../store.js';
import type { TransformerChain } from './providers.js';

/** Which keys one provider list covers: the storage key prefixes of its resources. */
export interface EncryptionRule {
  keyPrefixes: readonly string[];
  chain: TransformerChain;
}

export interface RewriteResult {
  /** Values read with a transformer other than the first and written again with the first. */
  rewritten: number;
  /** Values already written by the first transformer. */
  current: number;
}

const REWRITE_PAGE = 500;

export class EncryptingStore implements Store {
  constructor(
    private readonly inner: Store,
    private rules: readonly EncryptionRule[],
  ) {}

  /**
   * A new configuration, as upstream's automatic reload: writes use it at once; what the old
   * one wrote stays readable as long as the new one still holds its keys (rewriteStale next).
   */
  async setRules(rules: readonly EncryptionRule[]): Promise<void> {
    await this.verifyReadable(rules);
    this.rules = rules;
  }

  /** Throws, naming the key, when a stored value would be unreadable under `rules` (a key dropped too soon). */
  private async verifyReadable(rules: readonly EncryptionRule[]): Promise<void> {
    const probe = new EncryptingStore(this.inner, rules);
    await probe.eachCovered(async (kv, chain) => {
      try {
        chain.open(kv.value, kv.key);
      } catch (err) {
        throw new Error(`${kv.key} would not be readable: ${(err as Error).message}`);
      }
    });
  }

  /** Every stored value a rule covers, with the chain that covers it, a page at a time. */
  private async eachCovered(visit: (kv: KeyValue, chain: TransformerChain) => Promise<void>): Promise<void> {
    for (const rule of this.rules) {
      for (const prefix of rule.keyPrefixes) {
        let startAfter: string | undefined;
        for (;;) {
          const page = await this.inner.list(prefix, { startAfter, limit: REWRITE_PAGE });
          // A later rule never covers a key an earlier one does.
          for (const kv of page.kvs) if (this.chainFor(kv.key) === rule.chain) await visit(kv, rule.chain);
          if (!page.more || !page.kvs.length) break;
          startAfter = page.kvs[page.kvs.length - 1]!.key;
        }
      }
    }
  }

  /** The chain of the first rule covering the key, as upstream uses a resource's first matching entry. */
  private chainFor(key: string): TransformerChain | undefined {
    for (const r of this.rules) if (r.keyPrefixes.some((p) => key.startsWith(p))) return r.chain;
    return undefined;
  }

  private seal(key: string, value: Buffer): Buffer {
    return this.chainFor(key)?.seal(value, key) ?? value;
  }

  private open(kv: KeyValue): KeyValue {
    const chain = this.chainFor(kv.key);
    if (!chain) return kv;
    return { ...kv, value: chain.open(kv.value, kv.key).plain };
  }

  private openEvent(e: StoreEvent): StoreEvent {
    return { ...e, kv: this.open(e.kv), prevKv: e.prevKv && this.open(e.prevKv) };
  }

  private async guard<T>(write: Promise<T>): Promise<T> {
    try {
      return await write;
    } catch (err) {
      if (err instanceof ConflictError && err.current) throw new ConflictError(err.key, this.open(err.current));
      throw err;
    }
  }

  currentRevision(): number {
    return this.inner.currentRevision();
  }
  compactRevision(): number {
    return this.inner.compactRevision();
  }
  async get(key: string): Promise<KeyValue | undefined> {
    const kv = await this.inner.get(key);
    return kv && this.open(kv);
  }
  async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    const r = await this.inner.list(prefix, opts);
    return { ...r, kvs: r.kvs.map((kv) => this.open(kv)) };
  }
  count(prefix: string): Promise<number> {
    return this.inner.count(prefix);
  }
  create(key: string, value: Buffer): Promise<number> {
    return this.inner.create(key, this.seal(key, value));
  }
  update(key: string, value: Buffer, expectedRevision: number): Promise<number> {
    return this.guard(this.inner.update(key, this.seal(key, value), expectedRevision));
  }
  async delete(key: string, expectedRevision?: number): Promise<{ revision: number; prev: KeyValue }> {
    const r = await this.guard(this.inner.delete(key, expectedRevision));
    return { ...r, prev: this.open(r.prev) };
  }
  watch(prefix: string, opts: WatchOptions): Watcher {
    return this.inner.watch(prefix, { ...opts, onEvents: (events) => opts.onEvents(events.map((e) => this.openEvent(e))) });
  }
  compact(revision: number): Promise<void> {
    return this.inner.compact(revision);
  }
  close(): Promise<void> {
    return this.inner.close();
  }

  /**
   * Writes again, with each rule's first transformer, every value another transformer wrote
   * (an older key after a rotation, plain text after encryption was turned on): what upstream
   * asks of `kubectl replace` over every Secret, done storage-side. A value that changes under
   * the rewrite was just written by the first transformer anyway, so a conflict is skipped.
   */
  async rewriteStale(): Promise<RewriteResult> {
    const out: RewriteResult = { rewritten: 0, current: 0 };
    await this.eachCovered(async (kv, chain) => {
      const opened = chain.open(kv.value, kv.key);
      if (!opened.stale) {
        out.current++;
        return;
      }
      try {
        await this.inner.update(kv.key, chain.seal(opened.plain, kv.key), kv.modRevision);
        out.rewritten++;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    });
    return out;
  }
}
