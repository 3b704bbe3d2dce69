// The nftables backend: its own table (default "kube-proxy"), programmed through `nft -f -`.
import { runWithInput } from '../../util/netfilter/exec.js';
import type { ProxyConfig, ProxyState } from '../model.js';
import type { Proxier, SyncResult } from '../proxier.js';
import { diffParts, fullSyncScript } from './render.js';
import { desiredNftParts, flattenParts, type NftParts, type NftRulesetMemo } from './ruleset.js';

export const DEFAULT_NFT_TABLE = 'kube-proxy';

export class NftablesProxier implements Proxier {
  readonly mode = 'nftables' as const;
  /** What the kernel holds, as far as we know; undefined forces a full sync. */
  private written?: NftParts;
  private readonly memo: NftRulesetMemo = new WeakMap();

  constructor(
    readonly table: string,
    private readonly cfg: ProxyConfig,
    private readonly nft = 'nft',
  ) {}

  async sync(state: ProxyState, opts: { full?: boolean } = {}): Promise<SyncResult> {
    const next = desiredNftParts(state, this.cfg, this.memo);
    const full = opts.full || !this.written;
    const script = full ? fullSyncScript(this.table, this.cfg, flattenParts(next)) : diffParts(this.table, this.written!, next);
    if (!script) return { full, bytes: 0 };
    try {
      await runWithInput(this.nft, ['-f', '-'], script);
    } catch (err) {
      this.written = undefined;
      throw err;
    }
    this.written = next;
    return { full, bytes: script.length };
  }

  async cleanup(): Promise<void> {
    this.written = undefined;
    await cleanupNftables(this.table, this.nft);
  }
}

/** Delete the table if it is there (upstream's CleanupLeftovers). */
export async function cleanupNftables(table: string, nft = 'nft'): Promise<void> {
  await runWithInput(nft, ['-f', '-'], `add table ip ${table}\ndelete table ip ${table}\n`);
}
