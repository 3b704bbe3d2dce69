// Recording core/v1 Events about objects, as client-go's recorder does: an identical event
// (same object, type, reason, message, source) within the aggregation window bumps the count
// and lastTimestamp of the existing Event instead of creating another.
import type { KubeObject } from '../api/meta/types.js';
import { resourcePath, R } from './resources.js';
import { isNotFound } from './errors.js';
import type { ApiClient } from './rest.js';
import { rfc3339 } from '../util/time.js';

const AGGREGATION_WINDOW_MS = 10 * 60 * 1000;
const MAX_REMEMBERED = 4096;
/** client-go's broadcaster queue: past this many unwritten events, new ones are dropped. */
export const MAX_QUEUED_EVENTS = 1000;

export type EventType = 'Normal' | 'Warning';

interface Remembered {
  namespace: string;
  name: string;
  count: number;
  firstTimestamp: string;
  at: number;
}

export class EventRecorder {
  private readonly seen = new Map<string, Remembered>();
  private pending: Promise<unknown> = Promise.resolve();
  private queued = 0;
  /** Events dropped because the queue was full. */
  dropped = 0;

  constructor(
    private readonly client: ApiClient,
    private readonly component: string,
    private readonly host?: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Record an event; never throws (events are best effort), writes are serialized. */
  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    // A slow or unreachable API server must not make the backlog (and memory) grow without bound.
    if (this.queued >= MAX_QUEUED_EVENTS) {
      this.dropped++;
      return;
    }
    this.queued++;
    this.pending = this.pending
      .then(() => this.write(obj, type, reason, message))
      .catch(() => undefined)
      .finally(() => this.queued--);
  }

  /** Events recorded but not yet written. */
  get backlog(): number {
    return this.queued;
  }

  /** Resolves once every event recorded so far has been written (for tests and shutdown). */
  flush(): Promise<unknown> {
    return this.pending;
  }

  private async write(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const now = this.clock();
    const namespace = obj.metadata.namespace || 'default';
    const involved = {
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      uid: obj.metadata.uid,
      apiVersion: obj.apiVersion,
      resourceVersion: obj.metadata.resourceVersion,
    };
    const key = JSON.stringify([involved.kind, involved.namespace, involved.name, involved.uid, type, reason, message, this.component, this.host]);
    const prior = this.seen.get(key);
    if (prior && now - prior.at < AGGREGATION_WINDOW_MS) {
      prior.count++;
      prior.at = now;
      try {
        await this.client.patch(resourcePath(R.events, prior.namespace, prior.name), { count: prior.count, lastTimestamp: rfc3339(now) });
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    const name = `${obj.metadata.name}.${(BigInt(now) * 1_000_000n).toString(16)}`;
    const ts = rfc3339(now);
    await this.client.create(resourcePath(R.events, namespace), {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: involved,
      reason,
      message,
      type,
      source: this.host ? { component: this.component, host: this.host } : { component: this.component },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      reportingComponent: this.component,
      reportingInstance: this.host ?? '',
    });
    if (this.seen.size >= MAX_REMEMBERED) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(key, { namespace, name, count: 1, firstTimestamp: ts, at: now });
  }
}
