// Turns the objects a volume projects (ConfigMap, Secret, pod fields, tokens) into an atomic
// writer payload, with upstream's modes, `items` mapping, `optional` and error texts.
import type { ConfigMap, Secret } from '../../api/core/v1/types.js';
import type { DownwardAPIVolumeFile, KeyToPath, Pod } from '../../api/core/v1/pod/types.js';
import type { Payload } from './atomic-writer.js';
import { fieldRefValue, resourceFieldValue, type RuntimeInfo } from './field-values.js';

/** Upstream's default for configMap, secret, downwardAPI and projected volumes (0644). */
export const DEFAULT_MODE = 0o644;

/** Key → bytes: ConfigMap data (UTF-8) and binaryData (base64). */
export function configMapBytes(cm: ConfigMap): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) out.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) out.set(k, Buffer.from(v, 'base64'));
  return out;
}

/** Key → bytes: Secret data is base64 on the wire. */
export function secretBytes(secret: Secret): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(secret.data ?? {})) out.set(k, Buffer.from(v, 'base64'));
  return out;
}

export interface KeyedSource {
  /** The object's keys, or undefined when the object does not exist. */
  data: Map<string, Buffer> | undefined;
  items?: KeyToPath[];
  defaultMode: number;
  optional: boolean;
  /** Upstream's text for an item naming a key the object lacks. */
  missingKey: (key: string) => string;
}

/** Items map chosen keys to paths (and modes); without items every key becomes a file. */
export function keyedPayload(src: KeyedSource, into: Payload = new Map()): Payload {
  if (!src.data) return into;
  if (!src.items?.length) {
    for (const [k, data] of src.data) into.set(k, { data, mode: src.defaultMode });
    return into;
  }
  for (const item of src.items) {
    const data = src.data.get(item.key);
    if (!data) {
      if (src.optional) continue;
      throw new Error(src.missingKey(item.key));
    }
    into.set(item.path, { data, mode: item.mode ?? src.defaultMode });
  }
  return into;
}

export const configMapMissingKey = (key: string): string => `configmap references non-existent config key: ${key}`;
export const secretMissingKey = (key: string): string => `references non-existent secret key: ${key}`;

/** Files of a downwardAPI volume (or projection); every failing item is reported. */
export function downwardPayload(pod: Pod, items: DownwardAPIVolumeFile[], defaultMode: number, info: RuntimeInfo, into: Payload = new Map()): Payload {
  const errors: string[] = [];
  for (const item of items) {
    let value = '';
    try {
      if (item.fieldRef) value = fieldRefValue(pod, item.fieldRef.fieldPath, info);
      else if (item.resourceFieldRef) value = resourceFieldValue(pod, item.resourceFieldRef, undefined, info);
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err));
    }
    into.set(item.path, { data: Buffer.from(value, 'utf8'), mode: item.mode ?? defaultMode });
  }
  if (errors.length) throw new Error(aggregate(errors));
  return into;
}

/** Upstream's utilerrors aggregate text: one message alone, several in brackets. */
export function aggregate(messages: string[]): string {
  return messages.length === 1 ? messages[0]! : `[${messages.join(', ')}]`;
}
