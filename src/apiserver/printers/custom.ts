// Table output of a custom resource from its CRD's additionalPrinterColumns, as upstream's
// tableconvertor: NAME first, then each column's first JSONPath match converted by its type
// (dates as ages); a CRD without columns gets NAME and AGE.
import type { PrinterColumn } from '../../api/scheme/kind.js';
import { findJsonPath } from '../../api/apiextensions/schema/jsonpath.js';
import { column, nameColumn, nameOf, type ColumnType, type TablePrinter } from './columns.js';
import { timestampSince } from './duration.js';

const DEFAULT_COLUMNS: PrinterColumn[] = [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata' }];

function cell(type: string, value: unknown, now: number): unknown {
  switch (type) {
    case 'date':
      return typeof value === 'string' ? timestampSince(value, now) : null;
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? value : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'string':
      // jsonpath's text form: strings bare, anything else as JSON.
      return typeof value === 'string' ? value : JSON.stringify(value);
    default:
      return null;
  }
}

export function customPrinter(columns: readonly PrinterColumn[]): TablePrinter {
  const cols = columns.length ? columns : DEFAULT_COLUMNS;
  return {
    columns: Object.freeze([nameColumn(), ...cols.map((c) => column(c.name, c.type as ColumnType, c.description ?? '', { priority: c.priority ?? 0, format: c.format ?? '' }))]),
    cells: (obj, now) => [
      nameOf(obj),
      ...cols.map((c) => {
        const found = findJsonPath(obj, c.jsonPath);
        return found.length ? cell(c.type, found[0], now) : null;
      }),
    ],
  };
}
