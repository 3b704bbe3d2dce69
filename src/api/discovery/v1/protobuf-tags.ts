// Protocol-buffer field numbers of the discovery/v1 messages, from upstream's
// k8s.io/api/discovery/v1/generated.proto (checked against the descriptors compiled into kubectl 1.32).
// Only request decoding uses them: see src/api/schema/protobuf-tags.ts for what each table means.
import { defineProtoTags } from '../../schema/protobuf-tags.js';

const P = 'io.k8s.api.discovery.v1';

defineProtoTags(`${P}.EndpointConditions`, { ready: 1, serving: 2, terminating: 3 });
defineProtoTags(`${P}.ForZone`, { name: 1 });
defineProtoTags(`${P}.EndpointHints`, { forZones: 1 });
defineProtoTags(`${P}.Endpoint`, { addresses: 1, conditions: 2, hostname: 3, targetRef: 4, deprecatedTopology: 5, nodeName: 6, zone: 7, hints: 8 });
defineProtoTags(`${P}.EndpointPort`, { name: 1, protocol: 2, port: 3, appProtocol: 4 });
defineProtoTags(`${P}.EndpointSlice`, { metadata: 1, endpoints: 2, ports: 3, addressType: 4 });
defineProtoTags(`${P}.EndpointSliceList`, { metadata: 1, items: 2 });
