// Label and field selectors from a request, turned into one predicate over stored objects.
import type { KubeObject } from '../../api/meta/types.js';
import { parseSelector } from '../../api/labels/index.js';
import { parseFieldSelector } from '../../api/fields/index.js';
import { errors } from '../errors.js';
import type { ResourceEntry } from '../registry/entry.js';

export type ObjectPredicate = (obj: KubeObject) => boolean;

export function fieldGetter(entry: ResourceEntry, obj: KubeObject): (field: string) => string | undefined {
  const extra = entry.def.fieldSelectors;
  return (field) => {
    if (field === 'metadata.name') return obj.metadata.name ?? '';
    if (field === 'metadata.namespace') return obj.metadata.namespace ?? '';
    const f = extra?.[field];
    return f ? (f(obj) ?? '') : undefined;
  };
}

export function buildPredicate(entry: ResourceEntry, labelSelector?: string, fieldSelector?: string): ObjectPredicate | undefined {
  let labels: ReturnType<typeof parseSelector> | undefined;
  let fields: ReturnType<typeof parseFieldSelector> | undefined;
  try {
    if (labelSelector) labels = parseSelector(labelSelector);
  } catch (err) {
    throw errors.badRequest((err as Error).message);
  }
  try {
    if (fieldSelector) fields = parseFieldSelector(fieldSelector);
  } catch (err) {
    throw errors.badRequest((err as Error).message);
  }
  if (fields) {
    const known = new Set(['metadata.name', 'metadata.namespace', ...Object.keys(entry.def.fieldSelectors ?? {})]);
    for (const r of fields.requirements()) {
      if (!known.has(r.field)) throw errors.badRequest(`field label not supported: ${r.field}`);
    }
  }
  if ((!labels || labels.empty()) && (!fields || fields.empty())) return undefined;
  return (obj) => (!labels || labels.matches(obj.metadata.labels)) && (!fields || fields.matches(fieldGetter(entry, obj)));
}
