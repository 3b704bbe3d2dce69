// OpenAPI definitions of pod volumes and every volume source (Kubernetes 1.32 patch metadata).
import { bool, enumOf, int32, int64, quantity, str, strMap, type Schema } from '../../../schema/dsl.js';
import { labelSelector, objectMeta } from '../../../schema/meta.js';
import { atomicList, def, r, strList } from './schema-common.js';

// ---- volumes --------------------------------------------------------------------------

def('KeyToPath', 'Maps a key of a ConfigMap or Secret to a file path in a volume.', {
  key: str('The key to project.'),
  mode: int32('File mode bits, 0000-0777; defaults to the volume defaultMode.'),
  path: str('Relative path of the file; may not contain "..".'),
}, { required: ['key', 'path'] });

def('HostPathVolumeSource', 'A file or directory of the host mapped into the pod.', {
  path: str('Path on the host.'),
  type: enumOf(['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'], 'What must exist at the path; empty means no check.'),
}, { required: ['path'] });

def('EmptyDirVolumeSource', 'A temporary directory that lives as long as the pod.', {
  medium: str('Storage medium: empty for the node default, or Memory for tmpfs.'),
  sizeLimit: quantity('Maximum size of the directory.'),
});

def('GCEPersistentDiskVolumeSource', 'A Google Compute Engine persistent disk (deprecated in-tree driver).', {
  fsType: str('Filesystem type to mount.'),
  partition: int32('Partition of the disk to mount.'),
  pdName: str('Name of the disk in GCE.'),
  readOnly: bool('Mount read-only.'),
}, { required: ['pdName'] });

def('AWSElasticBlockStoreVolumeSource', 'An AWS EBS disk (deprecated in-tree driver).', {
  fsType: str('Filesystem type to mount.'),
  partition: int32('Partition of the volume to mount.'),
  readOnly: bool('Mount read-only.'),
  volumeID: str('Unique ID of the EBS volume.'),
}, { required: ['volumeID'] });

def('GitRepoVolumeSource', 'A directory populated with a git repository (deprecated).', {
  directory: str('Target directory name; "." means the volume root.'),
  repository: str('Repository URL.'),
  revision: str('Commit hash to check out.'),
}, { required: ['repository'] });

def('SecretVolumeSource', 'Populates a volume with the keys of a Secret.', {
  defaultMode: int32('Mode bits of the created files, 0000-0777; defaults to 0644.'),
  items: atomicList(r('KeyToPath'), 'Keys to project and where; all keys when unset.'),
  optional: bool('Whether the Secret or its keys may be missing.'),
  secretName: str("Name of the Secret in the pod's namespace."),
});

def('NFSVolumeSource', 'An NFS export mounted into the pod.', {
  path: str('Path exported by the NFS server.'),
  readOnly: bool('Mount read-only.'),
  server: str('Host name or IP of the NFS server.'),
}, { required: ['server', 'path'] });

def('ISCSIVolumeSource', 'An iSCSI disk.', {
  chapAuthDiscovery: bool('Use iSCSI Discovery CHAP authentication.'),
  chapAuthSession: bool('Use iSCSI Session CHAP authentication.'),
  fsType: str('Filesystem type to mount.'),
  initiatorName: str('Custom iSCSI initiator name.'),
  iqn: str('Target iSCSI Qualified Name.'),
  iscsiInterface: str('iSCSI interface name; defaults to "default".'),
  lun: int32('Target LUN number.'),
  portals: strList('Target portal addresses.'),
  readOnly: bool('Mount read-only.'),
  secretRef: r('LocalObjectReference', 'Secret with CHAP credentials.'),
  targetPortal: str('Target portal address, IP or ip:port.'),
}, { required: ['targetPortal', 'iqn', 'lun'] });

def('GlusterfsVolumeSource', 'A Glusterfs mount (removed in-tree driver).', {
  endpoints: str('Name of the Endpoints object describing the Glusterfs cluster.'),
  path: str('Glusterfs volume path.'),
  readOnly: bool('Mount read-only.'),
}, { required: ['endpoints', 'path'] });

def('PersistentVolumeClaimVolumeSource', "Mounts the PersistentVolume bound to a claim in the pod's namespace.", {
  claimName: str('Name of the PersistentVolumeClaim.'),
  readOnly: bool('Force the mount read-only.'),
}, { required: ['claimName'] });

