// Compiling CEL for Kubernetes: one environment per use (admission policies, CRD rules) declaring
// its variables, expressions parsed and checked once and their programs cached, compile errors
// worded as cel-go's issues ("ERROR: <input>:1:5: … | expr | ....^") so they read as upstream's.
import { celEnv, isCelError, parse, plan, type CelEnv, type CelFunc, type CelInput, type CelValue } from '@bufbuild/cel';
import { checkExpression, referencedVariables, type CheckIssue } from './check.js';
import { kubernetesLibraries } from './libraries/index.js';
import { withCostLimit } from './values.js';

export interface CelProgram {
  readonly expression: string;
  /** The `variables.<name>` the expression reads. */
  readonly variableReferences: ReadonlySet<string>;
  /** Evaluates against the bindings (already CEL values, see values.ts); never throws. */
  eval(bindings: Record<string, CelInput>): { value: CelValue } | { error: string };
}

export type CompileResult = { program: CelProgram; error?: undefined } | { program?: undefined; error: string };

export interface CelEnvironmentOptions {
  /** Top-level variables (all dynamically typed). */
  variables: readonly string[];
  /** Functions beyond the Kubernetes libraries (an authorizer, say). */
  funcs?: readonly CelFunc[];
  /** Element reads of input lists one evaluation may make (values.ts); default DEFAULT_COST_LIMIT. */
  costLimit?: number;
}

/**
 * About 0.1–0.2 s of evaluation on this machine at worst (a macro nested over two lists, ~1 µs
 * per inner step); far beyond what checks over one object's lists read.
 */
export const DEFAULT_COST_LIMIT = 100_000;

const MAX_CACHED_PROGRAMS = 4096;

export class CelEnvironment {
  private readonly env: CelEnv;
  private readonly variables: ReadonlySet<string>;
  private readonly cache = new Map<string, CompileResult>();
  private readonly costLimit: number;

  constructor(opts: CelEnvironmentOptions) {
    this.costLimit = opts.costLimit ?? DEFAULT_COST_LIMIT;
    this.env = celEnv({ funcs: [...kubernetesLibraries, ...(opts.funcs ?? [])] });
    this.variables = new Set(opts.variables);
  }

  /**
   * Parses and checks an expression (cached by its text and the composited variable names in
   * scope). `compositedVariables`, when given, are the names `variables.<name>` may use.
   */
  compile(expression: string, compositedVariables?: readonly string[]): CompileResult {
    const key = `${compositedVariables?.join(',') ?? '\u0000'}\u0001${expression}`;
    const hit = this.cache.get(key);
    if (hit) {
      // Refresh the entry's place so the cache drops the least recently used first.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const result = this.compileUncached(expression, compositedVariables);
    if (this.cache.size >= MAX_CACHED_PROGRAMS) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, result);
    return result;
  }

  private compileUncached(expression: string, compositedVariables?: readonly string[]): CompileResult {
    let parsed: ReturnType<typeof parse>;
    try {
      parsed = parse(expression);
    } catch (err) {
      const e = err as { rawMessage?: string; message: string; location?: { start?: { offset: number } } };
      return { error: compileError(expression, [{ offset: e.location?.start?.offset ?? 0, message: `Syntax error: ${e.rawMessage ?? e.message}` }]) };
    }
    const positions: Record<string, number> = {};
    for (const [id, off] of Object.entries(parsed.sourceInfo?.positions ?? {})) positions[id] = Number(off);
    const issues = checkExpression(parsed.expr, positions, {
      env: this.env,
      variables: this.variables,
      compositedVariables: compositedVariables ? new Set(compositedVariables) : undefined,
    });
    if (issues.length) return { error: compileError(expression, issues) };
    let run: (ctx?: Record<string, CelInput>) => CelValue | Error;
    try {
      run = plan(this.env, parsed) as typeof run;
    } catch (err) {
      return { error: compileError(expression, [{ offset: 0, message: (err as Error).message }]) };
    }
    const costLimit = this.costLimit;
    return {
      program: {
        expression,
        variableReferences: referencedVariables(parsed.expr),
        eval(bindings) {
          let v: CelValue | Error;
          try {
            v = withCostLimit(costLimit, () => run(bindings));
          } catch (err) {
            // The evaluator returns errors as values; a throw is a bug there, still not ours to crash on.
            return { error: (err as Error).message };
          }
          return isCelError(v) ? { error: v.message } : { value: v as CelValue };
        },
      },
    };
  }
}

/** cel-go's Issues.String(): each issue with its position and a caret under the source. */
export function formatIssues(expression: string, issues: readonly CheckIssue[]): string {
  const lines = expression.split('\n');
  return issues.map((i) => {
    let line = 0;
    let col = i.offset;
    while (line < lines.length - 1 && col > lines[line]!.length) {
      col -= lines[line]!.length + 1;
      line++;
    }
    const src = lines[line] ?? '';
    return `ERROR: <input>:${line + 1}:${col + 1}: ${i.message}\n | ${src}\n | ${'.'.repeat(col)}^`;
  }).join('\n');
}

/** A compile error as upstream reports it (the detail of field.Invalid on a policy or CRD rule). */
export function compileError(expression: string, issues: readonly CheckIssue[]): string {
  return `compilation failed: ${formatIssues(expression, issues)}`;
}
