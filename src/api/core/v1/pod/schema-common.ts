// The builders every part of the Pod family's schema shares: definitions live under
// upstream's names (io.k8s.api.core.v1.<Name>) so other kinds can refer to them.
import { arr, define, mapOf, obj, quantity, ref, str, type ObjectSchema, type Schema } from '../../../schema/dsl.js';

export const CORE_V1 = 'io.k8s.api.core.v1';

export const r = (name: string, description?: string) => ref(`${CORE_V1}.${name}`, description);
export function def(name: string, description: string, properties: Record<string, Schema>, opts: Omit<ObjectSchema, 'type' | 'properties' | 'description'> = {}): void {
  define(`${CORE_V1}.${name}`, obj(properties, { description, ...opts }));
}
export const atomicList = (items: Schema, description?: string) => arr(items, { listType: 'atomic', description });
export const strList = (description?: string) => atomicList(str(), description);
export const resourceList = (description: string) => mapOf(quantity(), description);
