// Schemas of PersistentVolume and PersistentVolumeClaim (core/v1).
import './persistentvolume-sources-schema.js';
import { arr, define, enumOf, keyedList, mapOf, obj, quantity, ref, str, strMap, time } from '../../schema/dsl.js';
import { apiVersionField, kindField, labelSelector, objectMeta } from '../../schema/meta.js';

const V1 = 'io.k8s.api.core.v1';
const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'] as const;
const accessModes = (description: string) => arr(enumOf(ACCESS_MODES), { listType: 'atomic', description });
const volumeMode = () => enumOf(['Block', 'Filesystem'], 'Whether the volume is a raw block device (Block) or holds a filesystem (Filesystem, the default).');
const resources = (description: string) => mapOf(quantity(), description);

define(
  `${V1}.PersistentVolumeSpec`,
  obj(
    {
      accessModes: accessModes('Ways the volume can be mounted.'),
      awsElasticBlockStore: ref(`${V1}.AWSElasticBlockStoreVolumeSource`, 'An AWS EBS disk.'),
      azureDisk: ref(`${V1}.AzureDiskVolumeSource`, 'An Azure data disk.'),
      azureFile: ref(`${V1}.AzureFilePersistentVolumeSource`, 'An Azure File share.'),
      capacity: resources('Size of the volume, under the key storage.'),
      cephfs: ref(`${V1}.CephFSPersistentVolumeSource`, 'A Ceph filesystem.'),
      cinder: ref(`${V1}.CinderPersistentVolumeSource`, 'An OpenStack Cinder volume.'),
      claimRef: ref(`${V1}.ObjectReference`, 'The claim this volume is bound to, or reserved for.'),
      csi: ref(`${V1}.CSIPersistentVolumeSource`, 'Storage managed by an external CSI driver.'),
      fc: ref(`${V1}.FCVolumeSource`, 'A Fibre Channel disk.'),
      flexVolume: ref(`${V1}.FlexPersistentVolumeSource`, 'Storage provided by an exec-based plugin.'),
      flocker: ref(`${V1}.FlockerVolumeSource`, 'A Flocker dataset.'),
      gcePersistentDisk: ref(`${V1}.GCEPersistentDiskVolumeSource`, 'A GCE persistent disk.'),
      glusterfs: ref(`${V1}.GlusterfsPersistentVolumeSource`, 'A Glusterfs volume.'),
      hostPath: ref(`${V1}.HostPathVolumeSource`, 'A directory on the host; for single-node testing only.'),
      iscsi: ref(`${V1}.ISCSIPersistentVolumeSource`, 'An iSCSI disk.'),
      local: ref(`${V1}.LocalVolumeSource`, 'Storage attached directly to one node.'),
      mountOptions: arr(str(), { listType: 'atomic', description: 'Mount options used when mounting the volume; not validated.' }),
      nfs: ref(`${V1}.NFSVolumeSource`, 'An NFS export.'),
      nodeAffinity: ref(`${V1}.VolumeNodeAffinity`, 'Nodes the volume can be used from.'),
      persistentVolumeReclaimPolicy: enumOf(['Delete', 'Recycle', 'Retain'], 'What happens to the volume once its claim is released: Retain (default for manual volumes), Delete or Recycle.'),
      photonPersistentDisk: ref(`${V1}.PhotonPersistentDiskVolumeSource`, 'A Photon Controller persistent disk.'),
      portworxVolume: ref(`${V1}.PortworxVolumeSource`, 'A Portworx volume.'),
      quobyte: ref(`${V1}.QuobyteVolumeSource`, 'A Quobyte volume.'),
      rbd: ref(`${V1}.RBDPersistentVolumeSource`, 'A Rados block device.'),
      scaleIO: ref(`${V1}.ScaleIOPersistentVolumeSource`, 'A ScaleIO volume.'),
      storageClassName: str('Storage class the volume belongs to; empty means no class.'),
      storageos: ref(`${V1}.StorageOSPersistentVolumeSource`, 'A StorageOS volume.'),
      volumeAttributesClassName: str('Volume attributes class the volume belongs to.'),
      volumeMode: volumeMode(),
      vsphereVolume: ref(`${V1}.VsphereVirtualDiskVolumeSource`, 'A vSphere virtual disk.'),
    },
    { description: 'PersistentVolumeSpec is the description of a persistent volume.' },
  ),
);

define(
  `${V1}.PersistentVolumeStatus`,
  obj(
    {
      lastPhaseTransitionTime: time('Time the volume last moved to another phase.'),
      message: str('Human-readable explanation of the phase.'),
      phase: enumOf(['Available', 'Bound', 'Failed', 'Pending', 'Released'], 'Lifecycle phase of the volume.'),
      reason: str('Short CamelCase reason for a failure, for tools.'),
    },
    { description: 'PersistentVolumeStatus is the observed state of a persistent volume.' },
  ),
);

