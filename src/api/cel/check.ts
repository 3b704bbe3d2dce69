// Compile-time checks on a parsed expression, the part of cel-go's checker that needs no types:
// every identifier is declared (or bound by a macro), every function exists in the environment,
// and `variables.<name>` names a declared variable. Reported as cel-go words them.
import type { CelEnv, parse } from '@bufbuild/cel';

/** The parser's AST node (cel.expr.Expr), named through the parser so cel-spec stays an indirect dependency. */
export type Expr = ReturnType<typeof parse>['expr'];

export interface CheckIssue {
  /** Offset into the expression text. */
  offset: number;
  message: string;
}

export interface CheckScope {
  env: CelEnv;
  /** Top-level variable names (object, request, params …). */
  variables: ReadonlySet<string>;
  /** The names `variables.<name>` may use, when the environment has composited variables. */
  compositedVariables?: ReadonlySet<string>;
}

// Identifiers that denote types: usable as values (`type(x) == int`) and as conversion functions.
const TYPE_IDENTS = new Set(['bool', 'bytes', 'double', 'int', 'uint', 'string', 'list', 'map', 'null_type', 'type', 'dyn', 'timestamp', 'duration']);
// Operators and macros the parser emits as calls; the evaluator implements them itself.
const BUILTIN_CALL = /^(_.*_|_\[_\]|_\[\?_\]|!_|-_|@.*|@in)$/;

export function checkExpression(expr: Expr, positions: Record<string, number>, scope: CheckScope): CheckIssue[] {
  const issues: CheckIssue[] = [];
  const at = (e: Expr) => positions[String(e.id)] ?? 0;
  const undeclared = (e: Expr, name: string) => issues.push({ offset: at(e), message: `undeclared reference to '${name}' (in container '')` });
  const walk = (e: Expr | undefined, bound: ReadonlySet<string>): void => {
    if (!e) return;
    const k = e.exprKind;
    switch (k.case) {
      case 'identExpr':
        if (!bound.has(k.value.name) && !scope.variables.has(k.value.name) && !TYPE_IDENTS.has(k.value.name)) undeclared(e, k.value.name);
        return;
      case 'selectExpr': {
        const operand = k.value.operand;
        if (operand?.exprKind.case === 'identExpr' && operand.exprKind.value.name === 'variables' && !bound.has('variables') && scope.compositedVariables && !scope.compositedVariables.has(k.value.field)) {
          issues.push({ offset: at(e), message: `undefined field '${k.value.field}'` });
          return;
        }
        walk(operand, bound);
        return;
      }
      case 'callExpr': {
        const { function: fn, target, args } = k.value;
        // A namespaced function (strings.quote) parses as a call on an identifier.
        const ns = target?.exprKind.case === 'identExpr' && !bound.has(target.exprKind.value.name) && !scope.variables.has(target.exprKind.value.name) ? `${target.exprKind.value.name}.${fn}` : undefined;
        if (ns && scope.env.funcs.find(ns)) {
          for (const a of args) walk(a, bound);
          return;
        }
        if (!BUILTIN_CALL.test(fn) && !TYPE_IDENTS.has(fn) && !scope.env.funcs.find(fn)) undeclared(e, fn);
        walk(target, bound);
        for (const a of args) walk(a, bound);
        return;
      }
      case 'listExpr':
        for (const x of k.value.elements) walk(x, bound);
        return;
      case 'structExpr':
        for (const entry of k.value.entries) {
          if (entry.keyKind.case === 'mapKey') walk(entry.keyKind.value, bound);
          walk(entry.value, bound);
        }
        return;
      case 'comprehensionExpr': {
        const c = k.value;
        walk(c.iterRange, bound);
        walk(c.accuInit, bound);
        const inner = new Set([...bound, c.iterVar, c.accuVar, ...(c.iterVar2 ? [c.iterVar2] : [])]);
        walk(c.loopCondition, inner);
        walk(c.loopStep, inner);
        walk(c.result, new Set([...bound, c.accuVar]));
        return;
      }
      default:
        return;
    }
  };
  walk(expr, new Set());
  return issues;
}

/** The `variables.<name>` an expression reads, so composited variables it needs can be checked for errors. */
export function referencedVariables(expr: Expr): Set<string> {
  const out = new Set<string>();
  const walk = (e: Expr | undefined): void => {
    if (!e) return;
    const k = e.exprKind;
    switch (k.case) {
      case 'selectExpr':
        if (k.value.operand?.exprKind.case === 'identExpr' && k.value.operand.exprKind.value.name === 'variables') out.add(k.value.field);
        walk(k.value.operand);
        return;
      case 'callExpr':
        walk(k.value.target);
        for (const a of k.value.args) walk(a);
        return;
      case 'listExpr':
        for (const x of k.value.elements) walk(x);
        return;
      case 'structExpr':
        for (const entry of k.value.entries) {
          if (entry.keyKind.case === 'mapKey') walk(entry.keyKind.value);
          walk(entry.value);
        }
        return;
      case 'comprehensionExpr':
        for (const x of [k.value.iterRange, k.value.accuInit, k.value.loopCondition, k.value.loopStep, k.value.result]) walk(x);
        return;
      default:
        return;
    }
  };
  walk(expr);
  return out;
}
