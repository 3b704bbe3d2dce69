// Which PersistentVolume satisfies a claim: upstream's FindMatchingVolume and the PV
// controller's access-mode index search. The PV binder calls it without a node; the scheduler's
// volume binding calls it with a node-affinity check of its own (so the api layer needs no
// node-selector matcher).
import { selectorFromLabelSelector } from '../../labels/index.js';
import { parseQuantity, type Quantity } from '../../quantity/index.js';
import { checkAccessModes, claimClass, isVolumeBoundToClaim, volumeClass, volumeModeMismatch } from './storage-helpers.js';
import type { AccessMode, PersistentVolume, PersistentVolumeClaim } from './types.js';

export interface MatchOptions {
  /** The claim's class binds late (WaitForFirstConsumer): only a volume pre-bound to it matches without a node. */
  delayBinding: boolean;
  /** Scheduler path: does this volume's node affinity admit the node being considered? */
  nodeAffinityOk?: (pv: PersistentVolume) => boolean;
  /** Volumes to pass over (the scheduler's already-chosen ones). */
  excluded?: ReadonlySet<string>;
}

function storageOf(q: string | undefined): Quantity {
  try {
    return parseQuantity(q ?? '0');
  } catch {
    return parseQuantity('0');
  }
}

/**
 * The best volume among `volumes` for `claim`: one pre-bound to it if any, else the smallest
 * Available one that fits (capacity, volume mode, class, selector; and, with a node, affinity
 * and access modes). Undefined when none does. Throws on a claim selector that cannot parse.
 */
export function findMatchingVolume(claim: PersistentVolumeClaim, volumes: Iterable<PersistentVolume>, opts: MatchOptions): PersistentVolume | undefined {
  // Volume attributes classes are not served: a claim asking for one matches nothing, as upstream with the gate off.
  if (claim.spec?.volumeAttributesClassName) return undefined;
  const requested = storageOf(claim.spec?.resources?.requests?.['storage']);
  const requestedClass = claimClass(claim);
  const selector = claim.spec?.selector ? selectorFromLabelSelector(claim.spec.selector) : undefined;
  const withNode = opts.nodeAffinityOk !== undefined;
  let smallest: PersistentVolume | undefined;
  let smallestQty: Quantity | undefined;
  for (const volume of volumes) {
    if (opts.excluded?.has(volume.metadata.name ?? '')) continue;
    const boundToThis = isVolumeBoundToClaim(volume, claim);
    if (volume.spec?.claimRef && !boundToThis) continue;
    const qty = storageOf(volume.spec?.capacity?.['storage']);
    if (qty.cmp(requested) < 0) continue;
    if (volumeModeMismatch(claim.spec, volume.spec)) continue;
    if (volume.metadata.deletionTimestamp) continue;
    const affinityOk = opts.nodeAffinityOk ? opts.nodeAffinityOk(volume) : true;
    if (boundToThis) {
      // A pre-bound volume is the answer, or (on a node it can't reach) there is none.
      return affinityOk ? volume : undefined;
    }
    // Without a node the binder leaves a late-binding claim to the scheduler.
    if (!withNode && opts.delayBinding) continue;
    // Volumes not yet Available are skipped: they would likely lose a write race.
    if (volume.status?.phase !== 'Available') continue;
    if (selector && !selector.matches(volume.metadata.labels ?? {})) continue;
    if (volumeClass(volume) !== requestedClass) continue;
    if (!affinityOk) continue;
    if (withNode && !checkAccessModes(claim, volume)) continue;
    if (!smallestQty || smallestQty.cmp(qty) > 0) {
      smallest = volume;
      smallestQty = qty;
    }
  }
  return smallest;
}

/** The canonical key of a set of access modes (sorted, comma-joined). */
export const accessModesKey = (modes: readonly AccessMode[] | undefined): string => [...new Set(modes ?? [])].sort().join(',');

/**
 * Upstream's persistentVolumeOrderedIndex search: volumes grouped by their exact access-mode set;
 * the groups whose set holds every mode the claim asks for are tried from the fewest modes up,
 * so a claim gets a volume with no more modes than it needs when one fits.
 */
export function findBestMatchForClaim(claim: PersistentVolumeClaim, byModes: ReadonlyMap<string, Iterable<PersistentVolume>>, delayBinding: boolean): PersistentVolume | undefined {
  const wanted = claim.spec?.accessModes ?? [];
  const candidates = [...byModes.keys()]
    .map((key) => ({ key, modes: key ? key.split(',') : [] }))
    .filter((g) => wanted.every((m) => g.modes.includes(m)))
    .sort((a, b) => a.modes.length - b.modes.length || (a.key < b.key ? -1 : 1));
  for (const g of candidates) {
    const found = findMatchingVolume(claim, byModes.get(g.key)!, { delayBinding });
    if (found) return found;
  }
  return undefined;
}
