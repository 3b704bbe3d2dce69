// Schema of discovery.k8s.io/v1 EndpointSlice and EndpointSliceList.
import { arr, bool, define, enumOf, int32, obj, ref, str, strMap } from '../../schema/dsl.js';
import { apiVersionField, kindField, listMeta, objectMeta } from '../../schema/meta.js';

const DISC = 'io.k8s.api.discovery.v1';
const atomic = { listType: 'atomic' } as const;

define(
  `${DISC}.EndpointConditions`,
  obj(
    {
      ready: bool('Whether the endpoint can take new traffic; false while it is terminating.'),
      serving: bool('Whether the endpoint is answering, whether or not it is terminating.'),
      terminating: bool('Whether the endpoint is shutting down.'),
    },
    { description: 'EndpointConditions is the current state of an endpoint.' },
  ),
);

define(
  `${DISC}.ForZone`,
  obj({ name: str('Name of the zone.') }, { required: ['name'], description: 'ForZone names a zone that should consume an endpoint.' }),
);

define(
  `${DISC}.EndpointHints`,
  obj(
    { forZones: arr(ref(`${DISC}.ForZone`), { ...atomic, description: 'Zones that should consume this endpoint, for topology-aware routing.' }) },
    { description: 'EndpointHints tell consumers how an endpoint should be used.' },
  ),
);

define(
  `${DISC}.Endpoint`,
  obj(
    {
      addresses: arr(str(), { listType: 'set', description: 'Addresses of the endpoint, in the slice addressType; consumers usually use the first.' }),
      conditions: ref(`${DISC}.EndpointConditions`, 'Current state of the endpoint.'),
      deprecatedTopology: strMap('Deprecated topology labels of the endpoint; use nodeName and zone.'),
      hints: ref(`${DISC}.EndpointHints`, 'Hints for consumers of the endpoint.'),
      hostname: str('Host name of the endpoint, a DNS label, used by DNS for headless services.'),
      nodeName: str('Node hosting the endpoint.'),
      targetRef: ref('io.k8s.api.core.v1.ObjectReference', 'Object (usually a Pod) behind the endpoint.'),
      zone: str('Zone the endpoint is in.'),
    },
    { required: ['addresses'], description: 'Endpoint is one backend of a service.' },
  ),
);

define(
  `${DISC}.EndpointPort`,
  obj(
    {
      appProtocol: str('Application protocol of the port, an IANA name or a domain-prefixed name.'),
      name: str('Name of the port, matching the service port name; may be empty.'),
      port: int32('Port number; all ports when absent.'),
      protocol: enumOf(['SCTP', 'TCP', 'UDP'], 'IP protocol of the port: TCP (default), UDP or SCTP.'),
    },
    { mapType: 'atomic', description: 'EndpointPort is a port the endpoints of a slice listen on.' },
  ),
);

define(
  `${DISC}.EndpointSlice`,
  obj(
    {
      addressType: enumOf(['FQDN', 'IPv4', 'IPv6'], 'Kind of address the slice holds: IPv4, IPv6 or FQDN; it cannot change.'),
      apiVersion: apiVersionField(),
      endpoints: arr(ref(`${DISC}.Endpoint`), { ...atomic, description: 'Endpoints in the slice, at most 1000.' }),
      kind: kindField(),
      metadata: objectMeta(),
      ports: arr(ref(`${DISC}.EndpointPort`), { ...atomic, description: 'Ports every endpoint of the slice exposes.' }),
    },
    { required: ['addressType', 'endpoints'], description: 'EndpointSlice is a subset of the endpoints of a service.' },
  ),
);

define(
  `${DISC}.EndpointSliceList`,
  obj(
    {
      apiVersion: apiVersionField(),
      items: arr(ref(`${DISC}.EndpointSlice`), { description: 'Items is the list of EndpointSlice objects.' }),
      kind: kindField(),
      metadata: listMeta(),
    },
    { required: ['items'], description: 'EndpointSliceList is a list of EndpointSlices.' },
  ),
);
