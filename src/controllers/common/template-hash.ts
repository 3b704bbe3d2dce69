// The pod-template-hash (upstream's controller.ComputeHash): FNV-1a 32 of the pod template,
// then the collision count as 8 little-endian bytes when there is one, the decimal of the sum
// rendered with rand.SafeEncodeString's alphabet. Upstream feeds FNV the go-spew dump of the Go
// struct; here the template is fed as canonical JSON (sorted keys), so hashes are stable and
// well spread but not byte-identical to upstream's.
import type { PodTemplateSpec } from '../../api/core/v1/pod/types.js';
import { canonicalJson } from './canonical-json.js';

/** rand.SafeEncodeString's alphabet: no vowels, no look-alikes (0/o, 1/l, 3/e…). */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

export function computeHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  const data = new TextEncoder().encode(canonicalJson(template ?? {}));
  let h = fnv32a(data);
  if (collisionCount !== undefined && collisionCount !== null) {
    const extra = new Uint8Array(8);
    new DataView(extra.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(extra, h);
  }
  return safeEncodeString(String(h));
}
