// Semantic equality of decoded JSON values, as upstream's typed comparison sees them: what the
// field manager compares and what the generic store uses to tell a no-op write from a change.

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  // A member set to null is the same as an absent one, as in upstream's typed comparison.
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined && ao[k] !== null);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined && bo[k] !== null);
  if (ak.length !== bk.length) return false;
  for (const k of ak) if (!deepEqual(ao[k], bo[k])) return false;
  return true;
}
