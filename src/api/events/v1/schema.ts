// Schema of events.k8s.io/v1 Event, EventSeries and EventList.
import { arr, define, int32, obj, ref, str, time } from '../../schema/dsl.js';
import { apiVersionField, kindField, listMeta, objectMeta } from '../../schema/meta.js';

const EV = 'io.k8s.api.events.v1';
const CORE = 'io.k8s.api.core.v1';
const microTime = (description: string) => ref('io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime', description);

define(
  `${EV}.EventSeries`,
  obj(
    {
      count: int32('How many times the event has happened so far in this series.'),
      lastObservedTime: microTime('When the last occurrence of the series was seen.'),
    },
    { required: ['count', 'lastObservedTime'], description: 'EventSeries summarizes an event that keeps happening.' },
  ),
);

define(
  `${EV}.Event`,
  obj(
    {
      action: str('What the reporting controller did, or failed to do, to the regarding object; at most 128 characters.'),
      apiVersion: apiVersionField(),
      deprecatedCount: int32('Occurrence count in the legacy core/v1 sense; kept for compatibility.'),
      deprecatedFirstTimestamp: time('First-seen time in the legacy core/v1 sense; kept for compatibility.'),
      deprecatedLastTimestamp: time('Last-seen time in the legacy core/v1 sense; kept for compatibility.'),
      deprecatedSource: ref(`${CORE}.EventSource`, 'Reporter in the legacy core/v1 sense; kept for compatibility.'),
      eventTime: microTime('When the event was first observed.'),
      kind: kindField(),
      metadata: objectMeta(),
      note: str('Human-readable description of what happened; at most 1 KiB.'),
      reason: str('Short CamelCase reason for the action taken; at most 128 characters.'),
      regarding: ref(`${CORE}.ObjectReference`, 'The object the event is about.'),
      related: ref(`${CORE}.ObjectReference`, 'A second object involved in the event, if any.'),
      reportingController: str('Controller that emitted the event, e.g. kubernetes.io/kubelet.'),
      reportingInstance: str('Instance of the controller that emitted the event, e.g. kubelet-node1; at most 128 characters.'),
      series: ref(`${EV}.EventSeries`, 'Data about the series this event belongs to, if it is one.'),
      type: str('Type of the event: Normal or Warning.'),
    },
    { required: ['eventTime'], description: 'Event reports something that happened to an object in the cluster.' },
  ),
);

define(
  `${EV}.EventList`,
  obj(
    {
      apiVersion: apiVersionField(),
      items: arr(ref(`${EV}.Event`), { description: 'Items is the list of Event objects.' }),
      kind: kindField(),
      metadata: listMeta(),
    },
    { required: ['items'], description: 'EventList is a list of Events.' },
  ),
);
