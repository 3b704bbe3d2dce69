// Volume sources only a PersistentVolume can use (their pod-volume cousins live with the Pod
// family), plus SecretReference, which only these sources use.
import { arr, bool, define, int32, obj, ref, str, strMap } from '../../schema/dsl.js';

const V1 = 'io.k8s.api.core.v1';
const secretRef = (description: string) => ref(`${V1}.SecretReference`, description);
const fsType = () => str('Filesystem type to mount, e.g. ext4 or xfs.');
const readOnly = () => bool('Mount the volume read-only.');
const atomicStrings = (description: string) => arr(str(), { listType: 'atomic', description });

define(
  `${V1}.SecretReference`,
  obj(
    {
      name: str('Name of the secret.'),
      namespace: str('Namespace of the secret.'),
    },
    { mapType: 'atomic', description: 'SecretReference names a secret in any namespace.' },
  ),
);

define(
  `${V1}.AzureFilePersistentVolumeSource`,
  obj(
    {
      readOnly: readOnly(),
      secretName: str('Name of the secret holding the storage account name and key.'),
      secretNamespace: str('Namespace of that secret; defaults to the pod\'s.'),
      shareName: str('Name of the Azure file share.'),
    },
    { required: ['secretName', 'shareName'], description: 'AzureFilePersistentVolumeSource mounts an Azure File share.' },
  ),
);

define(
  `${V1}.CephFSPersistentVolumeSource`,
  obj(
    {
      monitors: atomicStrings('Ceph monitor addresses.'),
      path: str('Path inside the filesystem to mount; defaults to /.'),
      readOnly: readOnly(),
      secretFile: str('Path of the keyring for the user; defaults to /etc/ceph/user.secret.'),
      secretRef: secretRef('Secret holding the authentication key for the user.'),
      user: str('Rados user name; defaults to admin.'),
    },
    { required: ['monitors'], description: 'CephFSPersistentVolumeSource mounts a Ceph filesystem.' },
  ),
);

define(
  `${V1}.CinderPersistentVolumeSource`,
  obj(
    {
      fsType: fsType(),
      readOnly: readOnly(),
      secretRef: secretRef('Secret holding parameters to connect to OpenStack.'),
      volumeID: str('ID of the Cinder volume.'),
    },
    { required: ['volumeID'], description: 'CinderPersistentVolumeSource mounts an OpenStack Cinder volume.' },
  ),
);

define(
  `${V1}.CSIPersistentVolumeSource`,
  obj(
    {
      controllerExpandSecretRef: secretRef('Secret passed to the driver\'s ControllerExpandVolume call.'),
      controllerPublishSecretRef: secretRef('Secret passed to the driver\'s ControllerPublishVolume and ControllerUnpublishVolume calls.'),
      driver: str('Name of the CSI driver.'),
      fsType: fsType(),
      nodeExpandSecretRef: secretRef('Secret passed to the driver\'s NodeExpandVolume call.'),
      nodePublishSecretRef: secretRef('Secret passed to the driver\'s NodePublishVolume and NodeUnpublishVolume calls.'),
      nodeStageSecretRef: secretRef('Secret passed to the driver\'s NodeStageVolume, NodeUnstageVolume and NodePublishVolume calls.'),
      readOnly: bool('Publish the volume read-only.'),
      volumeAttributes: strMap('Driver-specific attributes of the volume.'),
      volumeHandle: str('ID by which the driver knows the volume.'),
    },
    { required: ['driver', 'volumeHandle'], description: 'CSIPersistentVolumeSource is storage managed by an external CSI driver.' },
  ),
);

define(
  `${V1}.FlexPersistentVolumeSource`,
  obj(
    {
      driver: str('Name of the driver.'),
      fsType: fsType(),
      options: strMap('Extra options for the driver.'),
      readOnly: readOnly(),
      secretRef: secretRef('Secret passed to the plugin scripts.'),
    },
    { required: ['driver'], description: 'FlexPersistentVolumeSource is storage provisioned by an exec-based plugin.' },
  ),
);

