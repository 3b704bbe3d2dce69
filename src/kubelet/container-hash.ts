// The hash the kubelet records on each container it creates (upstream's HashContainer and the
// io.kubernetes.container.hash annotation): over the container fields a pod update may change,
// which are the name and the image. A running container whose recorded hash is not the current
// spec's was made from an older definition and is replaced (computePodActions' containerChanged).
import type { Container } from '../api/core/v1/pod/types.js';
import type { Container as CriContainer } from './runtime.js';

export const CONTAINER_HASH_ANNOTATION = 'io.kubernetes.container.hash';

/** FNV-1a, 32 bits, as Go's hash/fnv New32a. */
function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Upstream's value, to the bit: the FNV-1a of hashutil.DeepHashObject's rendering of the JSON of
 * {image, name} (Go sorts map keys), which spew prints as `([]uint8)[123 34 …]`. Rendered in hex,
 * as the annotation holds it.
 */
export function containerHash(c: Container): string {
  const json = Buffer.from(JSON.stringify({ image: c.image ?? '', name: c.name }), 'utf8');
  return fnv32a(`([]uint8)[${[...json].join(' ')}]`).toString(16);
}

/**
 * Whether the runtime's container was made from another definition than `c`. A container with no
 * recorded hash (made before k8ts recorded one) is taken as current, so an agent upgrade does not
 * restart what it adopts.
 */
export function definitionChanged(c: Container, running: Pick<CriContainer, 'annotations'>): boolean {
  const recorded = running.annotations?.[CONTAINER_HASH_ANNOTATION];
  return recorded !== undefined && recorded !== containerHash(c);
}
