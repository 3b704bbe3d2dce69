// A quantity from a stored string, or undefined when absent or malformed (validation has the
// final word on malformed ones; admission only compares well-formed sizes).
import { parseQuantity, type Quantity } from '../../api/quantity/index.js';

export function quantityOfString(s: string | undefined): Quantity | undefined {
  if (s === undefined) return undefined;
  try {
    return parseQuantity(s);
  } catch {
    return undefined;
  }
}