define(
  `${V1}.GlusterfsPersistentVolumeSource`,
  obj(
    {
      endpoints: str('Name of the Endpoints object listing the Glusterfs servers.'),
      endpointsNamespace: str('Namespace of that Endpoints object; defaults to the claim\'s.'),
      path: str('Glusterfs volume path.'),
      readOnly: readOnly(),
    },
    { required: ['endpoints', 'path'], description: 'GlusterfsPersistentVolumeSource mounts a Glusterfs volume.' },
  ),
);

define(
  `${V1}.ISCSIPersistentVolumeSource`,
  obj(
    {
      chapAuthDiscovery: bool('Use iSCSI discovery CHAP authentication.'),
      chapAuthSession: bool('Use iSCSI session CHAP authentication.'),
      fsType: fsType(),
      initiatorName: str('Custom iSCSI initiator name.'),
      iqn: str('iSCSI qualified name of the target.'),
      iscsiInterface: str('iSCSI interface name using the iSCSI transport; defaults to "default".'),
      lun: int32('Target LUN number.'),
      portals: atomicStrings('Additional target portals, as ip:port.'),
      readOnly: readOnly(),
      secretRef: secretRef('Secret holding the CHAP credentials.'),
      targetPortal: str('Target portal, as ip or ip:port (port 3260 by default).'),
    },
    { required: ['targetPortal', 'iqn', 'lun'], description: 'ISCSIPersistentVolumeSource mounts an iSCSI disk.' },
  ),
);

define(
  `${V1}.LocalVolumeSource`,
  obj(
    {
      fsType: str('Filesystem type to format a block device with, when path is one; auto-detected otherwise.'),
      path: str('Full path on the node of the directory, partition or disk.'),
    },
    { required: ['path'], description: 'LocalVolumeSource is storage attached directly to one node.' },
  ),
);

define(
  `${V1}.RBDPersistentVolumeSource`,
  obj(
    {
      fsType: fsType(),
      image: str('Name of the rados image.'),
      keyring: str('Path of the keyring for the user; defaults to /etc/ceph/keyring.'),
      monitors: atomicStrings('Ceph monitor addresses.'),
      pool: str('Rados pool name; defaults to rbd.'),
      readOnly: readOnly(),
      secretRef: secretRef('Secret holding the authentication key; overrides keyring.'),
      user: str('Rados user name; defaults to admin.'),
    },
    { required: ['monitors', 'image'], description: 'RBDPersistentVolumeSource mounts a Rados block device.' },
  ),
);

define(
  `${V1}.ScaleIOPersistentVolumeSource`,
  obj(
    {
      fsType: str('Filesystem type to mount; defaults to xfs.'),
      gateway: str('Address of the ScaleIO API gateway.'),
      protectionDomain: str('ScaleIO protection domain of the storage.'),
      readOnly: readOnly(),
      secretRef: secretRef('Secret holding the ScaleIO user credentials.'),
      sslEnabled: bool('Use SSL to talk to the gateway.'),
      storageMode: str('ThickProvisioned or ThinProvisioned (default).'),
      storagePool: str('ScaleIO storage pool of the protection domain.'),
      system: str('Name of the ScaleIO storage system.'),
      volumeName: str('Name of an existing volume in the ScaleIO system.'),
    },
    { required: ['gateway', 'system', 'secretRef'], description: 'ScaleIOPersistentVolumeSource mounts a ScaleIO volume.' },
  ),
);

define(
  `${V1}.StorageOSPersistentVolumeSource`,
  obj(
    {
      fsType: fsType(),
      readOnly: readOnly(),
      secretRef: ref(`${V1}.ObjectReference`, 'Secret holding the StorageOS API credentials.'),
      volumeName: str('Name of the StorageOS volume.'),
      volumeNamespace: str('StorageOS namespace of the volume.'),
    },
    { description: 'StorageOSPersistentVolumeSource mounts a StorageOS volume.' },
  ),
);

define(
  `${V1}.VolumeNodeAffinity`,
  obj({ required: ref(`${V1}.NodeSelector`, 'Nodes the volume can be reached from.') }, { description: 'VolumeNodeAffinity limits which nodes can reach a volume.' }),
);
