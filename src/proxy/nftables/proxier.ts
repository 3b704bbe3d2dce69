// The nftables backend: its own table (default "kube-proxy"), programmed through `nft -f -`.
import { runWithInput } from '../../util/netfilter/exec.js';
import type { ProxyConfig, ProxyState } from '../model.js';
import type { Proxier, SyncResult } from '../proxier.js';
import { diffParts, fullSyncScript, staleChainsScript } from './render.js';
import { changedParts, desiredNftParts, flattenParts, type NftRulesetMemo } from './ruleset.js';
import { WrittenParts } from './written.js';

export const DEFAULT_NFT_TABLE = 'kube-proxy';

/**
 * Chains an incremental sync emptied are deleted by a transaction of their own once changes have
 * paused this long (upstream waits a second too), so deleting them never delays a change.
 */
const STALE_DELETE_QUIET_MS = 1000;
/** Under constant change, they are deleted anyway once the oldest has waited this long. */
const STALE_DELETE_MAX_WAIT_MS = 30_000;

export class NftablesProxier implements Proxier {
  readonly mode = 'nftables' as const;
  /** What the kernel holds, as far as we know; undefined forces a full sync. */
  private written?: WrittenParts;
  private readonly memo: NftRulesetMemo = new WeakMap();
  /** Emptied chains still in the kernel, with when they were emptied. */
  private readonly staleChains = new Map<string, number>();
  private staleTimer?: NodeJS.Timeout;
  /** Syncs and stale-chain deletions run one at a time: both write the same table. */
  private serial: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    readonly table: string,
    private readonly cfg: ProxyConfig,
    private readonly nft = 'nft',
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  sync(state: ProxyState, opts: { full?: boolean } = {}): Promise<SyncResult> {
    return this.exclusive(() => this.syncNow(state, opts));
  }

  private async syncNow(state: ProxyState, opts: { full?: boolean }): Promise<SyncResult> {
    const written = this.written;
    if (opts.full || !written) return this.fullSync(state);
    const delta = changedParts(state, this.cfg, written.parts, this.memo);
    const { script, staleChains } = diffParts(this.table, written, delta);
    if (!script) return { full: false, bytes: 0 };
    await this.write(script);
    written.apply(delta);
    const now = Date.now();
    for (const name of staleChains) this.staleChains.set(name, now);
    if (this.staleChains.size) this.scheduleStaleDeletion();
    return { full: false, bytes: script.length };
  }

  private async fullSync(state: ProxyState): Promise<SyncResult> {
    const next = desiredNftParts(state, this.cfg, this.memo);
    const script = fullSyncScript(this.table, this.cfg, flattenParts(next));
    await this.write(script);
    this.written = new WrittenParts(next);
    // The table was recreated: nothing emptied is left in it.
    this.staleChains.clear();
    return { full: true, bytes: script.length };
  }

  /** One transaction; after a failure we no longer know what the kernel holds, so the next sync is full. */
  private async write(script: string): Promise<void> {
    try {
      await runWithInput(this.nft, ['-f', '-'], script);
    } catch (err) {
      this.written = undefined;
      throw err;
    }
  }

  private scheduleStaleDeletion(): void {
    if (this.closed) return;
    const oldest = Math.min(...this.staleChains.values());
    // Re-armed by every change, up to the longest wait.
    if (this.staleTimer && Date.now() - oldest >= STALE_DELETE_MAX_WAIT_MS - STALE_DELETE_QUIET_MS) return;
    clearTimeout(this.staleTimer);
    this.staleTimer = setTimeout(() => {
      this.staleTimer = undefined;
      void this.exclusive(() => this.deleteStaleChains()).catch((err: Error) => this.log(`proxy: deleting emptied chains failed (tried again after the next change): ${err.message}`));
    }, STALE_DELETE_QUIET_MS);
    this.staleTimer.unref();
  }

  /** Deletes the emptied chains no later sync has filled again. */
  private async deleteStaleChains(): Promise<void> {
    if (this.closed || !this.written || !this.staleChains.size) return;
    const live = new Set<string>();
    for (const part of this.written.parts.values()) for (const name of part.chains.keys()) live.add(name);
    const emptied = new Map(this.staleChains);
    this.staleChains.clear();
    const gone = [...emptied.keys()].filter((name) => !live.has(name));
    if (!gone.length) return;
    try {
      await runWithInput(this.nft, ['-f', '-'], staleChainsScript(this.table, gone));
    } catch (err) {
      // Kept for the deletion after the next change (they are empty: nothing is routed through them).
      for (const name of gone) if (!this.staleChains.has(name)) this.staleChains.set(name, emptied.get(name)!);
      throw err;
    }
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.serial.then(fn, fn);
    this.serial = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.staleTimer);
  }

  async cleanup(): Promise<void> {
    this.close();
    await this.exclusive(async () => {
      this.written = undefined;
      this.staleChains.clear();
      await cleanupNftables(this.table, this.nft);
    });
  }
}

/** Delete the table if it is there (upstream's CleanupLeftovers). */
export async function cleanupNftables(table: string, nft = 'nft'): Promise<void> {
  await runWithInput(nft, ['-f', '-'], `add table ip ${table}\ndelete table ip ${table}\n`);
}
