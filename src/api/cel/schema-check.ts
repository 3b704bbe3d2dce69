// Type checking against OpenAPI-style schemas, the part upstream's checker does with the schema
// of the matched kinds: a field selected from an object that its schema does not declare is
// "undefined field". Followed through selections, indexing and macro variables
// (`object.spec.containers.all(c, c.nmae …)`); maps, free-form objects and anything computed are
// left alone. Used for ValidatingAdmissionPolicy's status.typeChecking (and CRD rules later).
import { parse } from '@bufbuild/cel';
import { resolve, type Schema } from '../schema/dsl.js';
import type { CheckIssue, Expr } from './check.js';

/** Issues for fields the schemas bound to root variables (object, oldObject …) don't declare; [] when it doesn't parse. */
export function undefinedFieldIssues(expression: string, roots: Readonly<Record<string, Schema>>): CheckIssue[] {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(expression);
  } catch {
    return [];
  }
  const positions = parsed.sourceInfo?.positions ?? {};
  const at = (e: Expr) => Number(positions[String(e.id)] ?? 0);
  const issues: CheckIssue[] = [];

  type Scope = ReadonlyMap<string, Schema | undefined>;
  const walk = (e: Expr | undefined, scope: Scope): Schema | undefined => {
    if (!e) return undefined;
    const k = e.exprKind;
    switch (k.case) {
      case 'identExpr':
        return scope.has(k.value.name) ? scope.get(k.value.name) : roots[k.value.name];
      case 'selectExpr': {
        const parent = walk(k.value.operand, scope);
        if (!parent) return undefined;
        const p = resolve(parent);
        if (p.type === 'map') return p.values;
        if (p.type !== 'object') return undefined;
        const field = p.properties[k.value.field];
        if (!field) issues.push({ offset: at(e), message: `undefined field '${k.value.field}'` });
        return field;
      }
      case 'callExpr': {
        walk(k.value.target, scope);
        const args = k.value.args.map((a) => walk(a, scope));
        if (k.value.function === '_[_]' && args[0]) {
          const c = resolve(args[0]);
          if (c.type === 'array') return c.items;
          if (c.type === 'map') return c.values;
        }
        return undefined;
      }
      case 'listExpr':
        for (const x of k.value.elements) walk(x, scope);
        return undefined;
      case 'structExpr':
        for (const entry of k.value.entries) {
          if (entry.keyKind.case === 'mapKey') walk(entry.keyKind.value, scope);
          walk(entry.value, scope);
        }
        return undefined;
      case 'comprehensionExpr': {
        const c = k.value;
        const range = walk(c.iterRange, scope);
        const r = range ? resolve(range) : undefined;
        const inner = new Map(scope);
        // Lists give their items to the iteration variable; maps their (string) keys.
        inner.set(c.iterVar, r?.type === 'array' ? r.items : undefined);
        if (c.iterVar2) inner.set(c.iterVar2, r?.type === 'map' ? r.values : r?.type === 'array' ? r.items : undefined);
        inner.set(c.accuVar, undefined);
        walk(c.accuInit, scope);
        walk(c.loopCondition, inner);
        walk(c.loopStep, inner);
        walk(c.result, inner);
        return undefined;
      }
      default:
        return undefined;
    }
  };
  walk(parsed.expr, new Map());
  return issues;
}
