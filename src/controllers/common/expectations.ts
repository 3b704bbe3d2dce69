// Expectations (upstream's UIDTrackingControllerExpectations): after a sync creates or deletes
// pods, the next sync must not act again until the informer has seen those writes, or it would
// count from a stale cache and create (or delete) twice. Creations are counted; deletions are
// tracked by pod key so a pod observed twice (terminating, then gone) counts once. A record older
// than the TTL is treated as satisfied, so a lost watch event can't wedge a controller.
export const EXPECTATIONS_TTL_MS = 5 * 60 * 1000;

interface Record_ {
  adds: number;
  deletes: Set<string>;
  at: number;
}

export class Expectations {
  private readonly records = new Map<string, Record_>();

  constructor(
    private readonly ttlMs = EXPECTATIONS_TTL_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** True when the controller may act on its cache for this key. */
  satisfied(key: string): boolean {
    const r = this.records.get(key);
    if (!r) return true;
    if (r.adds <= 0 && r.deletes.size === 0) return true;
    return this.clock() - r.at > this.ttlMs;
  }

  expectCreations(key: string, n: number): void {
    this.records.set(key, { adds: n, deletes: new Set(), at: this.clock() });
  }

  expectDeletions(key: string, podKeys: string[]): void {
    this.records.set(key, { adds: 0, deletes: new Set(podKeys), at: this.clock() });
  }

  creationObserved(key: string): void {
    const r = this.records.get(key);
    if (r && r.adds > 0) r.adds--;
  }

  /** A create that was never issued (or failed) will never be observed: stop waiting for it. */
  lowerCreations(key: string, n: number): void {
    const r = this.records.get(key);
    if (r) r.adds = Math.max(0, r.adds - n);
  }

  deletionObserved(key: string, podKey: string): void {
    this.records.get(key)?.deletes.delete(podKey);
  }

  forget(key: string): void {
    this.records.delete(key);
  }
}
