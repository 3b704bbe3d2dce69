// metrics.k8s.io/v1beta1, the resource metrics API (k8s.io/metrics/pkg/apis/metrics/v1beta1):
// served by a metrics server through the aggregation layer, read by `kubectl top` and the HPA.
import type { KubeObject } from '../../meta/types.js';
import { Quantity } from '../../quantity/index.js';

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';
export const METRICS_API_VERSION = `${METRICS_GROUP}/${METRICS_VERSION}`;

/** cpu and memory, as quantities. */
export type ResourceUsage = Record<string, string>;

export interface NodeMetrics extends KubeObject {
  /** When the usage was measured (the later of the two samples). */
  timestamp: string;
  /** The interval the CPU rate was computed over, a Go duration ("15.021s"). */
  window: string;
  usage: ResourceUsage;
}

export interface ContainerMetrics {
  name: string;
  usage: ResourceUsage;
}

export interface PodMetrics extends KubeObject {
  timestamp: string;
  window: string;
  containers: ContainerMetrics[];
}

/** CPU in cores as upstream writes it: a nano-scaled quantity ("250000000n" canonicalizes to "250m"). */
export function cpuQuantity(nanoCores: number): string {
  return Quantity.fromScaled(BigInt(Math.max(0, Math.round(nanoCores))), -9).toString();
}

/** Memory in bytes as a binary-SI quantity ("64Mi", or plain bytes). */
export function memoryQuantity(bytes: number): string {
  return Quantity.fromInt(BigInt(Math.max(0, Math.round(bytes))), 'BinarySI').toString();
}