def('RBDVolumeSource', 'A Rados Block Device (deprecated in-tree driver).', {
  fsType: str('Filesystem type to mount.'),
  image: str('Rados image name.'),
  keyring: str('Keyring path for the RBD user; defaults to /etc/ceph/keyring.'),
  monitors: strList('Ceph monitors.'),
  pool: str('Rados pool name; defaults to rbd.'),
  readOnly: bool('Mount read-only.'),
  secretRef: r('LocalObjectReference', 'Secret with the authentication key, overriding keyring.'),
  user: str('Rados user name; defaults to admin.'),
}, { required: ['monitors', 'image'] });

def('FlexVolumeSource', 'A volume handled by an exec-based FlexVolume driver.', {
  driver: str('Name of the driver.'),
  fsType: str('Filesystem type to mount.'),
  options: strMap('Driver-specific options.'),
  readOnly: bool('Mount read-only.'),
  secretRef: r('LocalObjectReference', 'Secret passed to the driver scripts.'),
}, { required: ['driver'] });

def('CinderVolumeSource', 'An OpenStack Cinder volume (deprecated in-tree driver).', {
  fsType: str('Filesystem type to mount.'),
  readOnly: bool('Mount read-only.'),
  secretRef: r('LocalObjectReference', 'Secret with OpenStack connection parameters.'),
  volumeID: str('Cinder volume ID.'),
}, { required: ['volumeID'] });

def('CephFSVolumeSource', 'A Ceph filesystem mount (deprecated in-tree driver).', {
  monitors: strList('Ceph monitors.'),
  path: str('Path within the filesystem to mount; defaults to /.'),
  readOnly: bool('Mount read-only.'),
  secretFile: str('Path to the key ring of the user; defaults to /etc/ceph/user.secret.'),
  secretRef: r('LocalObjectReference', 'Secret with the authentication key, overriding secretFile.'),
  user: str('Rados user name; defaults to admin.'),
}, { required: ['monitors'] });

def('FlockerVolumeSource', 'A Flocker dataset (deprecated).', {
  datasetName: str('Name of the dataset.'),
  datasetUUID: str('UUID of the dataset.'),
});

def('DownwardAPIVolumeFile', 'One file of a downward API volume.', {
  fieldRef: r('ObjectFieldSelector', 'Pod field to expose: name, namespace, labels, annotations or uid.'),
  mode: int32('File mode bits, 0000-0777.'),
  path: str('Relative path of the file; may not contain "..".'),
  resourceFieldRef: r('ResourceFieldSelector', 'Container resource limit or request to expose.'),
}, { required: ['path'] });

def('DownwardAPIVolumeSource', 'Exposes pod information as files.', {
  defaultMode: int32('Mode bits of the created files, 0000-0777; defaults to 0644.'),
  items: atomicList(r('DownwardAPIVolumeFile'), 'The files to create.'),
});

def('FCVolumeSource', 'A Fibre Channel disk.', {
  fsType: str('Filesystem type to mount.'),
  lun: int32('Target LUN number.'),
  readOnly: bool('Mount read-only.'),
  targetWWNs: strList('Target worldwide names.'),
  wwids: strList('Worldwide identifiers; either these or targetWWNs with lun.'),
});

def('AzureFileVolumeSource', 'An Azure File share (deprecated in-tree driver).', {
  readOnly: bool('Mount read-only.'),
  secretName: str('Secret holding the storage account name and key.'),
  shareName: str('Share name.'),
}, { required: ['secretName', 'shareName'] });

def('ConfigMapVolumeSource', 'Populates a volume with the keys of a ConfigMap.', {
  defaultMode: int32('Mode bits of the created files, 0000-0777; defaults to 0644.'),
  items: atomicList(r('KeyToPath'), 'Keys to project and where; all keys when unset.'),
  name: str('Name of the ConfigMap.'),
  optional: bool('Whether the ConfigMap or its keys may be missing.'),
});

def('VsphereVirtualDiskVolumeSource', 'A vSphere virtual disk (deprecated in-tree driver).', {
  fsType: str('Filesystem type to mount.'),
  storagePolicyID: str('Storage policy ID matching storagePolicyName.'),
  storagePolicyName: str('Storage policy-based management profile name.'),
  volumePath: str('Path identifying the disk.'),
}, { required: ['volumePath'] });

def('QuobyteVolumeSource', 'A Quobyte mount (removed in-tree driver).', {
  group: str('Group to map volume access to.'),
  readOnly: bool('Mount read-only.'),
  registry: str('Quobyte registry addresses, host:port, comma separated.'),
  tenant: str('Tenant owning the volume.'),
  user: str('User to map volume access to.'),
  volume: str('Name of an existing Quobyte volume.'),
}, { required: ['registry', 'volume'] });

