// k3s's join token: `K10<sha256 of the cluster CA bundle>::<credential>`. The hash lets a joiner
// that trusts nothing yet fetch the CA from the server (GET /cacerts, unauthenticated), check it
// against the token, and only then send the credential over a connection it can verify. The
// credential is `server:<secret>` (the server token), `node:<secret>` (--agent-token) or a
// bootstrap token `<id>.<secret>` (`k8ts token create`). A bare secret is accepted too, with the
// CA given some other way (--ca-file, or the server's own data dir).
import { createHash } from 'node:crypto';

const PREFIX = 'K10';

export interface JoinToken {
  /** Hex sha256 of the CA bundle the server answers at /cacerts; absent for a bare secret. */
  caHash?: string;
  /** What goes on the wire as the bearer token. */
  bearer: string;
  /** `server` or `node` for k3s's `user:secret` credentials; undefined for bootstrap tokens and bare secrets. */
  role?: string;
}

/** The hex sha256 a token carries for this CA bundle (the exact bytes /cacerts serves). */
export function caHash(caPem: string): string {
  return createHash('sha256').update(caPem).digest('hex');
}

/** The full token for a CA bundle and a credential (`server:<secret>`, `node:<secret>` or `<id>.<secret>`). */
export function formatJoinToken(caPem: string, credential: string): string {
  return `${PREFIX}${caHash(caPem)}::${credential}`;
}

/** Reads a token as given to `--token`; throws a one-line error for a malformed full token. */
export function parseJoinToken(token: string): JoinToken {
  const t = token.trim();
  if (!t) throw new Error('the token is empty');
  if (!t.startsWith(PREFIX) || !t.includes('::')) return { bearer: t };
  const sep = t.indexOf('::');
  const hash = t.slice(PREFIX.length, sep);
  const credential = t.slice(sep + 2);
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error('the token\'s CA hash is not a sha256 in hex (a full token is K10<64 hex digits>::<credential>)');
  if (!credential) throw new Error('the token has a CA hash but no credential after "::"');
  const colon = credential.indexOf(':');
  if (colon > 0) {
    const secret = credential.slice(colon + 1);
    if (!secret) throw new Error(`the token's credential "${credential.slice(0, colon)}:" has no secret`);
    return { caHash: hash, role: credential.slice(0, colon), bearer: secret };
  }
  return { caHash: hash, bearer: credential };
}
