// Several token authenticators behind one: the first that accepts a token wins; if none does,
// their errors are reported together, as upstream's union authenticator aggregates them.
import { bearerToken, type Authenticator, type TokenAuthenticator, type TokenResult, type UserInfo } from './token.js';

export const AUTHENTICATED_GROUP = 'system:authenticated';

export class UnionAuthenticator implements TokenAuthenticator {
  constructor(private readonly authenticators: readonly TokenAuthenticator[]) {}

  authenticate(authorization: string | undefined): UserInfo | undefined {
    const token = bearerToken(authorization);
    if (token === undefined) return undefined;
    const r = this.authenticateToken(token);
    return r.ok ? r.user : undefined;
  }

  authenticateToken(token: string, audiences?: readonly string[]): TokenResult {
    const errs: string[] = [];
    for (const a of this.authenticators) {
      const r = a.authenticateToken(token, audiences);
      if (r.ok) return { ...r, user: withAuthenticatedGroup(r.user) };
      if (r.error) errs.push(r.error);
    }
    if (!errs.length) return { ok: false };
    return { ok: false, error: errs.length === 1 ? errs[0] : `[${errs.join(', ')}]` };
  }
}

/** Every authenticated user is in system:authenticated, whichever authenticator vouched for it. */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  return user.groups.includes(AUTHENTICATED_GROUP) ? user : { ...user, groups: [...user.groups, AUTHENTICATED_GROUP] };
}

/** A header-only authenticator seen as a token authenticator (audience-agnostic, like static tokens). */
export function asTokenAuthenticator(a: Authenticator | TokenAuthenticator): TokenAuthenticator {
  if ('authenticateToken' in a && typeof a.authenticateToken === 'function') return a;
  return {
    authenticate: (authorization) => a.authenticate(authorization),
    authenticateToken(token, audiences = []) {
      const user = a.authenticate(`Bearer ${token}`);
      return user ? { ok: true, user, audiences: [...audiences] } : { ok: false };
    },
  };
}
