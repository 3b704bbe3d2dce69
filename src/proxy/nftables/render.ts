// Turning rulesets into `nft -f` transactions. A full sync deletes and recreates the table in
// one transaction (atomic: the kernel never sees a half-written table); an incremental sync
// writes only the difference from what was last written: new chains are added, changed ones
// flushed and refilled, gone ones deleted, and map and set elements added or deleted one by one.
import type { ProxyConfig } from '../model.js';
import { ELEMENT_CONTAINERS, skeletonCommands, type NftRuleset } from './ruleset.js';

/** Elements per `add element` command: long enough to be cheap, short enough for nft's parser. */
const ELEMENTS_PER_COMMAND = 1000;

function elementText(key: string, value: string | undefined): string {
  return value === undefined ? key : `${key} : ${value}`;
}

function pushElements(out: string[], verb: 'add' | 'delete', t: string, container: string, items: [string, string | undefined][]): void {
  for (let i = 0; i < items.length; i += ELEMENTS_PER_COMMAND) {
    const chunk = items.slice(i, i + ELEMENTS_PER_COMMAND).map(([k, v]) => (verb === 'delete' ? k : elementText(k, v)));
    out.push(`${verb} element ${t} ${container} { ${chunk.join(', ')} }`);
  }
}

const affinitySetCommand = (t: string, name: string, timeout: number) =>
  `add set ${t} ${name} { type ipv4_addr ; flags dynamic,timeout ; timeout ${timeout}s ; }`;

export function fullSyncScript(table: string, cfg: ProxyConfig, rs: NftRuleset): string {
  const t = `ip ${table}`;
  // "add" first so the delete cannot fail on a fresh host; both in the same transaction.
  const out = [`add table ${t}`, `delete table ${t}`, ...skeletonCommands(table, cfg)];
  for (const name of rs.chains.keys()) out.push(`add chain ${t} ${name}`);
  for (const [name, timeout] of rs.affinitySets) out.push(affinitySetCommand(t, name, timeout));
  for (const [name, rules] of rs.chains) for (const r of rules) out.push(`add rule ${t} ${name} ${r}`);
  for (const c of ELEMENT_CONTAINERS) pushElements(out, 'add', t, c, [...rs.elements[c]]);
  return out.join('\n') + '\n';
}

function sameRules(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i]);
}

/** The commands taking the kernel from `prev` (what was last written) to `next`; "" when they match. */
export function diffScript(table: string, prev: NftRuleset, next: NftRuleset): string {
  const t = `ip ${table}`;
  // Affinity sets whose timeout changed are recreated; the rules naming them must be rewritten too.
  const retimed = new Set<string>();
  for (const [name, timeout] of next.affinitySets) if (prev.affinitySets.has(name) && prev.affinitySets.get(name) !== timeout) retimed.add(name);
  const namesRetimed = (rules: string[]) => retimed.size > 0 && rules.some((r) => [...retimed].some((s) => r.includes(`@${s} `)));

  const added: string[] = [];
  const changed: string[] = [];
  for (const [name, rules] of next.chains) {
    const old = prev.chains.get(name);
    if (!old) added.push(name);
    else if (!sameRules(old, rules) || namesRetimed(old)) changed.push(name);
  }
  const removed = [...prev.chains.keys()].filter((name) => !next.chains.has(name));

  const out: string[] = [];
  for (const name of added) out.push(`add chain ${t} ${name}`);
  for (const [name, timeout] of next.affinitySets) if (!prev.affinitySets.has(name)) out.push(affinitySetCommand(t, name, timeout));
  // Flushing first drops every reference the old rules hold (to chains and sets about to go).
  for (const name of [...changed, ...removed]) out.push(`flush chain ${t} ${name}`);
  const toAdd: Record<string, [string, string | undefined][]> = {};
  for (const c of ELEMENT_CONTAINERS) {
    const before = prev.elements[c];
    const after = next.elements[c];
    const del: [string, string | undefined][] = [];
    const add: [string, string | undefined][] = [];
    for (const [k, v] of before) {
      if (!after.has(k)) del.push([k, v]);
      // nft refuses to overwrite a map element's value: delete it, then add the new one.
      else if (after.get(k) !== v) del.push([k, v]);
    }
    for (const [k, v] of after) if (!before.has(k) || before.get(k) !== v) add.push([k, v]);
    pushElements(out, 'delete', t, c, del);
    toAdd[c] = add;
  }
  for (const name of retimed) out.push(`delete set ${t} ${name}`, affinitySetCommand(t, name, next.affinitySets.get(name)!));
  for (const name of [...added, ...changed]) for (const r of next.chains.get(name)!) out.push(`add rule ${t} ${name} ${r}`);
  for (const c of ELEMENT_CONTAINERS) pushElements(out, 'add', t, c, toAdd[c]!);
  for (const name of removed) out.push(`delete chain ${t} ${name}`);
  for (const name of prev.affinitySets.keys()) if (!next.affinitySets.has(name)) out.push(`delete set ${t} ${name}`);
  return out.length ? out.join('\n') + '\n' : '';
}
