// checkVolumeSatisfyClaim: why a volume a claim names in spec.volumeName cannot be bound to it
// (undefined: it can). Unlike the search for a volume, selector and phase do not matter here:
// the user chose this volume.
import { checkAccessModes, claimClass, volumeClass, volumeModeMismatch } from '../../../api/core/v1/storage-helpers.js';
import type { PersistentVolume, PersistentVolumeClaim } from '../../../api/core/v1/types.js';
import { parseQuantity } from '../../../api/quantity/index.js';

const bytes = (q: string | undefined): number => {
  try {
    return parseQuantity(q ?? '0').value();
  } catch {
    return 0;
  }
};

export function checkVolumeSatisfiesClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): string | undefined {
  if (volume.metadata.deletionTimestamp) return `the volume is marked for deletion "${volume.metadata.name}"`;
  if (bytes(volume.spec?.capacity?.['storage']) < bytes(claim.spec?.resources?.requests?.['storage'])) return 'requested PV is too small';
  if (volumeClass(volume) !== claimClass(claim)) return 'storageClassName does not match';
  if (volumeModeMismatch(claim.spec, volume.spec)) return 'incompatible volumeMode';
  if (!checkAccessModes(claim, volume)) return 'incompatible accessMode';
  return undefined;
}
