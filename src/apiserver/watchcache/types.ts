import type { KubeObject } from '../../api/meta/types.js';

/** One object at one revision, shared by every reader; never mutated after it enters the cache. */
export class CachedObject {
  private encoded?: string;
  constructor(
    readonly key: string,
    readonly obj: KubeObject,
    readonly rev: number,
  ) {}
  /** The JSON text, produced once per revision and reused by every list and watch. */
  get json(): string {
    return (this.encoded ??= JSON.stringify(this.obj));
  }
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CacheEvent {
  type: EventType;
  rev: number;
  key: string;
  /** The object after the event; for DELETED, the last state stamped with the deleting revision. */
  object: CachedObject;
  prev?: CachedObject;
}

/** What a watcher wants: a key prefix (resource or namespace) and a predicate over objects. */
export interface WatchFilter {
  prefix: string;
  matches(obj: KubeObject): boolean;
}
