// Helpers for this folder's tests: error lists printed as the API server prints them.
import { formatFieldError, type FieldError } from '../../../validation/field.js';

export const messages = (errs: FieldError[]): string[] => errs.map(formatFieldError);

/** A stored copy of `obj` as an update would compare against: same metadata, a resourceVersion. */
export function stored<T extends { metadata: { resourceVersion?: string } }>(obj: T): T {
  const copy = structuredClone(obj);
  copy.metadata.resourceVersion = '7';
  return copy;
}
