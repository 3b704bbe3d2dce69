// A container of a pod by name, wherever the spec declares it: containers, init containers
// (sidecars included) or ephemeral containers, as upstream's GetContainerSpec looks.
import type { Container, Pod } from './types.js';

export function findContainerSpec(pod: Pod, name: string | undefined): Container | undefined {
  const spec = pod.spec;
  return [...(spec?.containers ?? []), ...(spec?.initContainers ?? []), ...(spec?.ephemeralContainers ?? [])].find((c) => c.name === name);
}
