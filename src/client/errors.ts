// What an API error means, as client-go's apierrors: a Status reason when the server gave a known
// one, else the HTTP code. Two reasons share 409: AlreadyExists (a create found the name taken)
// and Conflict (a write lost a race on resourceVersion or a precondition).
import { ApiStatusError } from './rest.js';

/** Reasons the API server sends (metav1.StatusReason) that these checks recognise. */
const KNOWN_REASONS = new Set(['NotFound', 'AlreadyExists', 'Conflict', 'Forbidden', 'Invalid', 'Gone', 'Expired']);

function is(err: unknown, reason: string, code: number): boolean {
  if (!(err instanceof ApiStatusError)) return false;
  if (err.reason === reason) return true;
  return !KNOWN_REASONS.has(err.reason ?? '') && err.code === code;
}

export const isNotFound = (err: unknown): boolean => is(err, 'NotFound', 404);
export const isAlreadyExists = (err: unknown): boolean => is(err, 'AlreadyExists', 409);
export const isConflict = (err: unknown): boolean => is(err, 'Conflict', 409);
export const isForbidden = (err: unknown): boolean => is(err, 'Forbidden', 403);
export const isInvalid = (err: unknown): boolean => is(err, 'Invalid', 422);

/** Whether the Status names this cause (details.causes[].reason), e.g. NamespaceTerminating. */
export function hasCause(err: unknown, cause: string): boolean {
  return err instanceof ApiStatusError && !!err.status.details?.causes?.some((c) => c.reason === cause);
}

/** The message of any thrown value, for events and conditions. */
export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
