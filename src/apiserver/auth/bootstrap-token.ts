// Bootstrap tokens (kube-apiserver's --enable-bootstrap-token-auth, upstream's
// plugin/pkg/auth/authenticator/token/bootstrap): `<id>.<secret>` where Secret
// kube-system/bootstrap-token-<id> of type bootstrap.kubernetes.io/token holds the same secret,
// is not expired and allows authentication. The user is system:bootstrap:<id> in
// system:bootstrappers and the Secret's extra groups. Every way a token can fail is "no opinion",
// as upstream: the request is then refused by the union (401), never anonymous.
import type { KubeObject } from '../../api/meta/types.js';
import { bearerToken, constantTimeEqual, type TokenAuthenticator, type TokenResult, type UserInfo } from './token.js';

export const BOOTSTRAP_TOKEN_SECRET_TYPE = 'bootstrap.kubernetes.io/token';
export const BOOTSTRAP_TOKEN_SECRET_PREFIX = 'bootstrap-token-';
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';
const TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
/** Upstream's BootstrapGroupPattern: extra groups must stay under system:bootstrappers:. */
const EXTRA_GROUP = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;

export type SecretGetter = (namespace: string, name: string) => KubeObject | undefined;

interface TokenSecret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

const field = (s: TokenSecret, key: string): string | undefined => {
  const v = s.data?.[key];
  return typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : undefined;
};

/** The user a valid bootstrap token stands for, or undefined (no opinion). */
export function bootstrapTokenUser(token: string, secret: SecretGetter, now: number): UserInfo | undefined {
  const m = TOKEN.exec(token);
  if (!m) return undefined;
  const [, id, tokenSecret] = m as unknown as [string, string, string];
  const s = secret('kube-system', `${BOOTSTRAP_TOKEN_SECRET_PREFIX}${id}`) as TokenSecret | undefined;
  if (!s || s.metadata.deletionTimestamp || s.type !== BOOTSTRAP_TOKEN_SECRET_TYPE) return undefined;
  if (field(s, 'token-id') !== id || !constantTimeEqual(Buffer.from(field(s, 'token-secret') ?? ''), Buffer.from(tokenSecret))) return undefined;
  const expiration = field(s, 'expiration');
  if (expiration !== undefined) {
    const at = Date.parse(expiration);
    if (Number.isNaN(at) || at <= now) return undefined;
  }
  if (field(s, 'usage-bootstrap-authentication') !== 'true') return undefined;
  const extra = (field(s, 'auth-extra-groups') ?? '')
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  if (extra.some((g) => !EXTRA_GROUP.test(g))) return undefined;
  return { name: `system:bootstrap:${id}`, groups: [...new Set([BOOTSTRAPPERS_GROUP, ...extra])] };
}

export class BootstrapTokenAuthenticator implements TokenAuthenticator {
  constructor(
    private readonly secret: SecretGetter,
    private readonly clock: () => number = Date.now,
  ) {}

  authenticate(authorization: string | undefined): UserInfo | undefined {
    const token = bearerToken(authorization);
    return token === undefined ? undefined : bootstrapTokenUser(token, this.secret, this.clock());
  }

  /** Bootstrap tokens carry no audience: good for whatever is asked, as static tokens. */
  authenticateToken(token: string, audiences: readonly string[] = []): TokenResult {
    const user = bootstrapTokenUser(token, this.secret, this.clock());
    return user ? { ok: true, user, audiences: [...audiences] } : { ok: false };
  }
}
