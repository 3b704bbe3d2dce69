// The iptables backend: chains named <prefix>-… (KUBE-… upstream) in the nat and filter tables,
// installed with `iptables-restore --noflush`, which replaces only the chains it names. Like
// upstream's iptables mode before partial syncs, every sync rewrites all of its chains; that is
// the reference the nftables backend's incremental syncs are measured against.
import { run, runWithInput } from '../../util/netfilter/exec.js';
import type { ProxyConfig, ProxyState } from '../model.js';
import type { Proxier, SyncResult } from '../proxier.js';
import { desiredIptablesRules, jumpRules, restoreScript } from './ruleset.js';

export const DEFAULT_IPTABLES_PREFIX = 'KUBE';

/** A rule's text as arguments: whitespace separates, double quotes group (as iptables-save writes). */
export function splitArgs(rule: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(rule); m; m = re.exec(rule)) out.push(m[1] !== undefined ? m[1].replace(/\\"/g, '"') : m[2]!);
  return out;
}

export class IptablesProxier implements Proxier {
  readonly mode = 'iptables' as const;
  private written?: { nat: Set<string>; filter: Set<string> };

  constructor(
    readonly prefix: string,
    private readonly cfg: ProxyConfig,
  ) {}

  async sync(state: ProxyState, opts: { full?: boolean } = {}): Promise<SyncResult> {
    const full = opts.full || !this.written;
    const rs = desiredIptablesRules(state, this.cfg, this.prefix);
    const stale = {
      nat: [...(this.written?.nat ?? [])].filter((c) => !rs.nat.has(c)),
      filter: [...(this.written?.filter ?? [])].filter((c) => !rs.filter.has(c)),
    };
    const script = restoreScript(rs, stale);
    try {
      await runWithInput('iptables-restore', ['-w', '--noflush'], script);
      if (full) await this.ensureJumps();
    } catch (err) {
      this.written = undefined;
      throw err;
    }
    this.written = { nat: new Set(rs.nat.keys()), filter: new Set(rs.filter.keys()) };
    return { full, bytes: script.length };
  }

  private async ensureJumps(): Promise<void> {
    for (const [table, chain, rule] of jumpRules(this.prefix)) {
      const args = splitArgs(rule);
      const present = await run('iptables', ['-w', '-t', table, '-C', chain, ...args]).then(() => true, () => false);
      if (!present) await run('iptables', ['-w', '-t', table, '-I', chain, ...args]);
    }
  }

  async cleanup(): Promise<void> {
    this.written = undefined;
    await cleanupIptables(this.prefix);
  }
}

/** Remove the jumps into <prefix>-… chains and the chains themselves, whoever wrote them. */
export async function cleanupIptables(prefix: string): Promise<void> {
  for (const [table, chain, rule] of jumpRules(prefix)) {
    const args = splitArgs(rule);
    // A rule inserted twice (two proxies' restarts) is deleted twice.
    while (await run('iptables', ['-w', '-t', table, '-D', chain, ...args]).then(() => true, () => false));
  }
  let script = '';
  for (const table of ['filter', 'nat']) {
    const saved = await run('iptables-save', ['-t', table]).catch(() => '');
    const ours = saved.split('\n').filter((l) => l.startsWith(`:${prefix}-`)).map((l) => l.slice(1).split(' ')[0]!);
    if (ours.length === 0) continue;
    script += `*${table}\n${ours.map((c) => `:${c} - [0:0]`).join('\n')}\n${ours.map((c) => `-X ${c}`).join('\n')}\nCOMMIT\n`;
  }
  if (script) await runWithInput('iptables-restore', ['-w', '--noflush'], script);
}
