// Upstream caps an Endpoints object at 1000 addresses (EndpointSlices carry the rest): ready
// addresses are kept before not-ready ones, each subset keeping its proportional share.
import type { EndpointSubset } from '../../api/core/v1/types.js';

export const MAX_ENDPOINTS_CAPACITY = 1000;
export const OVER_CAPACITY_ANNOTATION = 'endpoints.kubernetes.io/over-capacity';

/** Truncates in place; true when anything was dropped. */
export function truncateSubsets(subsets: EndpointSubset[], capacity = MAX_ENDPOINTS_CAPACITY): boolean {
  let ready = 0;
  let notReady = 0;
  for (const s of subsets) {
    ready += s.addresses?.length ?? 0;
    notReady += s.notReadyAddresses?.length ?? 0;
  }
  if (ready + notReady <= capacity) return false;
  const truncateReady = ready > capacity;
  const max = truncateReady ? capacity : capacity - ready;
  const total = truncateReady ? ready : notReady;
  let room = max;
  for (const s of subsets) {
    const inSubset = (truncateReady ? s.addresses?.length : s.notReadyAddresses?.length) ?? 0;
    // Shares round up, so the last subsets may get less than theirs.
    const share = Math.min(Math.ceil((inSubset / total) * max), room);
    if (truncateReady) {
      if (s.addresses) s.addresses = s.addresses.slice(0, share);
      delete s.notReadyAddresses;
      room -= s.addresses?.length ?? 0;
    } else {
      if (s.notReadyAddresses) s.notReadyAddresses = s.notReadyAddresses.slice(0, share);
      room -= s.notReadyAddresses?.length ?? 0;
    }
  }
  return true;
}