define(
  `${V1}.PersistentVolume`,
  obj(
    {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta(),
      spec: ref(`${V1}.PersistentVolumeSpec`, 'The volume, as provisioned by an administrator or a provisioner.'),
      status: ref(`${V1}.PersistentVolumeStatus`, 'Most recently observed state of the volume.'),
    },
    { description: 'PersistentVolume is a piece of storage in the cluster that claims can bind to.' },
  ),
);

define(
  `${V1}.TypedObjectReference`,
  obj(
    {
      apiGroup: str('API group of the referent; empty for the core group.'),
      kind: str('Kind of the referent.'),
      name: str('Name of the referent.'),
      namespace: str('Namespace of the referent, when it differs from the claim\'s.'),
    },
    { required: ['kind', 'name'], description: 'TypedObjectReference names an object by group, kind, name and namespace.' },
  ),
);

define(
  `${V1}.VolumeResourceRequirements`,
  obj(
    {
      limits: resources('Most resources the volume may use.'),
      requests: resources('Least resources the volume needs; storage is the requested size.'),
    },
    { description: 'VolumeResourceRequirements is what a claim asks of its volume.' },
  ),
);

define(
  `${V1}.PersistentVolumeClaimSpec`,
  obj(
    {
      accessModes: accessModes('Ways the volume must be mountable.'),
      dataSource: ref(`${V1}.TypedLocalObjectReference`, 'Existing snapshot or claim to populate the new volume from.'),
      dataSourceRef: ref(`${V1}.TypedObjectReference`, 'Any object, possibly in another namespace, to populate the new volume from.'),
      resources: ref(`${V1}.VolumeResourceRequirements`, 'Resources the volume must have.'),
      selector: labelSelector('Labels of the volumes the claim may bind to.'),
      storageClassName: str('Storage class the claim requires; empty string means no class.'),
      volumeAttributesClassName: str('Volume attributes class the claim asks for.'),
      volumeMode: volumeMode(),
      volumeName: str('Name of the volume the claim is bound to.'),
    },
    { description: 'PersistentVolumeClaimSpec is what a claim asks for.' },
  ),
);

define(
  `${V1}.PersistentVolumeClaimCondition`,
  obj(
    {
      lastProbeTime: time('Last time the condition was probed.'),
      lastTransitionTime: time('Last time the condition changed status.'),
      message: str('Human-readable details of the last transition.'),
      reason: str('Machine-readable reason for the last transition.'),
      status: str('Status of the condition: True, False or Unknown.'),
      type: str('Type of the condition, e.g. Resizing or FileSystemResizePending.'),
    },
    { required: ['type', 'status'], description: 'PersistentVolumeClaimCondition reports one aspect of a claim\'s state.' },
  ),
);

define(
  `${V1}.ModifyVolumeStatus`,
  obj(
    {
      status: enumOf(['InProgress', 'Infeasible', 'Pending'], 'State of the modification: Pending, InProgress or Infeasible.'),
      targetVolumeAttributesClassName: str('Volume attributes class being reconciled to.'),
    },
    { required: ['status'], description: 'ModifyVolumeStatus reports a change of volume attributes class in progress.' },
  ),
);

define(
  `${V1}.PersistentVolumeClaimStatus`,
  obj(
    {
      accessModes: accessModes('Access modes of the bound volume.'),
      allocatedResourceStatuses: strMap('State of each resize operation, keyed by resource name.'),
      allocatedResources: resources('Resources allocated to the claim, including a pending expansion.'),
      capacity: resources('Actual resources of the bound volume.'),
      conditions: keyedList(ref(`${V1}.PersistentVolumeClaimCondition`), 'type', 'Current conditions of the claim.'),
      currentVolumeAttributesClassName: str('Volume attributes class the volume currently has.'),
      modifyVolumeStatus: ref(`${V1}.ModifyVolumeStatus`, 'State of a volume attributes change, if any.'),
      phase: enumOf(['Bound', 'Lost', 'Pending'], 'Lifecycle phase of the claim.'),
    },
    { description: 'PersistentVolumeClaimStatus is the observed state of a claim.' },
  ),
);

define(
  `${V1}.PersistentVolumeClaim`,
  obj(
    {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta(),
      spec: ref(`${V1}.PersistentVolumeClaimSpec`, 'What the claim asks for.'),
      status: ref(`${V1}.PersistentVolumeClaimStatus`, 'Most recently observed state of the claim.'),
    },
    { description: 'PersistentVolumeClaim is a user\'s request for storage, bound to one persistent volume.' },
  ),
);
