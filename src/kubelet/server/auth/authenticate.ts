// Who is calling the kubelet API, as upstream's kubelet decides with --anonymous-auth=false and
// --authentication-token-webhook: a client certificate from the client CA first, else a bearer
// token the API server vouches for (TokenReview). Nothing else gets in.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { TokenReviewStatus } from '../../../api/authentication/v1/types.js';
import { certificateOutOfDate, parseCaBundle, verifyClientCert, type ClientCertVerdict } from '../../../util/client-cert.js';
import { TtlCache } from './ttl-cache.js';
import type { Authenticated, KubeletAuthenticator, KubeletUser } from './types.js';

/** Upstream's --authentication-token-webhook-cache-ttl default. */
export const TOKEN_CACHE_TTL_MS = 2 * 60_000;

/** `Authorization: Bearer <token>`, as upstream's bearertoken authenticator reads it. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string') return undefined;
  const parts = value.trim().split(' ');
  if (parts.length < 2 || parts[0]!.toLowerCase() !== 'bearer') return undefined;
  const token = parts[1]!;
  return token === '' ? undefined : token;
}

/** The certificate the client presented in the handshake, checked against the client CA. */
export class X509RequestAuthenticator {
  private readonly cas;
  /** One verdict per connection: its certificate cannot change, only expire. */
  private readonly verdicts = new WeakMap<object, ClientCertVerdict>();

  constructor(
    clientCaPem: string,
    private readonly clock: () => number = Date.now,
  ) {
    this.cas = parseCaBundle(clientCaPem);
  }

  authenticate(req: IncomingMessage): KubeletUser | undefined {
    const socket = req.socket as TLSSocket | undefined;
    if (!socket || typeof socket.getPeerX509Certificate !== 'function') return undefined;
    let cert;
    try {
      cert = socket.getPeerX509Certificate();
    } catch {
      return undefined;
    }
    if (!cert) return undefined;
    let verdict = this.verdicts.get(socket);
    if (!verdict) {
      verdict = verifyClientCert(cert, this.cas, this.clock());
      this.verdicts.set(socket, verdict);
    }
    if (!verdict.ok) return undefined;
    // A long-lived connection (a followed log, a stream) may outlive its certificate.
    if (certificateOutOfDate(cert, this.clock())) return undefined;
    return { name: verdict.name, groups: verdict.groups };
  }
}

/** Asks the API server who a token belongs to. */
export type TokenReviewer = (token: string) => Promise<TokenReviewStatus>;

export interface TokenAuthenticatorOptions {
  review: TokenReviewer;
  /** How long an answer (yes or no) is reused; TOKEN_CACHE_TTL_MS by default. */
  cacheTtlMs?: number;
  clock?: () => number;
  log?: (line: string) => void;
}

/** Bearer tokens through TokenReview, each answer cached as upstream's webhook authenticator does. */
export class TokenReviewAuthenticator {
  private readonly cache: TtlCache<KubeletUser | null>;
  private readonly ttlMs: number;

  constructor(private readonly o: TokenAuthenticatorOptions) {
    this.ttlMs = o.cacheTtlMs ?? TOKEN_CACHE_TTL_MS;
    this.cache = new TtlCache(10_000, o.clock ?? Date.now);
  }

  async authenticate(token: string): Promise<KubeletUser | undefined> {
    // Keyed by a digest: the cache never holds a usable credential.
    const key = createHash('sha256').update(token).digest('base64');
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    let status: TokenReviewStatus;
    try {
      status = await this.o.review(token);
    } catch (err) {
      // Not cached: the next request asks again once the API answers.
      this.o.log?.(`kubelet API: token review failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
    const user = reviewedUser(status);
    this.cache.set(key, user ?? null, this.ttlMs);
    return user;
  }
}

function reviewedUser(status: TokenReviewStatus | undefined): KubeletUser | undefined {
  if (!status || status.authenticated !== true) return undefined;
  const u = status.user;
  if (!u || typeof u.username !== 'string' || u.username === '') return undefined;
  const user: KubeletUser = { name: u.username, groups: Array.isArray(u.groups) ? u.groups.filter((g): g is string => typeof g === 'string') : [] };
  if (typeof u.uid === 'string' && u.uid) user.uid = u.uid;
  if (u.extra && typeof u.extra === 'object') user.extra = u.extra;
  return user;
}

/** Certificate first, then token; a bad certificate does not stop a good token, as upstream's union. */
export class KubeletRequestAuthenticator implements KubeletAuthenticator {
  constructor(
    private readonly x509: X509RequestAuthenticator,
    private readonly tokens: TokenReviewAuthenticator | undefined,
  ) {}

  async authenticate(req: IncomingMessage): Promise<Authenticated | undefined> {
    const certUser = this.x509.authenticate(req);
    if (certUser) return { user: certUser, via: 'x509' };
    const token = bearerToken(req.headers.authorization);
    if (!token || !this.tokens) return undefined;
    const user = await this.tokens.authenticate(token);
    return user ? { user, via: 'token' } : undefined;
  }
}
