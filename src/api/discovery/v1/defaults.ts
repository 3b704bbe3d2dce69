// Defaulting for discovery.k8s.io/v1, as upstream's SetDefaults_EndpointPort.
import type { EndpointSlice } from './types.js';

export function defaultEndpointSlice(slice: EndpointSlice): void {
  for (const port of slice.ports ?? []) {
    // The unnamed port is a real name ("") so that names stay unique keys.
    port.name ??= '';
    port.protocol ??= 'TCP';
  }
}
