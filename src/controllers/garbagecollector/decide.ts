// What the garbage collector does with one object, given what it learned about each owner:
// upstream's attemptToDeleteItem reduced to a pure function so the rules can be tested alone.
import type { OwnerReference } from '../../api/meta/types.js';

/** An owner that exists (uid matches), is gone, or is being deleted in the foreground. */
export type OwnerState = 'solid' | 'dangling' | 'waitingForDependentsDeletion';

export type DependentAction =
  | { kind: 'none' }
  /** Some owners remain: drop the references to the ones that are gone. */
  | { kind: 'removeReferences'; uids: string[] }
  | { kind: 'delete'; propagationPolicy: 'Background' | 'Foreground' | 'Orphan' };

export interface ClassifiedOwner {
  ref: OwnerReference;
  state: OwnerState;
}

export function decideDependent(owners: ClassifiedOwner[], finalizers: string[] = [], hasDependents = false): DependentAction {
  if (!owners.length) return { kind: 'none' };
  const solid = owners.filter((o) => o.state === 'solid');
  const dangling = owners.filter((o) => o.state === 'dangling');
  const waiting = owners.filter((o) => o.state === 'waitingForDependentsDeletion');
  if (solid.length) {
    // A live owner keeps the object; references to the deleted or deleting ones are dropped
    // (a foreground owner waits on blockOwnerDeletion, so those are dropped too, as upstream does).
    const gone = [...dangling, ...waiting].map((o) => o.ref.uid);
    return gone.length ? { kind: 'removeReferences', uids: gone } : { kind: 'none' };
  }
  // Every owner is gone or going: an owner deleting in the foreground makes this one go in the
  // foreground too when it has dependents of its own, so that they are gone before the owner is.
  if (waiting.length && hasDependents) return { kind: 'delete', propagationPolicy: 'Foreground' };
  // The object's own finalizers ask for a policy; otherwise background.
  if (finalizers.includes('orphan')) return { kind: 'delete', propagationPolicy: 'Orphan' };
  if (finalizers.includes('foregroundDeletion')) return { kind: 'delete', propagationPolicy: 'Foreground' };
  return { kind: 'delete', propagationPolicy: 'Background' };
}

/** Dependents that still block a foreground owner: those whose reference to it says so. */
export function blocksOwner(ownerUid: string, refs: OwnerReference[] | undefined): boolean {
  return (refs ?? []).some((r) => r.uid === ownerUid && r.blockOwnerDeletion === true);
}