def('AzureDiskVolumeSource', 'An Azure data disk (deprecated in-tree driver).', {
  cachingMode: str('Host caching mode: None, ReadOnly or ReadWrite.'),
  diskName: str('Name of the data disk.'),
  diskURI: str('URI of the data disk.'),
  fsType: str('Filesystem type to mount; defaults to ext4.'),
  kind: str('Shared, Dedicated or Managed; defaults to Shared.'),
  readOnly: bool('Mount read-only.'),
}, { required: ['diskName', 'diskURI'] });

def('PhotonPersistentDiskVolumeSource', 'A Photon Controller persistent disk (removed).', {
  fsType: str('Filesystem type to mount.'),
  pdID: str('ID of the disk.'),
}, { required: ['pdID'] });

def('SecretProjection', 'Projects the keys of a Secret into a projected volume.', {
  items: atomicList(r('KeyToPath'), 'Keys to project and where; all keys when unset.'),
  name: str('Name of the Secret.'),
  optional: bool('Whether the Secret or its keys may be missing.'),
});

def('ConfigMapProjection', 'Projects the keys of a ConfigMap into a projected volume.', {
  items: atomicList(r('KeyToPath'), 'Keys to project and where; all keys when unset.'),
  name: str('Name of the ConfigMap.'),
  optional: bool('Whether the ConfigMap or its keys may be missing.'),
});

def('DownwardAPIProjection', 'Projects pod information into a projected volume.', {
  items: atomicList(r('DownwardAPIVolumeFile'), 'The files to create.'),
});

def('ServiceAccountTokenProjection', 'Projects a service account token into a projected volume.', {
  audience: str('Intended audience of the token; defaults to the API server identifier.'),
  expirationSeconds: int64('Requested lifetime of the token, at least 600; defaults to 3600.'),
  path: str('Path of the token file, relative to the mount point.'),
}, { required: ['path'] });

def('ClusterTrustBundleProjection', 'Projects ClusterTrustBundle certificates into a file.', {
  labelSelector: labelSelector('Selects bundles by label; with signerName.'),
  name: str('Selects one bundle by name; excludes signerName and labelSelector.'),
  optional: bool('Whether missing bundles are tolerated.'),
  path: str('Path of the file, relative to the volume root.'),
  signerName: str('Selects the bundles of this signer.'),
}, { required: ['path'] });

def('VolumeProjection', 'One source of a projected volume.', {
  clusterTrustBundle: r('ClusterTrustBundleProjection', 'Certificates of ClusterTrustBundles.'),
  configMap: r('ConfigMapProjection', 'Keys of a ConfigMap.'),
  downwardAPI: r('DownwardAPIProjection', 'Pod information.'),
  secret: r('SecretProjection', 'Keys of a Secret.'),
  serviceAccountToken: r('ServiceAccountTokenProjection', 'A bound service account token.'),
});

def('ProjectedVolumeSource', 'Several sources projected into one directory.', {
  defaultMode: int32('Mode bits of the created files, 0000-0777; defaults to 0644.'),
  sources: atomicList(r('VolumeProjection'), 'The sources to project.'),
});

def('PortworxVolumeSource', 'A Portworx volume (deprecated in-tree driver).', {
  fsType: str('Filesystem type to mount.'),
  readOnly: bool('Mount read-only.'),
  volumeID: str('Unique ID of the Portworx volume.'),
}, { required: ['volumeID'] });

def('ScaleIOVolumeSource', 'A ScaleIO volume (removed in-tree driver).', {
  fsType: str('Filesystem type to mount; defaults to xfs.'),
  gateway: str('Address of the ScaleIO API gateway.'),
  protectionDomain: str('ScaleIO Protection Domain of the storage.'),
  readOnly: bool('Mount read-only.'),
  secretRef: r('LocalObjectReference', 'Secret with ScaleIO user credentials.'),
  sslEnabled: bool('Use SSL to talk to the gateway.'),
  storageMode: str('ThickProvisioned or ThinProvisioned; defaults to ThinProvisioned.'),
  storagePool: str('ScaleIO Storage Pool of the protection domain.'),
  system: str('Name of the storage system in ScaleIO.'),
  volumeName: str('Name of an existing ScaleIO volume.'),
}, { required: ['gateway', 'system', 'secretRef'] });

def('StorageOSVolumeSource', 'A StorageOS volume (deprecated).', {
  fsType: str('Filesystem type to mount.'),
  readOnly: bool('Mount read-only.'),
  secretRef: r('LocalObjectReference', 'Secret with StorageOS API credentials.'),
  volumeName: str('Human-readable StorageOS volume name.'),
  volumeNamespace: str('StorageOS namespace of the volume; defaults to the pod namespace.'),
});

