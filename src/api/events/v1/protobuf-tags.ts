// Protocol-buffer field numbers of the events/v1 messages, from upstream's
// k8s.io/api/events/v1/generated.proto (checked against the descriptors compiled into kubectl 1.32).
// Only request decoding uses them: see src/api/schema/protobuf-tags.ts for what each table means.
import { defineProtoTags } from '../../schema/protobuf-tags.js';

const P = 'io.k8s.api.events.v1';

defineProtoTags(`${P}.EventSeries`, { count: 1, lastObservedTime: 2 });
defineProtoTags(`${P}.Event`, {
  metadata: 1, eventTime: 2, series: 3, reportingController: 4, reportingInstance: 5, action: 6, reason: 7, regarding: 8, related: 9, note: 10,
  type: 11, deprecatedSource: 12, deprecatedFirstTimestamp: 13, deprecatedLastTimestamp: 14, deprecatedCount: 15,
}, {
  omitEmpty: ['reportingController', 'reportingInstance', 'action', 'reason', 'note', 'type', 'deprecatedCount'],
});
defineProtoTags(`${P}.EventList`, { metadata: 1, items: 2 });
