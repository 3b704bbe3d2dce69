// Events, from both core/v1 and events.k8s.io/v1 (the same objects under different field names).
import type { KubeObject } from '../../api/meta/types.js';
import { column, NAME_DESCRIPTION, nameOf, wide, type TablePrinter } from './columns.js';
import { timestampSince } from './duration.js';

interface EventView {
  involvedObject?: { kind?: string; name?: string; fieldPath?: string };
  type?: string;
  reason?: string;
  message?: string;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  count?: number;
  series?: { count?: number; lastObservedTime?: string };
  source?: { component?: string; host?: string };
  reportingController?: string;
  reportingInstance?: string;
}

/** events.k8s.io/v1 field names mapped onto the core/v1 ones the printer reads. */
function eventsV1View(o: Record<string, unknown>): EventView {
  return {
    involvedObject: o['regarding'] as EventView['involvedObject'],
    type: o['type'] as string | undefined,
    reason: o['reason'] as string | undefined,
    message: o['note'] as string | undefined,
    firstTimestamp: o['deprecatedFirstTimestamp'] as string | undefined,
    lastTimestamp: o['deprecatedLastTimestamp'] as string | undefined,
    eventTime: o['eventTime'] as string | undefined,
    count: o['deprecatedCount'] as number | undefined,
    series: o['series'] as EventView['series'],
    source: o['deprecatedSource'] as EventView['source'],
    reportingController: o['reportingController'] as string | undefined,
    reportingInstance: o['reportingInstance'] as string | undefined,
  };
}

/** "component, host", falling back to the reporting controller/instance of the newer API. */
function eventSource(e: EventView): string {
  const component = e.source?.component || e.reportingController || '';
  const instance = e.source?.host || e.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

function eventCells(obj: KubeObject, e: EventView, now: number): unknown[] {
  const first = e.firstTimestamp ? timestampSince(e.firstTimestamp, now) : timestampSince(e.eventTime, now);
  let last = e.lastTimestamp ? timestampSince(e.lastTimestamp, now) : first;
  let count = e.count ?? 0;
  if (e.series) {
    last = timestampSince(e.series.lastObservedTime, now);
    count = e.series.count ?? 0;
  } else if (count === 0) {
    count = 1; // events of the newer API that happened once carry no count
  }
  const kind = (e.involvedObject?.kind ?? '').toLowerCase();
  const target = e.involvedObject?.name ? `${kind}/${e.involvedObject.name}` : kind;
  return [
    last, e.type ?? '', e.reason ?? '', target, e.involvedObject?.fieldPath ?? '', eventSource(e),
    (e.message ?? '').trim(), first, count, nameOf(obj),
  ];
}

// Upstream leads with Last Seen, not Name: `kubectl get events` reads as a timeline.
const eventColumns = Object.freeze([
  column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
  column('Type', 'string', 'Type of this event (Normal, Warning).'),
  column('Reason', 'string', 'A short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
  column('Object', 'string', 'The object that this event is about.'),
  wide('Subobject', 'string', 'The part of the object the event is about, such as a container of a pod.'),
  wide('Source', 'string', 'The component reporting this event.'),
  column('Message', 'string', 'A human-readable description of the status of this operation.'),
  wide('First Seen', 'string', 'The time at which the event was first recorded.'),
  wide('Count', 'string', 'The number of times this event has occurred.'),
  column('Name', 'string', NAME_DESCRIPTION, { priority: 1, format: 'name' }),
]);

export const coreEventPrinter: TablePrinter = {
  columns: eventColumns,
  cells: (obj, now) => eventCells(obj, obj as EventView, now),
};

export const eventsV1EventPrinter: TablePrinter = {
  columns: eventColumns,
  cells: (obj, now) => {
    // A core/v1 shaped object can reach this printer through the shared storage; read it as such.
    const isCore = obj.apiVersion === 'v1' || 'involvedObject' in obj;
    return eventCells(obj, isCore ? (obj as EventView) : eventsV1View(obj), now);
  },
};
