// The authenticated user of the request being served, kept beside the request so handlers
// (the reviews, the write options admission reads) find it without the request context
// upstream threads through every call.
import type { UserInfo } from '../auth/token.js';

const byRequest = new WeakMap<object, UserInfo>();

export function setRequestUser(req: object, user: UserInfo): void {
  byRequest.set(req, user);
}

export function userOf(req: object): UserInfo | undefined {
  return byRequest.get(req);
}

/** Where admission's audit annotations for this request go (no-op when the request is not audited). */
const annotators = new WeakMap<object, (key: string, value: string) => void>();

export function setRequestAnnotator(req: object, annotate: (key: string, value: string) => void): void {
  annotators.set(req, annotate);
}

export function annotatorOf(req: object): ((key: string, value: string) => void) | undefined {
  return annotators.get(req);
}
