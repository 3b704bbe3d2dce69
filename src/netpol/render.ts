// Rulesets as `nft -f` transactions. A full sync recreates the table in one transaction (the
// kernel swaps atomically); an incremental one writes the difference from what was last
// written, in an order nft accepts: declare what is new, flush chains that change or go (which
// drops their references to sets), move elements, refill chains, then delete what is gone.
import { pushElements } from '../util/netfilter/elements.js';
import { baseChainCommands, type NftSet, type NftState } from './ruleset.js';

const declare = (t: string, name: string, s: NftSet) => `add ${s.kind} ${t} ${name} { ${s.spec} }`;

export function fullScript(table: string, next: NftState): string {
  const t = `ip ${table}`;
  // "add" first so the delete cannot fail on a fresh host.
  const out = [`add table ${t}`, `delete table ${t}`, `add table ${t} { comment "k8ts network policies" ; }`];
  for (const [name, s] of next.sets) out.push(declare(t, name, s));
  for (const name of next.chains.keys()) out.push(`add chain ${t} ${name}`);
  for (const [name, rules] of next.chains) for (const r of rules) out.push(`add rule ${t} ${name} ${r}`);
  for (const [name, s] of next.sets) pushElements(out, 'add', t, name, [...s.elements]);
  out.push(...baseChainCommands(table));
  return out.join('\n') + '\n';
}

const sameRules = (a: string[], b: string[]) => a === b || (a.length === b.length && a.every((r, i) => r === b[i]));

/** The commands taking the kernel from `prev` to `next`; "" when nothing changed. */
export function diffScript(table: string, prev: NftState, next: NftState): string {
  const t = `ip ${table}`;
  const declared: string[] = [];
  const flushed: string[] = [];
  const deletedElements: string[] = [];
  const rules: string[] = [];
  const addedElements: string[] = [];
  const deleted: string[] = [];
  for (const [name, s] of next.sets) {
    const old = prev.sets.get(name);
    if (!old) declared.push(declare(t, name, s));
    const before = old?.elements ?? new Map<string, string | undefined>();
    // nft will not overwrite a map value: a changed element is deleted, then added.
    pushElements(deletedElements, 'delete', t, name, [...before].filter(([k, v]) => !s.elements.has(k) || s.elements.get(k) !== v));
    pushElements(addedElements, 'add', t, name, [...s.elements].filter(([k, v]) => !before.has(k) || before.get(k) !== v));
  }
  for (const [name, chainRules] of next.chains) {
    const old = prev.chains.get(name);
    if (!old) declared.push(`add chain ${t} ${name}`);
    else if (sameRules(old, chainRules)) continue;
    else flushed.push(`flush chain ${t} ${name}`);
    for (const r of chainRules) rules.push(`add rule ${t} ${name} ${r}`);
  }
  for (const name of prev.chains.keys()) {
    if (next.chains.has(name)) continue;
    flushed.push(`flush chain ${t} ${name}`);
    deleted.push(`delete chain ${t} ${name}`);
  }
  // Sets after chains: no rule may still name a set being deleted.
  for (const [name, s] of prev.sets) if (!next.sets.has(name)) deleted.push(`delete ${s.kind} ${t} ${name}`);
  const out = [...declared, ...flushed, ...deletedElements, ...rules, ...addedElements, ...deleted];
  return out.length ? out.join('\n') + '\n' : '';
}
