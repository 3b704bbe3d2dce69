// Helpers the libraries share: CEL's own equality and how a function reports an error.
import { celEnv, parse, plan, type CelValue } from '@bufbuild/cel';

// CEL's equality (numbers across int/uint/double, lists and maps deep), borrowed from the
// evaluator by planning `a == b` once, so library functions agree with the `==` operator.
const eq = plan(celEnv(), parse('a == b'));

export function equalValues(a: CelValue, b: CelValue): boolean {
  return eq({ a, b }) === true;
}

/** Ends a library function with a CEL error: the evaluator turns what an implementation throws into one. */
export function fail(message: string): never {
  throw new Error(message);
}
