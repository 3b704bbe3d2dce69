// Turning rulesets into `nft -f` transactions. A full sync deletes and recreates the table in
// one transaction (atomic: the kernel never sees a half-written table); an incremental sync
// writes only the difference from what was last written: new chains are added, changed ones
// flushed and refilled, gone ones flushed (and deleted by a later transaction, as upstream's
// staleChains), and map and set elements added or deleted one by one.
//
// An incremental transaction is written in the forms nft 1.0.6 needs only its table cache for:
// rules as `add chain … { rules }` and new elements as `add map|set … { spec ; elements = … }`.
// `add rule`, `add element`, `delete element` and `delete chain` make nft dump every chain in the
// kernel first, tens of milliseconds with 10,000 Services (docs/performance.md).
import { ELEMENTS_PER_COMMAND, elementText, pushElements } from '../../util/netfilter/elements.js';
import type { ProxyConfig } from '../model.js';
import { CLUSTER_IPS, containerDeclaration, ELEMENT_CONTAINERS, emptyRuleset, NODEPORT_IPS, SHARED_SETS, skeletonCommands, type ElementContainer, type NftRuleset, type PartsDelta } from './ruleset.js';
import type { WrittenParts } from './written.js';

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
  return a === b || a.length === b.length && a.every((r, i) => r === b[i]);
}

/** An incremental transaction, and the chains it emptied that a later one is to delete. */
export interface NftDiff {
  script: string;
  staleChains: string[];
}

/** A transaction's commands by phase, so that parts diffed one by one still run in a safe order. */
interface Phases {
  declare: string[];
  flush: string[];
  deleteElements: string[];
  retime: string[];
  fillChains: string[];
  addElements: string[];
  deleteSets: string[];
  stale: string[];
}

const newPhases = (): Phases => ({ declare: [], flush: [], deleteElements: [], retime: [], fillChains: [], addElements: [], deleteSets: [], stale: [] });

function joinPhases(ph: Phases): NftDiff {
  const out = [...ph.declare, ...ph.flush, ...ph.deleteElements, ...ph.retime, ...ph.fillChains, ...ph.addElements, ...ph.deleteSets];
  return { script: out.length ? out.join('\n') + '\n' : '', staleChains: ph.stale };
}

function pushElementAdds(out: string[], t: string, c: ElementContainer, items: [string, string | undefined][]): void {
  for (let i = 0; i < items.length; i += ELEMENTS_PER_COMMAND) {
    out.push(containerDeclaration(t, c, items.slice(i, i + ELEMENTS_PER_COMMAND).map(([k, v]) => elementText(k, v)).join(', ')));
  }
}

function diffElements(ph: Phases, t: string, c: ElementContainer, before: Map<string, string | undefined>, after: Map<string, string | undefined>): void {
  const del: [string, string | undefined][] = [];
  const add: [string, string | undefined][] = [];
  for (const [k, v] of before) {
    // nft refuses to overwrite a map element's value: a changed one is deleted, then added.
    if (!after.has(k) || after.get(k) !== v) del.push([k, v]);
  }
  for (const [k, v] of after) if (!before.has(k) || before.get(k) !== v) add.push([k, v]);
  pushElements(ph.deleteElements, 'delete', t, c, del);
  pushElementAdds(ph.addElements, t, c, add);
}

function diffInto(ph: Phases, t: string, prev: NftRuleset, next: NftRuleset, containers: readonly string[]): void {
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
  for (const name of added) ph.declare.push(`add chain ${t} ${name}`);
  for (const [name, timeout] of next.affinitySets) if (!prev.affinitySets.has(name)) ph.declare.push(affinitySetCommand(t, name, timeout));
  // Flushing first drops every reference the old rules hold (to chains and sets about to go).
  for (const name of [...changed, ...removed]) ph.flush.push(`flush chain ${t} ${name}`);
  for (const c of containers) diffElements(ph, t, c as ElementContainer, prev.elements[c as ElementContainer], next.elements[c as ElementContainer]);
  for (const name of retimed) ph.retime.push(`delete set ${t} ${name}`, affinitySetCommand(t, name, next.affinitySets.get(name)!));
  for (const name of [...added, ...changed]) {
    const rules = next.chains.get(name)!;
    if (rules.length) ph.fillChains.push(`add chain ${t} ${name} { ${rules.join(' ; ')} ; }`);
  }
  ph.stale.push(...removed);
  for (const name of prev.affinitySets.keys()) if (!next.affinitySets.has(name)) ph.deleteSets.push(`delete set ${t} ${name}`);
}

/** The commands taking the kernel from `prev` (what was last written) to `next`; "" when they match. */
export function diffScript(table: string, prev: NftRuleset, next: NftRuleset): NftDiff {
  const ph = newPhases();
  diffInto(ph, `ip ${table}`, prev, next, ELEMENT_CONTAINERS);
  return joinPhases(ph);
}

const PER_PART = ELEMENT_CONTAINERS.filter((c) => !(SHARED_SETS as readonly string[]).includes(c));
const EMPTY = emptyRuleset();

/** As diffScript, for the changed service ports only: an unchanged one costs nothing. */
export function diffParts(table: string, written: WrittenParts, delta: PartsDelta): NftDiff {
  const t = `ip ${table}`;
  const ph = newPhases();
  for (const [key, part] of delta.changed) diffInto(ph, t, written.parts.get(key) ?? EMPTY, part ?? EMPTY, PER_PART);
  const { add, remove } = written.clusterIPChanges(delta);
  pushElements(ph.deleteElements, 'delete', t, CLUSTER_IPS, remove.map((ip) => [ip, undefined]));
  pushElementAdds(ph.addElements, t, CLUSTER_IPS, add.map((ip) => [ip, undefined]));
  const asSet = (ips: string[]) => new Map(ips.map((ip) => [ip, undefined]));
  diffElements(ph, t, NODEPORT_IPS, asSet(written.nodeIPs), asSet(delta.nodeIPs));
  return joinPhases(ph);
}

/**
 * Deletes chains emptied by earlier transactions. Each is added first, so one already gone
 * cannot fail the transaction (upstream does the same).
 */
export function staleChainsScript(table: string, chains: readonly string[]): string {
  const t = `ip ${table}`;
  return chains.map((c) => `add chain ${t} ${c}\ndelete chain ${t} ${c}\n`).join('');
}
