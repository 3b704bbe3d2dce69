// Column definitions and the small builder every printer module uses.
import type { KubeObject } from '../../api/meta/types.js';
import { timestampSince } from './duration.js';

export type ColumnType = 'string' | 'integer' | 'number' | 'boolean' | 'date';

export interface TableColumn { name: string; type: ColumnType; format: string; description: string; priority: number }

export interface TablePrinter { columns: readonly TableColumn[]; cells(obj: KubeObject, now: number): unknown[] }

export function column(name: string, type: ColumnType, description: string, opts: { priority?: number; format?: string } = {}): TableColumn {
  return { name, type, format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

/** Same column, shown only with `-o wide`. */
export function wide(name: string, type: ColumnType, description: string): TableColumn {
  return column(name, type, description, { priority: 1 });
}

export const NAME_DESCRIPTION =
  'Name must be unique within a namespace. It identifies the object to clients and cannot be changed after creation.';
export const AGE_DESCRIPTION =
  'CreationTimestamp is the server time at which this object was created, in RFC 3339 form, UTC.';
export const CONTAINERS_DESCRIPTION = 'Names of each container in the template.';
export const IMAGES_DESCRIPTION = 'Images referenced by each container in the template.';

export const nameColumn = (): TableColumn => column('Name', 'string', NAME_DESCRIPTION, { format: 'name' });
export const ageColumn = (): TableColumn => column('Age', 'string', AGE_DESCRIPTION);

export function nameOf(obj: KubeObject): string {
  return obj.metadata?.name ?? '';
}

export function ageOf(obj: KubeObject, now: number): string {
  return timestampSince(obj.metadata?.creationTimestamp, now);
}

/** Binds columns to a cell function whose object type is the kind's partial shape. */
export function printer<T>(columns: TableColumn[], cells: (obj: T & KubeObject, now: number) => unknown[]): TablePrinter {
  return { columns: Object.freeze(columns), cells: (obj, now) => cells(obj as T & KubeObject, now) };
}