def('CSIVolumeSource', 'An inline volume provided by a CSI driver.', {
  driver: str('Name of the CSI driver.'),
  fsType: str('Filesystem type to mount.'),
  nodePublishSecretRef: r('LocalObjectReference', 'Secret passed to the NodePublishVolume and NodeUnpublishVolume calls.'),
  readOnly: bool('Mount read-only.'),
  volumeAttributes: strMap('Driver-specific properties.'),
}, { required: ['driver'] });

def('PersistentVolumeClaimTemplate', 'Template of the PersistentVolumeClaim created for an ephemeral volume.', {
  metadata: objectMeta('Labels and annotations copied into the claim.'),
  spec: r('PersistentVolumeClaimSpec', 'Spec of the claim; copied unchanged.'),
}, { required: ['spec'] });

def('EphemeralVolumeSource', 'A volume backed by a PersistentVolumeClaim that lives and dies with the pod.', {
  volumeClaimTemplate: r('PersistentVolumeClaimTemplate', 'Template of the claim, named <pod>-<volume>.'),
});

def('ImageVolumeSource', 'An OCI image or artifact mounted read-only.', {
  pullPolicy: enumOf(['Always', 'IfNotPresent', 'Never'], 'When to pull the reference.'),
  reference: str('Image or artifact reference to mount.'),
});

/** The one-of list of volume sources, shared by Volume and by nothing else in core/v1. */
const volumeSourceFields: Record<string, Schema> = {
  awsElasticBlockStore: r('AWSElasticBlockStoreVolumeSource', 'AWS EBS disk.'),
  azureDisk: r('AzureDiskVolumeSource', 'Azure data disk.'),
  azureFile: r('AzureFileVolumeSource', 'Azure File share.'),
  cephfs: r('CephFSVolumeSource', 'Ceph filesystem.'),
  cinder: r('CinderVolumeSource', 'OpenStack Cinder volume.'),
  configMap: r('ConfigMapVolumeSource', 'ConfigMap contents.'),
  csi: r('CSIVolumeSource', 'Inline CSI volume.'),
  downwardAPI: r('DownwardAPIVolumeSource', 'Pod information as files.'),
  emptyDir: r('EmptyDirVolumeSource', 'Temporary directory sharing the pod lifetime.'),
  ephemeral: r('EphemeralVolumeSource', 'Volume from a per-pod PersistentVolumeClaim.'),
  fc: r('FCVolumeSource', 'Fibre Channel disk.'),
  flexVolume: r('FlexVolumeSource', 'FlexVolume driver volume.'),
  flocker: r('FlockerVolumeSource', 'Flocker dataset.'),
  gcePersistentDisk: r('GCEPersistentDiskVolumeSource', 'GCE persistent disk.'),
  gitRepo: r('GitRepoVolumeSource', 'Git repository checkout (deprecated).'),
  glusterfs: r('GlusterfsVolumeSource', 'Glusterfs mount.'),
  hostPath: r('HostPathVolumeSource', 'File or directory of the host.'),
  image: r('ImageVolumeSource', 'OCI image or artifact.'),
  iscsi: r('ISCSIVolumeSource', 'iSCSI disk.'),
  nfs: r('NFSVolumeSource', 'NFS export.'),
  persistentVolumeClaim: r('PersistentVolumeClaimVolumeSource', 'PersistentVolumeClaim in the same namespace.'),
  photonPersistentDisk: r('PhotonPersistentDiskVolumeSource', 'Photon Controller disk.'),
  portworxVolume: r('PortworxVolumeSource', 'Portworx volume.'),
  projected: r('ProjectedVolumeSource', 'Several sources in one directory.'),
  quobyte: r('QuobyteVolumeSource', 'Quobyte mount.'),
  rbd: r('RBDVolumeSource', 'Rados Block Device.'),
  scaleIO: r('ScaleIOVolumeSource', 'ScaleIO volume.'),
  secret: r('SecretVolumeSource', 'Secret contents.'),
  storageos: r('StorageOSVolumeSource', 'StorageOS volume.'),
  vsphereVolume: r('VsphereVirtualDiskVolumeSource', 'vSphere virtual disk.'),
};
/** Names of every volume source field, in one place for defaulting and validation. */
export const volumeSourceNames: readonly string[] = Object.keys(volumeSourceFields);

def('Volume', 'A named volume that containers of the pod may mount.', {
  ...volumeSourceFields,
  name: str('Name of the volume, a DNS_LABEL unique within the pod.'),
}, { required: ['name'] });
