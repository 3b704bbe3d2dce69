// Client-certificate authentication (upstream's x509 authenticator): a certificate the client
// presented in the TLS handshake, issued by the client CA, valid now and made for client auth,
// names the user in its CN and the groups in its O values. The handshake only asks for the
// certificate (clients without one go on to tokens); the chain and dates are checked here, so a
// bad certificate is a 401 rather than a failed handshake, as upstream answers.
import type { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { certificateOutOfDate, parseCaBundle, verifyClientCert } from '../../util/client-cert.js';
import type { UserInfo } from './token.js';

export type X509Result = { ok: true; user: UserInfo } | { ok: false; error: string };

export class X509Authenticator {
  private readonly cas: X509Certificate[];
  /** One verdict per connection (its certificate cannot change), dropped with the socket. */
  private readonly verdicts = new WeakMap<object, X509Result | undefined>();

  constructor(
    caPem: string,
    private readonly clock: () => number = Date.now,
  ) {
    this.cas = parseCaBundle(caPem);
  }

  /** Undefined when the connection carries no client certificate. */
  authenticate(socket: TLSSocket | undefined): X509Result | undefined {
    if (!socket || typeof socket.getPeerX509Certificate !== 'function') return undefined;
    if (this.verdicts.has(socket)) {
      const v = this.verdicts.get(socket);
      // Expiry is re-checked: a long-lived connection outlives its certificate.
      return v?.ok && this.expired(socket) ? { ok: false, error: 'x509: certificate has expired or is not yet valid' } : v;
    }
    const v = this.verify(socket.getPeerX509Certificate());
    this.verdicts.set(socket, v);
    return v;
  }

  private expired(socket: TLSSocket): boolean {
    const cert = socket.getPeerX509Certificate();
    return !cert || this.outOfDate(cert);
  }

  private outOfDate(cert: X509Certificate): boolean {
    return certificateOutOfDate(cert, this.clock());
  }

  verify(cert: X509Certificate | undefined): X509Result | undefined {
    if (!cert) return undefined;
    const v = verifyClientCert(cert, this.cas, this.clock());
    return v.ok ? { ok: true, user: { name: v.name, groups: v.groups } } : v;
  }
}

/** The TLS socket under a request: HTTP/2 streams share their session's socket. */
export function tlsSocketOf(req: { socket?: unknown; stream?: { session?: { socket?: unknown } } }): TLSSocket | undefined {
  const s = (req.stream?.session?.socket ?? req.socket) as TLSSocket | undefined;
  return s && typeof (s as TLSSocket).getPeerX509Certificate === 'function' ? s : undefined;
}
