// Schema of storage.k8s.io/v1 StorageClass and StorageClassList.
import { arr, bool, define, enumOf, obj, ref, str, strMap } from '../../schema/dsl.js';
import { apiVersionField, kindField, listMeta, objectMeta } from '../../schema/meta.js';

const ST = 'io.k8s.api.storage.v1';
const atomic = { listType: 'atomic' } as const;

define(
  `${ST}.StorageClass`,
  obj(
    {
      allowVolumeExpansion: bool('Whether volumes of this class may be resized by editing their claims.'),
      allowedTopologies: arr(ref('io.k8s.api.core.v1.TopologySelectorTerm'), {
        ...atomic,
        description: 'Topologies where volumes of this class may be provisioned; anywhere when empty.',
      }),
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta(),
      mountOptions: arr(str(), { ...atomic, description: 'Mount options given to volumes provisioned for this class, e.g. ["ro", "soft"].' }),
      parameters: strMap('Provisioner-specific parameters for creating volumes of this class.'),
      provisioner: str('Name of the volume plugin or CSI driver that provisions volumes of this class.'),
      reclaimPolicy: enumOf(['Delete', 'Recycle', 'Retain'], 'What happens to provisioned volumes when released: Delete (default) or Retain.'),
      volumeBindingMode: enumOf(['Immediate', 'WaitForFirstConsumer'], 'When claims are provisioned and bound: Immediate (default) or WaitForFirstConsumer.'),
    },
    { required: ['provisioner'], description: 'StorageClass describes a class of dynamically provisioned storage.' },
  ),
);

define(
  `${ST}.StorageClassList`,
  obj(
    {
      apiVersion: apiVersionField(),
      items: arr(ref(`${ST}.StorageClass`), { description: 'Items is the list of StorageClass objects.' }),
      kind: kindField(),
      metadata: listMeta(),
    },
    { required: ['items'], description: 'StorageClassList is a list of StorageClasses.' },
  ),
);
