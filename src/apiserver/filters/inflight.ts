// kube-apiserver's max-in-flight filter (the one used without API Priority and Fairness): two
// pools, mutating and read-only requests; a request that finds its pool full is refused at once
// with 429 and Retry-After, so a flood sheds load instead of queueing. system:masters is exempt,
// as upstream's exempt priority level is, so the admin can still act on an overloaded server.
import type { UserInfo } from '../auth/token.js';
import { errors } from '../errors.js';

export const SYSTEM_MASTERS = 'system:masters';
const READ_ONLY_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface InFlightLimits {
  /** kube-apiserver's --max-requests-inflight (400); 0 means no limit. */
  readOnly: number;
  /** kube-apiserver's --max-mutating-requests-inflight (200); 0 means no limit. */
  mutating: number;
}

export const DEFAULT_INFLIGHT_LIMITS: InFlightLimits = { readOnly: 400, mutating: 200 };

class Pool {
  inUse = 0;
  constructor(readonly limit: number) {}
}

export class MaxInFlight {
  private readonly readOnly: Pool;
  private readonly mutating: Pool;

  constructor(limits: InFlightLimits = DEFAULT_INFLIGHT_LIMITS) {
    this.readOnly = new Pool(limits.readOnly);
    this.mutating = new Pool(limits.mutating);
  }

  /**
   * Takes a slot for the request, or throws upstream's 429. The caller releases the slot when the
   * request is done; long-running requests must not come here.
   */
  acquire(user: UserInfo | undefined, method: string): () => void {
    if (user?.groups.includes(SYSTEM_MASTERS)) return noop;
    const pool = READ_ONLY_METHODS.has(method) ? this.readOnly : this.mutating;
    if (pool.limit <= 0) return noop;
    if (pool.inUse >= pool.limit) throw tooManyRequests();
    pool.inUse++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      pool.inUse--;
    };
  }

  /** Slots in use (read-only, mutating), for tests and metrics. */
  inUse(): { readOnly: number; mutating: number } {
    return { readOnly: this.readOnly.inUse, mutating: this.mutating.inUse };
  }
}

function noop(): void {}

/** The seconds a refused client is told to wait, upstream's fixed "1". */
export const RETRY_AFTER_SECONDS = 1;

function tooManyRequests() {
  return errors.tooManyRequests('Too many requests, please try again later.', RETRY_AFTER_SECONDS);
}
