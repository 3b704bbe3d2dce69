// Removing what an applier stopped applying: a field (or list item, or set value) goes, with
// whatever nobody owns below it, when the applier owned it last time, does not apply it now,
// and no manager owns it. Everything else stays, including fields nobody owns (defaults). A
// container emptied by the removal goes with it, as a typed object would drop it.
import type { Schema } from '../../api/schema/dsl.js';
import { keyOf, withAncestors, type PathSet } from './path-set.js';
import { assocElements, childSchema, isEmptyContainer, isObject, nodeOf, valueElement } from './typed.js';

/**
 * @param lastApplied the applier's set from its previous apply
 * @param owned the union of every manager's set after this apply, the applier's new set included
 */
export function pruneUnapplied(obj: Record<string, unknown>, schema: Schema | undefined, lastApplied: PathSet, owned: PathSet): Record<string, unknown> {
  if (lastApplied.size === 0) return obj;
  const ctx: Ctx = { last: lastApplied, lastAncestors: withAncestors(lastApplied), owned, ownedAncestors: withAncestors(owned) };
  return pruneChildren(obj, schema, [], false, ctx) as Record<string, unknown>;
}

interface Ctx {
  last: PathSet;
  lastAncestors: PathSet;
  owned: PathSet;
  ownedAncestors: PathSet;
}

type Verdict = 'keep' | 'remove' | 'descend';

function verdict(path: string[], inLast: boolean, ctx: Ctx): { v: Verdict; inLast: boolean } {
  const k = keyOf(path);
  // Only what left every manager's set is pruned: an item still applied keeps its unowned
  // parts (server defaults), so a repeated apply is a no-op.
  const nowInLast = inLast || (ctx.last.has(k) && !ctx.owned.has(k));
  if (ctx.ownedAncestors.has(k)) return { v: 'descend', inLast: nowInLast };
  if (nowInLast) return { v: 'remove', inLast: true };
  return { v: ctx.lastAncestors.has(k) ? 'descend' : 'keep', inLast: false };
}

function pruneChildren(value: unknown, schema: Schema | undefined, path: string[], inLast: boolean, ctx: Ctx): unknown {
  if (!isObject(value)) return value;
  const node = nodeOf(schema, value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const p = [...path, `f:${k}`];
    const d = verdict(p, inLast, ctx);
    if (d.v === 'remove') continue;
    if (d.v === 'keep') {
      out[k] = v;
      continue;
    }
    const pruned = pruneNode(v, childSchema(node, k), p, d.inLast, ctx);
    if (emptied(v, pruned) && !ctx.owned.has(keyOf(p))) continue;
    out[k] = pruned;
  }
  return out;
}

function pruneNode(value: unknown, schema: Schema | undefined, path: string[], inLast: boolean, ctx: Ctx): unknown {
  const node = nodeOf(schema, value);
  switch (node.kind) {
    case 'struct':
    case 'map':
      return pruneChildren(value, schema, path, inLast, ctx);
    case 'setList':
    case 'assocList': {
      if (!Array.isArray(value)) return value;
      const els = node.kind === 'setList' ? value.map(valueElement) : assocElements(value, node.keys);
      const out: unknown[] = [];
      value.forEach((item, i) => {
        const el = els[i];
        if (el === undefined) return void out.push(item);
        const p = [...path, el];
        const d = verdict(p, inLast, ctx);
        if (d.v === 'remove') return;
        if (d.v === 'keep' || node.kind === 'setList') return void out.push(item);
        const pruned = pruneChildren(item, node.items, p, d.inLast, ctx);
        out.push(pruned);
      });
      return out;
    }
    default:
      return value;
  }
}

function emptied(before: unknown, after: unknown): boolean {
  return !isEmptyContainer(before) && (isObject(after) || Array.isArray(after)) && isEmptyContainer(after);
}
