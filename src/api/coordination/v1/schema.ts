// Schema of coordination.k8s.io/v1 Lease and LeaseList.
import { arr, define, int32, obj, ref, str } from '../../schema/dsl.js';
import { apiVersionField, kindField, listMeta, objectMeta } from '../../schema/meta.js';

const CO = 'io.k8s.api.coordination.v1';
const microTime = (description: string) => ref('io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime', description);

define(
  `${CO}.LeaseSpec`,
  obj(
    {
      acquireTime: microTime('When the current holder acquired the lease.'),
      holderIdentity: str('Identity of the current holder of the lease.'),
      leaseDurationSeconds: int32('How long candidates wait after the last renewal before they may take the lease over.'),
      leaseTransitions: int32('How many times the lease has changed holders.'),
      preferredHolder: str('Holder the coordinating strategy wants the lease handed to; needs strategy.'),
      renewTime: microTime('When the current holder last renewed the lease.'),
      strategy: str('Coordinated leader election strategy used to pick the holder, e.g. OldestEmulationVersion.'),
    },
    { description: 'LeaseSpec is the state of a Lease.' },
  ),
);

define(
  `${CO}.Lease`,
  obj(
    {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta(),
      spec: ref(`${CO}.LeaseSpec`, 'State of the lease.'),
    },
    { description: 'Lease is a lightweight lock used for leader election and node heartbeats.' },
  ),
);

define(
  `${CO}.LeaseList`,
  obj(
    {
      apiVersion: apiVersionField(),
      items: arr(ref(`${CO}.Lease`), { description: 'Items is the list of Lease objects.' }),
      kind: kindField(),
      metadata: listMeta(),
    },
    { required: ['items'], description: 'LeaseList is a list of Leases.' },
  ),
);
