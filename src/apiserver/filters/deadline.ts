// The request deadline, as kube-apiserver's WithRequestDeadline: `--request-timeout` (60 s) for
// every request that is not long-running, shortened by the client's `?timeout=` (what kubectl's
// --request-timeout sends), never lengthened past the server's.
import { DurationError, parseGoDuration } from '../../util/duration.js';
import { errors } from '../errors.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** The deadline of one request in milliseconds; throws upstream's 400 for a timeout Go would not parse. */
export function requestDeadlineMs(query: URLSearchParams, serverTimeoutMs: number): number {
  const given = query.get('timeout');
  if (given === null || given === '') return serverTimeoutMs;
  let seconds: number;
  try {
    seconds = parseGoDuration(given);
  } catch (err) {
    if (err instanceof DurationError) throw errors.badRequest(`invalid timeout specified in the request URL`);
    throw err;
  }
  if (seconds <= 0) return serverTimeoutMs;
  return Math.min(seconds * 1000, serverTimeoutMs);
}

/** Upstream's timeout filter's answer when the deadline passes first. */
export function deadlineExceeded() {
  return errors.timeout('request did not complete within requested timeout - context deadline exceeded');
}
