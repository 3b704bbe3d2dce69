// CPU and memory of a container as the CRI's LinuxContainerResources, with upstream's
// arithmetic (cm.MilliCPUToShares, milliCPUToQuota, calculateLinuxResources).
import type { Container, Pod } from '../../api/core/v1/pod/types.js';
import type { LinuxContainerResources } from '../runtime.js';
import { oomScoreAdj, quantityValue } from './qos.js';

const MIN_SHARES = 2;
const MAX_SHARES = 262144;
const SHARES_PER_CPU = 1024;
const MILLI_CPU_TO_CPU = 1000;
/** The CFS period the kubelet uses by default, in microseconds. */
export const QUOTA_PERIOD = 100_000;
/** The kernel refuses quotas below 1 ms. */
const MIN_QUOTA_PERIOD = 1000;

export function milliCPUToShares(milliCPU: number): number {
  if (milliCPU === 0) return MIN_SHARES; // the kernel's own default for "unset" would be 1024
  const shares = Math.trunc((milliCPU * SHARES_PER_CPU) / MILLI_CPU_TO_CPU);
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares));
}

export function milliCPUToQuota(milliCPU: number, period = QUOTA_PERIOD): number {
  if (milliCPU === 0) return 0;
  return Math.max(MIN_QUOTA_PERIOD, Math.trunc((milliCPU * period) / MILLI_CPU_TO_CPU));
}

/**
 * cpuShares from the cpu request (from the limit when no request is given, as the API server
 * would default it), cpuQuota from the cpu limit over a 100 ms period (0: unlimited),
 * memoryLimitInBytes from the memory limit, and the QoS-derived OOM score adjustment.
 */
export function linuxResources(pod: Pod, container: Container, memoryCapacity: number): LinuxContainerResources {
  const requests = container.resources?.requests ?? {};
  const limits = container.resources?.limits ?? {};
  const cpuLimit = quantityValue(limits.cpu, true);
  const cpuShares = requests.cpu === undefined ? milliCPUToShares(cpuLimit) : milliCPUToShares(quantityValue(requests.cpu, true));
  const out: LinuxContainerResources = {
    cpuShares,
    cpuPeriod: QUOTA_PERIOD,
    cpuQuota: milliCPUToQuota(cpuLimit),
    oomScoreAdj: oomScoreAdj(pod, container, memoryCapacity),
  };
  const memLimit = quantityValue(limits.memory);
  if (memLimit !== 0) out.memoryLimitInBytes = memLimit;
  return out;
}
