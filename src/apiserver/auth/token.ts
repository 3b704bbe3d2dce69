// Bearer-token authentication: the user model, the authenticator contracts, and the fixed set
// of tokens (the admin credential and the node join token).
import { createHash, timingSafeEqual } from 'node:crypto';

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  /** Extra attributes, e.g. the pod a service-account token is bound to. */
  extra?: Record<string, string[]>;
}

export interface Authenticator {
  authenticate(authorization: string | undefined): UserInfo | undefined;
}

/**
 * What a token authenticator says of one token: the user and the audiences (of those asked
 * for) it is valid for; or, when it fails, why, or no error when the token is simply not one
 * this authenticator knows (so the next one may try).
 */
export type TokenResult = { ok: true; user: UserInfo; audiences: string[] } | { ok: false; error?: string };

export interface TokenAuthenticator extends Authenticator {
  /** `audiences` defaults to the API server's own. */
  authenticateToken(token: string, audiences?: readonly string[]): TokenResult;
}

/** Equal bytes, compared in constant time; a length mismatch answers early, as Go's ConstantTimeCompare. */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer …` header. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return m ? m[1] : undefined;
}

export class StaticTokenAuthenticator implements TokenAuthenticator {
  // Keyed by a digest so lookups do not compare secrets byte by byte in variable time.
  private readonly users = new Map<string, { digest: Buffer; user: UserInfo }>();

  add(token: string, user: UserInfo): void {
    const digest = createHash('sha256').update(token).digest();
    this.users.set(digest.toString('hex'), { digest, user });
  }

  authenticate(authorization: string | undefined): UserInfo | undefined {
    const token = bearerToken(authorization);
    if (token === undefined) return undefined;
    const r = this.authenticateToken(token);
    return r.ok ? r.user : undefined;
  }

  /** Static tokens carry no audience: they are good for whatever audiences are asked for. */
  authenticateToken(token: string, audiences: readonly string[] = []): TokenResult {
    const digest = createHash('sha256').update(token).digest();
    const hit = this.users.get(digest.toString('hex'));
    return hit && timingSafeEqual(hit.digest, digest) ? { ok: true, user: hit.user, audiences: [...audiences] } : { ok: false };
  }
}
