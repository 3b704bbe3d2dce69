// What a file of the manifests directory holds: YAML (several documents) or JSON, each document
// an object or a `List` of them, as `kubectl apply -f` reads a file.
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../api/meta/types.js';

/** Files the directory applies; `<name>.skip` beside one (k3s's rule) keeps it from being applied. */
export const MANIFEST_FILE = /\.(ya?ml|json)$/;

/** The add-on a file is: its name without the extension (`gateway-api.yaml` → `gateway-api`). */
export const addonName = (file: string): string => file.replace(MANIFEST_FILE, '');

export function parseManifests(text: string, file: string): KubeObject[] {
  const docs = parseAllDocuments(text);
  const out: KubeObject[] = [];
  for (const [i, doc] of docs.entries()) {
    if (doc.errors.length) throw new Error(`${file}: document ${i + 1}: ${doc.errors[0]!.message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    for (const o of value && typeof value === 'object' && (value as KubeObject).kind === 'List' ? ((value as { items?: unknown[] }).items ?? []) : [value]) {
      if (!o || typeof o !== 'object' || Array.isArray(o)) throw new Error(`${file}: document ${i + 1} is not an object`);
      const obj = o as KubeObject;
      if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string' || typeof obj.metadata?.name !== 'string' || !obj.metadata.name) {
        throw new Error(`${file}: document ${i + 1} needs apiVersion, kind and metadata.name`);
      }
      out.push(obj);
    }
  }
  return out;
}

/** How an applied object is remembered, to prune it once no file holds it. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export const refKey = (r: ObjectRef): string => `${r.apiVersion}/${r.kind}/${r.namespace ?? ''}/${r.name}`;

/** CRDs and Namespaces first: what follows in the directory may be of their kinds or in them. */
export function applyOrder(a: KubeObject, b: KubeObject): number {
  const rank = (o: KubeObject) => (o.kind === 'CustomResourceDefinition' ? 0 : o.kind === 'Namespace' ? 1 : 2);
  return rank(a) - rank(b);
}
