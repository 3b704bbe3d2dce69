// events.k8s.io/v1 Event <-> core/v1 Event. Both versions serve the same stored objects; the
// field renames are upstream's (note/message, regarding/involvedObject, the deprecated* fields).
import type { CoreEvent, EventsEvent } from './types.js';

/** Copies `from[src]` to `to[dst]` when present, so absent fields stay absent. */
function carry(to: Record<string, unknown>, dst: string, from: Record<string, unknown>, src: string): void {
  const v = from[src];
  if (v !== undefined) to[dst] = v;
}

// [events.k8s.io name, core/v1 name]
const renames: readonly [string, string][] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
  ['reportingController', 'reportingComponent'],
];

const shared = ['eventTime', 'series', 'action', 'reason', 'related', 'reportingInstance', 'type'] as const;

export function eventToCore(ev: EventsEvent): CoreEvent {
  const out: CoreEvent = { apiVersion: 'v1', kind: 'Event', metadata: ev.metadata };
  const src = ev as Record<string, unknown>;
  const dst = out as Record<string, unknown>;
  for (const [mine, theirs] of renames) carry(dst, theirs, src, mine);
  for (const f of shared) carry(dst, f, src, f);
  // involvedObject is a required struct in core/v1.
  out.involvedObject ??= {};
  return out;
}

export function eventFromCore(core: CoreEvent): EventsEvent {
  const out: EventsEvent = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: core.metadata };
  const src = core as Record<string, unknown>;
  const dst = out as Record<string, unknown>;
  for (const [mine, theirs] of renames) carry(dst, mine, src, theirs);
  for (const f of shared) carry(dst, f, src, f);
  return out;
}
