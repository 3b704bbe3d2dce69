// Server-side printing: objects as a meta.k8s.io/v1 Table with the kind's columns.
import type { KubeObject, ListMeta } from '../../api/meta/types.js';
import type { ResourceEntry } from '../registry/entry.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function partialMetadata(obj: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function tableRow(entry: ResourceEntry, obj: KubeObject, include: IncludeObject, now: number): Record<string, unknown> {
  const row: Record<string, unknown> = { cells: entry.printer.cells(obj, now) };
  if (include === 'Metadata') row['object'] = partialMetadata(obj);
  else if (include === 'Object') row['object'] = obj;
  return row;
}

export function toTable(entry: ResourceEntry, objects: readonly KubeObject[], meta: ListMeta, include: IncludeObject, now: number, withColumns = true): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions: withColumns ? entry.printer.columns : [],
    rows: objects.map((o) => tableRow(entry, o, include, now)),
  };
}

export function parseIncludeObject(v: string | null): IncludeObject {
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}
