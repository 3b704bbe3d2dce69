// Schema of Event (core/v1), the legacy event shape that events.k8s.io/v1 shares storage with.
import { define, int32, obj, ref, str } from '../../schema/dsl.js';
import { apiVersionField, kindField, objectMeta } from '../../schema/meta.js';

const V1 = 'io.k8s.api.core.v1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

define(
  `${V1}.EventSource`,
  obj(
    {
      component: str('Component that generated the event.'),
      host: str('Node name on which the event was generated.'),
    },
    { description: 'EventSource names the reporter of an event.' },
  ),
);

define(
  `${V1}.EventSeries`,
  obj(
    {
      count: int32('Number of occurrences in this series so far.'),
      lastObservedTime: ref(`${META}.MicroTime`, 'Time of the last occurrence.'),
    },
    { description: 'EventSeries summarizes an event that keeps happening.' },
  ),
);

define(
  `${V1}.Event`,
  obj(
    {
      action: str('What was done, or failed, with the regarding object.'),
      apiVersion: apiVersionField(),
      count: int32('Number of times this event has occurred.'),
      eventTime: ref(`${META}.MicroTime`, 'Time the event was first observed, with microsecond precision.'),
      firstTimestamp: ref(`${META}.Time`, 'Time the event was first recorded.'),
      involvedObject: ref(`${V1}.ObjectReference`, 'The object this event is about.'),
      kind: kindField(),
      lastTimestamp: ref(`${META}.Time`, 'Time of the most recent occurrence.'),
      message: str('Human-readable description of the event.'),
      metadata: objectMeta(),
      reason: str('Short CamelCase reason for the transition the event reports.'),
      related: ref(`${V1}.ObjectReference`, 'A second object involved in the event, if any.'),
      reportingComponent: str('Controller that emitted the event, e.g. kubernetes.io/kubelet.'),
      reportingInstance: str('Instance of the controller that emitted the event, e.g. kubelet-node1.'),
      series: ref(`${V1}.EventSeries`, 'Data about the series this event belongs to, if it is one.'),
      source: ref(`${V1}.EventSource`, 'Component reporting the event.'),
      type: str('Type of the event: Normal or Warning.'),
    },
    { required: ['metadata', 'involvedObject'], description: 'Event is a report of something that happened in the cluster.' },
  ),
);
