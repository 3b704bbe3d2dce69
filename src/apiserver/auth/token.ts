// Bearer-token authentication against a fixed set of tokens (the admin credential and,
// later, node and service-account tokens).
import { createHash, timingSafeEqual } from 'node:crypto';

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
}

export interface Authenticator {
  authenticate(authorization: string | undefined): UserInfo | undefined;
}

export class StaticTokenAuthenticator implements Authenticator {
  // Keyed by a digest so lookups do not compare secrets byte by byte in variable time.
  private readonly users = new Map<string, { digest: Buffer; user: UserInfo }>();

  add(token: string, user: UserInfo): void {
    const digest = createHash('sha256').update(token).digest();
    this.users.set(digest.toString('hex'), { digest, user });
  }

  authenticate(authorization: string | undefined): UserInfo | undefined {
    if (!authorization) return undefined;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m) return undefined;
    const digest = createHash('sha256').update(m[1]!).digest();
    const hit = this.users.get(digest.toString('hex'));
    return hit && timingSafeEqual(hit.digest, digest) ? hit.user : undefined;
  }
}
