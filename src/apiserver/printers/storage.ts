// PersistentVolumes, claims and the storage.k8s.io kinds.
import type { KubeObject } from '../../api/meta/types.js';
import { ageColumn, ageOf, column, nameColumn, nameOf, printer, wide } from './columns.js';
import { accessModes, quantity } from './format.js';

// The beta annotation still takes precedence over spec.storageClassName, as upstream reads it.
const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

function storageClassOf(obj: KubeObject, specClass: string | undefined): string {
  return obj.metadata?.annotations?.[BETA_CLASS_ANNOTATION] ?? specClass ?? '';
}

interface PVShape {
  spec?: {
    capacity?: Record<string, unknown>;
    accessModes?: string[];
    persistentVolumeReclaimPolicy?: string;
    claimRef?: { namespace?: string; name?: string };
    storageClassName?: string;
    volumeAttributesClassName?: string;
    volumeMode?: string;
  };
  status?: { phase?: string; reason?: string };
}

export const persistentVolumePrinter = printer<PVShape>(
  [
    nameColumn(),
    column('Capacity', 'string', 'The storage capacity of the volume.'),
    column('Access Modes', 'string', 'The ways the volume can be mounted.'),
    column('Reclaim Policy', 'string', 'What happens to the volume when it is released from its claim.'),
    column('Status', 'string', 'The phase of the volume.'),
    column('Claim', 'string', 'The claim bound to this volume.'),
    column('StorageClass', 'string', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    column('Reason', 'string', 'A brief reason for the volume being in its current phase.'),
    ageColumn(),
    wide('VolumeMode', 'string', 'Whether the volume is a filesystem or a raw block device.'),
  ],
  (pv, now) => {
    const spec = pv.spec ?? {};
    const claim = spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
    const phase = pv.metadata?.deletionTimestamp ? 'Terminating' : pv.status?.phase ?? '';
    return [
      nameOf(pv), quantity(spec.capacity?.['storage']), accessModes(spec.accessModes), spec.persistentVolumeReclaimPolicy ?? '',
      phase, claim, storageClassOf(pv, spec.storageClassName), spec.volumeAttributesClassName ?? '<unset>',
      pv.status?.reason ?? '', ageOf(pv, now), spec.volumeMode ?? '<unset>',
    ];
  },
);

interface PVCShape {
  spec?: { volumeName?: string; storageClassName?: string; volumeAttributesClassName?: string; volumeMode?: string };
  status?: { phase?: string; accessModes?: string[]; capacity?: Record<string, unknown> };
}

export const persistentVolumeClaimPrinter = printer<PVCShape>(
  [
    nameColumn(),
    column('Status', 'string', 'The phase of the claim.'),
    column('Volume', 'string', 'The volume bound to this claim.'),
    column('Capacity', 'string', 'The capacity of the bound volume.'),
    column('Access Modes', 'string', 'The access modes of the bound volume.'),
    column('StorageClass', 'string', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    ageColumn(),
    wide('VolumeMode', 'string', 'Whether the claim asks for a filesystem or a raw block device.'),
  ],
  (pvc, now) => {
    const spec = pvc.spec ?? {};
    const phase = pvc.metadata?.deletionTimestamp ? 'Terminating' : pvc.status?.phase ?? '';
    // Capacity and modes only mean something once the claim is bound to a volume.
    const bound = !!spec.volumeName;
    return [
      nameOf(pvc), phase, spec.volumeName ?? '', bound ? quantity(pvc.status?.capacity?.['storage']) : '',
      bound ? accessModes(pvc.status?.accessModes) : '', storageClassOf(pvc, spec.storageClassName),
      spec.volumeAttributesClassName ?? '<unset>', ageOf(pvc, now), spec.volumeMode ?? '<unset>',
    ];
  },
);

const DEFAULT_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

interface StorageClassShape { provisioner?: string; reclaimPolicy?: string; volumeBindingMode?: string; allowVolumeExpansion?: boolean }

export const storageClassPrinter = printer<StorageClassShape>(
  [
    nameColumn(),
    column('Provisioner', 'string', 'The volume plugin that provisions volumes of this class.'),
    column('ReclaimPolicy', 'string', 'The reclaim policy of volumes provisioned for this class.'),
    column('VolumeBindingMode', 'string', 'When volumes are provisioned and bound: Immediate or WaitForFirstConsumer.'),
    column('AllowVolumeExpansion', 'string', 'Whether claims of this class may be resized.'),
    ageColumn(),
  ],
  (sc, now) => {
    const annotations = sc.metadata?.annotations ?? {};
    const isDefault = DEFAULT_CLASS_ANNOTATIONS.some((a) => annotations[a] === 'true');
    return [
      nameOf(sc) + (isDefault ? ' (default)' : ''), sc.provisioner ?? '', sc.reclaimPolicy ?? 'Delete',
      sc.volumeBindingMode ?? 'Immediate', sc.allowVolumeExpansion ?? false, ageOf(sc, now),
    ];
  },
);

export const volumeAttributesClassPrinter = printer<{ driverName?: string }>(
  [nameColumn(), column('DriverName', 'string', 'The CSI driver that handles this class.'), ageColumn()],
  (vac, now) => {
    const isDefault = vac.metadata?.annotations?.['volumeattributesclass.alpha.kubernetes.io/is-default-class'] === 'true';
    return [nameOf(vac) + (isDefault ? ' (default)' : ''), vac.driverName ?? '', ageOf(vac, now)];
  },
);

interface CSIDriverShape {
  spec?: {
    attachRequired?: boolean; podInfoOnMount?: boolean; storageCapacity?: boolean; requiresRepublish?: boolean;
    tokenRequests?: { audience?: string }[]; volumeLifecycleModes?: string[];
  };
}

export const csiDriverPrinter = printer<CSIDriverShape>(
  [
    nameColumn(),
    column('AttachRequired', 'boolean', 'Whether volumes need a separate attach step.'),
    column('PodInfoOnMount', 'boolean', 'Whether pod information is passed to the driver on mount.'),
    column('StorageCapacity', 'boolean', 'Whether the scheduler considers published storage capacity.'),
    column('TokenRequests', 'string', 'Audiences of service account tokens passed to the driver.'),
    column('RequiresRepublish', 'boolean', 'Whether the driver wants NodePublishVolume called periodically.'),
    column('Modes', 'string', 'Volume lifecycle modes the driver supports.'),
    ageColumn(),
  ],
  (d, now) => {
    const spec = d.spec ?? {};
    const tokens = spec.tokenRequests ? spec.tokenRequests.map((t) => t.audience ?? '').join(',') : '<unset>';
    const modes = (spec.volumeLifecycleModes ?? []).join(',') || '<none>';
    return [
      nameOf(d), spec.attachRequired ?? true, spec.podInfoOnMount ?? false, spec.storageCapacity ?? false,
      tokens, spec.requiresRepublish ?? false, modes, ageOf(d, now),
    ];
  },
);

export const csiNodePrinter = printer<{ spec?: { drivers?: unknown[] } }>(
  [nameColumn(), column('Drivers', 'integer', 'Drivers indicates the number of CSI drivers registered on the node'), ageColumn()],
  (n, now) => [nameOf(n), (n.spec?.drivers ?? []).length, ageOf(n, now)],
);

interface VolumeAttachmentShape { spec?: { attacher?: string; nodeName?: string; source?: { persistentVolumeName?: string } }; status?: { attached?: boolean } }

export const volumeAttachmentPrinter = printer<VolumeAttachmentShape>(
  [
    nameColumn(),
    column('Attacher', 'string', 'The volume driver that attaches the volume.', { format: 'name' }),
    column('PV', 'string', 'The persistent volume being attached.'),
    column('Node', 'string', 'The node the volume is attached to.'),
    column('Attached', 'boolean', 'Whether the attach operation succeeded.'),
    ageColumn(),
  ],
  (va, now) => [
    nameOf(va), va.spec?.attacher ?? '', va.spec?.source?.persistentVolumeName ?? '', va.spec?.nodeName ?? '',
    va.status?.attached ?? false, ageOf(va, now),
  ],
);

export const csiStorageCapacityPrinter = printer<{ storageClassName?: string; capacity?: unknown }>(
  [
    nameColumn(),
    column('StorageClassName', 'string', 'The storage class the capacity applies to.'),
    column('Capacity', 'string', 'The capacity available for new volumes.'),
  ],
  (c) => [nameOf(c), c.storageClassName ?? '', c.capacity === undefined ? '<unset>' : quantity(c.capacity)],
);
