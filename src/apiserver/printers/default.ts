// The table every kind without its own printer gets: the apiserver's default Name / Created At columns.
import { AGE_DESCRIPTION, column, nameColumn, nameOf, type TablePrinter } from './columns.js';
import { parseTimestamp } from './duration.js';
import { rfc3339 as formatRfc3339 } from '../../util/time.js';

// Go's zero time in RFC 3339, what upstream prints for an object without a creation timestamp.
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** RFC 3339 in UTC at second precision, as Go's time.RFC3339 layout renders it. */
export function rfc3339(ts: unknown): string {
  const t = parseTimestamp(ts);
  if (t === undefined) return ZERO_TIME;
  return formatRfc3339(t);
}

export const defaultPrinter: TablePrinter = {
  columns: Object.freeze([nameColumn(), column('Created At', 'date', AGE_DESCRIPTION)]),
  cells: (obj) => [nameOf(obj), rfc3339(obj.metadata?.creationTimestamp)],
};
