// Schema of Endpoints (core/v1). Subsets are replaced whole by patches, as upstream.
import { arr, define, enumOf, int32, obj, ref, str } from '../../schema/dsl.js';
import { apiVersionField, kindField, objectMeta } from '../../schema/meta.js';

const V1 = 'io.k8s.api.core.v1';

define(
  `${V1}.EndpointAddress`,
  obj(
    {
      hostname: str('Hostname of this endpoint, used for per-pod DNS records of headless services.'),
      ip: str('IP of this endpoint.'),
      nodeName: str('Node hosting this endpoint, used to find endpoints local to a node.'),
      targetRef: ref(`${V1}.ObjectReference`, 'The object (usually a pod) providing this endpoint.'),
    },
    { required: ['ip'], mapType: 'atomic', description: 'EndpointAddress is one IP that backs a service.' },
  ),
);

define(
  `${V1}.EndpointPort`,
  obj(
    {
      appProtocol: str('The application protocol spoken on this port.'),
      name: str('Name of the port, matching the service port name; optional when there is only one.'),
      port: int32('Port number of the endpoint.'),
      protocol: enumOf(['SCTP', 'TCP', 'UDP'], 'IP protocol of the port: TCP (default), UDP or SCTP.'),
    },
    { required: ['port'], mapType: 'atomic', description: 'EndpointPort is one port the endpoints of a subset listen on.' },
  ),
);

define(
  `${V1}.EndpointSubset`,
  obj(
    {
      addresses: arr(ref(`${V1}.EndpointAddress`), { listType: 'atomic', description: 'Addresses that are ready to receive traffic.' }),
      notReadyAddresses: arr(ref(`${V1}.EndpointAddress`), { listType: 'atomic', description: 'Addresses that are not ready yet or no longer ready.' }),
      ports: arr(ref(`${V1}.EndpointPort`), { listType: 'atomic', description: 'Ports available on every address of the subset.' }),
    },
    { description: 'EndpointSubset is a group of addresses that share one set of ports.' },
  ),
);

define(
  `${V1}.Endpoints`,
  obj(
    {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta(),
      subsets: arr(ref(`${V1}.EndpointSubset`), { listType: 'atomic', description: 'Addresses and ports that back the service of the same name.' }),
    },
    { description: 'Endpoints lists the addresses and ports that implement a service.' },
  ),
);
