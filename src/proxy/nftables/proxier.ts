// The nftables backend: its own table (default "kube-proxy"), programmed through `nft -f -`.
import { runWithInput } from '../exec.js';
import type { ProxyConfig, ProxyState } from '../model.js';
import type { Proxier, SyncResult } from '../proxier.js';
import { diffScript, fullSyncScript } from './render.js';
import { desiredNftRuleset, type NftRuleset } from './ruleset.js';

export const DEFAULT_NFT_TABLE = 'kube-proxy';

export class NftablesProxier implements Proxier {
  readonly mode = 'nftables' as const;
  /** What the kernel holds, as far as we know; undefined forces a full sync. */
  private written?: NftRuleset;

  constructor(
    readonly table: string,
    private readonly cfg: ProxyConfig,
    private readonly nft = 'nft',
  ) {}

  async sync(state: ProxyState, opts: { full?: boolean } = {}): Promise<SyncResult> {
    const next = desiredNftRuleset(state, this.cfg);
    const full = opts.full || !this.written;
    const script = full ? fullSyncScript(this.table, this.cfg, next) : diffScript(this.table, this.written!, next);
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
